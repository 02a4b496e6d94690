// Tests for KeyStore: cache and SQLite persistence, errors, file handling, concurrency.
#include "store/key_store.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "store/schema.hpp"
#include "store/sqlite.hpp"

namespace kms::emulator {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kAccount = "111122223333";
constexpr std::string_view kRegion = "us-east-1";
constexpr std::string_view kId1 = "11111111-1111-4111-8111-111111111111";
constexpr std::string_view kId2 = "22222222-2222-4222-8222-222222222222";
constexpr std::string_view kId3 = "33333333-3333-4333-8333-333333333333";

// A directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/kms-key-store-test-XXXXXX";
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::unique_ptr<KeyStore> OpenStore(const std::string& path) {
  Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(path);
  REQUIRE_MESSAGE(store.has_value(), (store ? "" : store.error().message));
  return std::move(*store);
}

std::shared_ptr<const internal::SecretBytes> Bytes(std::vector<uint8_t> bytes) {
  return std::make_shared<internal::SecretBytes>(bytes.data(), bytes.size());
}

std::string MaterialId(char c) { return std::string(64, c); }

Key MakeKey(std::string_view id, std::string_view account = kAccount,
            std::string_view region = kRegion) {
  Key key;
  key.account = account;
  key.region = region;
  key.id = id;
  key.description = "key " + std::string(id);
  key.creation_ms = 1700000000000;
  key.policy = R"({"Version":"2012-10-17"})";
  key.materials.push_back({MaterialId('a'), Bytes({1, 2, 3, 0, 255}), 1700000000001});
  key.current_material_id = MaterialId('a');
  return key;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// Rows of `table` for the key, counted straight from SQLite (the store must be closed).
int64_t CountRows(const std::string& path, std::string_view table, std::string_view key_column,
                  std::string_view key_id) {
  Result<sqlite::Database> db = sqlite::Database::Open(path);
  REQUIRE(db.has_value());
  Result<sqlite::Statement> stmt = db->Prepare("SELECT count(*) FROM " + std::string(table) +
                                               " WHERE " + std::string(key_column) + " = ?1");
  REQUIRE(stmt.has_value());
  stmt->BindText(1, key_id);
  REQUIRE(stmt->Step().value());
  return stmt->Int(0);
}

Alias MakeAlias(std::string_view name, std::string_view target, int64_t ms = 5) {
  return Alias{
      std::string(kAccount), std::string(kRegion), std::string(name), std::string(target), ms, ms};
}

Status SetDescription(Key& key, std::string description) {
  key.description = std::move(description);
  return {};
}

void CheckSameKey(const Key& a, const Key& b) {
  CHECK(a.account == b.account);
  CHECK(a.region == b.region);
  CHECK(a.id == b.id);
  CHECK(a.description == b.description);
  CHECK(a.spec == b.spec);
  CHECK(a.usage == b.usage);
  CHECK(a.origin == b.origin);
  CHECK(a.manager == b.manager);
  CHECK(a.state == b.state);
  CHECK(a.creation_ms == b.creation_ms);
  CHECK(a.deletion_ms == b.deletion_ms);
  CHECK(a.pending_window_days == b.pending_window_days);
  CHECK(a.policy == b.policy);
  CHECK(a.multi_region == b.multi_region);
  CHECK(a.current_material_id == b.current_material_id);
  REQUIRE(a.tags.size() == b.tags.size());
  for (size_t i = 0; i < a.tags.size(); ++i) {
    CHECK(a.tags[i].key == b.tags[i].key);
    CHECK(a.tags[i].value == b.tags[i].value);
  }
  REQUIRE(a.materials.size() == b.materials.size());
  for (size_t i = 0; i < a.materials.size(); ++i) {
    CHECK(a.materials[i].id == b.materials[i].id);
    CHECK(a.materials[i].created_ms == b.materials[i].created_ms);
    REQUIRE(a.materials[i].bytes != nullptr);
    CHECK(a.materials[i].bytes->Equals(b.materials[i].bytes->span()));
  }
}

TEST_CASE("CreateKey publishes a key that FindKey returns and ListKeys orders by id") {
  auto store = OpenStore(":memory:");
  for (std::string_view id : {kId3, kId1, kId2}) REQUIRE(store->CreateKey(MakeKey(id)).has_value());

  std::shared_ptr<const Key> found = store->FindKey(kAccount, kRegion, kId2);
  REQUIRE(found != nullptr);
  CheckSameKey(*found, MakeKey(kId2));
  CHECK(store->FindKey(kAccount, kRegion, "44444444-4444-4444-8444-444444444444") == nullptr);

  auto keys = store->ListKeys(kAccount, kRegion);
  REQUIRE(keys.size() == 3);
  CHECK(keys[0]->id == kId1);
  CHECK(keys[1]->id == kId2);
  CHECK(keys[2]->id == kId3);
  CHECK(keys[1] == found);  // the published snapshot itself, not a copy
}

TEST_CASE("CreateKey refuses an id that is already taken") {
  auto store = OpenStore(":memory:");
  REQUIRE(store->CreateKey(MakeKey(kId1)).has_value());
  Key again = MakeKey(kId1);
  again.description = "second";
  Status created = store->CreateKey(again);
  REQUIRE_FALSE(created.has_value());
  CHECK(created.error().code == ErrorCode::kAlreadyExists);
  CHECK(created.error().message ==
        "Key 'arn:aws:kms:us-east-1:111122223333:key/11111111-1111-4111-8111-111111111111' "
        "already exists");
  CHECK(store->FindKey(kAccount, kRegion, kId1)->description == "key " + std::string(kId1));
}

TEST_CASE("CreateKey refuses a material without bytes and stores nothing") {
  auto store = OpenStore(":memory:");
  Key key = MakeKey(kId1);
  key.materials[0].bytes = nullptr;
  Status created = store->CreateKey(key);
  REQUIRE_FALSE(created.has_value());
  CHECK(created.error().code == ErrorCode::kInternal);
  CHECK(created.error().message ==
        "key material " + MaterialId('a') +
            " of arn:aws:kms:us-east-1:111122223333:key/11111111-1111-4111-8111-111111111111 has "
            "no bytes");
  CHECK(store->FindKey(kAccount, kRegion, kId1) == nullptr);
}

TEST_CASE("A CreateKey whose SQL fails stores nothing") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  {
    auto store = OpenStore(path);
    Key key = MakeKey(kId1);
    key.tags = {{"dup", "1"}, {"dup", "2"}};
    Status created = store->CreateKey(key);
    REQUIRE_FALSE(created.has_value());
    CHECK(created.error().code == ErrorCode::kInternal);
    CHECK(created.error().message ==
          "SQLite: UNIQUE constraint failed: tags.account, tags.region, tags.key_id, tags.tag_key");
    CHECK(store->FindKey(kAccount, kRegion, kId1) == nullptr);
    CHECK(store->CreateKey(MakeKey(kId2)).has_value());  // the connection is still usable
  }
  auto reopened = OpenStore(path);
  CHECK(reopened->FindKey(kAccount, kRegion, kId1) == nullptr);
  CHECK(reopened->FindKey(kAccount, kRegion, kId2) != nullptr);
  CHECK(CountRows(path, "key_materials", "key_id", kId1) == 0);
}

TEST_CASE("Keys are separated by account and region") {
  auto store = OpenStore(":memory:");
  REQUIRE(store->CreateKey(MakeKey(kId1)).has_value());
  Key other_region = MakeKey(kId1, kAccount, "eu-west-1");
  other_region.description = "eu";
  REQUIRE(store->CreateKey(other_region).has_value());
  Key other_account = MakeKey(kId1, "444455556666", kRegion);
  other_account.description = "other account";
  REQUIRE(store->CreateKey(other_account).has_value());
  REQUIRE(store->CreateKey(MakeKey(kId2, kAccount, "eu-west-1")).has_value());

  CHECK(store->FindKey(kAccount, kRegion, kId1)->description == "key " + std::string(kId1));
  CHECK(store->FindKey(kAccount, "eu-west-1", kId1)->description == "eu");
  CHECK(store->FindKey("444455556666", kRegion, kId1)->description == "other account");
  CHECK(store->FindKey(kAccount, kRegion, kId2) == nullptr);
  CHECK(store->FindKey("444455556666", "eu-west-1", kId1) == nullptr);
  CHECK(store->ListKeys(kAccount, kRegion).size() == 1);
  CHECK(store->ListKeys(kAccount, "eu-west-1").size() == 2);
  CHECK(store->ListKeys("444455556666", kRegion).size() == 1);
  CHECK(store->ListKeys("999999999999", kRegion).empty());

  REQUIRE(store->CreateAlias(MakeAlias("alias/a", kId1)).has_value());
  CHECK(store->FindAlias(kAccount, "eu-west-1", "alias/a") == std::nullopt);
  CHECK(store->ListAliases("444455556666", kRegion).empty());
  REQUIRE(store->DeleteKey(kAccount, "eu-west-1", kId1).has_value());
  CHECK(store->FindKey(kAccount, kRegion, kId1) != nullptr);
  CHECK(store->FindAlias(kAccount, kRegion, "alias/a").has_value());
}

TEST_CASE("UpdateKey publishes the mutated copy and leaves earlier snapshots untouched") {
  auto store = OpenStore(":memory:");
  REQUIRE(store->CreateKey(MakeKey(kId1)).has_value());
  std::shared_ptr<const Key> before = store->FindKey(kAccount, kRegion, kId1);

  auto updated = store->UpdateKey(kAccount, kRegion, kId1, [](Key& key) -> Status {
    key.state = KeyState::kDisabled;
    key.tags.push_back({"team", "crypto"});
    key.materials.push_back({MaterialId('b'), Bytes({9, 9}), 42});
    key.current_material_id = MaterialId('b');
    return {};
  });
  REQUIRE(updated.has_value());
  CHECK((*updated)->state == KeyState::kDisabled);
  CHECK(store->FindKey(kAccount, kRegion, kId1) == *updated);
  CHECK(before->state == KeyState::kEnabled);
  CHECK(before->tags.empty());
  CHECK(before->materials.size() == 1);
  // The first material is shared between snapshots, never copied.
  CHECK((*updated)->materials[0].bytes == before->materials[0].bytes);
  CHECK((*updated)->CurrentMaterial()->bytes->Equals(std::vector<uint8_t>{9, 9}));
}

TEST_CASE("UpdateKey on a missing key is NotFound and does not call mutate") {
  auto store = OpenStore(":memory:");
  bool called = false;
  auto updated = store->UpdateKey(kAccount, kRegion, kId1, [&](Key&) -> Status {
    called = true;
    return {};
  });
  REQUIRE_FALSE(updated.has_value());
  CHECK(updated.error().code == ErrorCode::kNotFound);
  CHECK(updated.error().message ==
        "Key 'arn:aws:kms:us-east-1:111122223333:key/11111111-1111-4111-8111-111111111111' does "
        "not exist");
  CHECK_FALSE(called);
}

TEST_CASE("A failing mutate leaves the old snapshot and writes nothing") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  {
    auto store = OpenStore(path);
    REQUIRE(store->CreateKey(MakeKey(kId1)).has_value());
    std::shared_ptr<const Key> before = store->FindKey(kAccount, kRegion, kId1);
    auto updated = store->UpdateKey(kAccount, kRegion, kId1, [](Key& key) -> Status {
      key.description = "changed";
      key.tags.push_back({"t", "v"});
      return MakeError(ErrorCode::kInvalidState, "nope");
    });
    REQUIRE_FALSE(updated.has_value());
    CHECK(updated.error().code == ErrorCode::kInvalidState);
    CHECK(updated.error().message == "nope");
    CHECK(store->FindKey(kAccount, kRegion, kId1) == before);
  }
  auto reopened = OpenStore(path);
  CheckSameKey(*reopened->FindKey(kAccount, kRegion, kId1), MakeKey(kId1));
}

