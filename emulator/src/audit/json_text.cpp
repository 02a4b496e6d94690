// JSON text for audit records: escaping with UTF-8 repair, a comma-tracking writer, and the two
// date forms CloudTrail uses.
#include "audit/json_text.hpp"

#include <boost/json/serialize.hpp>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace kms::emulator::audit {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\\ufffd";

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF included).
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (c > 0xF4 || n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char c1 = byte(i + 1);
  if (c == 0xE0 && c1 < 0xA0) return 0;   // overlong
  if (c == 0xED && c1 >= 0xA0) return 0;  // surrogate
  if (c == 0xF0 && c1 < 0x90) return 0;   // overlong
  if (c == 0xF4 && c1 >= 0x90) return 0;  // above U+10FFFF
  return n;
}

void AppendEscape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
  }
}

struct Civil {
  int64_t year;
  unsigned month;  // 1-12
  unsigned day;    // 1-31
};

// Howard Hinnant's civil_from_days: the proleptic Gregorian date of a day count since 1970-01-01.
Civil FromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

struct Broken {
  Civil date;
  int hour, minute, second;
};

Broken Split(int64_t epoch_ms) {
  int64_t seconds = epoch_ms >= 0 ? epoch_ms / 1000 : -((-epoch_ms + 999) / 1000);
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  auto in_day = static_cast<int>(seconds - days * 86400);
  return {FromDays(days), in_day / 3600, in_day / 60 % 60, in_day % 60};
}

// True when one of the 8 bytes of `w` needs more than copying: a control character, '"', '\\'
// or a byte of a multi-byte UTF-8 sequence (which must be validated).
bool NeedsWork(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return (below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) | (w & kHigh)) !=
         0;
}

// True when every byte of `text` can be copied as it is.
bool IsPlain(std::string_view text) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if (NeedsWork(word)) return false;
  }
  for (; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  if (IsPlain(text)) {  // the common case: one copy, with its quotes
    size_t at = out.size();
    out.resize(at + text.size() + 2);
    out[at] = '"';
    if (!text.empty()) std::memcpy(&out[at + 1], text.data(), text.size());
    out[at + 1 + text.size()] = '"';
    return;
  }
  out += '"';
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  size_t i = 0;
  while (i < text.size()) {
    // Plain ASCII is the common case: skip it eight bytes at a time.
    if (i + 8 <= text.size()) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if (!NeedsWork(word)) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(text.substr(run, i - run));
    if (c < 0x80) {
      AppendEscape(out, c);
      ++i;
    } else if (size_t n = Utf8Length(text, i); n != 0) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out += kReplacement;
      ++i;
    }
    run = i;
  }
  out.append(text.substr(run));
  out += '"';
}

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (need_comma_[depth_]) out_ += ',';
  need_comma_[depth_] = true;
}

void JsonWriter::Open(char c) {
  Separate();
  out_ += c;
  if (depth_ < kMaxDepth) ++depth_;
  need_comma_[depth_] = false;
}

void JsonWriter::Close(char c) {
  out_ += c;
  if (depth_ > 0) --depth_;
}

void JsonWriter::BeginObject() { Open('{'); }
void JsonWriter::EndObject() { Close('}'); }
void JsonWriter::BeginArray() { Open('['); }
void JsonWriter::EndArray() { Close(']'); }

void JsonWriter::Key(std::string_view name) {
  Separate();
  AppendJsonString(out_, name);
  out_ += ':';
  after_key_ = true;
}

void JsonWriter::PlainKey(std::string_view name) {
  Separate();
  out_ += '"';
  out_ += name;
  out_ += "\":";
  after_key_ = true;
}

void JsonWriter::CamelKey(std::string_view name) {
  if (name.empty() || name[0] < 'A' || name[0] > 'Z' || name == "AWSAccountId") return Key(name);
  char first = static_cast<char>(name[0] - 'A' + 'a');
  Separate();
  // The first letter is plain ASCII, so it needs no escaping; the rest may.
  size_t at = out_.size();
  AppendJsonString(out_, name);
  out_[at + 1] = first;
  out_ += ':';
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  Separate();
  AppendJsonString(out_, value);
}

void JsonWriter::Int(int64_t value) {
  Separate();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  (void)ec;  // 24 chars always fit an int64
  out_.append(buffer, end);
}

void JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
}

void JsonWriter::Null() {
  Separate();
  out_ += "null";
}

void JsonWriter::Raw(std::string_view json) {
  Separate();
  out_ += json;
}

void JsonWriter::Value(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::string:
      return String(value.get_string());
    case boost::json::kind::int64:
      return Int(value.get_int64());
    case boost::json::kind::bool_:
      return Bool(value.get_bool());
    case boost::json::kind::null:
      return Null();
    default:
      return Raw(boost::json::serialize(value));
  }
}

size_t FormatIso8601(int64_t epoch_ms, char* out) {
  Broken t = Split(epoch_ms);
  if (t.date.year < 0 || t.date.year > 9999) {
    int n = std::snprintf(out, 32, "%lld-%02u-%02uT%02d:%02d:%02dZ",
                          static_cast<long long>(t.date.year), t.date.month, t.date.day, t.hour,
                          t.minute, t.second);
    return static_cast<size_t>(n);
  }
  // The common case without printf: this runs once per request.
  std::memcpy(out, "0000-00-00T00:00:00Z", 20);
  auto put = [&](size_t at, int64_t value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) {
      out[at + i] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, t.date.year, 4);
  put(5, t.date.month, 2);
  put(8, t.date.day, 2);
  put(11, t.hour, 2);
  put(14, t.minute, 2);
  put(17, t.second, 2);
  return 20;
}

std::string Iso8601(int64_t epoch_ms) {
  char buffer[32];
  return std::string(buffer, FormatIso8601(epoch_ms, buffer));
}

std::string CloudTrailDate(int64_t epoch_ms) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Broken t = Split(epoch_ms);
  int hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
  char buffer[48];
  int n = std::snprintf(buffer, sizeof(buffer), "%s %u, %lld, %d:%02d:%02d %s",
                        kMonths[t.date.month - 1], t.date.day, static_cast<long long>(t.date.year),
                        hour12, t.minute, t.second, t.hour < 12 ? "AM" : "PM");
  return std::string(buffer, static_cast<size_t>(n));
}

std::string LowerCamel(std::string_view name) {
  std::string out(name);
  if (name == "AWSAccountId") return out;
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z')
    out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

}  // namespace kms::emulator::audit
