// KeyStore: SQLite persistence (WAL, synchronous=FULL) behind an in-memory cache of immutable key
// snapshots. Writers hold write_mutex (one connection), commit, then swap pointers under a brief
// exclusive cache lock; readers only ever take the shared cache lock.
#include "store/key_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "domain/multi_region.hpp"
#include "store/key_rows.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

namespace kms::emulator {
namespace {

constexpr const char* kMemoryPath = ":memory:";

// ---- The cache: (account, region) -> scope -> keys by id, aliases by name ----

// Hashes std::string and std::string_view alike, so lookups by view do not allocate.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

using KeyMap =
    std::unordered_map<std::string, std::shared_ptr<const Key>, StringHash, std::equal_to<>>;
using AliasMap = std::map<std::string, Alias, std::less<>>;

struct Scope {
  KeyMap keys;
  AliasMap aliases;
};

struct ScopeView {
  std::string_view account;
  std::string_view region;
};

struct ScopeName {
  std::string account;
  std::string region;
};

struct ScopeHash {
  using is_transparent = void;
  size_t operator()(ScopeView v) const noexcept {
    size_t h = std::hash<std::string_view>{}(v.account);
    return h ^
           (std::hash<std::string_view>{}(v.region) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
  size_t operator()(const ScopeName& n) const noexcept {
    return (*this)(ScopeView{n.account, n.region});
  }
};

struct ScopeEqual {
  using is_transparent = void;
  static ScopeView View(ScopeView v) { return v; }
  static ScopeView View(const ScopeName& n) { return {n.account, n.region}; }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const noexcept {
    ScopeView x = View(a);
    ScopeView y = View(b);
    return x.account == y.account && x.region == y.region;
  }
};

using ScopeMap = std::unordered_map<ScopeName, Scope, ScopeHash, ScopeEqual>;

// ---- Errors (AWS wording) ----

Error KeyNotFound(std::string_view account, std::string_view region, std::string_view key_id) {
  return MakeError(ErrorCode::kNotFound,
                   "Key '" + KeyArn(region, account, key_id) + "' does not exist");
}

Error AliasNotFound(std::string_view account, std::string_view region, std::string_view name) {
  Alias alias{std::string(account), std::string(region), std::string(name), {}, 0, 0};
  return MakeError(ErrorCode::kNotFound, "Alias " + alias.Arn() + " is not found.");
}

Error Internal(std::string message) { return MakeError(ErrorCode::kInternal, std::move(message)); }

// ---- Opening ----

// Creates the file 0600 before SQLite sees it; SQLite gives -wal and -shm the same mode.
Status CreatePrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return {};
  }
  if (errno == EEXIST) return {};
  return Internal(std::error_code(errno, std::generic_category()).message());
}

// Connection settings first (they do not touch the file), then the version check, and only
// then anything that writes: a foreign or newer database is left exactly as it was.
Status Configure(sqlite::Database& db, bool in_memory) {
  Status set = db.Exec(
      "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; "
      "PRAGMA secure_delete = ON");
  if (!set) return set;
  Result<int64_t> version = schema::CheckVersion(db);
  if (!version) return version.error();
  Result<std::string> mode = db.QueryText("PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  if (*mode != (in_memory ? "memory" : "wal")) {
    return Internal("SQLite refused WAL mode (journal mode is " + *mode + ")");
  }
  return schema::Migrate(db);
}

}  // namespace

// ---- Impl ----

struct KeyStore::Impl {
  explicit Impl(sqlite::Database database) : db(std::move(database)) {}

  // Writers hold write_mutex for their whole operation; it guards `db` and is the only way to
  // change `scopes`, so a writer may read `scopes` without cache_mutex. Changes to `scopes`
  // additionally take cache_mutex exclusively, after the transaction has committed.
  std::mutex write_mutex;
  sqlite::Database db;
  mutable std::shared_mutex cache_mutex;
  ScopeMap scopes;

