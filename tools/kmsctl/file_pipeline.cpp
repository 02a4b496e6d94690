// ReadAhead and WriteBehind: the envelope commands' input and output on threads of their own, so
// the command's thread spends its time in AES-GCM rather than in read(2) and write(2).
#include "file_pipeline.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace kms::cli {
namespace {

Error CannotStart(const char* which, const std::system_error& e) {
  return MakeError(ErrorCode::kInternal,
                   std::string("Cannot start the ") + which + " thread: " + e.what());
}

// Starts `thread` running `body`; std::thread reports failure by throwing, which stops here.
template <class Body>
Status StartThread(std::thread& thread, const char* which, Body body) {
  try {
    thread = std::thread(std::move(body));
  } catch (const std::system_error& e) {
    return CannotStart(which, e);
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// UniqueFd.

UniqueFd::UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() { Close(); }

int UniqueFd::Close() {
  if (fd_ < 0) return 0;
  // close(2) must not be retried on EINTR on Linux: the descriptor is gone either way.
  int rc = ::close(std::exchange(fd_, -1));
  return rc == 0 ? 0 : errno;
}

Result<UniqueFd> OpenForReading(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kValidation, "Cannot open " + path + ": " + std::strerror(errno));
  }
  return UniqueFd(fd);
}

// ---------------------------------------------------------------------------------------------
// ReadAhead.

ReadAhead::ReadAhead(int fd, std::string name, RingShape shape)
    : fd_(fd),
      name_(std::move(name)),
      buffer_bytes_(std::max<size_t>(shape.buffer_bytes, 1)),
      slots_(std::max<size_t>(shape.buffers, 1)) {}

Result<std::unique_ptr<ReadAhead>> ReadAhead::Start(int fd, std::string name, RingShape shape) {
  auto reader = std::unique_ptr<ReadAhead>(new ReadAhead(fd, std::move(name), shape));
  reader->wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC));
  if (reader->wake_.get() < 0) {
    return MakeError(ErrorCode::kInternal,
                     std::string("Cannot start the input thread: ") + std::strerror(errno));
  }
  ReadAhead* self = reader.get();
  if (Status st = StartThread(reader->thread_, "input", [self] { self->Run(); }); !st) {
    return st.error();
  }
  return reader;
}

ReadAhead::~ReadAhead() { Stop(); }

void ReadAhead::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) {
    uint64_t one = 1;
    // Wakes the thread's poll. An eventfd write of 1 cannot fail here (no overflow from one).
    [[maybe_unused]] ssize_t rc = ::write(wake_.get(), &one, sizeof one);
    thread_.join();
  }
  for (Slot& slot : slots_) slot.bytes.clear();
}

Result<std::span<const uint8_t>> ReadAhead::Next() {
  std::unique_lock lock(mutex_);
  if (held_) {
    held_ = false;
    head_ = (head_ + 1) % slots_.size();
    changed_.notify_all();
  }
  changed_.wait(lock, [this] { return ready_ > 0 || done_ || stop_; });
  if (stop_) {
    return MakeError(ErrorCode::kValidation,
                     "Cannot read " + name_ + ": " + std::strerror(ECANCELED));
  }
  if (ready_ > 0) {
    --ready_;
    held_ = true;
    const Slot& slot = slots_[head_];
    return std::span<const uint8_t>(slot.bytes.data(), slot.size);
  }
  if (error_ == 0) return std::span<const uint8_t>();
  return MakeError(ErrorCode::kValidation, "Cannot read " + name_ + ": " + std::strerror(error_));
}

void ReadAhead::Run() {
  size_t tail = 0;  // only this thread fills slots, in ring order
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stop_ || ready_ + (held_ ? 1 : 0) < slots_.size(); });
      if (stop_) return;
    }
    Slot& slot = slots_[tail];  // free: neither ready nor held
    Fill fill = FillSlot(slot);
    if (fill.stopped) return;
    {
      std::lock_guard lock(mutex_);
      if (fill.size > 0) {
        slot.size = fill.size;
        ++ready_;
        tail = (tail + 1) % slots_.size();
      }
      done_ = fill.end || fill.error != 0;
      error_ = fill.error;
    }
    changed_.notify_all();
    if (fill.end || fill.error != 0) return;
  }
}

