// Tests for audit/audit_log and audit/audit_db: the queue and its writer thread, the JSON-lines
// file, retention by age and count, each key's last use, and opening errors.
#include "audit/audit_log.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "audit/record_builder.hpp"
#include "audit_fixture.hpp"
#include "store/sqlite.hpp"

namespace {

using namespace kms::emulator;
using namespace kms::emulator::testing;
using kms::HttpRequest;
using kms::HttpResponse;

constexpr int64_t kDay = 86'400'000;

AuditEvent MakeEvent(int64_t time_ms, std::string_view name, int n,
                     std::string_view used_key = {}) {
  AuditEvent e;
  e.time_ms = time_ms;
  e.RecordBuffer() =
      R"({"eventName":")" + std::string(name) + R"(","n":)" + std::to_string(n) + "}";
  e.MarkRecord();
  e.SetEventName(name);
  e.SetAccount(kAuditAccount);
  e.SetRegion(kAuditRegion);
  e.SetRequestId("req-" + std::to_string(n));
  e.SetEventId(audit::FastUuid());
  e.SetUsername("root");
  e.SetAccessKeyId(kAccessKey);
  e.SetResources(used_key.empty() ? std::string() : "\n" + std::string(used_key) + "\n");
  e.SetUsedKeys(used_key.empty() ? std::string() : "\n" + std::string(used_key) + "\n");
  return e;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<int64_t> StoredNumbers(AuditLog& log) {
  audit::LookupQuery query;
  query.account = kAuditAccount;
  query.region = kAuditRegion;
  query.limit = 100'000;
  auto events = log.Lookup(query);
  REQUIRE(events.has_value());
  std::vector<int64_t> out;
  for (const auto& e : *events) out.push_back(ParseObject(e.record).at("n").as_int64());
  return out;
}

TEST_CASE("Events queued from many threads are all stored and written as JSON lines") {
  AuditTempDir dir;
  Clock clock;
  AuditOptions options;
  options.log_path = dir.File("audit.jsonl");
  auto log = AuditLog::Open(options, clock);
  REQUIRE(log.has_value());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i)
        (*log)->Enqueue(MakeEvent(clock.NowMs(), "Encrypt", t * 500 + i));
    });
  }
  for (auto& thread : threads) thread.join();
  REQUIRE((*log)->Flush().has_value());
  CHECK((*log)->Count().value() == 2000);
  auto lines = Lines(options.log_path);
  CHECK(lines.size() == 2000);
  for (const auto& line : lines) CHECK(ParseObject(line).at("eventName").as_string() == "Encrypt");
  struct stat st {};
  REQUIRE(::stat(options.log_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK((*log)->DroppedEvents() == 0);
}

TEST_CASE("The audit log file is appended to, never truncated") {
  AuditTempDir dir;
  Clock clock;
  AuditOptions options;
  options.log_path = dir.File("audit.jsonl");
  std::ofstream(options.log_path) << "{\"earlier\":true}\n";
  auto log = AuditLog::Open(options, clock);
  REQUIRE(log.has_value());
  (*log)->Enqueue(MakeEvent(clock.NowMs(), "Decrypt", 1));
  REQUIRE((*log)->Flush().has_value());
  auto lines = Lines(options.log_path);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "{\"earlier\":true}");
  CHECK(lines[1] == R"({"eventName":"Decrypt","n":1})");
}

TEST_CASE("Close writes every queued event to the database file before returning") {
  AuditTempDir dir;
  std::string db = dir.File("kms.db");
  REQUIRE(KeyStore::Open(db).has_value());  // creates and migrates the file
  Clock clock;
  AuditOptions options;
  options.db_path = db;
  {
    auto log = AuditLog::Open(options, clock);
    REQUIRE(log.has_value());
    for (int i = 0; i < 3000; ++i) (*log)->Enqueue(MakeEvent(clock.NowMs(), "Encrypt", i));
    (*log)->Close();
    (*log)->Close();  // idempotent
  }
  auto reopened = audit::AuditDb::Open(db);
  REQUIRE(reopened.has_value());
  CHECK(reopened->Count().value() == 3000);
}

