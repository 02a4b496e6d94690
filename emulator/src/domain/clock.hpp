// The emulator's clock: wall time plus an offset that tests (and later the admin endpoint) can
// advance, so deletion and rotation can be tested without waiting.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace kms::emulator {

class Clock {
 public:
  // Milliseconds since the Unix epoch, offset applied. Thread-safe.
  int64_t NowMs() const {
    auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    return wall + offset_ms_.load(std::memory_order_relaxed);
  }
  // Moves the clock forward (or back, with a negative value). Thread-safe.
  void Advance(int64_t ms) { offset_ms_.fetch_add(ms, std::memory_order_relaxed); }
  // How far Advance() has moved the clock from wall time, in milliseconds. Thread-safe.
  int64_t OffsetMs() const { return offset_ms_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace kms::emulator