TEST_CASE("An UpdateKey whose SQL fails leaves the cache and the database unchanged") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  {
    auto store = OpenStore(path);
    Key key = MakeKey(kId1);
    key.tags = {{"a", "1"}};
    REQUIRE(store->CreateKey(key).has_value());
    std::shared_ptr<const Key> before = store->FindKey(kAccount, kRegion, kId1);
    auto updated = store->UpdateKey(kAccount, kRegion, kId1, [](Key& k) -> Status {
      k.description = "changed";
      k.materials.push_back(k.materials[0]);  // same material id twice
      return {};
    });
    REQUIRE_FALSE(updated.has_value());
    CHECK(updated.error().code == ErrorCode::kInternal);
    CHECK(updated.error().message ==
          "SQLite: UNIQUE constraint failed: key_materials.account, key_materials.region, "
          "key_materials.key_id, key_materials.material_id");
    CHECK(store->FindKey(kAccount, kRegion, kId1) == before);
  }
  auto reopened = OpenStore(path);
  std::shared_ptr<const Key> key = reopened->FindKey(kAccount, kRegion, kId1);
  REQUIRE(key != nullptr);
  CHECK(key->description == "key " + std::string(kId1));
  CHECK(key->materials.size() == 1);
  REQUIRE(key->tags.size() == 1);
  CHECK(key->tags[0].key == "a");
}

