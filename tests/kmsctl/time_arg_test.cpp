// Command-line times for `kmsctl audit`: ISO 8601, epoch seconds, relative durations, errors.
#include "time_arg.hpp"

#include <doctest/doctest.h>

namespace kms::cli {
namespace {

using std::chrono::seconds;

SystemTime At(int64_t epoch_seconds) { return SystemTime(seconds(epoch_seconds)); }

int64_t Parse(std::string_view text, SystemTime now = At(1'714'564'800)) {
  auto t = ParseTimeArg(text, now);
  REQUIRE(t.has_value());
  return std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count();
}

TEST_CASE("ParseTimeArg reads ISO 8601 times with and without a zone") {
  CHECK(Parse("2024-05-01T12:00:00Z") == 1'714'564'800'000);
  CHECK(Parse("2024-05-01t12:00:00z") == 1'714'564'800'000);
  CHECK(Parse("2024-05-01 12:00:00") == 1'714'564'800'000);
  CHECK(Parse("2024-05-01T12:00:00.250Z") == 1'714'564'800'250);
  CHECK(Parse("2024-05-01T14:00:00+02:00") == 1'714'564'800'000);
  CHECK(Parse("2024-05-01T07:30:00-0430") == 1'714'564'800'000);
  CHECK(Parse("2024-05-01") == 1'714'521'600'000);
  CHECK(Parse("2024-02-29") == 1'709'164'800'000);
}

TEST_CASE("ParseTimeArg reads epoch seconds and durations before now") {
  CHECK(Parse("1714564800") == 1'714'564'800'000);
  CHECK(Parse("1714564800.5") == 1'714'564'800'500);
  CHECK(Parse("30s") == 1'714'564'770'000);
  CHECK(Parse("10m") == 1'714'564'200'000);
  CHECK(Parse("2h") == 1'714'557'600'000);
  CHECK(Parse("7d") == 1'713'960'000'000);
  CHECK(Parse("1w") == 1'713'960'000'000);
  CHECK(Parse("0m") == 1'714'564'800'000);
}

TEST_CASE("ParseTimeArg rejects anything else with one message") {
  for (std::string_view bad :
       {"", "yesterday", "10x", "m", "-5m", "2024-13-01", "2023-02-29", "2024-05-01T25:00:00Z",
        "2024-05-01T12:00Z", "2024-05-01T12:00:00+2", "2024-05-01T12:00:00.Z", "1e400"}) {
    CAPTURE(bad);
    auto t = ParseTimeArg(bad, At(0));
    REQUIRE_FALSE(t.has_value());
    CHECK(t.error().code == ErrorCode::kValidation);
    CHECK(t.error().message ==
          "invalid time '" + std::string(bad) +
              "' (expected ISO 8601 such as 2024-05-01T12:00:00Z, epoch seconds, or a duration "
              "ago such as 10m, 2h, 7d)");
  }
}

TEST_CASE("FormatIsoTime prints UTC with whole seconds") {
  CHECK(FormatIsoTime(At(1'714'564'800)) == "2024-05-01T12:00:00Z");
  CHECK(FormatIsoTime(At(0) + std::chrono::milliseconds(1'709'164'799'999)) ==
        "2024-02-28T23:59:59Z");
  CHECK(FormatIsoTime(At(0)) == "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace kms::cli