  const Scope* FindScope(std::string_view account, std::string_view region) const {
    auto it = scopes.find(ScopeView{account, region});
    return it == scopes.end() ? nullptr : &it->second;
  }
  Scope& ScopeFor(std::string_view account, std::string_view region) {
    auto it = scopes.find(ScopeView{account, region});
    if (it != scopes.end()) return it->second;
    return scopes[ScopeName{std::string(account), std::string(region)}];
  }
  // The cached key, or nullptr. Caller holds write_mutex or cache_mutex.
  const std::shared_ptr<const Key>* FindCached(std::string_view account, std::string_view region,
                                               std::string_view key_id) const {
    const Scope* scope = FindScope(account, region);
    if (scope == nullptr) return nullptr;
    auto it = scope->keys.find(key_id);
    return it == scope->keys.end() ? nullptr : &it->second;
  }
  const Alias* FindCachedAlias(std::string_view account, std::string_view region,
                               std::string_view name) const {
    const Scope* scope = FindScope(account, region);
    if (scope == nullptr) return nullptr;
    auto it = scope->aliases.find(name);
    return it == scope->aliases.end() ? nullptr : &it->second;
  }
  // The other keys of `key`'s multi-Region set (none for a single-Region key), by region.
  // Caller holds write_mutex or cache_mutex.
  std::vector<std::shared_ptr<const Key>> Related(const Key& key) const {
    std::vector<std::shared_ptr<const Key>> related;
    if (!key.multi_region) return related;
    for (const auto& [name, scope] : scopes) {
      if (name.account != key.account || name.region == key.region) continue;
      auto it = scope.keys.find(key.id);
      if (it != scope.keys.end() && it->second->multi_region) related.push_back(it->second);
    }
    std::sort(related.begin(), related.end(),
              [](const auto& a, const auto& b) { return a->region < b->region; });
    return related;
  }
  // Replaces cached snapshots (after their commit). Caller holds write_mutex.
  void Publish(const std::vector<std::shared_ptr<const Key>>& keys) {
    std::unique_lock lock(cache_mutex);
    for (const auto& key : keys) {
      ScopeFor(key->account, key->region).keys.insert_or_assign(key->id, key);
    }
  }
  // Drops a deleted key and its aliases from the cache. Caller holds both locks.
  void Forget(std::string_view account, std::string_view region, std::string_view key_id) {
    Scope& scope = ScopeFor(account, region);
    if (auto it = scope.keys.find(key_id); it != scope.keys.end()) scope.keys.erase(it);
    std::erase_if(scope.aliases,
                  [&](const auto& entry) { return entry.second.target_key_id == key_id; });
  }

  Status Load() {
    Result<std::vector<std::shared_ptr<Key>>> keys = rows::LoadKeys(db);
    if (!keys) return keys.error();
    for (std::shared_ptr<Key>& key : *keys) {
      Scope& scope = ScopeFor(key->account, key->region);
      std::string id = key->id;
      scope.keys.emplace(std::move(id), std::move(key));
    }
    Result<std::vector<Alias>> aliases = rows::LoadAliases(db);
    if (!aliases) return aliases.error();
    for (Alias& alias : *aliases) {
      std::string name = alias.name;
      ScopeFor(alias.account, alias.region).aliases.emplace(std::move(name), std::move(alias));
    }
    return {};
  }
};

// ---- Open ----

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::string& path) {
  auto fail = [&path](const Error& e) {
    return Internal("cannot open key store '" + path + "': " + e.message);
  };
  bool in_memory = path == kMemoryPath;
  if (!in_memory) {
    Status created = CreatePrivateFile(path);
    if (!created) return fail(created.error());
  }
  Result<sqlite::Database> db = sqlite::Database::Open(path);
  if (!db) return fail(db.error());
  Status configured = Configure(*db, in_memory);
  if (!configured) return fail(configured.error());
  auto impl = std::make_unique<Impl>(std::move(*db));
  Status loaded = impl->Load();
  if (!loaded) return fail(loaded.error());
  return std::unique_ptr<KeyStore>(new KeyStore(std::move(impl)));
}

KeyStore::KeyStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KeyStore::~KeyStore() = default;

// ---- Reads ----

std::shared_ptr<const Key> KeyStore::FindKey(std::string_view account, std::string_view region,
                                             std::string_view key_id) const {
  std::shared_lock lock(impl_->cache_mutex);
  const std::shared_ptr<const Key>* key = impl_->FindCached(account, region, key_id);
  return key == nullptr ? nullptr : *key;
}

