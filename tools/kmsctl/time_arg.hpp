// Times on the command line (`kmsctl audit --start-time`): ISO 8601, epoch seconds, or relative to
// now ("10m" = ten minutes ago), and the ISO 8601 form kmsctl prints.
#pragma once

#include <chrono>
#include <kms/result.hpp>
#include <string>
#include <string_view>

namespace kms::cli {

using SystemTime = std::chrono::system_clock::time_point;

// Parses `text` as one of:
//   2024-05-01T12:00:00Z, 2024-05-01T12:00:00.250Z, 2024-05-01T14:00:00+02:00 (also "-hh:mm",
//   "+hhmm", a space for 'T', no zone = UTC), 2024-05-01 (midnight UTC);
//   1714564800 (epoch seconds, also fractional);
//   <n>s, <n>m, <n>h, <n>d, <n>w: that long before `now`.
// kValidation "invalid time '<text>' (expected ISO 8601 such as 2024-05-01T12:00:00Z, epoch
// seconds, or a duration ago such as 10m, 2h, 7d)" otherwise, including impossible dates.
// Pure, thread-safe.
Result<SystemTime> ParseTimeArg(std::string_view text, SystemTime now);

// "2024-05-01T12:00:00Z" (UTC, whole seconds). Pure, thread-safe.
std::string FormatIsoTime(SystemTime time);

}  // namespace kms::cli