TEST_CASE("UpdateKey refuses a mutate that changes the key's identity") {
  auto store = OpenStore(":memory:");
  REQUIRE(store->CreateKey(MakeKey(kId1)).has_value());
  auto updated = store->UpdateKey(kAccount, kRegion, kId1, [](Key& key) -> Status {
    key.id = kId2;
    return {};
  });
  REQUIRE_FALSE(updated.has_value());
  CHECK(updated.error().code == ErrorCode::kInternal);
  CHECK(updated.error().message == "UpdateKey cannot change the account, region or id of a key");
  CHECK(store->FindKey(kAccount, kRegion, kId2) == nullptr);
  CHECK(store->FindKey(kAccount, kRegion, kId1) != nullptr);
}

TEST_CASE("DeleteKey removes the key with its materials, tags and aliases") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  {
    auto store = OpenStore(path);
    Key key = MakeKey(kId1);
    key.tags = {{"a", "1"}, {"b", "2"}};
    REQUIRE(store->CreateKey(key).has_value());
    REQUIRE(store->CreateKey(MakeKey(kId2)).has_value());
    REQUIRE(store->CreateAlias(MakeAlias("alias/one", kId1)).has_value());
    REQUIRE(store->CreateAlias(MakeAlias("alias/uno", kId1)).has_value());
    REQUIRE(store->CreateAlias(MakeAlias("alias/two", kId2)).has_value());
    CHECK(store->CountAliases(kAccount, kRegion, kId1) == 2);

    REQUIRE(store->DeleteKey(kAccount, kRegion, kId1).has_value());
    CHECK(store->FindKey(kAccount, kRegion, kId1) == nullptr);
    CHECK(store->CountAliases(kAccount, kRegion, kId1) == 0);
    auto aliases = store->ListAliases(kAccount, kRegion);
    REQUIRE(aliases.size() == 1);
    CHECK(aliases[0].name == "alias/two");
  }
  CHECK(CountRows(path, "keys", "key_id", kId1) == 0);
  CHECK(CountRows(path, "key_materials", "key_id", kId1) == 0);
  CHECK(CountRows(path, "tags", "key_id", kId1) == 0);
  CHECK(CountRows(path, "aliases", "target_key_id", kId1) == 0);
  CHECK(CountRows(path, "key_materials", "key_id", kId2) == 1);
  auto reopened = OpenStore(path);
  CHECK(reopened->FindKey(kAccount, kRegion, kId1) == nullptr);
  CHECK(reopened->FindKey(kAccount, kRegion, kId2) != nullptr);
  CHECK(reopened->ListAliases(kAccount, kRegion).size() == 1);
}