// Reads into `slot` until it is full, the input ends or fails, or (with some bytes read) the
// next read would block.
ReadAhead::Fill ReadAhead::FillSlot(Slot& slot) {
  if (slot.bytes.size() < buffer_bytes_) slot.bytes.resize(buffer_bytes_);
  Fill fill;
  while (fill.size < buffer_bytes_) {
    int ready = WaitReadable(fill.size > 0 ? 0 : -1);
    if (ready < 0) {
      fill.stopped = ready == -1;
      if (ready == -2) fill.error = errno;
      return fill;
    }
    if (ready == 0) return fill;  // hand over what came so far
    ssize_t n = ::read(fd_, slot.bytes.data() + fill.size, buffer_bytes_ - fill.size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fill.error = errno;
      return fill;
    }
    if (n == 0) {
      fill.end = true;
      return fill;
    }
    fill.size += static_cast<size_t>(n);
  }
  return fill;
}

// 1 when the input can be read without blocking (or has failed or ended: read says which), 0
// when `timeout_ms` passed first, -1 when Stop was called, -2 when poll failed (errno).
int ReadAhead::WaitReadable(int timeout_ms) {
  pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_.get(), POLLIN, 0}};
  for (;;) {
    int rc = ::poll(fds, 2, timeout_ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return -2;
    if (fds[1].revents != 0) return -1;
    return rc == 0 ? 0 : 1;
  }
}

// ---------------------------------------------------------------------------------------------
// WriteBehind.

WriteBehind::WriteBehind(UniqueFd owned, int fd, std::string name, RingShape shape)
    : owned_(std::move(owned)),
      fd_(fd),
      name_(std::move(name)),
      buffer_bytes_(std::max<size_t>(shape.buffer_bytes, 1)),
      slots_(std::max<size_t>(shape.buffers, 1)) {}

Result<std::unique_ptr<WriteBehind>> WriteBehind::OpenFile(const std::string& path,
                                                           RingShape shape) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
    return MakeError(ErrorCode::kValidation, "Cannot open " + path + ": " + std::strerror(errno));
  }
  int raw = fd.get();
  auto sink = std::unique_ptr<WriteBehind>(new WriteBehind(std::move(fd), raw, path, shape));
  // Only a regular file holds what this run wrote; a FIFO or a device such as /dev/null is
  // someone else's and must survive a failed run.
  sink->removable_ = S_ISREG(st.st_mode);
  sink->dev_ = st.st_dev;
  sink->ino_ = st.st_ino;
  if (Status started = sink->StartThread(); !started) return started.error();
  return sink;
}

Result<std::unique_ptr<WriteBehind>> WriteBehind::ForFd(int fd, std::string name, RingShape shape) {
  auto sink = std::unique_ptr<WriteBehind>(new WriteBehind(UniqueFd(), fd, std::move(name), shape));
  if (Status started = sink->StartThread(); !started) return started.error();
  return sink;
}

Status WriteBehind::StartThread() {
  return cli::StartThread(thread_, "output", [this] { Run(); });
}

WriteBehind::~WriteBehind() {
  if (!closed_ok_) Discard();
  WipeSlots();
}

Error WriteBehind::WriteError(int error) const {
  return MakeError(ErrorCode::kInternal, "Cannot write " + name_ + ": " + std::strerror(error));
}

Result<size_t> WriteBehind::FreeSlot() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queued_ < slots_.size() || error_ != 0 || finished_; });
  if (finished_) return MakeError(ErrorCode::kInternal, "Cannot write " + name_ + ": closed");
  if (error_ != 0) return WriteError(error_);
  return (head_ + queued_) % slots_.size();
}

void WriteBehind::Queue() {
  {
    std::lock_guard lock(mutex_);
    ++queued_;
  }
  changed_.notify_all();
}

