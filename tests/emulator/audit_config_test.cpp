// Tests for the audit trail's kms-emulator flags: --audit, --audit-retention-days,
// --audit-max-events (and their KMS_* variables), and --audit-log needing --audit on.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "config.hpp"

namespace {

using kms::emulator::Config;

kms::Result<Config> Parse(std::vector<std::string> args,
                          std::map<std::string, std::string> env = {}) {
  return kms::emulator::ParseConfig(args, [env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

void CheckInvalid(std::vector<std::string> args, const std::string& message) {
  auto config = Parse(std::move(args));
  REQUIRE_FALSE(config.has_value());
  CHECK(config.error().code == kms::ErrorCode::kValidation);
  CHECK(config.error().message == message);
}

TEST_CASE("The audit trail is on by default, 90 days and 100000 events") {
  auto config = Parse({});
  REQUIRE(config.has_value());
  CHECK(config->audit);
  CHECK(config->audit_retention_days == 90);
  CHECK(config->audit_max_events == 100'000);
  CHECK(config->audit_log.empty());
}

TEST_CASE("The audit flags are read from the command line and the environment") {
  auto config = Parse({"--audit", "off", "--audit-retention-days=7", "--audit-max-events", "0"});
  REQUIRE(config.has_value());
  CHECK_FALSE(config->audit);
  CHECK(config->audit_retention_days == 7);
  CHECK(config->audit_max_events == 0);
  auto from_env = Parse(
      {"--audit-max-events", "5"},
      {{"KMS_AUDIT", "on"}, {"KMS_AUDIT_RETENTION_DAYS", "0"}, {"KMS_AUDIT_MAX_EVENTS", "9"}});
  REQUIRE(from_env.has_value());
  CHECK(from_env->audit);
  CHECK(from_env->audit_retention_days == 0);
  CHECK(from_env->audit_max_events == 5);  // the flag wins
}

TEST_CASE("Bad audit flag values are refused with the flag named") {
  CheckInvalid({"--audit", "yes"}, "--audit: invalid value 'yes': must be on or off");
  CheckInvalid({"--audit-retention-days", "36501"},
               "--audit-retention-days: invalid value '36501': must be a number of days from 0 to "
               "36500 (0: keep events)");
  CheckInvalid({"--audit-retention-days", "-1"},
               "--audit-retention-days: invalid value '-1': must be a number of days from 0 to "
               "36500 (0: keep events)");
  CheckInvalid({"--audit-max-events", "1000000001"},
               "--audit-max-events: invalid value '1000000001': must be a number from 0 to "
               "1000000000 (0: no limit)");
  auto env = Parse({}, {{"KMS_AUDIT", "maybe"}});
  REQUIRE_FALSE(env.has_value());
  CHECK(env.error().message == "KMS_AUDIT (--audit): invalid value 'maybe': must be on or off");
}

TEST_CASE("--audit-log needs --audit on") {
  auto config = Parse({"--audit", "off", "--audit-log", "trail.jsonl"});
  REQUIRE(config.has_value());
  auto checked = kms::emulator::CheckFlagCombinations(*config);
  REQUIRE_FALSE(checked.has_value());
  CHECK(checked.error().message == "--audit-log needs --audit on (the trail it is a copy of)");
  config->audit = true;
  CHECK(kms::emulator::CheckFlagCombinations(*config).has_value());
}

TEST_CASE("Usage documents the audit flags and their variables") {
  std::string usage = kms::emulator::Usage();
  for (const char* text :
       {"--audit on|off", "KMS_AUDIT,", "--audit-retention-days N", "KMS_AUDIT_RETENTION_DAYS",
        "--audit-max-events N", "KMS_AUDIT_MAX_EVENTS", "LookupEvents"}) {
    CHECK_MESSAGE(usage.find(text) != std::string::npos, text);
  }
}

}  // namespace
