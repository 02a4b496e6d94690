// Tests for audit/audit_db's stored batches: events of an older emulator (one row each) moved
// into batches, retention inside a batch it cannot delete yet, event numbers across restarts,
// and a damaged batch reported instead of misread.
#include <doctest/doctest.h>

#include "audit/audit_db.hpp"
#include "audit/record_builder.hpp"
#include "audit/record_codec.hpp"
#include "audit_fixture.hpp"
#include "batch_fixture.hpp"
#include "store/sqlite.hpp"

namespace {

using namespace kms::emulator;
using namespace kms::emulator::testing;

std::string RecordJson(int n) {
  return R"({"eventVersion":"1.11","eventName":"Decrypt","awsRegion":"us-east-1","n":)" +
         std::to_string(n) + "}";
}

// Events numbered ("n") from `first`, one per time.
EventBatch BatchAt(int first, const std::vector<int64_t>& times) {
  EventBatch batch;
  for (int n = first; n < first + static_cast<int>(times.size()); ++n) {
    AuditEvent e;
    e.time_ms = times[static_cast<size_t>(n - first)];
    e.RecordBuffer() = RecordJson(n);
    e.MarkRecord();
    e.SetEventName("Decrypt");
    e.SetAccount(kAuditAccount);
    e.SetRegion(kAuditRegion);
    e.SetRequestId("req-" + std::to_string(n));
    e.SetEventId(audit::FastUuid());
    batch.Add(e);
  }
  return batch;
}

EventBatch Batch(int first, int count, int64_t time_ms) {
  return BatchAt(first, std::vector<int64_t>(static_cast<size_t>(count), time_ms));
}

audit::LookupQuery AllEvents() {
  audit::LookupQuery query;
  query.account = kAuditAccount;
  query.region = kAuditRegion;
  query.limit = 1'000'000;
  return query;
}

// The "n" member of each event Lookup returns, in its order.
std::vector<int64_t> Numbers(audit::AuditDb& db, audit::LookupQuery query = AllEvents()) {
  auto events = db.Lookup(query);
  REQUIRE(events.has_value());
  std::vector<int64_t> out;
  for (const auto& e : *events) out.push_back(ParseObject(e.record).at("n").as_int64());
  return out;
}

std::vector<int64_t> Range(int64_t from, int64_t down_to) {
  std::vector<int64_t> out;
  for (int64_t n = from; n >= down_to; --n) out.push_back(n);
  return out;
}

// A new database file, created and migrated by the key store as the emulator does.
std::string MigratedDatabase(const AuditTempDir& dir) {
  std::string path = dir.File("kms.db");
  REQUIRE(KeyStore::Open(path).has_value());
  return path;
}

// A database as an emulator of schema v5 left it: the key store's tables, and `count` events in
// v3's audit_events (every other one in the compact form of record_codec.hpp, as v5 wrote them;
// the rest plain JSON, as v3 and v4 did).
std::string LegacyDatabase(const AuditTempDir& dir, int count) {
  std::string path = MigratedDatabase(dir);
  auto db = sqlite::Database::Open(path);
  REQUIRE(db.has_value());
  REQUIRE(db->Exec("DROP TABLE audit_batches; PRAGMA user_version = 5").has_value());
  REQUIRE(db->Exec("BEGIN").has_value());
  auto insert = db->Prepare(
      "INSERT INTO audit_events (event_time_ms, event_name, account, region, key_arn, "
      "request_id, record) VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)");
  REQUIRE(insert.has_value());
  for (int n = 0; n < count; ++n) {
    std::string record = RecordJson(n);
    if (n % 2 == 0) {
      std::string compact;
      audit::CompactRecord(record, compact);
      record = compact;
    }
    insert->BindInt(1, 1'700'000'000'000 + n).BindText(2, "Decrypt").BindText(3, kAuditAccount);
    insert->BindText(4, kAuditRegion).BindText(5, "req-" + std::to_string(n));
    insert->BindText(6, record);
    REQUIRE(insert->Run().has_value());
  }
  REQUIRE(db->Exec("COMMIT").has_value());
  return path;
}

}  // namespace

TEST_CASE("Events an older emulator stored one row each move into batches when the trail opens") {
  AuditTempDir dir;
  std::string path = LegacyDatabase(dir, 2500);
  REQUIRE(KeyStore::Open(path).has_value());  // migrates v5 -> v7
  auto db = audit::AuditDb::Open(path);
  REQUIRE(db.has_value());
  CHECK(db->Count().value() == 2500);
  CHECK(Numbers(*db) == Range(2499, 0));  // newest first, every record read back as JSON
  auto raw = kms::emulator::sqlite::Database::Open(path);
  REQUIRE(raw.has_value());
  CHECK(raw->QueryInt("SELECT count(*) FROM audit_events").value() == 0);
  CHECK(raw->QueryInt("SELECT count(*) FROM audit_batches").value() == 3);  // 1024+1024+452
  CHECK(raw->QueryInt("SELECT min(first_seq) FROM audit_batches").value() == 1);
  // Later events are numbered after the moved ones, and a second open moves nothing again.
  REQUIRE(db->Insert(Batch(2500, 3, 1'800'000'000'000)).has_value());
  auto again = audit::AuditDb::Open(path);
  REQUIRE(again.has_value());
  CHECK(again->Count().value() == 2503);
  auto newest = again->Lookup(AllEvents()).value();
  REQUIRE(newest.size() == 2503);
  CHECK(newest[0].id == 2503);
  CHECK(newest[2502].id == 1);
}