TEST_CASE("DeleteKey on a missing key is NotFound") {
  auto store = OpenStore(":memory:");
  Status deleted = store->DeleteKey(kAccount, kRegion, kId1);
  REQUIRE_FALSE(deleted.has_value());
  CHECK(deleted.error().code == ErrorCode::kNotFound);
  CHECK(deleted.error().message ==
        "Key 'arn:aws:kms:us-east-1:111122223333:key/11111111-1111-4111-8111-111111111111' does "
        "not exist");
}

TEST_CASE("Aliases are created, listed by name, repointed and deleted") {
  auto store = OpenStore(":memory:");
  REQUIRE(store->CreateKey(MakeKey(kId1)).has_value());
  REQUIRE(store->CreateKey(MakeKey(kId2)).has_value());
  REQUIRE(store->CreateAlias(MakeAlias("alias/zeta", kId1, 10)).has_value());
  REQUIRE(store->CreateAlias(MakeAlias("alias/alpha", kId1, 11)).has_value());

  auto aliases = store->ListAliases(kAccount, kRegion);
  REQUIRE(aliases.size() == 2);
  CHECK(aliases[0].name == "alias/alpha");
  CHECK(aliases[1].name == "alias/zeta");
  CHECK(store->CountAliases(kAccount, kRegion, kId1) == 2);

  REQUIRE(store->UpdateAlias(kAccount, kRegion, "alias/zeta", kId2, 99).has_value());
  std::optional<Alias> zeta = store->FindAlias(kAccount, kRegion, "alias/zeta");
  REQUIRE(zeta.has_value());
  CHECK(zeta->target_key_id == kId2);
  CHECK(zeta->creation_ms == 10);
  CHECK(zeta->last_updated_ms == 99);
  CHECK(store->CountAliases(kAccount, kRegion, kId1) == 1);
  CHECK(store->CountAliases(kAccount, kRegion, kId2) == 1);

  REQUIRE(store->DeleteAlias(kAccount, kRegion, "alias/alpha").has_value());
  CHECK(store->FindAlias(kAccount, kRegion, "alias/alpha") == std::nullopt);
  CHECK(store->CountAliases(kAccount, kRegion, kId1) == 0);
}

