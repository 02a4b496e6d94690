// AWS "standard" retry mode pieces (private to kms_sdk): which failures are retried, the
// backoff delay, and the retry quota (botocore retries/standard.py and quota.py).
#pragma once

#include <chrono>
#include <kms/client.hpp>
#include <mutex>
#include <string_view>

namespace kms::internal {

enum class RetryKind {
  kNone,        // not retried (4xx client errors)
  kTransient,   // 500/502/503/504, transient codes, transport failures other than timeouts
  kThrottling,  // throttling error codes
  kTimeout,     // connect/read timeouts (a retry costs more quota)
};

// A service error answer with bare type `type` (may be empty) and HTTP `status`. Pure.
RetryKind ClassifyServiceError(std::string_view type, int status);

// A transport failure (Transport::Send's error). Pure.
RetryKind ClassifyTransportError(const Error& error);

// Sleep before retry `retry` (1 for the first retry):
// random01 * min(base_delay * 2^(retry-1), max_backoff). Pure.
std::chrono::milliseconds BackoffDelay(const RetryOptions& options, int retry, double random01);

// The retry token bucket. Thread-safe.
class RetryQuota {
 public:
  static constexpr int kInitialCapacity = 500;
  static constexpr int kRetryCost = 5;
  static constexpr int kTimeoutRetryCost = 10;
  static constexpr int kNoRetryIncrement = 1;

  // Takes `amount` tokens; false (and nothing taken) when fewer are left.
  bool Acquire(int amount);
  // Gives back up to `amount` tokens, never above the initial capacity.
  void Release(int amount);

 private:
  std::mutex mutex_;
  int available_ = kInitialCapacity;  // guarded by mutex_
};

}  // namespace kms::internal
