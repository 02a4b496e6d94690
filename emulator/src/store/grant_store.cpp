// KeyStore's grant methods: SQLite only, each under the writer lock (WithDatabase), multi-statement
// changes in one transaction.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "store/grant_rows.hpp"
#include "store/key_store.hpp"
#include "store/sqlite.hpp"

namespace kms::emulator {
namespace {

// The grant to reuse for an idempotent CreateGrant, or nullptr.
const Grant* FindSameRequest(const std::vector<Grant>& existing, const Grant& grant) {
  auto it = std::find_if(existing.begin(), existing.end(),
                         [&](const Grant& g) { return SameGrantRequest(g, grant); });
  return it == existing.end() ? nullptr : &*it;
}

// Runs `write` in a transaction on `db`.
Status InTransaction(sqlite::Database& db, const std::function<Status()>& write) {
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(db);
  if (!tx) return tx.error();
  Status written = write();
  if (!written) return written;
  return tx->Commit();
}

}  // namespace

Result<KeyStore::GrantCreation> KeyStore::CreateGrant(const Grant& grant, std::string_view token,
                                                      size_t max_grants_per_key) {
  GrantCreation outcome;
  Status done = WithDatabase([&](sqlite::Database& db) -> Status {
    if (FindKey(grant.account, grant.region, grant.key_id) == nullptr) {
      return MakeError(ErrorCode::kNotFound, "Key '" + grant.KeyArn() + "' does not exist");
    }
    if (grant.name) {
      auto named =
          rows::GrantsOfKeyNamed(db, grant.account, grant.region, grant.key_id, *grant.name);
      if (!named) return named.error();
      if (const Grant* same = FindSameRequest(*named, grant)) {
        outcome.grant_id = same->id;
        return rows::InsertGrantToken(db, same->id, token);
      }
    }
    auto count = rows::CountGrantsOfKey(db, grant.account, grant.region, grant.key_id);
    if (!count) return count.error();
    if (static_cast<size_t>(*count) >= max_grants_per_key) {
      // AWS's quota is documented (50,000 grants per key); its message is not recorded (n/v).
      return MakeError(ErrorCode::kLimitExceeded,
                       "The grants per key quota has been exceeded for " + grant.KeyArn() + ".");
    }
    outcome.grant_id = grant.id;
    outcome.created = true;
    return InTransaction(db, [&] { return rows::InsertGrant(db, grant, token); });
  });
  if (!done) return done.error();
  return outcome;
}

Result<std::vector<Grant>> KeyStore::ListGrants(std::string_view account, std::string_view region,
                                                std::string_view key_id) const {
  std::vector<Grant> grants;
  Status done = WithDatabase([&](sqlite::Database& db) -> Status {
    auto found = rows::GrantsOfKey(db, account, region, key_id);
    if (!found) return found.error();
    grants = std::move(*found);
    return {};
  });
  if (!done) return done.error();
  return grants;
}

Result<std::vector<Grant>> KeyStore::ListRetirableGrants(std::string_view region,
                                                         std::string_view principal) const {
  std::vector<Grant> grants;
  Status done = WithDatabase([&](sqlite::Database& db) -> Status {
    auto found = rows::GrantsRetirableBy(db, region, principal);
    if (!found) return found.error();
    grants = std::move(*found);
    return {};
  });
  if (!done) return done.error();
  return grants;
}

Result<std::optional<Grant>> KeyStore::FindGrantByToken(std::string_view token) const {
  std::optional<Grant> grant;
  Status done = WithDatabase([&](sqlite::Database& db) -> Status {
    auto found = rows::GrantsWithToken(db, token);
    if (!found) return found.error();
    if (!found->empty()) grant = std::move(found->front());
    return {};
  });
  if (!done) return done.error();
  return grant;
}

Result<bool> KeyStore::DeleteGrant(std::string_view account, std::string_view region,
                                   std::string_view key_id, std::string_view grant_id) {
  bool deleted = false;
  Status done = WithDatabase([&](sqlite::Database& db) -> Status {
    auto grant = rows::GrantOfKey(db, account, region, key_id, grant_id);
    if (!grant) return grant.error();
    if (grant->empty()) return {};
    deleted = true;
    return InTransaction(db, [&] { return rows::DeleteGrant(db, grant_id); });
  });
  if (!done) return done.error();
  return deleted;
}

}  // namespace kms::emulator