TEST_CASE("CreateAlias on a taken name is AlreadyExists with AWS's message") {
  auto store = OpenStore(":memory:");
  REQUIRE(store->CreateKey(MakeKey(kId1)).has_value());
  REQUIRE(store->CreateKey(MakeKey(kId2)).has_value());
  REQUIRE(store->CreateAlias(MakeAlias("alias/app", kId1)).has_value());
  Status created = store->CreateAlias(MakeAlias("alias/app", kId2));
  REQUIRE_FALSE(created.has_value());
  CHECK(created.error().code == ErrorCode::kAlreadyExists);
  CHECK(created.error().message ==
        "An alias with the name arn:aws:kms:us-east-1:111122223333:alias/app already exists");
  CHECK(store->FindAlias(kAccount, kRegion, "alias/app")->target_key_id == kId1);
}

TEST_CASE("UpdateAlias and DeleteAlias on a missing alias are NotFound with AWS's message") {
  auto store = OpenStore(":memory:");
  REQUIRE(store->CreateKey(MakeKey(kId1)).has_value());
  const std::string message =
      "Alias arn:aws:kms:us-east-1:111122223333:alias/missing is not found.";
  Status updated = store->UpdateAlias(kAccount, kRegion, "alias/missing", kId1, 1);
  REQUIRE_FALSE(updated.has_value());
  CHECK(updated.error().code == ErrorCode::kNotFound);
  CHECK(updated.error().message == message);
  Status deleted = store->DeleteAlias(kAccount, kRegion, "alias/missing");
  REQUIRE_FALSE(deleted.has_value());
  CHECK(deleted.error().code == ErrorCode::kNotFound);
  CHECK(deleted.error().message == message);
  CHECK(store->ListAliases(kAccount, kRegion).empty());
}

TEST_CASE("Keys, materials, tags and aliases survive reopening the file exactly") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  Key rich = MakeKey(kId1);
  rich.spec = KeySpec::kHmac256;
  rich.usage = KeyUsage::kGenerateVerifyMac;
  rich.origin = Origin::kExternal;
  rich.manager = KeyManager::kAws;
  rich.state = KeyState::kPendingDeletion;
  rich.deletion_ms = 1800000000000;
  rich.pending_window_days = 7;
  rich.multi_region = true;
  rich.description = "";
  rich.tags = {{"zeta", "last"}, {"alpha", ""}, {"mid", "ünïcode"}};
  std::vector<uint8_t> long_material(32);
  for (size_t i = 0; i < long_material.size(); ++i) long_material[i] = static_cast<uint8_t>(i * 37);
  rich.materials.push_back({MaterialId('b'), Bytes(long_material), 1700000000002});
  rich.materials.push_back({MaterialId('0'), Bytes({}), 1700000000003});
  rich.current_material_id = MaterialId('b');
  Key plain = MakeKey(kId2, kAccount, "eu-central-1");
  plain.materials.clear();
  plain.current_material_id.clear();
  {
    auto store = OpenStore(path);
    REQUIRE(store->CreateKey(rich).has_value());
    REQUIRE(store->CreateKey(plain).has_value());
    REQUIRE(store->CreateAlias(MakeAlias("alias/rich", kId1, 77)).has_value());
  }
  auto reopened = OpenStore(path);
  std::shared_ptr<const Key> loaded_rich = reopened->FindKey(kAccount, kRegion, kId1);
  REQUIRE(loaded_rich != nullptr);
  CheckSameKey(*loaded_rich, rich);
  std::shared_ptr<const Key> loaded_plain = reopened->FindKey(kAccount, "eu-central-1", kId2);
  REQUIRE(loaded_plain != nullptr);
  CheckSameKey(*loaded_plain, plain);
  std::optional<Alias> alias = reopened->FindAlias(kAccount, kRegion, "alias/rich");
  REQUIRE(alias.has_value());
  CHECK(alias->target_key_id == kId1);
  CHECK(alias->creation_ms == 77);
  CHECK(alias->last_updated_ms == 77);
}

