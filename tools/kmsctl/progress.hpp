// Progress of long `kmsctl envelope encrypt|decrypt` runs on a terminal's stderr: bytes done,
// rate and, when the input size is known, percentage and time left, redrawn in place.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace kms::cli {

// "12.0 MiB / 100.0 MiB  12%  45.3 MiB/s  ETA 0:02" (total known) or "12.0 MiB  45.3 MiB/s";
// the rate is "-" until some time has passed; the ETA h:mm:ss past an hour. Pure.
std::string FormatProgress(uint64_t done, std::optional<uint64_t> total, double elapsed_seconds);

// Draws FormatProgress on `err` with a leading '\r', at most every 200 ms; nothing when the run
// is over before the first redraw. Not thread-safe.
class ProgressMeter {
 public:
  using Clock = std::chrono::steady_clock;
  ProgressMeter(std::ostream& err, std::optional<uint64_t> total);
  void Add(uint64_t bytes);
  // Draws the final state and ends the line (only if anything was drawn).
  void Finish();

 private:
  void Draw(Clock::time_point now);
  std::ostream& err_;
  std::optional<uint64_t> total_;
  uint64_t done_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  bool drawn_ = false;
  size_t last_width_ = 0;
};

}  // namespace kms::cli
