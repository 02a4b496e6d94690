// KeyStore: every key and alias, cached in memory and persisted in SQLite.
// Reads come from the cache (shared lock, no SQLite); writes go through one SQLite connection in
// a transaction (WAL, synchronous=FULL) and are published to the cache only after they commit,
// so an acknowledged write survives kill -9.
#pragma once

#include <functional>
#include <kms/result.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/grant.hpp"
#include "domain/import_wrapping.hpp"
#include "domain/key.hpp"

namespace kms::emulator {

namespace sqlite {
class Database;
}

class KeyStore {
 public:
  // Opens (creating 0600 if missing) and migrates the database at `path`, then loads every key
  // and alias into memory. ":memory:" keeps nothing. kInternal error with SQLite's message when
  // the file cannot be opened or is not a database of ours.
  static Result<std::unique_ptr<KeyStore>> Open(const std::string& path);
  ~KeyStore();
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;

  // The key, or nullptr. Thread-safe; never touches SQLite.
  std::shared_ptr<const Key> FindKey(std::string_view account, std::string_view region,
                                     std::string_view key_id) const;
  // The alias, or nullopt. Thread-safe; never touches SQLite.
  std::optional<Alias> FindAlias(std::string_view account, std::string_view region,
                                 std::string_view alias_name) const;
  // All keys of (account, region), ordered by key id. Thread-safe.
  std::vector<std::shared_ptr<const Key>> ListKeys(std::string_view account,
                                                   std::string_view region) const;
  // All aliases of (account, region), ordered by alias name. Thread-safe.
  std::vector<Alias> ListAliases(std::string_view account, std::string_view region) const;
  // Number of aliases that point at the key. Thread-safe.
  size_t CountAliases(std::string_view account, std::string_view region,
                      std::string_view key_id) const;

  // Inserts a new key (with its materials and tags). kAlreadyExists if the id is taken.
  // Thread-safe.
  Status CreateKey(const Key& key);

  // Atomically applies `mutate` to a copy of the key and persists the result. `mutate` may
  // return an error to abort (nothing is written). kNotFound if the key is gone. Returns the new
  // snapshot. Writers are serialized; `mutate` must not call back into the store.
  // When the key is the primary of a multi-Region set, the shared properties (key material,
  // rotations; CopySharedProperties) are copied to its replicas in the same transaction.
  Result<std::shared_ptr<const Key>> UpdateKey(std::string_view account, std::string_view region,
                                               std::string_view key_id,
                                               const std::function<Status(Key&)>& mutate);

  // The keys of `account`'s multi-Region set `key_id` in every region (keys with that id whose
  // multi_region is set), oldest first (creation date, then region). Thread-safe.
  std::vector<std::shared_ptr<const Key>> FindMultiRegionKeys(std::string_view account,
                                                              std::string_view key_id) const;

  // Atomically applies `mutate` to copies of a key and of the other keys of its multi-Region set
  // (the anchor (account, region, key_id) first, then the others by region; only the anchor for a
  // single-Region key) and persists every one in one transaction. `mutate` may change the keys
  // (not their account, region or id) and append new keys of the same account and id in other
  // regions (inserted; kAlreadyExists "Key '<arn>' already exists" if the region has one). An
  // error from `mutate` aborts the whole write. kNotFound if the anchor is gone. Returns the new
  // snapshots in group order. Writers are serialized; `mutate` must not call into the store.
  // UpdateKey's copying from a primary to its replicas does not apply: `mutate` decides.
  Result<std::vector<std::shared_ptr<const Key>>> UpdateKeyGroup(
      std::string_view account, std::string_view region, std::string_view key_id,
      const std::function<Status(std::vector<Key>&)>& mutate);

  // Deletes a key, its materials, tags and every alias pointing at it. Thread-safe.
  Status DeleteKey(std::string_view account, std::string_view region, std::string_view key_id);

