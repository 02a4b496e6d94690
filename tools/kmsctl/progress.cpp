// The envelope commands' progress line: formatting and throttled redraws.
#include "progress.hpp"

#include <algorithm>
#include <cstdio>

namespace kms::cli {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr auto kRedrawInterval = std::chrono::milliseconds(200);
constexpr double kMinElapsedForRate = 0.1;

std::string MiB(uint64_t bytes) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1f MiB", static_cast<double>(bytes) / kMiB);
  return out;
}

std::string Duration(double seconds) {
  auto total = static_cast<uint64_t>(seconds + 0.5);
  char out[32];
  if (total >= 3600) {
    std::snprintf(out, sizeof out, "%llu:%02llu:%02llu",
                  static_cast<unsigned long long>(total / 3600),
                  static_cast<unsigned long long>(total / 60 % 60),
                  static_cast<unsigned long long>(total % 60));
  } else {
    std::snprintf(out, sizeof out, "%llu:%02llu", static_cast<unsigned long long>(total / 60),
                  static_cast<unsigned long long>(total % 60));
  }
  return out;
}

}  // namespace

std::string FormatProgress(uint64_t done, std::optional<uint64_t> total, double elapsed_seconds) {
  std::string out = MiB(done);
  if (total) {
    uint64_t percent = *total == 0 ? 100 : std::min<uint64_t>(100, done * 100 / *total);
    out += " / " + MiB(*total) + "  " + std::to_string(percent) + "%";
  }
  if (elapsed_seconds < kMinElapsedForRate) return out + "  - MiB/s";
  double rate = static_cast<double>(done) / kMiB / elapsed_seconds;
  char text[32];
  std::snprintf(text, sizeof text, "  %.1f MiB/s", rate);
  out += text;
  if (total && done > 0 && *total > done) {
    double left =
        static_cast<double>(*total - done) / (static_cast<double>(done) / elapsed_seconds);
    out += "  ETA " + Duration(left);
  }
  return out;
}

ProgressMeter::ProgressMeter(std::ostream& err, std::optional<uint64_t> total)
    : err_(err), total_(total), start_(Clock::now()), last_draw_(start_) {}

void ProgressMeter::Add(uint64_t bytes) {
  done_ += bytes;
  auto now = Clock::now();
  if (now - last_draw_ >= kRedrawInterval) Draw(now);
}

void ProgressMeter::Finish() {
  if (!drawn_) return;
  Draw(Clock::now());
  err_ << "\n";
  err_.flush();
}

void ProgressMeter::Draw(Clock::time_point now) {
  std::string line =
      FormatProgress(done_, total_, std::chrono::duration<double>(now - start_).count());
  size_t width = line.size();
  if (width < last_width_) line.append(last_width_ - width, ' ');  // wipe a longer old line
  err_ << '\r' << line;
  err_.flush();
  last_width_ = width;
  last_draw_ = now;
  drawn_ = true;
}

}  // namespace kms::cli
