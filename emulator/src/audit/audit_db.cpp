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

constexpr std::string_view kInsert =
    "INSERT INTO audit_batches (first_seq, events, first_ms, last_ms, data, format) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

constexpr std::string_view kRecordUse =
    "INSERT INTO key_last_usage (key_arn, operation, used_ms, event_id, request_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key_arn) DO UPDATE SET "
    "operation = excluded.operation, used_ms = excluded.used_ms, event_id = excluded.event_id, "
    "request_id = excluded.request_id WHERE excluded.used_ms >= key_last_usage.used_ms";

// The batches that may hold events numbered below ?1 and from ?2 on, in [?3, ?4], newest first
// (by id: the order they were written). Their events are filtered one by one (Lookup).
constexpr std::string_view kLookup =
    "SELECT first_seq, data, format FROM audit_batches WHERE first_seq < ?1 AND "
    "first_seq + events > ?2 "
    "AND last_ms >= ?3 AND first_ms <= ?4 ORDER BY id DESC";

// Events moved from v3's table per transaction step (kMaxBatchEvents per stored batch).
constexpr std::string_view kLegacyEvents =
    "SELECT event_time_ms, event_name, coalesce(account, ''), coalesce(region, ''), record "
    "FROM audit_events ORDER BY id";

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

// For lookups by an attribute whose value the record holds verbatim as a JSON string (a resource
// ARN, the event id, the access key id, an IAM user's name): that string, quoted and escaped as
// the record writes it. A record without it cannot match, and is skipped without being parsed.
// Empty: no such test ("root" names the account's root, which the record shows as its type).
std::string RecordNeedle(const LookupQuery& q) {
  std::string needle;
  if (q.key == LookupKey::kResourceName || q.key == LookupKey::kEventId ||
      q.key == LookupKey::kAccessKeyId || (q.key == LookupKey::kUsername && q.value != "root")) {
    AppendJsonString(needle, q.value);
  }
  return needle;
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
  if (Status prepared = out.Prepare(); !prepared) return prepared.error();
  if (!in_memory) {
    if (Status moved = out.MoveLegacyEvents(); !moved) return moved.error();
  }
  auto next = out.LoadNextSeq();
  if (!next) return next.error();
  out.next_seq_ = *next;
  return out;
}

Status AuditDb::Prepare() {
  std::pair<std::string_view, std::optional<sqlite::Statement>*> statements[] = {
      {kInsert, &insert_},
      {kRecordUse, &use_},
      {"BEGIN IMMEDIATE", &begin_},
      {"COMMIT", &commit_},
      {"ROLLBACK", &rollback_}};
  for (auto& [sql, slot] : statements) {
    auto stmt = db_.Prepare(sql);
    if (!stmt) return stmt.error();
    slot->emplace(std::move(*stmt));
  }
  return {};
}

Result<int64_t> AuditDb::LoadNextSeq() {
  return db_.QueryInt("SELECT coalesce(max(first_seq + events), 1) FROM audit_batches");
}

// Events an older emulator stored one row each (plain or compact JSON) become batches, oldest
// first, numbered before every new event; the old rows go in the same transaction.
Status AuditDb::MoveLegacyEvents() {
  auto legacy = db_.QueryInt("SELECT count(*) FROM audit_events");
  if (!legacy) return legacy.error();
  if (*legacy == 0) return {};
  auto next = LoadNextSeq();
  if (!next) return next.error();
  next_seq_ = *next;
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(db_);
  if (!tx) return tx.error();
  auto select = db_.Prepare(kLegacyEvents);
  if (!select) return select.error();
  std::vector<std::string> texts;  // the rows of one batch: event name, account, region, record
  std::vector<int64_t> times;
  auto flush = [&]() -> Status {
    entries_.clear();
    for (size_t i = 0; i < times.size(); ++i) {
      entries_.push_back(
          {times[i], texts[4 * i + 1], texts[4 * i + 2], texts[4 * i], texts[4 * i + 3]});
    }
    Status stored = times.empty() ? Status() : InsertEntries(entries_);
    texts.clear();
    times.clear();
    return stored;
  };
  Status read = sqlite::ForEachRow(*select, [&]() -> Status {
    times.push_back(select->Int(0));
    for (int column = 1; column <= 3; ++column) texts.emplace_back(select->Text(column));
    texts.push_back(ExpandRecord(select->Text(4)));
    if (times.size() < kMaxBatchEvents) return {};
    return flush();
  });
  if (!read) return read;
  if (Status last = flush(); !last) return last;
  if (Status dropped = db_.Exec("DELETE FROM audit_events"); !dropped) return dropped;
  return tx->Commit();
}

Status AuditDb::InsertEntries(std::span<const BatchEntry> entries) {
  auto frame = encoder_.Encode(entries);
  if (!frame) return frame.error();
  int64_t first_ms = INT64_MAX, last_ms = INT64_MIN;
  for (const BatchEntry& e : entries) {
    first_ms = std::min(first_ms, e.time_ms);
    last_ms = std::max(last_ms, e.time_ms);
  }
  auto count = static_cast<int64_t>(entries.size());
  insert_->BindInt(1, next_seq_).BindInt(2, count).BindInt(3, first_ms).BindInt(4, last_ms);
  insert_->BindBlob(5, *frame).BindInt(6, static_cast<int64_t>(BatchFormat::kDelta));
  if (Status ran = insert_->Run(); !ran) return ran;
  next_seq_ += count;
  return {};
}

