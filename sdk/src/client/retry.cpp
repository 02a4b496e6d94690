// Standard-mode retry decisions, backoff and quota.
#include "retry.hpp"

#include <algorithm>
#include <array>

namespace kms::internal {
namespace {

// botocore ThrottledRetryableChecker._THROTTLED_ERROR_CODES.
constexpr std::array<std::string_view, 14> kThrottlingTypes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

// botocore TransientRetryableChecker.
constexpr std::array<std::string_view, 3> kTransientTypes = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"};
constexpr std::array<int, 4> kTransientStatuses = {500, 502, 503, 504};

template <class Range, class T>
bool Contains(const Range& range, const T& value) {
  return std::find(range.begin(), range.end(), value) != range.end();
}

}  // namespace

RetryKind ClassifyServiceError(std::string_view type, int status) {
  if (Contains(kThrottlingTypes, type)) return RetryKind::kThrottling;
  if (Contains(kTransientTypes, type) || Contains(kTransientStatuses, status)) {
    return RetryKind::kTransient;
  }
  return RetryKind::kNone;
}

RetryKind ClassifyTransportError(const Error& error) {
  return error.code == ErrorCode::kDependencyTimeout ? RetryKind::kTimeout : RetryKind::kTransient;
}

std::chrono::milliseconds BackoffDelay(const RetryOptions& options, int retry, double random01) {
  using std::chrono::milliseconds;
  // Double arithmetic: 2^(retry-1) overflows no integer, and the cap applies before jitter.
  double ceiling = static_cast<double>(options.base_delay.count());
  for (int i = 1; i < retry && ceiling < static_cast<double>(options.max_backoff.count()); ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, static_cast<double>(options.max_backoff.count()));
  double jitter = std::clamp(random01, 0.0, 1.0);
  return milliseconds(static_cast<milliseconds::rep>(ceiling * jitter));
}

bool RetryQuota::Acquire(int amount) {
  std::lock_guard lock(mutex_);
  if (amount > available_) return false;
  available_ -= amount;
  return true;
}

void RetryQuota::Release(int amount) {
  std::lock_guard lock(mutex_);
  available_ = std::min(kInitialCapacity, available_ + amount);
}

}  // namespace kms::internal