TEST_CASE("Events queued after Close are dropped and counted") {
  Clock clock;
  auto log = AuditLog::Open({}, clock);
  REQUIRE(log.has_value());
  (*log)->Close();
  (*log)->Enqueue(MakeEvent(clock.NowMs(), "Encrypt", 1));
  CHECK((*log)->DroppedEvents() == 1);
  CHECK((*log)->Flush().has_value());  // returns at once on a closed log
  CHECK((*log)->Count().value() == 0);
}

TEST_CASE("A full queue makes producers wait for the writer instead of dropping events") {
  Clock clock;
  AuditOptions options;
  options.queue_capacity = 2;
  auto log = AuditLog::Open(options, clock);
  REQUIRE(log.has_value());
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) (*log)->Enqueue(MakeEvent(clock.NowMs(), "Sign", t * 300 + i));
    });
  }
  for (auto& thread : threads) thread.join();
  REQUIRE((*log)->Flush().has_value());
  CHECK((*log)->Count().value() == 900);
  CHECK((*log)->DroppedEvents() == 0);
}

TEST_CASE("Retention deletes events older than --audit-retention-days at the next flush") {
  Clock clock;
  AuditOptions options;
  options.retention_days = 2;
  auto log = AuditLog::Open(options, clock);
  REQUIRE(log.has_value());
  int64_t now = clock.NowMs();
  (*log)->Enqueue(MakeEvent(now - 3 * kDay, "Encrypt", 1));
  (*log)->Enqueue(MakeEvent(now - 2 * kDay + 60'000, "Encrypt", 2));
  (*log)->Enqueue(MakeEvent(now, "Encrypt", 3));
  REQUIRE((*log)->Flush().has_value());
  CHECK(StoredNumbers(**log) == std::vector<int64_t>{3, 2});
  clock.Advance(kDay);  // the second is now older than two days as well
  REQUIRE((*log)->Flush().has_value());
  CHECK(StoredNumbers(**log) == std::vector<int64_t>{3});
}

TEST_CASE("Retention 0 keeps events of any age") {
  Clock clock;
  AuditOptions options;
  options.retention_days = 0;
  auto log = AuditLog::Open(options, clock);
  REQUIRE(log.has_value());
  (*log)->Enqueue(MakeEvent(clock.NowMs() - 3650 * kDay, "Encrypt", 1));
  REQUIRE((*log)->Flush().has_value());
  CHECK((*log)->Count().value() == 1);
}

TEST_CASE("--audit-max-events keeps only the newest events") {
  Clock clock;
  AuditOptions options;
  options.max_events = 10;
  auto log = AuditLog::Open(options, clock);
  REQUIRE(log.has_value());
  for (int i = 0; i < 25; ++i) (*log)->Enqueue(MakeEvent(clock.NowMs(), "Encrypt", i));
  REQUIRE((*log)->Flush().has_value());
  auto numbers = StoredNumbers(**log);
  REQUIRE(numbers.size() == 10);
  CHECK(numbers.front() == 24);
  CHECK(numbers.back() == 15);
}

TEST_CASE("The last use of each key is the newest successful use, kept beyond retention") {
  Clock clock;
  AuditOptions options;
  options.max_events = 1;
  auto log = AuditLog::Open(options, clock);
  REQUIRE(log.has_value());
  std::string a = KeyArnOf("1234abcd-12ab-34cd-56ef-1234567890ab");
  std::string b = KeyArnOf("0987dcba-09fe-87dc-65ba-ab0987654321");
  int64_t now = clock.NowMs();
  (*log)->Enqueue(MakeEvent(now, "Encrypt", 1, a));
  (*log)->Enqueue(MakeEvent(now + 5, "Decrypt", 2, a));
  (*log)->Enqueue(MakeEvent(now + 1, "Sign", 3, a));  // older than the Decrypt: not the last
  (*log)->Enqueue(MakeEvent(now + 2, "GenerateMac", 4, b));
  REQUIRE((*log)->Flush().has_value());
  auto use = (*log)->LastUse(a);
  REQUIRE(use.has_value());
  REQUIRE(use->has_value());
  CHECK((*use)->operation == "Decrypt");
  CHECK((*use)->time_ms == now + 5);
  CHECK((*use)->request_id == "req-2");
  (*log)->Enqueue(MakeEvent(now - 10, "Verify", 5, b));  // a later batch with an older time
  REQUIRE((*log)->Flush().has_value());
  CHECK((*log)->LastUse(b).value()->operation == "GenerateMac");
  CHECK_FALSE((*log)->LastUse(KeyArnOf("mrk-1234abcd12ab34cd56ef1234567890ab")).value());
  // Of uses at the same time, the last queued; a run of one key's uses broken by another key.
  (*log)->Enqueue(MakeEvent(now + 7, "Encrypt", 6, a));
  (*log)->Enqueue(MakeEvent(now + 7, "GenerateDataKey", 7, a));
  (*log)->Enqueue(MakeEvent(now + 8, "Sign", 8, b));
  (*log)->Enqueue(MakeEvent(now + 6, "Decrypt", 9, a));
  REQUIRE((*log)->Flush().has_value());
  CHECK((*log)->LastUse(a).value()->request_id == "req-7");
  CHECK((*log)->LastUse(b).value()->request_id == "req-8");
  CHECK((*log)->Count().value() == 1);  // the events went, the uses stay
}

TEST_CASE("TrackingStartMs is when the audit tables were created") {
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  Clock clock;
  auto log = AuditLog::Open({}, clock);
  REQUIRE(log.has_value());
  auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  int64_t start = (*log)->TrackingStartMs().value();
  CHECK(start >= before - 1);
  CHECK(start <= after + 1);
}

TEST_CASE("Open fails with the reason when the audit log cannot be created") {
  Clock clock;
  AuditOptions options;
  options.log_path = "/nonexistent-dir/audit.jsonl";
  auto log = AuditLog::Open(options, clock);
  REQUIRE_FALSE(log.has_value());
  CHECK(log.error().code == kms::ErrorCode::kInternal);
  CHECK(log.error().message ==
        "cannot open audit log /nonexistent-dir/audit.jsonl: No such file or directory");
}

TEST_CASE("Open fails for a database the key store has not migrated (new, or of schema v5, v6)") {
  for (int64_t version : {0, 5, 6}) {
    AuditTempDir dir;
    std::string db = dir.File("v" + std::to_string(version) + ".db");
    {
      auto raw = kms::emulator::sqlite::Database::Open(db);
      REQUIRE(raw.has_value());
      REQUIRE(raw->Exec("PRAGMA user_version = " + std::to_string(version)).has_value());
    }
    Clock clock;
    AuditOptions options;
    options.db_path = db;
    auto log = AuditLog::Open(options, clock);
    REQUIRE_FALSE(log.has_value());
    CHECK(log.error().message == "cannot open the audit trail in " + db +
                                     ": database schema version " + std::to_string(version) +
                                     " has no audit trail (needs 7)");
  }
}

TEST_CASE("A failed write to the audit log is reported by the next Flush") {
  Clock clock;
  AuditOptions options;
  options.log_path = "/dev/full";
  auto log = AuditLog::Open(options, clock);
  REQUIRE(log.has_value());
  (*log)->Enqueue(MakeEvent(clock.NowMs(), "Encrypt", 1));
  auto flushed = (*log)->Flush();
  REQUIRE_FALSE(flushed.has_value());
  CHECK(flushed.error().message == "cannot write the audit log /dev/full: No space left on device");
  CHECK((*log)->Count().value() == 1);  // the database still has it
  CHECK((*log)->Flush().has_value());   // reported once
}

TEST_CASE("The key store's database and the audit trail share one file") {
  AuditTempDir dir;
  std::string db = dir.File("kms.db");
  auto store = KeyStore::Open(db);
  REQUIRE(store.has_value());
  Clock clock;
  AuditOptions options;
  options.db_path = db;
  auto log = AuditLog::Open(options, clock);
  REQUIRE(log.has_value());
  Services services{**store, clock, log->get()};
  Router router(services, RouterOptions{kAuditRegion, kAuditAccount});
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"X-Amz-Target", "TrentService.CreateKey"}};
  request.body = "{}";
  REQUIRE(router.Handle(request).status == 200);
  REQUIRE((*log)->Flush().has_value());
  CHECK((*log)->Count().value() == 1);
  auto other = audit::AuditDb::Open(db);
  REQUIRE(other.has_value());
  CHECK(other->Count().value() == 1);
}

}  // namespace