TEST_CASE("The database file and its WAL are created with mode 0600") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  mode_t old_umask = umask(0);  // the mode must not depend on a strict umask
  auto store = OpenStore(path);
  umask(old_umask);
  REQUIRE(store->CreateKey(MakeKey(kId1)).has_value());
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    REQUIRE_MESSAGE(::stat(file.c_str(), &st) == 0, file);
    CHECK_MESSAGE((st.st_mode & 07777) == 0600, file);
  }
}

TEST_CASE("Open records the schema version and switches the file to WAL") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  OpenStore(path).reset();
  Result<sqlite::Database> db = sqlite::Database::Open(path);
  REQUIRE(db.has_value());
  CHECK(db->QueryInt("PRAGMA user_version").value() == schema::kLatestVersion);
  CHECK(db->QueryText("PRAGMA journal_mode").value() == "wal");
  CHECK(db->QueryInt("SELECT count(*) FROM sqlite_schema WHERE name IN ('keys', 'key_materials', "
                     "'tags', 'aliases', 'grants', 'key_policies', 'audit_events')")
            .value() == 7);
  OpenStore(path).reset();  // reopening an up-to-date database is fine
}

TEST_CASE("Open refuses a database with a newer schema version and leaves it untouched") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  {
    Result<sqlite::Database> db = sqlite::Database::Open(path);
    REQUIRE(db.has_value());
    REQUIRE(db->Exec("CREATE TABLE keys (x); PRAGMA user_version = 99").has_value());
  }
  std::string before = ReadFile(path);
  Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(path);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().code == ErrorCode::kInternal);
  CHECK(store.error().message == "cannot open key store '" + path +
                                     "': database schema version 99 is newer than this emulator "
                                     "supports (" +
                                     std::to_string(schema::kLatestVersion) + ")");
  CHECK(ReadFile(path) == before);
}

TEST_CASE("Open refuses a file that is not a SQLite database and leaves it untouched") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  std::string garbage(8192, 'x');
  garbage.replace(0, 20, "this is not a db ...");
  WriteFile(path, garbage);
  Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(path);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().code == ErrorCode::kInternal);
  CHECK(store.error().message ==
        "cannot open key store '" + path + "': SQLite: file is not a database");
  CHECK(ReadFile(path) == garbage);
}

TEST_CASE("Open refuses another program's SQLite database") {
  TempDir dir;
  std::string path = dir.File("other.db");
  {
    Result<sqlite::Database> db = sqlite::Database::Open(path);
    REQUIRE(db.has_value());
    REQUIRE(db->Exec("CREATE TABLE notes (body TEXT)").has_value());
  }
  Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(path);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().message ==
        "cannot open key store '" + path + "': database was not created by the kms emulator");
}

TEST_CASE("Open refuses a stored key whose enum column holds an unknown name") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  REQUIRE(OpenStore(path)->CreateKey(MakeKey(kId1)).has_value());
  {
    Result<sqlite::Database> db = sqlite::Database::Open(path);
    REQUIRE(db.has_value());
    REQUIRE(db->Exec("UPDATE keys SET key_usage = 'BOGUS'").has_value());
  }
  Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(path);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().code == ErrorCode::kInternal);
  CHECK(store.error().message ==
        "cannot open key store '" + path +
            "': key arn:aws:kms:us-east-1:111122223333:key/11111111-1111-4111-8111-111111111111 "
            "has an unknown key_usage 'BOGUS'");
}

TEST_CASE("Open reports a database path whose directory does not exist") {
  TempDir dir;
  std::string path = dir.File("missing/kms.db");
  Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(path);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().code == ErrorCode::kInternal);
  CHECK(store.error().message == "cannot open key store '" + path + "': No such file or directory");
}

