// Schema migrations. Append a migration for every change; never edit a released one, since
// databases in the field were built by it. Enum columns hold AWS wire names (kms::ToString).
#include "store/schema.hpp"

#include <array>
#include <string>

namespace kms::emulator::schema {
namespace {

struct Migration {
  int64_t version;
  const char* sql;
};

// v1: keys with several materials, tags, aliases, policies; grants and audit events for later.
constexpr const char* kV1 = R"sql(
CREATE TABLE keys (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  key_id TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  key_spec TEXT NOT NULL,
  key_usage TEXT NOT NULL,
  origin TEXT NOT NULL,
  key_manager TEXT NOT NULL,
  key_state TEXT NOT NULL,
  creation_ms INTEGER NOT NULL,
  deletion_ms INTEGER,
  pending_window_days INTEGER,
  policy TEXT NOT NULL DEFAULT '',
  multi_region INTEGER NOT NULL DEFAULT 0,
  current_material_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (account, region, key_id)
) WITHOUT ROWID;
CREATE INDEX keys_by_deletion ON keys (deletion_ms) WHERE deletion_ms IS NOT NULL;

CREATE TABLE key_materials (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  key_id TEXT NOT NULL,
  material_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  material BLOB NOT NULL,
  created_ms INTEGER NOT NULL,
  state TEXT,
  origin TEXT,
  expiration_model TEXT,
  valid_to_ms INTEGER,
  rotation_type TEXT,
  PRIMARY KEY (account, region, key_id, material_id),
  FOREIGN KEY (account, region, key_id) REFERENCES keys (account, region, key_id)
    ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE tags (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  key_id TEXT NOT NULL,
  tag_key TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (account, region, key_id, tag_key),
  FOREIGN KEY (account, region, key_id) REFERENCES keys (account, region, key_id)
    ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE aliases (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  alias_name TEXT NOT NULL,
  target_key_id TEXT NOT NULL,
  creation_ms INTEGER NOT NULL,
  last_updated_ms INTEGER NOT NULL,
  PRIMARY KEY (account, region, alias_name),
  FOREIGN KEY (account, region, target_key_id) REFERENCES keys (account, region, key_id)
    ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX aliases_by_target ON aliases (account, region, target_key_id);

CREATE TABLE key_policies (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  key_id TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  policy TEXT NOT NULL,
  PRIMARY KEY (account, region, key_id, policy_name),
  FOREIGN KEY (account, region, key_id) REFERENCES keys (account, region, key_id)
    ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE grants (
  grant_id TEXT NOT NULL PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  key_id TEXT NOT NULL,
  name TEXT,
  grantee_principal TEXT NOT NULL,
  retiring_principal TEXT,
  operations TEXT NOT NULL,
  constraints TEXT,
  token TEXT,
  issuing_account TEXT NOT NULL,
  creation_ms INTEGER NOT NULL,
  FOREIGN KEY (account, region, key_id) REFERENCES keys (account, region, key_id)
    ON DELETE CASCADE
);
CREATE INDEX grants_by_key ON grants (account, region, key_id);
CREATE INDEX grants_by_token ON grants (token) WHERE token IS NOT NULL;

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  event_time_ms INTEGER NOT NULL,
  event_name TEXT NOT NULL,
  account TEXT,
  region TEXT,
  key_arn TEXT,
  request_id TEXT,
  record TEXT NOT NULL
);
CREATE INDEX audit_events_by_time ON audit_events (event_time_ms);
CREATE INDEX audit_events_by_key ON audit_events (key_arn, event_time_ms);
)sql";

// v2: automatic-rotation schedule and rotation history (rotation_type of v1 plus rotated_ms);
// every token CreateGrant issued (one grant may have several), grants by retiring principal.
constexpr const char* kV2 = R"sql(
ALTER TABLE keys ADD COLUMN rotation_period_days INTEGER;
ALTER TABLE keys ADD COLUMN next_rotation_ms INTEGER;
ALTER TABLE key_materials ADD COLUMN rotated_ms INTEGER;

CREATE TABLE grant_tokens (
  token TEXT NOT NULL PRIMARY KEY,
  grant_id TEXT NOT NULL REFERENCES grants (grant_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX grant_tokens_by_grant ON grant_tokens (grant_id);
CREATE INDEX grants_by_retiring_principal ON grants (region, retiring_principal)
  WHERE retiring_principal IS NOT NULL;
)sql";

// v3: the audit trail. audit_events keeps v1's columns; its two indexes go, because an index costs
// every insert and every retention delete (together more than the row itself), and the trail is
// written far more often than it is read: lookups walk the table newest first by id and filter on
// the record's JSON. Each key's last successful cryptographic use (GetKeyLastUsage), kept apart
// from the events so retention does not erase it, and the moment usage tracking began
// (GetKeyLastUsage's TrackingStartDate for keys older than that).
constexpr const char* kV3 = R"sql(
DROP INDEX audit_events_by_time;
DROP INDEX audit_events_by_key;

CREATE TABLE key_last_usage (
  key_arn TEXT NOT NULL PRIMARY KEY,
  operation TEXT NOT NULL,
  used_ms INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  request_id TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit_settings (
  name TEXT NOT NULL PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO audit_settings (name, value)
  VALUES ('tracking_start_ms', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
)sql";

// v4: multi-Region keys: the Region of the set's primary key (NULL for single-Region keys).
constexpr const char* kV4 = R"sql(
ALTER TABLE keys ADD COLUMN primary_region TEXT;
)sql";

// v5: imported key material: each material's KeyMaterialDescription (v1's state, expiration_model
// and valid_to_ms columns hold its import state and expiry), and the wrapping keys and import
// tokens of GetParametersForImport, valid for 24 hours.
constexpr const char* kV5 = R"sql(
ALTER TABLE key_materials ADD COLUMN description TEXT;

CREATE TABLE import_parameters (
  token_id TEXT NOT NULL PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  key_id TEXT NOT NULL,
  wrapping_algorithm TEXT NOT NULL,
  wrapping_key_spec TEXT NOT NULL,
  private_key BLOB NOT NULL,
  valid_to_ms INTEGER NOT NULL,
  FOREIGN KEY (account, region, key_id) REFERENCES keys (account, region, key_id)
    ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX import_parameters_by_key ON import_parameters (account, region, key_id);
CREATE INDEX import_parameters_by_expiry ON import_parameters (valid_to_ms);
)sql";

// v6: the audit trail as one row per writer batch (audit/batch_codec.hpp): its events' columns
// and records in one zstd frame, numbered by `first_seq` (events count from 1 in the order they
// were written). A row costs SQLite the same whether it holds one event or a thousand, and the
// batch compresses about twentyfold, so the writer's cost per event falls to a fraction. Rows of
// v3's audit_events are moved into batches by the audit trail when it first opens the file.
constexpr const char* kV6 = R"sql(
CREATE TABLE audit_batches (
  id INTEGER PRIMARY KEY,
  first_seq INTEGER NOT NULL,
  events INTEGER NOT NULL,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  data BLOB NOT NULL
);
)sql";

// v7: each audit batch names the format of its content (audit::BatchFormat): v6's rows are
// format 1 (whole records); new rows are format 2 (each record stored as its difference from the
// one before): zstd then sees a tenth of the bytes, and the writer's CPU per event falls by about
// a third.
constexpr const char* kV7 = R"sql(
ALTER TABLE audit_batches ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
)sql";

constexpr std::array kMigrations = {Migration{1, kV1}, Migration{2, kV2}, Migration{3, kV3},
                                    Migration{4, kV4}, Migration{5, kV5}, Migration{6, kV6},
                                    Migration{7, kV7}};
static_assert(kMigrations.back().version == kLatestVersion);

// Runs `migration` inside the caller's transaction.
Status Apply(sqlite::Database& db, const Migration& migration) {
  Status applied = db.Exec(migration.sql);
  if (!applied) return applied;
  // PRAGMA user_version is transactional: the bump commits or rolls back with the migrations.
  return db.Exec("PRAGMA user_version = " + std::to_string(migration.version));
}

Error NotOurs() {
  return MakeError(ErrorCode::kInternal, "database was not created by the kms emulator");
}

}  // namespace

Result<int64_t> CheckVersion(sqlite::Database& db) {
  Result<int64_t> version = db.QueryInt("PRAGMA user_version");
  if (!version) return version.error();
  if (*version > kLatestVersion) {
    return MakeError(ErrorCode::kInternal, "database schema version " + std::to_string(*version) +
                                               " is newer than this emulator supports (" +
                                               std::to_string(kLatestVersion) + ")");
  }
  if (*version < 0) return NotOurs();
  if (*version == 0) {
    // Version 0 with tables is some other program's database: adding ours would damage it.
    Result<int64_t> tables = db.QueryInt("SELECT count(*) FROM sqlite_schema");
    if (!tables) return tables.error();
    if (*tables != 0) return NotOurs();
  }
  return *version;
}

Status Migrate(sqlite::Database& db) {
  Result<int64_t> version = CheckVersion(db);
  if (!version) return version.error();
  if (*version == kLatestVersion) return {};
  // Every pending migration in one transaction: a new database costs one commit (one fsync)
  // instead of one per version, and a failure leaves the database as it was.
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(db);
  if (!tx) return tx.error();
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *version) continue;
    Status applied = Apply(db, migration);
    if (!applied) return applied;
  }
  return tx->Commit();
}

}  // namespace kms::emulator::schema
