// SQLite statements of the audit trail. The SQL text is fixed; every value is bound.
#include "audit/audit_db.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <unordered_map>

#include "audit/json_text.hpp"
#include "audit/record_codec.hpp"
#include "store/schema.hpp"

namespace kms::emulator::audit {
namespace {

constexpr const char* kMemoryPath = ":memory:";

constexpr std::string_view kInsertHead =
    "INSERT INTO audit_events (event_time_ms, event_name, account, region, key_arn, request_id, "
    "record) VALUES ";
constexpr int kColumns = 7;

// INSERT ... VALUES (?,?,?,?,?,?,?), ... for `rows` rows.
std::string InsertSql(size_t rows) {
  std::string sql(kInsertHead);
  for (size_t i = 0; i < rows; ++i) sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?)");
  return sql;
}

constexpr std::string_view kRecordUse =
    "INSERT INTO key_last_usage (key_arn, operation, used_ms, event_id, request_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key_arn) DO UPDATE SET "
    "operation = excluded.operation, used_ms = excluded.used_ms, event_id = excluded.event_id, "
    "request_id = excluded.request_id WHERE excluded.used_ms >= key_last_usage.used_ms";

// Newest first (by id: the order events were written) within [?3, ?4], below the paging cursor
// ?5, for one event name when ?6 is not NULL. The other attributes are matched on the parsed
// record (Matches): records are stored in their compact form (record_codec.hpp).
constexpr std::string_view kLookup =
    "SELECT id, event_time_ms, record FROM audit_events WHERE account = ?1 AND region = ?2 AND "
    "event_time_ms >= ?3 AND event_time_ms <= ?4 AND id < ?5 AND (?6 IS NULL OR event_name = ?6) "
    "ORDER BY id DESC";

std::string_view Member(const boost::json::object& o, std::string_view name) {
  auto it = o.find(name);
  if (it == o.end() || !it->value().is_string()) return {};
  return it->value().get_string();
}

// The LookupEvents members of a stored record, read back from its JSON.
void FillFromRecord(StoredEvent& e) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(e.record, ec);
  if (ec || !parsed.is_object()) return;
  const boost::json::object& r = parsed.get_object();
  e.event_id = Member(r, "eventID");
  e.event_name = Member(r, "eventName");
  auto read_only = r.find("readOnly");
  e.read_only =
      read_only != r.end() && read_only->value().is_bool() && read_only->value().get_bool();
  if (auto id = r.find("userIdentity"); id != r.end() && id->value().is_object()) {
    const boost::json::object& who = id->value().get_object();
    e.access_key_id = Member(who, "accessKeyId");
    e.username = Member(who, "type") == "Root" ? std::string_view("root") : Member(who, "userName");
  }
  if (auto res = r.find("resources"); res != r.end() && res->value().is_array()) {
    for (const auto& item : res->value().get_array()) {
      if (item.is_object()) e.resources.emplace_back(Member(item.get_object(), "ARN"));
    }
  }
}

// True when the event has the query's lookup attribute (CloudTrail matches values exactly).
bool Matches(const StoredEvent& e, const LookupQuery& q) {
  switch (q.key) {
    case LookupKey::kNone:
      return true;
    case LookupKey::kEventId:
      return e.event_id == q.value;
    case LookupKey::kEventName:
      return e.event_name == q.value;
    case LookupKey::kReadOnly:
      return (q.value == "true" && e.read_only) || (q.value == "false" && !e.read_only);
    case LookupKey::kUsername:
      return e.username == q.value;
    case LookupKey::kResourceType:
      return q.value == "AWS::KMS::Key" && !e.resources.empty();
    case LookupKey::kResourceName:
      return std::find(e.resources.begin(), e.resources.end(), q.value) != e.resources.end();
    case LookupKey::kEventSource:
      return q.value == "kms.amazonaws.com";
    case LookupKey::kAccessKeyId:
      return e.access_key_id == q.value;
  }
  return false;
}

