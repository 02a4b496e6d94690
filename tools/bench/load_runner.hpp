// The network side of kms-bench: N keep-alive HTTP/1.1 connections on one io_context (Beast),
// each with one request in flight, replaying preformatted request bytes.
#pragma once

#include <cstdint>
#include <kms/result.hpp>
#include <memory>
#include <string>
#include <vector>

#include "bench_options.hpp"

namespace kms::bench {

// One HTTP answer.
struct HttpAnswer {
  int status = 0;
  std::string body;
};

// What the measured window of one phase produced, merged over all connections.
struct PhaseResult {
  std::vector<uint64_t> latencies_ns;  // every request sent in the window and answered (any status)
  uint64_t errors = 0;      // non-200 answers and failures (timeouts, resets, refused connects)
  std::string first_error;  // the earliest one; empty if none
  double window_s = 0;
};

class LoadRunner {
 public:
  struct Impl;

  // Resolves `endpoint` and starts `threads` I/O threads; connections open lazily.
  // kInternal with the resolver's message when the host does not resolve. Not thread-safe:
  // call every member from one thread.
  static Result<std::unique_ptr<LoadRunner>> Start(const Endpoint& endpoint, int connections,
                                                   int threads, double timeout_s);
  ~LoadRunner();  // stops the I/O threads; in-flight requests are abandoned

  // Sends `request` (complete HTTP bytes) on the first connection and waits for the answer.
  // kInternal with the connection error ("connect: Connection refused", "timed out", ...).
  Result<HttpAnswer> Send(const std::string& request);

  // Every connection sends `request` back to back for `warmup_s` (not recorded) then
  // `duration_s` (requests sent then are recorded, including those answered after the window).
  // Returns when every connection is idle. A refused connect is recorded even in warm-up and
  // ends that connection's phase. kInternal if connections fail to settle within twice the
  // timeout after the window (a bug: each exchange has its own deadline).
  Result<PhaseResult> RunPhase(const std::string& request, double warmup_s, double duration_s);

 private:
  explicit LoadRunner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kms::bench