  // Inserts an alias; kAlreadyExists when the name is taken (message as AWS: "An alias with the
  // name arn:... already exists"). Thread-safe.
  Status CreateAlias(const Alias& alias);
  // Points an existing alias at another key and sets last_updated_ms. kNotFound when absent.
  Status UpdateAlias(std::string_view account, std::string_view region, std::string_view name,
                     std::string_view target_key_id, int64_t now_ms);
  // Removes an alias; kNotFound when absent. Thread-safe.
  Status DeleteAlias(std::string_view account, std::string_view region, std::string_view name);

  // Deletes every key whose deletion date is at or before `now_ms`. Returns how many. A
  // multi-Region primary key in PendingReplicaDeletion whose last replica this deletes becomes
  // PendingDeletion, its waiting period starting at that replica's deletion date (AWS).
  Result<size_t> DeleteExpiredKeys(int64_t now_ms);

  // Every key (all accounts and regions) for which `pred` is true, in no particular order.
  // `pred` runs under the shared cache lock and must not call into the store. Thread-safe.
  std::vector<std::shared_ptr<const Key>> FindKeys(
      const std::function<bool(const Key&)>& pred) const;

  // ---- Grants: in SQLite only (no hot path reads them yet); every call takes the writer
  // lock. Implemented in grant_store.cpp. Grants go with their key (cascade). ----

  // What CreateGrant did: the grant's id, and whether it is new or an earlier identical one.
  struct GrantCreation {
    std::string grant_id;
    bool created = false;
  };
  // Inserts `grant` with its first `token`; or, when `grant` has a name and the key already has
  // a grant for the same request (SameGrantRequest), adds `token` to that grant instead (AWS: a
  // retried CreateGrant with a Name is idempotent). kLimitExceeded when the key already has
  // `max_grants_per_key` grants; "Key '<arn>' does not exist" (kNotFound) when the key is gone.
  // Thread-safe.
  Result<GrantCreation> CreateGrant(const Grant& grant, std::string_view token,
                                    size_t max_grants_per_key);
  // The key's grants, oldest first (creation date, then id). Thread-safe.
  Result<std::vector<Grant>> ListGrants(std::string_view account, std::string_view region,
                                        std::string_view key_id) const;
  // Grants on keys of `region` (any account) whose retiring principal is `principal`, oldest
  // first. Thread-safe.
  Result<std::vector<Grant>> ListRetirableGrants(std::string_view region,
                                                 std::string_view principal) const;
  // The grant `token` was issued for; nullopt when none has it (retired, revoked, never
  // issued). Thread-safe.
  Result<std::optional<Grant>> FindGrantByToken(std::string_view token) const;
  // Deletes the key's grant `grant_id` and its tokens. False when the key has no such grant.
  // Thread-safe.
  Result<bool> DeleteGrant(std::string_view account, std::string_view region,
                           std::string_view key_id, std::string_view grant_id);

  // ---- Import parameters (GetParametersForImport): SQLite only, every call under the writer
  // lock; they go with their key (cascade). Implemented in import_store.cpp. ----

  // Stores `params` and drops every set whose validity ended before `now_ms`. "Key '<arn>' does
  // not exist" (kNotFound) when the key is gone. Thread-safe.
  Status PutImportParameters(const ImportParameters& params, int64_t now_ms);
  // The set whose token id is `token_id` (expired ones too, until dropped), or nullopt.
  // Thread-safe.
  Result<std::optional<ImportParameters>> FindImportParameters(std::string_view token_id) const;

 private:
  struct Impl;
  explicit KeyStore(std::unique_ptr<Impl> impl);
  // Runs `fn` on the write connection under the writer lock: for the operations that touch
  // only SQLite, never the cache. `fn` must not call back into the store's writers.
  Status WithDatabase(const std::function<Status(sqlite::Database&)>& fn) const;
  // The multi-Region primary keys in PendingReplicaDeletion that have no replica left once
  // `deleted` are gone, as they become (PendingDeletion). Caller holds the writer lock.
  std::vector<std::shared_ptr<const Key>> PrimariesLeftWithoutReplicas(
      const std::vector<std::shared_ptr<const Key>>& deleted) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kms::emulator
