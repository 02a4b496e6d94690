// The audit queue and its writer thread. Producers take the mutex only to append; the writer swaps
// the whole queue out and writes it with no lock held but the database's.
#include "audit/audit_log.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <system_error>

#include "audit/record_builder.hpp"

namespace kms::emulator {
namespace {

constexpr int64_t kDayMs = 86'400'000;
// How long a producer waits for room in a full queue before dropping its event.
constexpr std::chrono::seconds kFullQueueWait{1};
// Before each batch the writer waits this long for events to gather (a transaction per request
// would cost more than the row), unless kFullBatch are waiting already; with none after the
// pause it sleeps until a producer wakes it. Bounds how late --audit-log lines appear.
constexpr std::chrono::milliseconds kGatherPause{5};
constexpr size_t kFullBatch = 1024;

Error Internal(std::string message) { return MakeError(ErrorCode::kInternal, std::move(message)); }

Result<int> OpenLogFile(const std::string& path) {
  if (path.empty()) return -1;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Internal("cannot open audit log " + path + ": " +
                    std::error_code(errno, std::generic_category()).message());
  }
  return fd;
}

// write(2) all of `data`, retrying short writes and EINTR.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const AuditOptions& options, const Clock& clock) {
  auto db = audit::AuditDb::Open(options.db_path);
  if (!db)
    return Internal("cannot open the audit trail in " + options.db_path + ": " +
                    db.error().message);
  auto fd = OpenLogFile(options.log_path);
  if (!fd) return fd.error();
  return std::unique_ptr<AuditLog>(new AuditLog(options, clock, std::move(*db), *fd));
}

AuditLog::AuditLog(const AuditOptions& options, const Clock& clock, audit::AuditDb db, int log_fd)
    : options_(options), clock_(clock), db_(std::move(db)), log_fd_(log_fd) {
  queue_.reserve(1024, 1024 * 1500);
  writer_ = std::thread([this] { Run(); });
}

AuditLog::~AuditLog() { Close(); }

void AuditLog::Record(const AuditedCall& call) {
  // The request has its answer already: nothing here may throw into the router.
  try {
    // Each I/O thread builds its events in one buffer that keeps its capacity.
    thread_local AuditEvent event;
    event.Clear();
    char event_id[audit::kUuidSize];
    audit::FastUuid(event_id);
    audit::BuildAuditEvent(call, clock_.NowMs(), std::string_view(event_id, sizeof(event_id)),
                           event);
    Enqueue(event);
  } catch (const std::exception& e) {
    NoteError(Internal(std::string("cannot record an event: ") + e.what()));
    std::lock_guard lock(mutex_);
    ++dropped_;
  }
}

void AuditLog::Enqueue(const AuditEvent& event) {
  std::unique_lock lock(mutex_);
  if (queue_.size() >= options_.queue_capacity && !stop_) {
    space_cv_.wait_for(lock, kFullQueueWait,
                       [this] { return queue_.size() < options_.queue_capacity || stop_; });
  }
  if (stop_ || queue_.size() >= options_.queue_capacity) {
    ++dropped_;
    return;
  }
  queue_.Add(event);
  if (writer_idle_) {
    writer_idle_ = false;
    work_cv_.notify_one();
  }
}

Status AuditLog::Flush() {
  std::unique_lock lock(mutex_);
  // The first pass to start after this point takes every event queued so far, and prunes
  // because it sees a flusher waiting.
  uint64_t pass = started_ + 1;
  ++flushers_;
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return finished_ >= pass || closed_; });
  --flushers_;
  std::optional<Error> error = std::move(error_);
  error_.reset();
  if (error) return *error;
  return {};
}

void AuditLog::Close() {
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    stop_ = true;
    work_cv_.notify_one();
  }
  writer_.join();
  std::lock_guard lock(mutex_);
  closed_ = true;
  space_cv_.notify_all();
  done_cv_.notify_all();
  if (log_fd_ >= 0) ::close(log_fd_);
  log_fd_ = -1;
}