std::optional<Alias> KeyStore::FindAlias(std::string_view account, std::string_view region,
                                         std::string_view alias_name) const {
  std::shared_lock lock(impl_->cache_mutex);
  const Alias* alias = impl_->FindCachedAlias(account, region, alias_name);
  if (alias == nullptr) return std::nullopt;
  return *alias;
}

std::vector<std::shared_ptr<const Key>> KeyStore::ListKeys(std::string_view account,
                                                           std::string_view region) const {
  std::vector<std::shared_ptr<const Key>> keys;
  {
    std::shared_lock lock(impl_->cache_mutex);
    const Scope* scope = impl_->FindScope(account, region);
    if (scope == nullptr) return keys;
    keys.reserve(scope->keys.size());
    for (const auto& entry : scope->keys) keys.push_back(entry.second);
  }
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  return keys;
}

std::vector<Alias> KeyStore::ListAliases(std::string_view account, std::string_view region) const {
  std::vector<Alias> aliases;
  std::shared_lock lock(impl_->cache_mutex);
  const Scope* scope = impl_->FindScope(account, region);
  if (scope == nullptr) return aliases;
  aliases.reserve(scope->aliases.size());
  for (const auto& entry : scope->aliases) aliases.push_back(entry.second);
  return aliases;
}

size_t KeyStore::CountAliases(std::string_view account, std::string_view region,
                              std::string_view key_id) const {
  std::shared_lock lock(impl_->cache_mutex);
  const Scope* scope = impl_->FindScope(account, region);
  if (scope == nullptr) return 0;
  return static_cast<size_t>(
      std::count_if(scope->aliases.begin(), scope->aliases.end(),
                    [&](const auto& entry) { return entry.second.target_key_id == key_id; }));
}

// ---- Key writes ----

Status KeyStore::CreateKey(const Key& key) {
  std::lock_guard write(impl_->write_mutex);
  if (impl_->FindCached(key.account, key.region, key.id) != nullptr) {
    return MakeError(ErrorCode::kAlreadyExists, "Key '" + key.Arn() + "' already exists");
  }
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(impl_->db);
  if (!tx) return tx.error();
  Status written = rows::InsertKey(impl_->db, key);
  if (written) written = tx->Commit();
  if (!written) return written;

  std::shared_ptr<const Key> snapshot = std::make_shared<Key>(key);
  std::unique_lock lock(impl_->cache_mutex);
  impl_->ScopeFor(key.account, key.region).keys.emplace(key.id, std::move(snapshot));
  return {};
}

Result<std::shared_ptr<const Key>> KeyStore::UpdateKey(std::string_view account,
                                                       std::string_view region,
                                                       std::string_view key_id,
                                                       const std::function<Status(Key&)>& mutate) {
  std::lock_guard write(impl_->write_mutex);
  const std::shared_ptr<const Key>* current = impl_->FindCached(account, region, key_id);
  if (current == nullptr) return KeyNotFound(account, region, key_id);
  Key next = **current;  // materials are shared, not copied
  Status mutated = mutate(next);
  if (!mutated) return mutated.error();
  if (next.account != account || next.region != region || next.id != key_id) {
    return Internal("UpdateKey cannot change the account, region or id of a key");
  }
  // AWS: the replicas of a primary follow its key material and rotation.
  std::vector<std::shared_ptr<const Key>> snapshots;
  if (next.IsMultiRegionPrimary()) {
    for (const auto& replica : impl_->Related(next)) {
      Key copy = *replica;
      CopySharedProperties(next, copy);
      snapshots.push_back(std::make_shared<const Key>(std::move(copy)));
    }
  }
  std::shared_ptr<const Key> snapshot = std::make_shared<const Key>(std::move(next));
  snapshots.push_back(snapshot);
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(impl_->db);
  if (!tx) return tx.error();
  for (const auto& key : snapshots) {
    Status written = rows::UpdateKey(impl_->db, *key);
    if (!written) return written.error();
  }
  if (Status committed = tx->Commit(); !committed) return committed.error();
  impl_->Publish(snapshots);
  return snapshot;
}