Status WriteBehind::Write(std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    auto slot_index = FreeSlot();
    if (!slot_index) return slot_index.error();
    // The slot is neither queued nor being written: only this thread touches it until queued.
    Slot& slot = slots_[*slot_index];
    size_t n = std::min(bytes.size(), buffer_bytes_);
    if (slot.bytes.size() < n) slot.bytes.resize(n);
    std::memcpy(slot.bytes.data(), bytes.data(), n);
    slot.in_taken = false;
    slot.size = n;
    bytes = bytes.subspan(n);
    Queue();
  }
  return {};
}

template <class Buffer>
Result<bool> WriteBehind::TakeInto(Buffer& buffer, size_t size, Buffer Slot::*member,
                                   bool in_taken) {
  if (size > buffer.size()) {
    return MakeError(ErrorCode::kInternal, "Cannot write " + name_ + ": " + std::to_string(size) +
                                               " bytes asked of a buffer of " +
                                               std::to_string(buffer.size()));
  }
  if (size == 0) return true;  // nothing to write; `buffer` stays the caller's
  auto slot_index = FreeSlot();
  if (!slot_index) return slot_index.error();
  Slot& slot = slots_[*slot_index];
  std::swap(slot.*member, buffer);
  slot.in_taken = in_taken;
  slot.size = size;
  Queue();
  return true;
}

Result<bool> WriteBehind::Take(std::vector<uint8_t>& buffer, size_t size) {
  return TakeInto(buffer, size, &Slot::taken, true);
}

Result<bool> WriteBehind::Take(internal::SecretBytes& buffer, size_t size) {
  return TakeInto(buffer, size, &Slot::bytes, false);
}

void WriteBehind::Run() {
  for (;;) {
    size_t slot_index = 0;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return queued_ > 0 || closing_ || stop_; });
      if (stop_ || queued_ == 0) return;  // stopped, or closing with everything written
      slot_index = head_;
    }
    int error = WriteAll(slots_[slot_index].queued());
    {
      std::lock_guard lock(mutex_);
      if (error == 0) {
        head_ = (head_ + 1) % slots_.size();
        --queued_;
      } else {
        error_ = error;
      }
    }
    changed_.notify_all();
    if (error != 0) return;
  }
}

// Writes all of `bytes` (write(2) may take part of them); 0, or the errno of the failure.
int WriteBehind::WriteAll(std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;  // no progress and no reason: do not spin
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return 0;
}

Status WriteBehind::Close() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) {
      if (closed_ok_) return {};
      if (error_ != 0) return WriteError(error_);
      return MakeError(ErrorCode::kInternal, "Cannot write " + name_ + ": closed");
    }
    closing_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  finished_ = true;
  if (error_ == 0) error_ = owned_.Close();
  if (error_ != 0) return WriteError(error_);
  closed_ok_ = true;
  return {};
}

void WriteBehind::Discard() {
  {
    std::lock_guard lock(mutex_);
    if (closed_ok_) return;  // the run completed: nothing to take back
    finished_ = true;
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  WipeSlots();
  if (removable_) Remove();
  removable_ = false;
  owned_.Close();
}

// Called with the writing thread stopped (or never started).
void WriteBehind::WipeSlots() {
  for (Slot& slot : slots_) {
    slot.bytes.clear();
    if (!slot.taken.empty()) OPENSSL_cleanse(slot.taken.data(), slot.taken.size());
    slot.taken.clear();
    slot.size = 0;
  }
}

// Truncates (so no data outlives a lingering hard link or open descriptor) and unlinks the
// output, but only while its path still names the file this opened.
void WriteBehind::Remove() {
  struct stat st {};
  if (::stat(name_.c_str(), &st) != 0 || st.st_dev != dev_ || st.st_ino != ino_) return;
  int rc = owned_.get() >= 0 ? ::ftruncate(owned_.get(), 0) : ::truncate(name_.c_str(), 0);
  (void)rc;  // removing the file is what matters; a failed truncate changes nothing
  ::unlink(name_.c_str());
}

}  // namespace kms::cli
