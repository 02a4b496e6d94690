// Command-line flags and KMS_* environment variables of kms-emulator (DESIGN.md §2).
#pragma once

#include <cstdint>
#include <functional>
#include <kms/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kms::emulator {

struct Config {
  std::string host = "127.0.0.1";
  uint16_t port = 4599;
  std::string db = "kms.db";
  std::string region = "us-east-1";
  std::string account_id = "111122223333";
  std::string auth = "none";  // "none" | "sigv4"
  std::string credentials;    // path, may be empty
  std::string seed;
  std::string tls_cert;
  std::string tls_key;
  std::string audit_log;
  bool audit = true;                   // --audit on|off: the CloudTrail trail in the database
  int64_t audit_retention_days = 90;   // events older than this are deleted; 0: kept
  int64_t audit_max_events = 100'000;  // only the newest this many are kept; 0: no limit
  unsigned threads = 0;                // 0: one per core
  std::string admin = "auto";          // --admin auto|on|off: the /_emulator admin endpoint
  bool help = false;
};

// Parses argv without the program name (flags `--name value` or `--name=value`), with `getenv`
// supplying KMS_<NAME> (e.g. KMS_ACCOUNT_ID) for flags not given. kValidation error naming the bad
// flag or value.
Result<Config> ParseConfig(const std::vector<std::string>& args,
                           const std::function<const char*(const char*)>& getenv);

// Checks flags that only work together: --auth sigv4 needs --credentials; --tls-cert and
// --tls-key come as a pair; --audit-log needs --audit on. kValidation error saying what is
// missing. Pure, thread-safe.
Status CheckFlagCombinations(const Config& config);

// Whether the /_emulator admin endpoint is served: --admin on or off, or with auto only when
// --host is a loopback address (127.0.0.0/8, ::1, localhost). Pure.
bool AdminEnabled(const Config& config);

// The --help text.
std::string Usage();

// True when `region` matches the model's Region pattern ^([a-z]+-){2,3}\d+$. Pure, thread-safe.
bool IsValidRegion(std::string_view region);

}  // namespace kms::emulator
