// Per-operation figures of a kms-bench run: exact latency percentiles over every recorded
// sample, throughput, and the text/JSON report (pure: no I/O).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kms::bench {

// Nearest-rank percentile: the smallest sample with at least `percent`% of samples at or below
// it (p100 is the maximum). `sorted` must be in ascending order; 0 when it is empty.
// `percent` in (0, 100]. Pure.
uint64_t Percentile(std::span<const uint64_t> sorted, double percent);

// What one operation's measured window produced.
struct OpFigures {
  std::string op;
  uint64_t completed = 0;     // requests sent in the window and answered (any status)
  uint64_t errors = 0;        // non-200 answers plus connection failures and timeouts
  std::string first_error;    // "HTTP 400: {body}" or "connection: ..."; empty if none
  double window_s = 0;        // length of the measured window
  double requests_per_s = 0;  // completed / window_s
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
};

// Builds the figures from the latencies (nanoseconds, any order; sorted in place).
// Pure.
OpFigures Summarize(std::string op, std::vector<uint64_t>& latencies_ns, uint64_t errors,
                    std::string first_error, double window_s);

// Header line describing the run, for the text report.
struct RunInfo {
  std::string endpoint_url;
  std::string key_id;
  int connections = 0;
  double duration_s = 0;
  double warmup_s = 0;
  int plaintext_size = 0;
};

// A fixed-width table, one row per operation, then each operation's first error. Pure.
std::string FormatText(const RunInfo& info, std::span<const OpFigures> figures);

// {"endpoint":...,"key_id":...,"connections":...,"duration_s":...,"warmup_s":...,
//  "plaintext_size":...,"operations":[{"op":...,"completed":...,"errors":...,
//  "first_error":...|null,"requests_per_s":...,"latency_ms":{"p50":...,"p90":...,"p99":...,
//  "max":...}}]}  on one line. Pure.
std::string FormatJson(const RunInfo& info, std::span<const OpFigures> figures);

}  // namespace kms::bench
