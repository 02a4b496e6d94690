// Command-line times: ISO 8601 (calendar form, optional zone), epoch seconds, relative durations.
#include "time_arg.hpp"

#include <charconv>
#include <cstdio>
#include <optional>

namespace kms::cli {
namespace {

using std::chrono::seconds;

Error Invalid(std::string_view text) {
  return MakeError(ErrorCode::kValidation,
                   "invalid time '" + std::string(text) +
                       "' (expected ISO 8601 such as 2024-05-01T12:00:00Z, epoch seconds, or a "
                       "duration ago such as 10m, 2h, 7d)");
}

// Exactly `n` digits at `pos` as a number; advances `pos`.
std::optional<int> Digits(std::string_view s, size_t& pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<SystemTime> Relative(std::string_view text, SystemTime now) {
  if (text.size() < 2) return std::nullopt;
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7 * 86400;
      break;
    default:
      return std::nullopt;
  }
  int64_t n = 0;
  std::string_view digits = text.substr(0, text.size() - 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n < 0 || n > 100'000'000) {
    return std::nullopt;
  }
  return now - seconds(n * unit);
}

std::optional<SystemTime> EpochSeconds(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > 1e11) {
    return std::nullopt;
  }
  return SystemTime(
      std::chrono::duration_cast<SystemTime::duration>(std::chrono::duration<double>(value)));
}

// "+hh:mm", "-hhmm", "Z" or nothing at `pos` as an offset east of UTC; false on anything else.
bool ZoneOffset(std::string_view s, size_t pos, seconds& offset) {
  if (pos == s.size()) return true;
  if (s.substr(pos) == "Z" || s.substr(pos) == "z") return true;
  if (s[pos] != '+' && s[pos] != '-') return false;
  int sign = s[pos++] == '-' ? -1 : 1;
  auto hours = Digits(s, pos, 2);
  if (pos < s.size() && s[pos] == ':') ++pos;
  auto minutes = Digits(s, pos, 2);
  if (!hours || !minutes || pos != s.size() || *hours > 23 || *minutes > 59) return false;
  offset = seconds(sign * (*hours * 3600 + *minutes * 60));
  return true;
}

std::optional<SystemTime> Iso(std::string_view s) {
  size_t pos = 0;
  auto year = Digits(s, pos, 4);
  bool ok = year && Expect(s, pos, '-');
  auto month = ok ? Digits(s, pos, 2) : std::nullopt;
  ok = month && Expect(s, pos, '-');
  auto day = ok ? Digits(s, pos, 2) : std::nullopt;
  if (!day) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(*month),
                                   std::chrono::day(*day)};
  if (!date.ok()) return std::nullopt;
  SystemTime out = std::chrono::sys_days(date);
  if (pos == s.size()) return out;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
  ++pos;
  auto hour = Digits(s, pos, 2);
  ok = hour && Expect(s, pos, ':');
  auto minute = ok ? Digits(s, pos, 2) : std::nullopt;
  ok = minute && Expect(s, pos, ':');
  auto second = ok ? Digits(s, pos, 2) : std::nullopt;
  if (!second || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  std::chrono::milliseconds fraction{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100, ms = 0;
    size_t start = pos;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, scale /= 10) {
      ms += (s[pos] - '0') * scale;
    }
    if (pos == start) return std::nullopt;
    fraction = std::chrono::milliseconds(ms);
  }
  seconds offset{0};
  if (!ZoneOffset(s, pos, offset)) return std::nullopt;
  return out + std::chrono::hours(*hour) + std::chrono::minutes(*minute) + seconds(*second) +
         fraction - offset;
}

}  // namespace

Result<SystemTime> ParseTimeArg(std::string_view text, SystemTime now) {
  if (auto t = Relative(text, now)) return *t;
  if (auto t = EpochSeconds(text)) return *t;
  if (auto t = Iso(text)) return *t;
  return Invalid(text);
}

std::string FormatIsoTime(SystemTime time) {
  auto secs = std::chrono::floor<seconds>(time);
  auto days = std::chrono::floor<std::chrono::days>(secs);
  std::chrono::year_month_day date(days);
  std::chrono::hh_mm_ss<seconds> tod(secs - days);
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), long(tod.hours().count()),
                long(tod.minutes().count()), long(tod.seconds().count()));
  return out;
}

}  // namespace kms::cli