// The writer: take the queue, write it, report the pass; a waiting flush also prunes.
void AuditLog::Run() {
  pthread_setname_np(pthread_self(), "kms-audit");  // for top -H and perf
  EventBatch batch;
  batch.reserve(1024, 1024 * 1500);
  auto last_prune = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (true) {
    if (queue_.size() < std::min(kFullBatch, options_.queue_capacity) && !stop_ && flushers_ == 0) {
      // Gather a batch: one transaction for many events. Then, if none came, sleep until woken.
      work_cv_.wait_for(lock, kGatherPause, [this] { return stop_ || flushers_ > 0; });
      if (queue_.empty() && !stop_ && flushers_ == 0) {
        writer_idle_ = true;
        work_cv_.wait(lock, [this] { return !writer_idle_ || stop_ || flushers_ > 0; });
        writer_idle_ = false;
      }
    }
    batch.swap(queue_);
    ++started_;
    bool flushing = flushers_ > 0;
    bool stopping = stop_;
    space_cv_.notify_all();
    lock.unlock();
    WriteBatch(batch);
    auto now = std::chrono::steady_clock::now();
    if (flushing || now - last_prune >= std::chrono::seconds(1)) {
      Prune();
      last_prune = now;
    }
    batch.clear();
    lock.lock();
    ++finished_;
    done_cv_.notify_all();
    if (stopping && queue_.empty()) break;
  }
}

void AuditLog::WriteBatch(const EventBatch& batch) {
  if (batch.empty()) return;
  Status stored;
  {
    std::lock_guard lock(db_mutex_);
    stored = db_.Insert(batch);
  }
  if (!stored) NoteError(stored.error());
  WriteFile(batch);
}

void AuditLog::WriteFile(const EventBatch& batch) {
  if (log_fd_ < 0) return;
  size_t size = 0;
  for (size_t i = 0; i < batch.size(); ++i) size += batch[i].Record().size() + 1;
  std::string lines;
  lines.reserve(size);
  for (size_t i = 0; i < batch.size(); ++i) lines.append(batch[i].Record()).append("\n");
  if (!WriteAll(log_fd_, lines)) {
    NoteError(Internal("cannot write the audit log " + options_.log_path + ": " +
                       std::error_code(errno, std::generic_category()).message()));
  }
}

void AuditLog::Prune() {
  int64_t oldest = INT64_MIN;
  if (options_.retention_days > 0) oldest = clock_.NowMs() - options_.retention_days * kDayMs;
  Result<int64_t> pruned;
  {
    std::lock_guard lock(db_mutex_);
    pruned = db_.Prune(oldest, options_.max_events);
  }
  if (!pruned) NoteError(pruned.error());
}

void AuditLog::NoteError(const Error& error) {
  std::lock_guard lock(mutex_);
  if (!error_) error_ = error;
  // The first error and then every 1000th: a full disk must not flood stderr.
  if (errors_logged_++ % 1000 == 0) {
    std::fprintf(stderr, "kms-emulator: audit trail: %s\n", error.message.c_str());
  }
}

Result<std::vector<audit::StoredEvent>> AuditLog::Lookup(const audit::LookupQuery& query) {
  std::lock_guard lock(db_mutex_);
  return db_.Lookup(query);
}

Result<std::optional<audit::KeyLastUse>> AuditLog::LastUse(const std::string& key_arn) {
  std::lock_guard lock(db_mutex_);
  return db_.LastUse(key_arn);
}

Result<int64_t> AuditLog::TrackingStartMs() {
  std::lock_guard lock(db_mutex_);
  return db_.TrackingStartMs();
}

Result<int64_t> AuditLog::Count() {
  std::lock_guard lock(db_mutex_);
  return db_.Count();
}

uint64_t AuditLog::DroppedEvents() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace kms::emulator
