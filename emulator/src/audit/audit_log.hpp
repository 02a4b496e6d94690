// The audit trail: every KMS call becomes a CloudTrail event, queued by the request's thread; one
// writer thread drains the bounded queue in batches into SQLite and the --audit-log file, so
// requests never wait on disk. Queries (LookupEvents, GetKeyLastUsage) first wait for the queue.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <kms/result.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_db.hpp"
#include "audit/audit_event.hpp"
#include "domain/clock.hpp"

namespace kms::emulator {

struct AuditOptions {
  std::string db_path = ":memory:";  // --db: the key store's file, or ":memory:"
  std::string log_path;              // --audit-log; empty: no file
  int64_t retention_days = 90;       // --audit-retention-days; 0: no age limit
  int64_t max_events = 100'000;      // --audit-max-events; 0: no count limit
  size_t queue_capacity = 65'536;    // events waiting for the writer before Record() waits
};

class AuditLog {
 public:
  // Opens the database side (audit::AuditDb::Open) and the log file (created 0600, appended to),
  // and starts the writer thread. kInternal with the reason when either cannot be opened.
  static Result<std::unique_ptr<AuditLog>> Open(const AuditOptions& options, const Clock& clock);
  // Close()s.
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Builds the event of `call` and queues it. Waits (up to a second) only while the queue is
  // full; after that the event is dropped and counted (DroppedEvents). Never throws.
  // Thread-safe.
  void Record(const AuditedCall& call);
  // Queues a copy of a built event (Record's second half; tests). Thread-safe.
  void Enqueue(const AuditEvent& event);

  // Returns once every event queued before the call is stored and written to the file, and
  // retention has been applied. The first write error since the last Flush, if any. Thread-safe.
  Status Flush();

  // Writes everything still queued, stops the writer and closes the file. Later Record()s are
  // dropped. Idempotent; thread-safe.
  void Close();

  // LookupEvents' query, after a Flush(). Thread-safe.
  Result<std::vector<audit::StoredEvent>> Lookup(const audit::LookupQuery& query);
  // The key's last successful cryptographic use, after a Flush(). Thread-safe.
  Result<std::optional<audit::KeyLastUse>> LastUse(const std::string& key_arn);
  // When usage tracking began (epoch ms). Thread-safe.
  Result<int64_t> TrackingStartMs();
  // Stored events (tests). Thread-safe.
  Result<int64_t> Count();

  // Events dropped because the queue stayed full or the log was closed. Thread-safe.
  uint64_t DroppedEvents() const;

 private:
  AuditLog(const AuditOptions& options, const Clock& clock, audit::AuditDb db, int log_fd);
  void Run();
  void WriteBatch(const EventBatch& batch);
  void WriteFile(const EventBatch& batch);
  void Prune();
  void NoteError(const Error& error);

  const AuditOptions options_;
  const Clock& clock_;

  std::mutex db_mutex_;  // guards db_ (the writer's batches and the queries)
  audit::AuditDb db_;
  int log_fd_ = -1;

  mutable std::mutex mutex_;          // guards everything below
  std::condition_variable work_cv_;   // the writer waits for events, a flush or stop
  std::condition_variable done_cv_;   // flushers wait for `finished_`
  std::condition_variable space_cv_;  // producers wait for room in the queue
  EventBatch queue_;
  uint64_t started_ = 0;   // writer passes begun (each takes the whole queue)
  uint64_t finished_ = 0;  // writer passes done
  uint64_t dropped_ = 0;
  int flushers_ = 0;
  bool writer_idle_ = false;
  bool stop_ = false;
  bool closed_ = false;
  std::optional<Error> error_;  // first write error since the last Flush
  uint64_t errors_logged_ = 0;
  std::thread writer_;
};

}  // namespace kms::emulator