std::vector<std::shared_ptr<const Key>> KeyStore::FindMultiRegionKeys(
    std::string_view account, std::string_view key_id) const {
  std::vector<std::shared_ptr<const Key>> keys;
  {
    std::shared_lock lock(impl_->cache_mutex);
    for (const auto& [name, scope] : impl_->scopes) {
      if (name.account != account) continue;
      auto it = scope.keys.find(key_id);
      if (it != scope.keys.end() && it->second->multi_region) keys.push_back(it->second);
    }
  }
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return a->creation_ms != b->creation_ms ? a->creation_ms < b->creation_ms
                                            : a->region < b->region;
  });
  return keys;
}

Result<std::vector<std::shared_ptr<const Key>>> KeyStore::UpdateKeyGroup(
    std::string_view account, std::string_view region, std::string_view key_id,
    const std::function<Status(std::vector<Key>&)>& mutate) {
  std::lock_guard write(impl_->write_mutex);
  const std::shared_ptr<const Key>* anchor = impl_->FindCached(account, region, key_id);
  if (anchor == nullptr) return KeyNotFound(account, region, key_id);
  std::vector<Key> group{**anchor};
  for (const auto& other : impl_->Related(**anchor)) group.push_back(*other);
  std::vector<std::string> regions;
  for (const Key& key : group) regions.push_back(key.region);
  Status mutated = mutate(group);
  if (!mutated) return mutated.error();
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(impl_->db);
  if (!tx) return tx.error();
  for (size_t i = 0; i < group.size(); ++i) {
    const Key& key = group[i];
    bool existing = i < regions.size();
    if (key.account != account || key.id != key_id || (existing && key.region != regions[i])) {
      return Internal("UpdateKeyGroup cannot change the account, region or id of a key");
    }
    if (!existing && impl_->FindCached(key.account, key.region, key.id) != nullptr) {
      return MakeError(ErrorCode::kAlreadyExists, "Key '" + key.Arn() + "' already exists");
    }
    Status written = existing ? rows::UpdateKey(impl_->db, key) : rows::InsertKey(impl_->db, key);
    if (!written) return written.error();
  }
  if (Status committed = tx->Commit(); !committed) return committed.error();
  std::vector<std::shared_ptr<const Key>> snapshots;
  for (Key& key : group) snapshots.push_back(std::make_shared<const Key>(std::move(key)));
  impl_->Publish(snapshots);
  return snapshots;
}

Status KeyStore::DeleteKey(std::string_view account, std::string_view region,
                           std::string_view key_id) {
  std::lock_guard write(impl_->write_mutex);
  if (impl_->FindCached(account, region, key_id) == nullptr) {
    return KeyNotFound(account, region, key_id);
  }
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(impl_->db);
  if (!tx) return tx.error();
  Status deleted = rows::DeleteKey(impl_->db, account, region, key_id);
  if (deleted) deleted = tx->Commit();
  if (!deleted) return deleted;

  std::unique_lock lock(impl_->cache_mutex);
  impl_->Forget(account, region, key_id);
  return {};
}

Result<size_t> KeyStore::DeleteExpiredKeys(int64_t now_ms) {
  std::lock_guard write(impl_->write_mutex);
  std::vector<std::shared_ptr<const Key>> expired;
  for (const auto& [scope_name, scope] : impl_->scopes) {
    for (const auto& [id, key] : scope.keys) {
      if (key->deletion_ms && *key->deletion_ms <= now_ms) expired.push_back(key);
    }
  }
  if (expired.empty()) return size_t{0};
  std::vector<std::shared_ptr<const Key>> primaries = PrimariesLeftWithoutReplicas(expired);
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(impl_->db);
  if (!tx) return tx.error();
  for (const auto& key : expired) {
    Status deleted = rows::DeleteKey(impl_->db, key->account, key->region, key->id);
    if (!deleted) return deleted.error();
  }
  for (const auto& key : primaries) {
    Status written = rows::UpdateKey(impl_->db, *key);
    if (!written) return written.error();
  }
  Status committed = tx->Commit();
  if (!committed) return committed.error();

  impl_->Publish(primaries);
  std::unique_lock lock(impl_->cache_mutex);
  for (const auto& key : expired) impl_->Forget(key->account, key->region, key->id);
  return expired.size();
}

