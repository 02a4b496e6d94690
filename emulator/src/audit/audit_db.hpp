// The audit trail's SQLite side, on a connection of its own beside the key store's: batched
// inserts into audit_events, each key's last cryptographic use, retention, and the queries
// behind LookupEvents and GetKeyLastUsage.
#pragma once

#include <array>
#include <cstdint>
#include <kms/result.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "audit/audit_event.hpp"
#include "store/sqlite.hpp"

namespace kms::emulator::audit {

// The schema version that added the audit columns (store/schema.cpp).
inline constexpr int64_t kAuditSchemaVersion = 3;

// CloudTrail's LookupAttributeKey values, plus kNone for a lookup without attributes.
enum class LookupKey {
  kNone,
  kEventId,
  kEventName,
  kReadOnly,
  kUsername,
  kResourceType,
  kResourceName,
  kEventSource,
  kAccessKeyId
};

struct LookupQuery {
  std::string account;
  std::string region;
  LookupKey key = LookupKey::kNone;
  std::string value;  // the attribute value, matched exactly (case-sensitive)
  int64_t start_ms = INT64_MIN;
  int64_t end_ms = INT64_MAX;
  // Paging: only events written before the one with this id (the last of the previous page).
  int64_t before_id = INT64_MAX;
  int limit = 50;
};

// One stored event as LookupEvents returns it.
struct StoredEvent {
  int64_t id = 0;
  int64_t time_ms = 0;
  std::string event_id;
  std::string event_name;
  bool read_only = false;
  std::string access_key_id;
  std::string username;
  std::vector<std::string> resources;  // ARNs
  std::string record;
};

// GetKeyLastUsage's KeyLastUsage.
struct KeyLastUse {
  std::string operation;
  int64_t time_ms = 0;
  std::string event_id;
  std::string request_id;
};

// Not thread-safe: AuditLog serializes all use.
class AuditDb {
 public:
  // Opens `path` (already created and migrated by the key store) or, for ":memory:", a private
  // in-memory database it migrates itself. kInternal with SQLite's message, or "database schema
  // version N has no audit trail (needs 3)" for a database the key store did not migrate.
  static Result<AuditDb> Open(const std::string& path);

  // Inserts `batch` in one transaction and records the last use of every key a successful
  // cryptographic call used (the newest per key wins). kInternal on SQLite failure (nothing kept).
  Status Insert(const EventBatch& batch);

  // Deletes the oldest events (in the order they were written) up to the first one at or after
  // `oldest_kept_ms` (INT64_MIN: none), then all but the newest `max_events` (0: no limit).
  // Returns how many were deleted.
  Result<int64_t> Prune(int64_t oldest_kept_ms, int64_t max_events);

  // Events of the query's account and region, newest first (the order they were written), at
  // most query.limit of them.
  Result<std::vector<StoredEvent>> Lookup(const LookupQuery& query);

  // The last successful cryptographic use of the key with ARN `key_arn`, or nullopt.
  Result<std::optional<KeyLastUse>> LastUse(const std::string& key_arn);

  // When this database started tracking key usage (the schema v3 migration), epoch ms.
  Result<int64_t> TrackingStartMs();

  // Number of stored events (tests, diagnostics).
  Result<int64_t> Count();

 private:
  explicit AuditDb(sqlite::Database db) : db_(std::move(db)) {}
  static void BindEvent(sqlite::Statement& statement, int row, const EventView& event,
                        std::string_view stored_record);
  Status InsertEvents(const EventBatch& batch);
  Status RecordUses(const EventBatch& batch);

  sqlite::Database db_;
  bool in_memory_ = false;
  // Events per multi-row INSERT: one statement step for several rows costs less per row.
  static constexpr size_t kRowsPerInsert = 10;
  std::array<std::string, kRowsPerInsert> compact_;  // stored forms of the rows of one INSERT
  std::optional<sqlite::Statement> insert_;          // one row
  std::optional<sqlite::Statement> insert_many_;     // kRowsPerInsert rows
  std::optional<sqlite::Statement> use_;
  std::optional<sqlite::Statement> begin_;
  std::optional<sqlite::Statement> commit_;
  std::optional<sqlite::Statement> rollback_;
};

}  // namespace kms::emulator::audit