Status AuditDb::RecordUses(const EventBatch& batch) {
  // Only the newest use of each key in the batch needs writing. Most events use the same keys
  // as the one before them: each run of those is reduced to its newest event before its ARNs are
  // looked at. Newest: the latest time, and of equal times the last queued.
  std::unordered_map<std::string_view, size_t> newest;
  for (size_t i = 0; i < batch.size();) {
    std::string_view keys = batch[i].UsedKeys();
    size_t best = i;
    size_t end = i + 1;
    for (; end < batch.size() && batch[end].UsedKeys() == keys; ++end) {
      if (batch[end].TimeMs() >= batch[best].TimeMs()) best = end;
    }
    int64_t best_ms = batch[best].TimeMs();
    ForEachArn(keys, [&](std::string_view arn) {
      auto [it, inserted] = newest.emplace(arn, best);
      if (!inserted && batch[it->second].TimeMs() <= best_ms) it->second = best;
    });
    i = end;
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
  int64_t first_seq = next_seq_;
  // Prepared BEGIN/COMMIT: sqlite::Transaction would parse them again for every batch.
  if (Status begun = begin_->Run(); !begun) return begun;
  Status written;
  for (size_t begin = 0; begin < batch.size() && written; begin += kMaxBatchEvents) {
    size_t end = std::min(batch.size(), begin + kMaxBatchEvents);
    entries_.clear();
    for (size_t i = begin; i < end; ++i) {
      EventView e = batch[i];
      entries_.push_back({e.TimeMs(), e.Account(), e.Region(), e.EventName(), e.Record()});
    }
    written = InsertEntries(entries_);
  }
  if (written) written = RecordUses(batch);
  if (written) written = commit_->Run();
  if (written) return {};
  // Without a journal (in memory) ROLLBACK is undefined: keep what was written instead.
  Status ended = in_memory_ ? commit_->Run() : rollback_->Run();
  (void)ended;  // the insert's error is the one to report
  auto next = LoadNextSeq();
  next_seq_ = next ? std::max(*next, first_seq) : first_seq;
  return written;
}

Result<int64_t> AuditDb::Prune(int64_t oldest_kept_ms, int64_t max_events) {
  oldest_kept_ms_ = oldest_kept_ms;
  min_seq_ = max_events > 0 ? std::max<int64_t>(1, next_seq_ - max_events) : 1;
  // The oldest batches, in the order they were written, up to the first one still holding a
  // kept event: a walk from the table's start that stops at once when nothing has gone.
  auto stmt = db_.Prepare(
      "DELETE FROM audit_batches WHERE id < coalesce((SELECT id FROM audit_batches WHERE "
      "last_ms >= ?1 AND first_seq + events > ?2 ORDER BY id LIMIT 1), "
      "(SELECT max(id) + 1 FROM audit_batches))");
  if (!stmt) return stmt.error();
  stmt->BindInt(1, oldest_kept_ms_).BindInt(2, min_seq_);
  if (Status ran = stmt->Run(); !ran) return ran.error();
  return db_.QueryInt("SELECT changes()");
}

Result<std::vector<StoredEvent>> AuditDb::Lookup(const LookupQuery& q) {
  auto stmt = db_.Prepare(kLookup);
  if (!stmt) return stmt.error();
  int64_t start_ms = std::max(q.start_ms, oldest_kept_ms_);
  stmt->BindInt(1, q.before_id).BindInt(2, min_seq_).BindInt(3, start_ms).BindInt(4, q.end_ms);
  std::vector<StoredEvent> out;
  auto limit = static_cast<size_t>(std::max(q.limit, 0));
  std::string content;
  const std::string needle = RecordNeedle(q);
  while (out.size() < limit) {
    Result<bool> row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    int64_t first_seq = stmt->Int(0);
    auto entries = DecodeBatch(stmt->Blob(1), static_cast<BatchFormat>(stmt->Int(2)), content);
    if (!entries) return entries.error();
    for (size_t i = entries->size(); i-- > 0 && out.size() < limit;) {
      const BatchEntry& b = (*entries)[i];
      int64_t seq = first_seq + static_cast<int64_t>(i);
      if (seq >= q.before_id || !Kept(seq, b.time_ms) || b.time_ms < q.start_ms ||
          b.time_ms > q.end_ms || b.account != q.account || b.region != q.region ||
          (q.key == LookupKey::kEventName && b.event_name != q.value) ||
          (!needle.empty() && b.record.find(needle) == std::string_view::npos)) {
        continue;
      }
      StoredEvent e;
      e.id = seq;
      e.time_ms = b.time_ms;
      e.record = b.record;
      FillFromRecord(e);
      if (Matches(e, q)) out.push_back(std::move(e));
    }
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

Result<int64_t> AuditDb::Count() {
  auto stmt = db_.Prepare("SELECT first_seq, events, first_ms, data, format FROM audit_batches");
  if (!stmt) return stmt.error();
  int64_t count = 0;
  std::string content;
  Status counted = sqlite::ForEachRow(*stmt, [&]() -> Status {
    int64_t first_seq = stmt->Int(0), events = stmt->Int(1);
    if (Kept(first_seq, stmt->Int(2))) {
      count += events;  // a batch's numbers only grow, and its first_ms is its oldest time
      return {};
    }
    auto entries = DecodeBatch(stmt->Blob(3), static_cast<BatchFormat>(stmt->Int(4)), content);
    if (!entries) return entries.error();
    for (size_t i = 0; i < entries->size(); ++i) {
      if (Kept(first_seq + static_cast<int64_t>(i), (*entries)[i].time_ms)) ++count;
    }
    return {};
  });
  if (!counted) return counted.error();
  return count;
}

}  // namespace kms::emulator::audit