std::vector<std::shared_ptr<const Key>> KeyStore::PrimariesLeftWithoutReplicas(
    const std::vector<std::shared_ptr<const Key>>& deleted) const {
  auto is_deleted = [&deleted](const Key& key) {
    return std::any_of(deleted.begin(), deleted.end(), [&key](const auto& d) {
      return d->account == key.account && d->region == key.region && d->id == key.id;
    });
  };
  std::vector<std::shared_ptr<const Key>> primaries;
  for (const auto& replica : deleted) {
    if (!replica->IsMultiRegionReplica()) continue;
    const std::shared_ptr<const Key>* primary =
        impl_->FindCached(replica->account, replica->primary_region, replica->id);
    if (primary == nullptr || (*primary)->state != KeyState::kPendingReplicaDeletion ||
        is_deleted(**primary)) {
      continue;
    }
    std::vector<std::shared_ptr<const Key>> left = impl_->Related(**primary);
    std::erase_if(left, [&](const auto& key) { return is_deleted(*key); });
    if (!left.empty()) continue;
    // AWS: the primary's waiting period begins when its last replica is deleted.
    int64_t last_deleted = 0;
    for (const auto& key : impl_->Related(**primary)) {
      last_deleted = std::max(last_deleted, key->deletion_ms.value_or(0));
    }
    Key next = **primary;
    next.state = KeyState::kPendingDeletion;
    next.deletion_ms = last_deleted + int64_t{next.pending_window_days.value_or(30)} * 86'400'000;
    std::erase_if(primaries, [&next](const auto& key) {
      return key->region == next.region && key->id == next.id && key->account == next.account;
    });
    primaries.push_back(std::make_shared<const Key>(std::move(next)));
  }
  return primaries;
}

std::vector<std::shared_ptr<const Key>> KeyStore::FindKeys(
    const std::function<bool(const Key&)>& pred) const {
  std::vector<std::shared_ptr<const Key>> found;
  std::shared_lock lock(impl_->cache_mutex);
  for (const auto& [scope_name, scope] : impl_->scopes) {
    for (const auto& [id, key] : scope.keys) {
      if (pred(*key)) found.push_back(key);
    }
  }
  return found;
}

Status KeyStore::WithDatabase(const std::function<Status(sqlite::Database&)>& fn) const {
  std::lock_guard write(impl_->write_mutex);
  return fn(impl_->db);
}

// ---- Alias writes (each a single statement, so SQLite's autocommit makes it atomic) ----

Status KeyStore::CreateAlias(const Alias& alias) {
  std::lock_guard write(impl_->write_mutex);
  if (impl_->FindCachedAlias(alias.account, alias.region, alias.name) != nullptr) {
    // AWS: CreateAlias on a taken name.
    return MakeError(ErrorCode::kAlreadyExists,
                     "An alias with the name " + alias.Arn() + " already exists");
  }
  Status written = rows::InsertAlias(impl_->db, alias);
  if (!written) return written;

  std::unique_lock lock(impl_->cache_mutex);
  impl_->ScopeFor(alias.account, alias.region).aliases.insert_or_assign(alias.name, alias);
  return {};
}

Status KeyStore::UpdateAlias(std::string_view account, std::string_view region,
                             std::string_view name, std::string_view target_key_id,
                             int64_t now_ms) {
  std::lock_guard write(impl_->write_mutex);
  const Alias* current = impl_->FindCachedAlias(account, region, name);
  if (current == nullptr) return AliasNotFound(account, region, name);
  Alias next = *current;
  next.target_key_id = target_key_id;
  next.last_updated_ms = now_ms;
  Status written = rows::UpdateAlias(impl_->db, next);
  if (!written) return written;

  std::unique_lock lock(impl_->cache_mutex);
  impl_->ScopeFor(account, region).aliases.find(name)->second = std::move(next);
  return {};
}

Status KeyStore::DeleteAlias(std::string_view account, std::string_view region,
                             std::string_view name) {
  std::lock_guard write(impl_->write_mutex);
  if (impl_->FindCachedAlias(account, region, name) == nullptr) {
    return AliasNotFound(account, region, name);
  }
  Status written = rows::DeleteAlias(impl_->db, account, region, name);
  if (!written) return written;

  std::unique_lock lock(impl_->cache_mutex);
  AliasMap& aliases = impl_->ScopeFor(account, region).aliases;
  aliases.erase(aliases.find(name));
  return {};
}

}  // namespace kms::emulator
