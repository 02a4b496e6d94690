// The envelope commands' progress line: its format, and when it is drawn (no timing tests).
#include "progress.hpp"

#include <doctest/doctest.h>

#include <sstream>

namespace kms::cli {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

TEST_CASE("FormatProgress with a known total shows bytes, percent, rate and time left") {
  CHECK(FormatProgress(12 * kMiB, 100 * kMiB, 2.0) ==
        "12.0 MiB / 100.0 MiB  12%  6.0 MiB/s  ETA 0:15");
  CHECK(FormatProgress(0, 100 * kMiB, 0.0) == "0.0 MiB / 100.0 MiB  0%  - MiB/s");
  CHECK(FormatProgress(100 * kMiB, 100 * kMiB, 4.0) == "100.0 MiB / 100.0 MiB  100%  25.0 MiB/s");
  CHECK(FormatProgress(kMiB, 7200 * kMiB, 1.0) ==
        "1.0 MiB / 7200.0 MiB  0%  1.0 MiB/s  ETA 1:59:59");
  CHECK(FormatProgress(512 * 1024, 0, 1.0) == "0.5 MiB / 0.0 MiB  100%  0.5 MiB/s");
}

TEST_CASE("FormatProgress without a total shows bytes and rate only") {
  CHECK(FormatProgress(3 * kMiB / 2, std::nullopt, 0.5) == "1.5 MiB  3.0 MiB/s");
  CHECK(FormatProgress(0, std::nullopt, 0.05) == "0.0 MiB  - MiB/s");
}

TEST_CASE("A run shorter than one redraw interval prints nothing") {
  std::ostringstream err;
  ProgressMeter meter(err, 10);
  meter.Add(10);
  meter.Finish();
  CHECK(err.str().empty());
}

}  // namespace
}  // namespace kms::cli
