// Key/Alias <-> rows. Enum columns hold AWS wire names (kms::ToString / Parse*).
#include "store/key_rows.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>

#include "domain/rotation.hpp"

namespace kms::emulator::rows {
namespace {

Error Internal(std::string message) { return MakeError(ErrorCode::kInternal, std::move(message)); }

// key_materials.state and .expiration_model of imported material (ListKeyRotations' ImportState
// and ExpirationModel names).
constexpr std::string_view kImported = "IMPORTED";
constexpr std::string_view kPendingImport = "PENDING_IMPORT";
constexpr std::string_view kMaterialExpires = "KEY_MATERIAL_EXPIRES";
constexpr std::string_view kMaterialDoesNotExpire = "KEY_MATERIAL_DOES_NOT_EXPIRE";

// ---- Writing ----

// Parameters ?1..?18 of every statement that writes a keys row.
void BindKeyRow(sqlite::Statement& stmt, const Key& key) {
  std::optional<int64_t> window;
  if (key.pending_window_days) window = *key.pending_window_days;
  stmt.BindText(1, key.account).BindText(2, key.region).BindText(3, key.id);
  stmt.BindText(4, key.description).BindText(5, ToString(key.spec));
  stmt.BindText(6, ToString(key.usage)).BindText(7, ToString(key.origin));
  stmt.BindText(8, ToString(key.manager)).BindText(9, ToString(key.state));
  stmt.BindInt(10, key.creation_ms).BindOptionalInt(11, key.deletion_ms);
  stmt.BindOptionalInt(12, window).BindText(13, key.policy);
  stmt.BindInt(14, key.multi_region ? 1 : 0).BindText(15, key.current_material_id);
  std::optional<int64_t> period;
  if (key.rotation_period_days) period = *key.rotation_period_days;
  stmt.BindOptionalInt(16, period).BindOptionalInt(17, key.next_rotation_ms);
  if (key.multi_region) {
    stmt.BindText(18, key.primary_region);
  } else {
    stmt.BindOptionalInt(18, std::nullopt);
  }
}

Status RunKeyStatement(sqlite::Database& db, std::string_view sql, const Key& key) {
  return sqlite::RunStatement(db, sql, [&](sqlite::Statement& stmt) { BindKeyRow(stmt, key); });
}

Status InsertKeyRow(sqlite::Database& db, const Key& key) {
  return RunKeyStatement(db,
                         "INSERT INTO keys (account, region, key_id, description, key_spec, "
                         "key_usage, origin, key_manager, key_state, creation_ms, deletion_ms, "
                         "pending_window_days, policy, multi_region, current_material_id, "
                         "rotation_period_days, next_rotation_ms, primary_region) VALUES (?1, ?2, "
                         "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                         key);
}

// An UPDATE, never INSERT OR REPLACE: replacing the row would cascade-delete its aliases.
Status UpdateKeyRow(sqlite::Database& db, const Key& key) {
  return RunKeyStatement(db,
                         "UPDATE keys SET description = ?4, key_spec = ?5, key_usage = ?6, "
                         "origin = ?7, key_manager = ?8, key_state = ?9, creation_ms = ?10, "
                         "deletion_ms = ?11, pending_window_days = ?12, policy = ?13, "
                         "multi_region = ?14, current_material_id = ?15, "
                         "rotation_period_days = ?16, next_rotation_ms = ?17, "
                         "primary_region = ?18 "
                         "WHERE account = ?1 AND region = ?2 AND key_id = ?3",
                         key);
}

// Runs `sql` (parameters ?1..?3 = account, region, key id or alias name) once.
Status RunForRow(sqlite::Database& db, std::string_view sql, std::string_view account,
                 std::string_view region, std::string_view id) {
  return sqlite::RunStatement(db, sql, [&](sqlite::Statement& stmt) {
    stmt.BindText(1, account).BindText(2, region).BindText(3, id);
  });
}

// Parameters ?1..?6 of every statement that writes an aliases row.
void BindAliasRow(sqlite::Statement& stmt, const Alias& alias) {
  stmt.BindText(1, alias.account).BindText(2, alias.region).BindText(3, alias.name);
  stmt.BindText(4, alias.target_key_id).BindInt(5, alias.creation_ms);
  stmt.BindInt(6, alias.last_updated_ms);
}

// The rotation that made `material_id` current, or nullptr.
const Rotation* RotationOf(const Key& key, std::string_view material_id) {
  for (const Rotation& rotation : key.rotations) {
    if (rotation.material_id == material_id) return &rotation;
  }
  return nullptr;
}

// Binds ?8 rotation_type and ?9 rotated_ms: how and when the material became current.
void BindRotation(sqlite::Statement& stmt, const Rotation* rotation) {
  if (rotation == nullptr) {
    stmt.BindOptionalInt(8, std::nullopt).BindOptionalInt(9, std::nullopt);
    return;
  }
  stmt.BindText(8, ToString(rotation->type)).BindInt(9, rotation->date_ms);
}

// Binds ?10..?13 state, expiration_model, valid_to_ms, description: the import state of
// imported material (EXTERNAL keys); NULL for material KMS made.
void BindImport(sqlite::Statement& stmt, const Key& key, const KeyMaterial& material) {
  if (key.origin != Origin::kExternal) {
    stmt.BindNull(10).BindNull(11).BindNull(12).BindNull(13);
    return;
  }
  stmt.BindText(10, material.bytes != nullptr ? kImported : kPendingImport);
  stmt.BindText(11, material.valid_to_ms ? kMaterialExpires : kMaterialDoesNotExpire);
  stmt.BindOptionalInt(12, material.valid_to_ms).BindText(13, material.description);
}

Status InsertMaterials(sqlite::Database& db, const Key& key) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "INSERT INTO key_materials (account, region, key_id, material_id, position, material, "
      "created_ms, rotation_type, rotated_ms, state, expiration_model, valid_to_ms, description) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  if (!stmt) return stmt.error();
  stmt->BindText(1, key.account).BindText(2, key.region).BindText(3, key.id);
  for (size_t i = 0; i < key.materials.size(); ++i) {
    const KeyMaterial& material = key.materials[i];
    stmt->BindText(4, material.id).BindInt(5, static_cast<int64_t>(i));
    // Deleted imported material keeps its row (id, description) with an empty blob.
    std::span<const uint8_t> bytes;
    if (material.bytes != nullptr) bytes = material.bytes->span();
    stmt->BindBlob(6, bytes).BindInt(7, material.created_ms);
    BindRotation(*stmt, RotationOf(key, material.id));
    BindImport(*stmt, key, material);
    Status ran = stmt->Run();
    if (!ran) return ran;
  }
  return {};
}

Status InsertTags(sqlite::Database& db, const Key& key) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "INSERT INTO tags (account, region, key_id, tag_key, tag_value, position) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt) return stmt.error();
  stmt->BindText(1, key.account).BindText(2, key.region).BindText(3, key.id);
  for (size_t i = 0; i < key.tags.size(); ++i) {
    stmt->BindText(4, key.tags[i].key).BindText(5, key.tags[i].value);
    Status ran = stmt->BindInt(6, static_cast<int64_t>(i)).Run();
    if (!ran) return ran;
  }
  return {};
}

// Replaces the key's material and tag rows with the snapshot's.
Status WriteChildRows(sqlite::Database& db, const Key& key, bool replace) {
  if (replace) {
    Status deleted = RunForRow(
        db, "DELETE FROM key_materials WHERE account = ?1 AND region = ?2 AND key_id = ?3",
        key.account, key.region, key.id);
    if (!deleted) return deleted;
    deleted = RunForRow(db, "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND key_id = ?3",
                        key.account, key.region, key.id);
    if (!deleted) return deleted;
  }
  Status written = InsertMaterials(db, key);
  if (!written) return written;
  return InsertTags(db, key);
}

// Removes the key and everything hanging off it (grants and policies go by cascade).
Status DeleteKeyRows(sqlite::Database& db, std::string_view account, std::string_view region,
                     std::string_view key_id) {
  for (const char* sql : {
           "DELETE FROM aliases WHERE account = ?1 AND region = ?2 AND target_key_id = ?3",
           "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND key_id = ?3",
           "DELETE FROM key_materials WHERE account = ?1 AND region = ?2 AND key_id = ?3",
           "DELETE FROM keys WHERE account = ?1 AND region = ?2 AND key_id = ?3",
       }) {
    Status deleted = RunForRow(db, sql, account, region, key_id);
    if (!deleted) return deleted;
  }
  return {};
}

// A snapshot the database can hold: every material has bytes, unless it is imported material
// that was deleted or expired.
Status CheckStorable(const Key& key) {
  for (const KeyMaterial& material : key.materials) {
    if (material.bytes == nullptr && key.origin != Origin::kExternal) {
      return Internal("key material " + material.id + " of " + key.Arn() + " has no bytes");
    }
  }
  return {};
}

// ---- Loading ----

std::optional<KeyManager> ParseKeyManagerName(std::string_view s) {
  if (s == ToString(KeyManager::kAws)) return KeyManager::kAws;
  if (s == ToString(KeyManager::kCustomer)) return KeyManager::kCustomer;
  return std::nullopt;
}

// Assigns a parsed enum column, or explains which column of which key is unreadable.
template <class E>
Status ReadEnum(std::optional<E> parsed, E& out, const Key& key, std::string_view column,
                std::string_view text) {
  if (!parsed) {
    return Internal("key " + key.Arn() + " has an unknown " + std::string(column) + " '" +
                    std::string(text) + "'");
  }
  out = *parsed;
  return {};
}

Result<Key> ReadKeyRow(const sqlite::Statement& row) {
  Key key;
  key.account = row.Text(0);
  key.region = row.Text(1);
  key.id = row.Text(2);
  key.description = row.Text(3);
  for (Status read :
       {ReadEnum(ParseKeySpec(row.Text(4)), key.spec, key, "key_spec", row.Text(4)),
        ReadEnum(ParseKeyUsage(row.Text(5)), key.usage, key, "key_usage", row.Text(5)),
        ReadEnum(ParseOrigin(row.Text(6)), key.origin, key, "origin", row.Text(6)),
        ReadEnum(ParseKeyManagerName(row.Text(7)), key.manager, key, "key_manager", row.Text(7)),
        ReadEnum(ParseKeyState(row.Text(8)), key.state, key, "key_state", row.Text(8))}) {
    if (!read) return read.error();
  }
  key.creation_ms = row.Int(9);
  key.deletion_ms = row.OptionalInt(10);
  if (!row.IsNull(11)) key.pending_window_days = static_cast<int>(row.Int(11));
  key.policy = row.Text(12);
  key.multi_region = row.Int(13) != 0;
  key.current_material_id = row.Text(14);
  if (!row.IsNull(15)) key.rotation_period_days = static_cast<int>(row.Int(15));
  key.next_rotation_ms = row.OptionalInt(16);
  // A multi-Region key written before v4 knew no replicas: it is its set's primary.
  if (key.multi_region) key.primary_region = row.IsNull(17) ? key.region : row.Text(17);
  return key;
}

using KeyIndex = std::map<std::tuple<std::string_view, std::string_view, std::string_view>, Key*>;

Key* FindLoaded(const KeyIndex& index, const sqlite::Statement& row) {
  auto it = index.find({row.Text(0), row.Text(1), row.Text(2)});
  return it == index.end() ? nullptr : it->second;
}

// Appends the rotation recorded in a key_materials row (columns 6 and 7), if any.
Status ReadRotation(const sqlite::Statement& row, Key& key) {
  if (row.IsNull(6)) return {};
  std::optional<RotationType> type = ParseRotationType(row.Text(6));
  if (!type) {
    return Internal("key " + key.Arn() + " has an unknown rotation_type '" +
                    std::string(row.Text(6)) + "'");
  }
  key.rotations.push_back(Rotation{std::string(row.Text(3)), *type, row.Int(7)});
  return {};
}

// A key_materials row (columns 3..5 and 8..10); imported material that was deleted has no bytes.
KeyMaterial ReadMaterial(const sqlite::Statement& row) {
  KeyMaterial material;
  material.id = std::string(row.Text(3));
  if (row.IsNull(8) || row.Text(8) != kPendingImport) {
    std::span<const uint8_t> blob = row.Blob(4);
    material.bytes = std::make_shared<internal::SecretBytes>(blob.data(), blob.size());
  }
  material.created_ms = row.Int(5);
  material.valid_to_ms = row.OptionalInt(9);
  if (!row.IsNull(10)) material.description = std::string(row.Text(10));
  return material;
}

Status LoadMaterials(sqlite::Database& db, const KeyIndex& index) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "SELECT account, region, key_id, material_id, material, created_ms, rotation_type, "
      "rotated_ms, state, valid_to_ms, description FROM key_materials "
      "ORDER BY account, region, key_id, position");
  if (!stmt) return stmt.error();
  return sqlite::ForEachRow(*stmt, [&]() -> Status {
    Key* key = FindLoaded(index, *stmt);
    if (key == nullptr) return {};  // impossible with foreign keys on
    key->materials.push_back(ReadMaterial(*stmt));
    return ReadRotation(*stmt, *key);
  });
}

