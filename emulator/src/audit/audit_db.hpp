// The audit trail's SQLite side, on a connection of its own beside the key store's: each writer
// batch stored as compressed rows of audit_batches (batch_codec.hpp), each key's last
// cryptographic use, retention, and the queries behind LookupEvents and GetKeyLastUsage.
#pragma once

#include <cstdint>
#include <kms/result.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "audit/audit_event.hpp"
#include "audit/batch_codec.hpp"
#include "store/sqlite.hpp"

namespace kms::emulator::audit {

// The schema version of the trail this code reads and writes: v6 stores it in batches
// (store/schema.cpp).
inline constexpr int64_t kAuditSchemaVersion = 7;

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
  int64_t id = 0;  // its number: events count from 1 in the order they were written
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
  // in-memory database it migrates itself. Events stored by an older emulator (schema v3 to v5's
  // audit_events rows) are moved into batches first, in one transaction. kInternal with SQLite's
  // message, or "database schema version N has no audit trail (needs 7)" for a database the key
  // store did not migrate.
  static Result<AuditDb> Open(const std::string& path);

  // Stores `batch` (as rows of at most kMaxBatchEvents events) in one transaction and records
  // the last use of every key a successful cryptographic call used (the newest per key wins).
  // kInternal on SQLite or compression failure (nothing kept).
  Status Insert(const EventBatch& batch);

  // Retention: from now on, events before `oldest_kept_ms` (INT64_MIN: none) and all but the
  // newest `max_events` (0: no limit) are gone for Lookup and Count; the stored batches holding
  // only such events are deleted. Returns how many batches were deleted.
  Result<int64_t> Prune(int64_t oldest_kept_ms, int64_t max_events);

  // Events of the query's account and region, newest first (the order they were written), at
  // most query.limit of them.
  Result<std::vector<StoredEvent>> Lookup(const LookupQuery& query);

  // The last successful cryptographic use of the key with ARN `key_arn`, or nullopt.
  Result<std::optional<KeyLastUse>> LastUse(const std::string& key_arn);

  // When this database started tracking key usage (the schema v3 migration), epoch ms.
  Result<int64_t> TrackingStartMs();

  // Number of stored events that retention has not removed (tests, diagnostics).
  Result<int64_t> Count();

 private:
  explicit AuditDb(sqlite::Database db) : db_(std::move(db)) {}
  Status Prepare();
  Result<int64_t> LoadNextSeq();
  Status MoveLegacyEvents();
  // Stores `entries` as one batch row numbered from next_seq_.
  Status InsertEntries(std::span<const BatchEntry> entries);
  Status RecordUses(const EventBatch& batch);
  // Whether retention keeps the event numbered `seq` at `time_ms`.
  bool Kept(int64_t seq, int64_t time_ms) const {
    return seq >= min_seq_ && time_ms >= oldest_kept_ms_;
  }

  sqlite::Database db_;
  bool in_memory_ = false;
  BatchEncoder encoder_;
  std::vector<BatchEntry> entries_;     // the rows of one batch being written
  int64_t next_seq_ = 1;                // the number of the next event written
  int64_t min_seq_ = 1;                 // retention by count: events numbered below are gone
  int64_t oldest_kept_ms_ = INT64_MIN;  // retention by age
  std::optional<sqlite::Statement> insert_;
  std::optional<sqlite::Statement> use_;
  std::optional<sqlite::Statement> begin_;
  std::optional<sqlite::Statement> commit_;
  std::optional<sqlite::Statement> rollback_;
};

}  // namespace kms::emulator::audit