TEST_CASE("Batches an emulator of schema v6 stored keep reading after the upgrade") {
  AuditTempDir dir;
  std::string path = MigratedDatabase(dir);
  std::vector<std::string> records;
  std::vector<audit::BatchEntry> entries;
  for (int n = 0; n < 40; ++n) records.push_back(RecordJson(n));
  for (int n = 0; n < 40; ++n) {
    entries.push_back({1'700'000'000'000 + n, kAuditAccount, kAuditRegion, "Decrypt",
                       records[static_cast<size_t>(n)]});
  }
  {
    auto raw = sqlite::Database::Open(path);
    REQUIRE(raw.has_value());
    REQUIRE(raw->Exec("ALTER TABLE audit_batches DROP COLUMN format; PRAGMA user_version = 6")
                .has_value());
    auto insert = raw->Prepare(
        "INSERT INTO audit_batches (first_seq, events, first_ms, last_ms, data) "
        "VALUES (1, 40, ?1, ?2, ?3)");
    REQUIRE(insert.has_value());
    insert->BindInt(1, entries.front().time_ms).BindInt(2, entries.back().time_ms);
    insert->BindBlob(3, FrameOf(PlainContent(entries)));
    REQUIRE(insert->Run().has_value());
  }
  REQUIRE(KeyStore::Open(path).has_value());  // migrates v6 -> v7: the row is format 1
  auto db = audit::AuditDb::Open(path);
  REQUIRE(db.has_value());
  REQUIRE(db->Insert(Batch(40, 5, 1'800'000'000'000)).has_value());  // format 2
  CHECK(db->Count().value() == 45);
  CHECK(Numbers(*db) == Range(44, 0));
  auto raw = sqlite::Database::Open(path);
  REQUIRE(raw.has_value());
  CHECK(raw->QueryInt("SELECT format FROM audit_batches WHERE first_seq = 1").value() == 1);
  CHECK(raw->QueryInt("SELECT format FROM audit_batches WHERE first_seq = 41").value() == 2);
}

TEST_CASE("Event numbers keep growing across reopening, and page through batches") {
  AuditTempDir dir;
  std::string path = MigratedDatabase(dir);
  {
    auto db = audit::AuditDb::Open(path);
    REQUIRE(db.has_value());
    REQUIRE(db->Insert(Batch(0, 1500, 1'700'000'000'000)).has_value());  // two stored batches
  }
  auto db = audit::AuditDb::Open(path);
  REQUIRE(db.has_value());
  REQUIRE(db->Insert(Batch(1500, 10, 1'700'000'000'100)).has_value());
  // Pages of 7, each below the last id of the previous page, as LookupEvents' NextToken does.
  audit::LookupQuery query = AllEvents();
  query.limit = 7;
  std::vector<int64_t> seen;
  while (true) {
    auto page = db->Lookup(query).value();
    for (const auto& e : page) seen.push_back(ParseObject(e.record).at("n").as_int64());
    if (page.size() < 7) break;
    query.before_id = page.back().id;
  }
  CHECK(seen == Range(1509, 0));
}

TEST_CASE("Retention by count hides the older events of a batch it cannot delete yet") {
  auto db = audit::AuditDb::Open(":memory:");
  REQUIRE(db.has_value());
  REQUIRE(db->Insert(Batch(0, 25, 1'700'000'000'000)).has_value());  // one stored batch
  REQUIRE(db->Prune(INT64_MIN, 10).has_value());
  CHECK(db->Count().value() == 10);
  CHECK(Numbers(*db) == Range(24, 15));
  REQUIRE(db->Insert(Batch(25, 30, 1'700'000'000'000)).has_value());
  auto deleted = db->Prune(INT64_MIN, 10);
  REQUIRE(deleted.has_value());
  CHECK(*deleted == 1);  // the first batch holds no kept event any more
  CHECK(Numbers(*db) == Range(54, 45));
}

TEST_CASE("Retention by age hides events older than the limit inside a kept batch") {
  auto db = audit::AuditDb::Open(":memory:");
  REQUIRE(db.has_value());
  REQUIRE(db->Insert(BatchAt(0, {1'000, 1'000, 5'000, 5'000})).has_value());  // one batch
  REQUIRE(db->Prune(3'000, 0).value() == 0);
  CHECK(Numbers(*db) == std::vector<int64_t>{3, 2});
  CHECK(db->Count().value() == 2);
  REQUIRE(db->Prune(6'000, 0).value() == 1);
  CHECK(db->Count().value() == 0);
}

TEST_CASE("A damaged stored batch fails the lookup with the reason instead of being misread") {
  AuditTempDir dir;
  std::string path = MigratedDatabase(dir);
  auto db = audit::AuditDb::Open(path);
  REQUIRE(db.has_value());
  REQUIRE(db->Insert(Batch(0, 5, 1'700'000'000'000)).has_value());
  auto raw = kms::emulator::sqlite::Database::Open(path);
  REQUIRE(raw.has_value());
  // Flip a byte in the middle of the compressed data.
  REQUIRE(raw->Exec("UPDATE audit_batches SET data = CAST(substr(data, 1, length(data) / 2) || "
                    "x'ff' || substr(data, length(data) / 2 + 2) AS BLOB)")
              .has_value());
  auto events = db->Lookup(AllEvents());
  REQUIRE_FALSE(events.has_value());
  CHECK(events.error().code == kms::ErrorCode::kInternal);
  CHECK(events.error().message.rfind("corrupt audit batch: ", 0) == 0);
}