Status Configure(sqlite::Database& db, bool in_memory) {
  // NORMAL in WAL mode survives a crash of the process (kill -9); only a power loss may drop the
  // last batches, which is acceptable for an audit trail of an emulator and halves fsyncs.
  Status set = db.Exec("PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL");
  if (!set) return set;
  if (in_memory) {
    // 16 KiB pages hold a dozen records each: inserts and retention deletes touch fewer pages
    // (a file database keeps the page size the key store created it with). An in-memory trail
    // needs no rollback journal: a batch that fails half-way (out of memory) keeps its first
    // events, which is better than losing all of them.
    if (Status paged = db.Exec("PRAGMA page_size = 16384"); !paged) return paged;
    if (Status migrated = schema::Migrate(db); !migrated) return migrated;
    return db.Exec("PRAGMA journal_mode = OFF");
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
  out.in_memory_ = in_memory;
  std::string insert_one = InsertSql(1), insert_many = InsertSql(kRowsPerInsert);
  std::pair<std::string_view, std::optional<sqlite::Statement>*> statements[] = {
      {insert_one, &out.insert_}, {insert_many, &out.insert_many_},
      {kRecordUse, &out.use_},    {"BEGIN IMMEDIATE", &out.begin_},
      {"COMMIT", &out.commit_},   {"ROLLBACK", &out.rollback_}};
  for (auto& [sql, slot] : statements) {
    auto stmt = out.db_.Prepare(sql);
    if (!stmt) return stmt.error();
    slot->emplace(std::move(*stmt));
  }
  return out;
}

// Binds event `e` as row `row` (0-based) of an INSERT statement.
void AuditDb::BindEvent(sqlite::Statement& s, int row, const EventView& e,
                        std::string_view stored) {
  std::string_view key_arn;
  ForEachArn(e.Resources(), [&](std::string_view arn) {
    if (key_arn.empty() && arn.find(":key/") != std::string_view::npos) key_arn = arn;
  });
  // Every value lives in the batch until the statement has run: no copies needed.
  int p = row * kColumns;
  s.BindInt(p + 1, e.TimeMs()).BindTextNoCopy(p + 2, e.EventName());
  s.BindTextNoCopy(p + 3, e.Account()).BindTextNoCopy(p + 4, e.Region());
  if (key_arn.empty()) {
    s.BindNull(p + 5);
  } else {
    s.BindTextNoCopy(p + 5, key_arn);
  }
  s.BindTextNoCopy(p + 6, e.RequestId()).BindTextNoCopy(p + 7, stored);
}

Status AuditDb::InsertEvents(const EventBatch& batch) {
  // The compact records live in compact_ until their statement has run.
  auto compact = [this](size_t row, const EventView& e) -> std::string_view {
    compact_[row].clear();
    CompactRecord(e.Record(), compact_[row]);
    return compact_[row];
  };
  size_t i = 0;
  for (; i + kRowsPerInsert <= batch.size(); i += kRowsPerInsert) {
    for (size_t row = 0; row < kRowsPerInsert; ++row) {
      EventView e = batch[i + row];
      BindEvent(*insert_many_, static_cast<int>(row), e, compact(row, e));
    }
    if (Status ran = insert_many_->Run(); !ran) return ran;
  }
  for (; i < batch.size(); ++i) {
    EventView e = batch[i];
    BindEvent(*insert_, 0, e, compact(0, e));
    if (Status ran = insert_->Run(); !ran) return ran;
  }
  return {};
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
  // Prepared BEGIN/COMMIT: sqlite::Transaction would parse them again for every batch.
  if (Status begun = begin_->Run(); !begun) return begun;
  Status written = InsertEvents(batch);
  if (written) written = RecordUses(batch);
  if (written) return commit_->Run();
  // Without a journal (in memory) ROLLBACK is undefined: keep what was written instead.
  Status ended = in_memory_ ? commit_->Run() : rollback_->Run();
  (void)ended;  // the insert's error is the one to report
  return written;
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
    // The oldest events, in the order they were written, up to the first one still kept: a walk
    // from the table's start that stops at once when nothing has expired.
    Status s =
        run("DELETE FROM audit_events WHERE id < coalesce((SELECT id FROM audit_events WHERE "
            "event_time_ms >= ?1 ORDER BY id LIMIT 1), (SELECT max(id) + 1 FROM audit_events))",
            oldest_kept_ms);
    if (!s) return s.error();
  }
  if (max_events > 0) {
    // Ids only grow, so the newest max_events are the highest ids.
    Status s = run("DELETE FROM audit_events WHERE id <= (SELECT max(id) FROM audit_events) - ?1",
                   max_events);
    if (!s) return s.error();
  }
  return deleted;
}

Result<std::vector<StoredEvent>> AuditDb::Lookup(const LookupQuery& q) {
  auto stmt = db_.Prepare(kLookup);
  if (!stmt) return stmt.error();
  stmt->BindText(1, q.account).BindText(2, q.region).BindInt(3, q.start_ms).BindInt(4, q.end_ms);
  stmt->BindInt(5, q.before_id);
  if (q.key == LookupKey::kEventName) {
    stmt->BindText(6, q.value);
  } else {
    stmt->BindNull(6);
  }
  std::vector<StoredEvent> out;
  StoredEvent e;
  while (out.size() < static_cast<size_t>(std::max(q.limit, 0))) {
    Result<bool> row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    e = StoredEvent{};
    e.id = stmt->Int(0);
    e.time_ms = stmt->Int(1);
    e.record = ExpandRecord(stmt->Text(2));
    FillFromRecord(e);
    if (Matches(e, q)) out.push_back(std::move(e));
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
