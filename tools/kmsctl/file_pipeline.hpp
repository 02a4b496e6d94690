// File I/O off the encrypting thread for `kmsctl envelope encrypt|decrypt`: ReadAhead reads the
// input on a thread of its own into a ring of buffers; WriteBehind is a Sink whose writes are
// copied into a ring and written by another thread. Plain read(2)/write(2) on file descriptors.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <kms/envelope/stream.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace kms::cli {

// Owns a file descriptor (closed on destruction); -1 owns nothing. Movable, not thread-safe.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept;
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  // Closes now; the errno of a failed close(2), else 0.
  int Close();

 private:
  int fd_ = -1;
};

// Opens `path` for reading. kValidation "Cannot open <path>: <reason>" on failure.
Result<UniqueFd> OpenForReading(const std::string& path);

// How many buffers a ring has and how large each is.
struct RingShape {
  size_t buffers = 4;
  size_t buffer_bytes = size_t{1} << 20;
};

// Reads a file descriptor to its end on a thread of its own, up to `buffers` buffers ahead of
// the consumer, so the consumer's thread only processes bytes. Buffers are SecretBytes (the
// input may be plaintext), wiped by Stop. A read that would block hands over what was read so
// far, so input from a slow pipe is not held back. Next and Stop are called from one thread
// (the consumer); the reading thread is internal.
class ReadAhead {
 public:
  // Starts reading `fd` (not owned; keep it open until Stop). `name` names the input in errors.
  // kInternal "Cannot start the input thread: <reason>" when the thread cannot be started.
  static Result<std::unique_ptr<ReadAhead>> Start(int fd, std::string name, RingShape shape = {});
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;
  ~ReadAhead();

  // The next bytes of the input, in order, valid until the next Next or Stop; empty at the end.
  // kValidation "Cannot read <name>: <reason>" once a read failed (after the bytes read before
  // it), and on every later call; also after Stop.
  Result<std::span<const uint8_t>> Next();
  // Stops the thread, interrupting a wait for input (e.g. a terminal), joins it and wipes the
  // buffers. Idempotent; the destructor calls it.
  void Stop();

 private:
  struct Slot {
    internal::SecretBytes bytes;
    size_t size = 0;
  };
  struct Fill {
    size_t size = 0;
    int error = 0;  // errno of a failed read or poll
    bool end = false;
    bool stopped = false;
  };

  ReadAhead(int fd, std::string name, RingShape shape);
  void Run();
  Fill FillSlot(Slot& slot);
  int WaitReadable(int timeout_ms);

  int fd_;
  std::string name_;
  size_t buffer_bytes_;
  UniqueFd wake_;  // an eventfd made readable by Stop, polled next to fd_
  std::vector<Slot> slots_;
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t head_ = 0;   // the slot the consumer holds, or takes next
  size_t ready_ = 0;  // filled slots not yet taken
  bool held_ = false;
  bool done_ = false;  // no slot follows the ready ones
  int error_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

// A Sink that copies each Write into a ring slot (a slot grows to the write's size, up to
// `buffer_bytes`; larger writes take several) and returns; a thread writes the slots in order with
// write(2). Take puts the caller's buffer itself in the next slot instead (no copy, any size) and
// gives back the one that slot held. A failed write is reported by the next Write or Take, or by
// Close. Slots hold SecretBytes (output may be plaintext) or taken vectors, all wiped by Discard
// and on destruction. Sink calls (Write, Take, Discard, Close) come from one thread; the writing
// thread is internal.
class WriteBehind final : public envelope::Sink {
 public:
  // The envelope streams hand over (Take) about 1 MiB plus frame overhead at a time, one slot
  // each; a Write larger than 2 MiB takes several slots.
  static constexpr RingShape kShape{4, size_t{2} << 20};
  // Creates or truncates `path` (mode 0600 for a new file). Only a regular file is removed by
  // Discard. kValidation "Cannot open <path>: <reason>"; kInternal "Cannot start the output
  // thread: <reason>".
  static Result<std::unique_ptr<WriteBehind>> OpenFile(const std::string& path,
                                                       RingShape shape = kShape);
  // Writes to `fd` (not owned, e.g. standard output; never removed). `name` names it in errors.
  static Result<std::unique_ptr<WriteBehind>> ForFd(int fd, std::string name,
                                                    RingShape shape = kShape);
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;
  // Discards unless Close succeeded.
  ~WriteBehind() override;

  // Copies `bytes` and returns, waiting only for a free slot. kInternal "Cannot write <name>:
  // <reason>" when an earlier write failed; "Cannot write <name>: closed" after Close/Discard.
  Status Write(std::span<const uint8_t> bytes) override;
  // Queues buffer[0, size) without copying it and returns true, `buffer` then holding the slot's
  // previous buffer (possibly empty); waits only for a free slot. Errors as for Write, leaving
  // `buffer` untouched; also kInternal when `size` exceeds the buffer's.
  Result<bool> Take(std::vector<uint8_t>& buffer, size_t size) override;
  Result<bool> Take(internal::SecretBytes& buffer, size_t size) override;
  // Stops the thread after the write(2) in progress, drops and wipes what is queued; a regular
  // file this opened is truncated and removed (if its path still names it). Idempotent; does
  // nothing after a successful Close.
  void Discard() override;
  // Waits until every slot is written, then closes an owned file. kInternal "Cannot write
  // <name>: <reason>" if a write or the close failed (Discard then still removes the file), or
  // "Cannot write <name>: closed" after Discard. Idempotent.
  Status Close();

 private:
  struct Slot {
    internal::SecretBytes bytes;  // Write's copies and taken SecretBytes
    std::vector<uint8_t> taken;   // taken vectors
    bool in_taken = false;        // which of the two holds the slot's bytes
    size_t size = 0;
    std::span<const uint8_t> queued() const {
      return {in_taken ? taken.data() : bytes.data(), size};
    }
  };

  WriteBehind(UniqueFd owned, int fd, std::string name, RingShape shape);
  Status StartThread();
  // Waits for a slot that is neither queued nor being written, and returns its index.
  Result<size_t> FreeSlot();
  void Queue();
  template <class Buffer>
  Result<bool> TakeInto(Buffer& buffer, size_t size, Buffer Slot::*member, bool in_taken);
  void WipeSlots();
  void Run();
  int WriteAll(std::span<const uint8_t> bytes);
  Error WriteError(int error) const;
  void Remove();

  UniqueFd owned_;
  int fd_;
  std::string name_;
  bool removable_ = false;  // a regular file this opened with O_TRUNC
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  size_t buffer_bytes_;
  std::vector<Slot> slots_;
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t head_ = 0;    // the slot being (or next to be) written
  size_t queued_ = 0;  // slots filled and not yet written
  int error_ = 0;      // errno of the failed write
  bool closing_ = false;
  bool stop_ = false;
  bool finished_ = false;  // Close or Discard ran
  bool closed_ok_ = false;
  std::thread thread_;
};

}  // namespace kms::cli
