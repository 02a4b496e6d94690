// The output buffer of a message operation: bytes are appended (and encrypted or decrypted in
// place), held as "pending" until they may be released, then "committed" and written to the
// sink in large chunks. Without a sink (one-shot calls) the buffer is the result itself.
#pragma once

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <kms/envelope/stream.hpp>
#include <kms/result.hpp>

namespace kms::envelope::detail {

// Storage is internal::SecretBytes (plaintext: wiped when it grows, shrinks or dies) or
// std::vector<uint8_t> (ciphertext).
template <class Storage>
class OutputBuffer {
 public:
  // `sink` null: never flush; the caller takes the committed bytes at the end.
  OutputBuffer(Sink* sink, size_t flush_at) : sink_(sink), flush_at_(flush_at) {}

  void Reserve(size_t n) {
    if (storage_.size() < n) storage_.resize(n);
  }
  // Appends n uninitialised bytes to the pending region and returns them. Earlier pointers
  // into the buffer may be invalidated. The buffer doubles as it grows; when it flushes to a
  // sink, it stops a little past the flush size (one flush's output, frames included), as every
  // buffer a sink takes stays this size.
  uint8_t* Append(size_t n) {
    if (end_ + n > storage_.size()) {
      size_t grown = std::max(2 * storage_.size(), size_t{4096});
      if (sink_ != nullptr) grown = std::min(grown, flush_at_ + flush_at_ / 16);
      storage_.resize(std::max(end_ + n, grown));
    }
    uint8_t* p = storage_.data() + end_;
    end_ += n;
    return p;
  }
  uint8_t* data() { return storage_.data(); }
  size_t end() const { return end_; }
  size_t committed() const { return committed_; }
  size_t capacity() const { return storage_.size() + carry_.size(); }

  void Commit() { committed_ = end_; }
  // Wipes and forgets the pending bytes.
  void DropPending() {
    if (end_ > committed_) OPENSSL_cleanse(storage_.data() + committed_, end_ - committed_);
    end_ = committed_;
  }
  void WipeAll() {
    if (end_ != 0) OPENSSL_cleanse(storage_.data(), end_);
    if (carry_.size() != 0) OPENSSL_cleanse(carry_.data(), carry_.size());
    end_ = committed_ = 0;
  }

  Status MaybeFlush() { return committed_ >= flush_at_ ? Flush() : Status(); }
  // Hands the committed bytes to the sink (the buffer itself when the sink takes buffers, else
  // a Write) and moves the pending ones to the front. Released bytes are not wiped here (they
  // are overwritten by the next frames, and SecretBytes wipes its whole capacity when it dies):
  // wiping every flush would cost a pass over all output.
  Status Flush() {
    if (sink_ == nullptr || committed_ == 0) return {};
    if (sink_takes_) {
      auto taken = HandOver();
      if (!taken) return taken.error();
      if (*taken) return {};
    }
    if (auto st = sink_->Write({storage_.data(), committed_}); !st) return st;
    size_t pending = end_ - committed_;
    if (pending != 0) std::memmove(storage_.data(), storage_.data() + committed_, pending);
    end_ = pending;
    committed_ = 0;
    return {};
  }
  // One-shot: the committed bytes, leaving the buffer empty.
  Storage TakeCommitted() {
    DropPending();
    storage_.resize(committed_);
    end_ = committed_ = 0;
    return std::move(storage_);
  }

 private:
  // Flush through Sink::Take: the pending bytes (at most about a frame) are set aside, the buffer
  // goes to the sink, and they move to the front of the buffer it gives back, which is grown to
  // this one's size so appends do not reallocate. False when the sink does not take buffers
  // (then it is not asked again).
  Result<bool> HandOver() {
    size_t pending = end_ - committed_;
    if (pending != 0) {
      if (carry_.size() < pending) carry_.resize(pending);
      std::memcpy(carry_.data(), storage_.data() + committed_, pending);
    }
    size_t capacity = storage_.size();
    auto taken = sink_->Take(storage_, committed_);
    if (!taken) return taken.error();
    if (!*taken) {
      sink_takes_ = false;
      return false;
    }
    Reserve(capacity);
    if (pending != 0) std::memcpy(storage_.data(), carry_.data(), pending);
    end_ = pending;
    committed_ = 0;
    return true;
  }

  Sink* sink_;
  size_t flush_at_;
  bool sink_takes_ = true;
  Storage storage_;
  Storage carry_;  // pending bytes set aside during a HandOver
  size_t end_ = 0;
  size_t committed_ = 0;
};

// Streaming operations write to the sink once this much output is ready (and at the end of
// every Update).
inline constexpr size_t kFlushBytes = size_t{1} << 20;

}  // namespace kms::envelope::detail
