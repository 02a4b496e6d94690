// SQLite statements of the audit trail. The SQL text is fixed; every value is bound.
#include "audit/audit_db.hpp"

#include <unordered_map>

#include "store/schema.hpp"

namespace kms::emulator::audit {
namespace {

constexpr const char* kMemoryPath = ":memory:";

constexpr std::string_view kInsert =
    "INSERT INTO audit_events (event_time_ms, event_name, account, region, key_arn, request_id, "
    "record, event_id, username, access_key_id, read_only, resources, error_code) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

constexpr std::string_view kRecordUse =
    "INSERT INTO key_last_usage (key_arn, operation, used_ms, event_id, request_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key_arn) DO UPDATE SET "
    "operation = excluded.operation, used_ms = excluded.used_ms, event_id = excluded.event_id, "
    "request_id = excluded.request_id WHERE excluded.used_ms >= key_last_usage.used_ms";

// Newest first within [?3, ?4]; ?5/?6 the paging cursor (time, id); ?7 the attribute value.
constexpr std::string_view kLookupHead =
    "SELECT id, event_time_ms, event_id, event_name, read_only, access_key_id, username, "
    "resources, record FROM audit_events WHERE account = ?1 AND region = ?2 AND "
    "event_time_ms >= ?3 AND event_time_ms <= ?4 AND (event_time_ms < ?5 OR id < ?6) AND ";
constexpr std::string_view kLookupTail = " ORDER BY event_time_ms DESC, id DESC LIMIT ?8";

// The WHERE condition of one lookup attribute, on ?7.
std::string_view Condition(LookupKey key) {
  switch (key) {
    case LookupKey::kEventId:
      return "event_id = ?7";
    case LookupKey::kEventName:
      return "event_name = ?7";
    case LookupKey::kReadOnly:
      return "read_only = (CASE ?7 WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE -1 END)";
    case LookupKey::kUsername:
      return "username = ?7";
    case LookupKey::kResourceType:
      return "(?7 = 'AWS::KMS::Key' AND resources <> '')";
    case LookupKey::kResourceName:
      return "instr(resources, char(10) || ?7 || char(10)) > 0";
    case LookupKey::kEventSource:
      return "?7 = 'kms.amazonaws.com'";
    case LookupKey::kAccessKeyId:
      return "access_key_id = ?7";
    case LookupKey::kNone:
      break;
  }
  return "(?7 IS NULL OR 1)";
}

std::vector<std::string> SplitResources(std::string_view joined) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < joined.size()) {
    size_t end = joined.find('\n', start);
    if (end == std::string_view::npos) end = joined.size();
    if (end > start) out.emplace_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Status Configure(sqlite::Database& db, bool in_memory) {
  // NORMAL in WAL mode survives a crash of the process (kill -9); only a power loss may drop the
  // last batches, which is acceptable for an audit trail of an emulator and halves fsyncs.
  Status set = db.Exec("PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL");
  if (!set) return set;
  if (in_memory) {
    // 16 KiB pages hold a dozen records each: inserts and retention deletes touch fewer pages
    // (a file database keeps the page size the key store created it with).
    if (Status paged = db.Exec("PRAGMA page_size = 16384"); !paged) return paged;
    return schema::Migrate(db);
  }
  Result<int64_t> version = db.QueryInt("PRAGMA user_version");
  if (!version) return version.error();
  if (*version < kAuditSchemaVersion) {
    return MakeError(ErrorCode::kInternal, "database schema version " + std::to_string(*version) +
                                               " has no audit trail (needs " +
                                               std::to_string(kAuditSchemaVersion) + ")");
  }
  return {};
}

}  // namespace

Result<AuditDb> AuditDb::Open(const std::string& path) {
  bool in_memory = path == kMemoryPath;
  Result<sqlite::Database> db = sqlite::Database::Open(path);
  if (!db) return db.error();
  if (Status configured = Configure(*db, in_memory); !configured) return configured.error();
  AuditDb out(std::move(*db));
  auto insert = out.db_.Prepare(kInsert);
  if (!insert) return insert.error();
  out.insert_.emplace(std::move(*insert));
  auto use = out.db_.Prepare(kRecordUse);
  if (!use) return use.error();
  out.use_.emplace(std::move(*use));
  return out;
}

Status AuditDb::InsertEvent(const EventView& e) {
  std::string_view key_arn;
  ForEachArn(e.Resources(), [&](std::string_view arn) {
    if (key_arn.empty() && arn.find(":key/") != std::string_view::npos) key_arn = arn;
  });
  sqlite::Statement& s = *insert_;
  s.BindInt(1, e.TimeMs()).BindText(2, e.EventName()).BindText(3, e.Account());
  s.BindText(4, e.Region());
  if (key_arn.empty()) {
    s.BindNull(5);
  } else {
    s.BindText(5, key_arn);
  }
  s.BindText(6, e.RequestId()).BindText(7, e.Record()).BindText(8, e.EventId());
  s.BindText(9, e.Username()).BindText(10, e.AccessKeyId()).BindInt(11, e.ReadOnly() ? 1 : 0);
  s.BindText(12, e.Resources());
  if (e.ErrorType().empty()) {
    s.BindNull(13);
  } else {
    s.BindText(13, e.ErrorType());
  }
  return s.Run();
}

Status AuditDb::RecordUses(const EventBatch& batch) {
  // Only the newest use of each key in the batch needs writing.
  std::unordered_map<std::string_view, size_t> newest;
  for (size_t i = 0; i < batch.size(); ++i) {
    EventView e = batch[i];
    ForEachArn(e.UsedKeys(), [&](std::string_view arn) {
      auto [it, inserted] = newest.emplace(arn, i);
      if (!inserted && batch[it->second].TimeMs() <= e.TimeMs()) it->second = i;
    });
  }
  for (const auto& [arn, i] : newest) {
    EventView e = batch[i];
    use_->BindText(1, arn).BindText(2, e.EventName()).BindInt(3, e.TimeMs());
    use_->BindText(4, e.EventId()).BindText(5, e.RequestId());
    if (Status ran = use_->Run(); !ran) return ran;
  }
  return {};
}

Status AuditDb::Insert(const EventBatch& batch) {
  if (batch.empty()) return {};
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(db_);
  if (!tx) return tx.error();
  for (size_t i = 0; i < batch.size(); ++i) {
    if (Status inserted = InsertEvent(batch[i]); !inserted) return inserted;
  }
  if (Status used = RecordUses(batch); !used) return used;
  return tx->Commit();
}

Result<int64_t> AuditDb::Prune(int64_t oldest_kept_ms, int64_t max_events) {
  int64_t deleted = 0;
  auto run = [&](std::string_view sql, int64_t value) -> Status {
    auto stmt = db_.Prepare(sql);
    if (!stmt) return stmt.error();
    stmt->BindInt(1, value);
    if (Status ran = stmt->Run(); !ran) return ran;
    auto changes = db_.QueryInt("SELECT changes()");
    if (!changes) return changes.error();
    deleted += *changes;
    return {};
  };
  if (oldest_kept_ms != INT64_MIN) {
    Status s = run("DELETE FROM audit_events WHERE event_time_ms < ?1", oldest_kept_ms);
    if (!s) return s.error();
  }
  if (max_events > 0) {
    // Ids only grow, so the newest max_events are the highest ids.
    Status s = run(
        "DELETE FROM audit_events WHERE id <= (SELECT max(id) FROM audit_events) - ?1", max_events);
    if (!s) return s.error();
  }
  return deleted;
}

Result<std::vector<StoredEvent>> AuditDb::Lookup(const LookupQuery& q) {
  std::string sql(kLookupHead);
  sql.append(Condition(q.key)).append(kLookupTail);
  auto stmt = db_.Prepare(sql);
  if (!stmt) return stmt.error();
  int64_t end_ms = q.end_ms;
  int64_t after_time = INT64_MAX, after_id = INT64_MAX;
  if (q.after) {
    std::tie(after_time, after_id) = *q.after;
    end_ms = std::min(end_ms, after_time);
  }
  stmt->BindText(1, q.account).BindText(2, q.region).BindInt(3, q.start_ms).BindInt(4, end_ms);
  stmt->BindInt(5, after_time).BindInt(6, after_id);
  if (q.key == LookupKey::kNone) {
    stmt->BindNull(7);
  } else {
    stmt->BindText(7, q.value);
  }
  stmt->BindInt(8, q.limit);
  std::vector<StoredEvent> out;
  while (true) {
    Result<bool> row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    StoredEvent& e = out.emplace_back();
    e.id = stmt->Int(0);
    e.time_ms = stmt->Int(1);
    e.event_id = stmt->Text(2);
    e.event_name = stmt->Text(3);
    e.read_only = stmt->Int(4) != 0;
    e.access_key_id = stmt->Text(5);
    e.username = stmt->Text(6);
    e.resources = SplitResources(stmt->Text(7));
    e.record = stmt->Text(8);
  }
  return out;
}

Result<std::optional<KeyLastUse>> AuditDb::LastUse(const std::string& key_arn) {
  auto stmt = db_.Prepare(
      "SELECT operation, used_ms, event_id, request_id FROM key_last_usage WHERE key_arn = ?1");
  if (!stmt) return stmt.error();
  stmt->BindText(1, key_arn);
  Result<bool> row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<KeyLastUse>();
  return std::optional<KeyLastUse>(KeyLastUse{std::string(stmt->Text(0)), stmt->Int(1),
                                              std::string(stmt->Text(2)),
                                              std::string(stmt->Text(3))});
}

Result<int64_t> AuditDb::TrackingStartMs() {
  return db_.QueryInt("SELECT value FROM audit_settings WHERE name = 'tracking_start_ms'");
}

Result<int64_t> AuditDb::Count() { return db_.QueryInt("SELECT count(*) FROM audit_events"); }

}  // namespace kms::emulator::audit