Status LoadTags(sqlite::Database& db, const KeyIndex& index) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "SELECT account, region, key_id, tag_key, tag_value FROM tags "
      "ORDER BY account, region, key_id, position");
  if (!stmt) return stmt.error();
  return sqlite::ForEachRow(*stmt, [&]() -> Status {
    Key* key = FindLoaded(index, *stmt);
    if (key != nullptr)
      key->tags.push_back({std::string(stmt->Text(3)), std::string(stmt->Text(4))});
    return {};
  });
}

}  // namespace

Result<std::vector<std::shared_ptr<Key>>> LoadKeys(sqlite::Database& db) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "SELECT account, region, key_id, description, key_spec, key_usage, origin, key_manager, "
      "key_state, creation_ms, deletion_ms, pending_window_days, policy, multi_region, "
      "current_material_id, rotation_period_days, next_rotation_ms, primary_region FROM keys");
  if (!stmt) return stmt.error();
  std::vector<std::shared_ptr<Key>> keys;
  KeyIndex index;
  Status loaded = sqlite::ForEachRow(*stmt, [&]() -> Status {
    Result<Key> key = ReadKeyRow(*stmt);
    if (!key) return key.error();
    keys.push_back(std::make_shared<Key>(std::move(*key)));
    const Key& k = *keys.back();
    index.emplace(std::make_tuple(std::string_view(k.account), std::string_view(k.region),
                                  std::string_view(k.id)),
                  keys.back().get());
    return {};
  });
  if (!loaded) return loaded.error();
  loaded = LoadMaterials(db, index);
  if (!loaded) return loaded.error();
  loaded = LoadTags(db, index);
  if (!loaded) return loaded.error();
  return keys;
}

