// Exact percentiles and the report formats of kms-bench.
#include "latency_stats.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace kms::bench {
namespace {

constexpr double kNsPerMs = 1e6;

double Ms(uint64_t ns) { return static_cast<double>(ns) / kNsPerMs; }

// Formats with printf-style `format` into a std::string.
template <class... Args>
std::string Printf(const char* format, Args... args) {
  int size = std::snprintf(nullptr, 0, format, args...);
  std::string out(static_cast<size_t>(size), '\0');
  std::snprintf(out.data(), out.size() + 1, format, args...);
  return out;
}

}  // namespace

uint64_t Percentile(std::span<const uint64_t> sorted, double percent) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<size_t>(std::ceil(percent / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

OpFigures Summarize(std::string op, std::vector<uint64_t>& latencies_ns, uint64_t errors,
                    std::string first_error, double window_s) {
  std::sort(latencies_ns.begin(), latencies_ns.end());
  OpFigures f;
  f.op = std::move(op);
  f.completed = latencies_ns.size();
  f.errors = errors;
  f.first_error = std::move(first_error);
  f.window_s = window_s;
  f.requests_per_s = window_s > 0 ? static_cast<double>(f.completed) / window_s : 0;
  f.p50_ms = Ms(Percentile(latencies_ns, 50));
  f.p90_ms = Ms(Percentile(latencies_ns, 90));
  f.p99_ms = Ms(Percentile(latencies_ns, 99));
  f.max_ms = Ms(Percentile(latencies_ns, 100));
  return f;
}

std::string FormatText(const RunInfo& info, std::span<const OpFigures> figures) {
  std::string out = "endpoint " + info.endpoint_url + "  key " + info.key_id + "\n";
  out += Printf("%d connections, %.1f s warm-up + %.1f s per operation, plaintext %d bytes\n\n",
                info.connections, info.warmup_s, info.duration_s, info.plaintext_size);
  out += Printf("%-32s %10s %8s %10s %9s %9s %9s %9s\n", "operation", "requests", "errors", "req/s",
                "p50 ms", "p90 ms", "p99 ms", "max ms");
  for (const OpFigures& f : figures) {
    out += Printf("%-32s %10llu %8llu %10.1f %9.3f %9.3f %9.3f %9.3f\n", f.op.c_str(),
                  static_cast<unsigned long long>(f.completed),
                  static_cast<unsigned long long>(f.errors), f.requests_per_s, f.p50_ms, f.p90_ms,
                  f.p99_ms, f.max_ms);
  }
  for (const OpFigures& f : figures) {
    if (!f.first_error.empty()) out += "first " + f.op + " error: " + f.first_error + "\n";
  }
  return out;
}

std::string FormatJson(const RunInfo& info, std::span<const OpFigures> figures) {
  // Printed by hand: Boost.JSON would write 1.5E4 and 7.5600000000000005E0.
  auto quote = [](std::string_view s) { return boost::json::serialize(boost::json::string(s)); };
  std::string out = "{\"endpoint\":" + quote(info.endpoint_url) +
                    ",\"key_id\":" + quote(info.key_id) +
                    Printf(
                        ",\"connections\":%d,\"duration_s\":%g,\"warmup_s\":%g,"
                        "\"plaintext_size\":%d,\"operations\":[",
                        info.connections, info.duration_s, info.warmup_s, info.plaintext_size);
  for (size_t i = 0; i < figures.size(); ++i) {
    const OpFigures& f = figures[i];
    out += (i == 0 ? "{\"op\":" : ",{\"op\":") + quote(f.op);
    out += Printf(",\"completed\":%llu,\"errors\":%llu,\"first_error\":",
                  static_cast<unsigned long long>(f.completed),
                  static_cast<unsigned long long>(f.errors));
    out += f.first_error.empty() ? "null" : quote(f.first_error);
    out += Printf(
        ",\"requests_per_s\":%.1f,\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
        "\"max\":%.3f}}",
        f.requests_per_s, f.p50_ms, f.p90_ms, f.p99_ms, f.max_ms);
  }
  return out + "]}\n";
}

}  // namespace kms::bench