TEST_CASE("An in-memory store keeps nothing and creates no file") {
  {
    auto store = OpenStore(":memory:");
    REQUIRE(store->CreateKey(MakeKey(kId1)).has_value());
  }
  auto store = OpenStore(":memory:");
  CHECK(store->ListKeys(kAccount, kRegion).empty());
  CHECK_FALSE(fs::exists(":memory:"));
}

TEST_CASE("DeleteExpiredKeys deletes every key whose deletion date is at or before now") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  {
    auto store = OpenStore(path);
    Key soon = MakeKey(kId1);
    soon.deletion_ms = 100;
    Key later = MakeKey(kId2, kAccount, "eu-west-1");
    later.deletion_ms = 200;
    REQUIRE(store->CreateKey(soon).has_value());
    REQUIRE(store->CreateKey(later).has_value());
    REQUIRE(store->CreateKey(MakeKey(kId3)).has_value());
    REQUIRE(store->CreateAlias(MakeAlias("alias/soon", kId1)).has_value());

    CHECK(store->DeleteExpiredKeys(99).value() == 0);
    CHECK(store->DeleteExpiredKeys(100).value() == 1);
    CHECK(store->FindKey(kAccount, kRegion, kId1) == nullptr);
    CHECK(store->FindAlias(kAccount, kRegion, "alias/soon") == std::nullopt);
    CHECK(store->FindKey(kAccount, "eu-west-1", kId2) != nullptr);
    CHECK(store->DeleteExpiredKeys(1000).value() == 1);
    CHECK(store->FindKey(kAccount, "eu-west-1", kId2) == nullptr);
    CHECK(store->DeleteExpiredKeys(INT64_MAX).value() == 0);
  }
  auto reopened = OpenStore(path);
  CHECK(reopened->FindKey(kAccount, kRegion, kId1) == nullptr);
  CHECK(reopened->FindKey(kAccount, "eu-west-1", kId2) == nullptr);
  CHECK(reopened->FindKey(kAccount, kRegion, kId3) != nullptr);
  CHECK(reopened->ListAliases(kAccount, kRegion).empty());
}

TEST_CASE("An acknowledged CreateKey survives the process being killed") {
  TempDir dir;
  std::string path = dir.File("kms.db");
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(path);
    if (!store || !(*store)->CreateKey(MakeKey(kId1))) _exit(1);
    raise(SIGKILL);
    _exit(2);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  auto store = OpenStore(path);
  std::shared_ptr<const Key> key = store->FindKey(kAccount, kRegion, kId1);
  REQUIRE(key != nullptr);
  CheckSameKey(*key, MakeKey(kId1));
}

TEST_CASE("Readers see whole snapshots while a writer updates the key") {
  auto store = OpenStore(":memory:");
  Key initial = MakeKey(kId1);
  initial.description = "0";  // every snapshot's description is its tag count
  REQUIRE(store->CreateKey(initial).has_value());
  constexpr int kUpdates = 300;
  std::atomic<bool> writer_done{false};
  std::atomic<int> torn{0};
  std::atomic<int> went_back{0};
  std::atomic<long> reads{0};
  auto reader = [&] {
    size_t last_seen = 0;
    // Bounded: the writer finishes after kUpdates, and each reader does at least one pass after.
    bool final_pass = false;
    while (!final_pass) {
      final_pass = writer_done.load();
      std::shared_ptr<const Key> key = store->FindKey(kAccount, kRegion, kId1);
      if (key == nullptr || key->description != std::to_string(key->tags.size())) ++torn;
      if (key != nullptr && key->tags.size() < last_seen) ++went_back;
      if (key != nullptr) last_seen = key->tags.size();
      ++reads;
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader);
  int failures = 0;
  for (int i = 0; i < kUpdates; ++i) {
    auto updated = store->UpdateKey(kAccount, kRegion, kId1, [i](Key& key) -> Status {
      key.tags.push_back({"t" + std::to_string(i), "v"});
      return SetDescription(key, std::to_string(key.tags.size()));
    });
    if (!updated) ++failures;
  }
  writer_done = true;
  for (std::thread& t : readers) t.join();
  CHECK(failures == 0);
  CHECK(torn.load() == 0);
  CHECK(went_back.load() == 0);
  CHECK(reads.load() >= 3);
  CHECK(store->FindKey(kAccount, kRegion, kId1)->tags.size() == kUpdates);
}

}  // namespace
}  // namespace kms::emulator