Status InsertKey(sqlite::Database& db, const Key& key) {
  Status written = CheckStorable(key);
  if (written) written = InsertKeyRow(db, key);
  if (written) written = WriteChildRows(db, key, /*replace=*/false);
  return written;
}

Status UpdateKey(sqlite::Database& db, const Key& key) {
  Status written = CheckStorable(key);
  if (written) written = UpdateKeyRow(db, key);
  if (written) written = WriteChildRows(db, key, /*replace=*/true);
  return written;
}

Status DeleteKey(sqlite::Database& db, std::string_view account, std::string_view region,
                 std::string_view key_id) {
  return DeleteKeyRows(db, account, region, key_id);
}

Status InsertAlias(sqlite::Database& db, const Alias& alias) {
  return sqlite::RunStatement(
      db,
      "INSERT INTO aliases (account, region, alias_name, target_key_id, creation_ms, "
      "last_updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      [&](sqlite::Statement& stmt) { BindAliasRow(stmt, alias); });
}

Status UpdateAlias(sqlite::Database& db, const Alias& alias) {
  return sqlite::RunStatement(
      db,
      "UPDATE aliases SET target_key_id = ?4, creation_ms = ?5, last_updated_ms = ?6 "
      "WHERE account = ?1 AND region = ?2 AND alias_name = ?3",
      [&](sqlite::Statement& stmt) { BindAliasRow(stmt, alias); });
}

Status DeleteAlias(sqlite::Database& db, std::string_view account, std::string_view region,
                   std::string_view name) {
  return RunForRow(db, "DELETE FROM aliases WHERE account = ?1 AND region = ?2 AND alias_name = ?3",
                   account, region, name);
}

Result<std::vector<Alias>> LoadAliases(sqlite::Database& db) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "SELECT account, region, alias_name, target_key_id, creation_ms, last_updated_ms "
      "FROM aliases");
  if (!stmt) return stmt.error();
  std::vector<Alias> aliases;
  Status read = sqlite::ForEachRow(*stmt, [&]() -> Status {
    aliases.push_back(Alias{std::string(stmt->Text(0)), std::string(stmt->Text(1)),
                            std::string(stmt->Text(2)), std::string(stmt->Text(3)), stmt->Int(4),
                            stmt->Int(5)});
    return {};
  });
  if (!read) return read.error();
  return aliases;
}

}  // namespace kms::emulator::rows
