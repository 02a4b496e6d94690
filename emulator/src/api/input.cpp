// Request member reading with AWS (Coral) serialization and validation wording.
#include "api/input.hpp"

#include <boost/json/value.hpp>
#include <cmath>
#include <kms/internal/encoding.hpp>

namespace kms::emulator {
namespace {

constexpr std::string_view kNumberClass =
    "class com.amazon.coral.value.json.numbers.TruncatingBigNumber";

// Coral's name for what it found, as in its "X can not be converted to ..." messages.
std::string_view FoundName(const boost::json::value& v, bool wanted_string) {
  if (v.is_object()) return "Start of structure or map found where not expected.";
  if (v.is_array()) return "Start of list found where not expected";
  if (v.is_bool()) return wanted_string ? "class java.lang.Boolean" : "BOOLEAN_VALUE";
  if (v.is_string()) return "STRING_VALUE";
  return wanted_string ? kNumberClass : "NUMBER_VALUE";
}

std::string Quote(std::string_view v) { return "'" + std::string(v) + "'"; }

std::string NullElement(const std::string& path) {
  return "Value null at '" + path + "' failed to satisfy constraint: Member must not be null";
}

// AWS (Java) measures string lengths in UTF-16 code units: a code point above U+FFFF counts two.
size_t Utf16Length(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;  // a lead byte starts a code point
    if (c >= 0xF0) ++n;           // 4-byte sequences are surrogate pairs
  }
  return n;
}

}  // namespace

std::string InputReader::MessageName(std::string_view member) {
  std::string out(member);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z')
    out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

std::string ValidationMessage(std::span<const std::string> violations) {
  std::string out = std::to_string(violations.size());
  out += violations.size() == 1 ? " validation error detected: " : " validation errors detected: ";
  for (size_t i = 0; i < violations.size(); ++i) {
    if (i != 0) out += "; ";
    out += violations[i];
  }
  return out;
}

const boost::json::value* InputReader::Find(std::string_view member) {
  auto it = body_.find(member);
  if (it == body_.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

void InputReader::TypeError(std::string_view found, std::string_view wanted) {
  if (serialization_) return;
  std::string msg(found);
  // "Start of ..." and "Unexpected value type in payload" are whole sentences.
  if (!found.starts_with("Start of") && !wanted.empty()) {
    msg += " can not be converted to " + std::string(wanted);
  }
  serialization_ = MakeError(ErrorCode::kSerialization, std::move(msg));
}

void InputReader::CheckString(std::string_view path, std::string_view value,
                              const StringRule& rule) {
  std::string shown = rule.sensitive ? "Value" : "Value " + Quote(value);
  std::string head = shown + " at '" + std::string(path) + "' failed to satisfy constraint: ";
  size_t length = Utf16Length(value);
  if (length < rule.min) {
    violations_.push_back(head + "Member must have length greater than or equal to " +
                          std::to_string(rule.min));
  }
  if (length > rule.max) {
    violations_.push_back(head + "Member must have length less than or equal to " +
                          std::to_string(rule.max));
  }
  // The patterns' character-set checks accept "", but a pattern ending in "+" (or "+$") does
  // not: AWS then reports the pattern as well as the minimum length.
  bool needs_text = rule.pattern.ends_with("+") || rule.pattern.ends_with("+$");
  if (rule.check != nullptr && (!rule.check(value) || (value.empty() && needs_text))) {
    violations_.push_back(
        head + "Member must satisfy regular expression pattern: " + std::string(rule.pattern));
  }
}

std::optional<std::string_view> InputReader::String(std::string_view member,
                                                    const StringRule& rule) {
  const boost::json::value* v = Find(member);
  std::string path = MessageName(member);
  if (v == nullptr) {
    if (rule.required) {
      violations_.push_back("Value null at '" + path +
                            "' failed to satisfy constraint: Member must not be null");
    }
    return std::nullopt;
  }
  if (!v->is_string()) {
    TypeError(FoundName(*v, true), "an String");
    return std::nullopt;
  }
  std::string_view s = v->get_string();
  size_t before = violations_.size();
  CheckString(path, s, rule);
  if (violations_.size() != before) return std::nullopt;
  return s;
}

std::optional<std::string_view> InputReader::Enum(std::string_view member,
                                                  std::span<const std::string_view> values,
                                                  bool required) {
  auto s = String(member, StringRule{.required = required});
  if (!s) return std::nullopt;
  for (std::string_view v : values) {
    if (v == *s) return s;
  }
  std::string set;
  for (size_t i = 0; i < values.size(); ++i) set += (i ? ", " : "") + std::string(values[i]);
  violations_.push_back("Value " + Quote(*s) + " at '" + MessageName(member) +
                        "' failed to satisfy constraint: Member must satisfy enum value set: [" +
                        set + "]");
  return std::nullopt;
}

std::optional<int64_t> InputReader::Integer(std::string_view member, const IntRule& rule) {
  const boost::json::value* v = Find(member);
  std::string path = MessageName(member);
  if (v == nullptr) {
    if (rule.required) {
      violations_.push_back("Value null at '" + path +
                            "' failed to satisfy constraint: Member must not be null");
    }
    return std::nullopt;
  }
  int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64()) {
    n = INT64_MAX;  // beyond every model maximum
  } else if (v->is_double() &&
             v->get_double() == static_cast<double>(static_cast<int64_t>(v->get_double()))) {
    n = static_cast<int64_t>(v->get_double());
  } else {
    TypeError(FoundName(*v, false), "an Integer");
    return std::nullopt;
  }
  // Coral checks Integer members against the 32-bit range before the model constraints.
  if (n > INT32_MAX || n < INT32_MIN) {
    TypeError(FoundName(*v, false), "an Integer");
    return std::nullopt;
  }
  std::string head =
      "Value '" + std::to_string(n) + "' at '" + path + "' failed to satisfy constraint: ";
  if (n < rule.min) {
    violations_.push_back(head + "Member must have value greater than or equal to " +
                          std::to_string(rule.min));
    return std::nullopt;
  }
  if (n > rule.max) {
    violations_.push_back(head + "Member must have value less than or equal to " +
                          std::to_string(rule.max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> InputReader::Boolean(std::string_view member) {
  const boost::json::value* v = Find(member);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    TypeError(FoundName(*v, false), "a Boolean");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<int64_t> InputReader::TimestampMs(std::string_view member) {
  const boost::json::value* v = Find(member);
  if (v == nullptr) return std::nullopt;
  // Beyond +-10^13 seconds no date is meaningful (and the milliseconds would overflow).
  constexpr double kLimitSeconds = 1e13;
  if (!v->is_number() || std::fabs(v->to_number<double>()) > kLimitSeconds) {
    TypeError(FoundName(*v, true), "a Timestamp");
    return std::nullopt;
  }
  return static_cast<int64_t>(std::llround(v->to_number<double>() * 1000.0));
}

std::optional<internal::SecretBytes> InputReader::Blob(std::string_view member,
                                                       const BlobRule& rule) {
  const boost::json::value* v = Find(member);
  std::string path = MessageName(member);
  if (v == nullptr) {
    if (rule.required) {
      violations_.push_back("Value null at '" + path +
                            "' failed to satisfy constraint: Member must not be null");
    }
    return std::nullopt;
  }
  if (!v->is_string()) {
    TypeError(FoundName(*v, true), "a Blob");  // AWS: blobs are base64 strings in JSON 1.1
    return std::nullopt;
  }
  auto bytes = internal::Base64DecodeSecret(v->get_string());
  if (!bytes) {
    if (!serialization_) {
      serialization_ = MakeError(ErrorCode::kSerialization,
                                 "Could not parse '" + path + "': invalid base64 encoding");
    }
    return std::nullopt;
  }
  std::string head = "Value at '" + path + "' failed to satisfy constraint: ";
  if (bytes->size() < rule.min) {
    violations_.push_back(head + "Member must have length greater than or equal to " +
                          std::to_string(rule.min));
    return std::nullopt;
  }
  if (bytes->size() > rule.max) {
    violations_.push_back(head + "Member must have length less than or equal to " +
                          std::to_string(rule.max));
    return std::nullopt;
  }
  return bytes;
}

std::optional<std::map<std::string, std::string>> InputReader::StringMap(std::string_view member) {
  const boost::json::value* v = Find(member);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) {
    TypeError(FoundName(*v, true), "a Map");
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  for (const auto& kv : v->get_object()) {
    if (kv.value().is_null()) continue;
    if (!kv.value().is_string()) {
      TypeError(FoundName(kv.value(), true), "an String");
      return std::nullopt;
    }
    out.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
  }
  return out;
}

std::optional<std::vector<std::string>> InputReader::StringList(std::string_view member,
                                                                const ListRule& rule,
                                                                const StringRule& item) {
  const boost::json::value* v = Find(member);
  std::string path = MessageName(member);
  if (v == nullptr) {
    if (rule.required) {
      violations_.push_back("Value null at '" + path +
                            "' failed to satisfy constraint: Member must not be null");
    }
    return std::nullopt;
  }
  if (!v->is_array()) {
    TypeError(v->is_object() ? FoundName(*v, true) : "Unexpected value type in payload", "");
    return std::nullopt;
  }
  const auto& arr = v->get_array();
  std::vector<std::string> out;
  size_t before = violations_.size();
  if (arr.size() < rule.min) {
    violations_.push_back(
        "Value '[]' at '" + path +
        "' failed to satisfy constraint: Member must have length greater than or equal to " +
        std::to_string(rule.min));
  }
  if (arr.size() > rule.max) {
    violations_.push_back(
        "Value at '" + path +
        "' failed to satisfy constraint: Member must have length less than or equal to " +
        std::to_string(rule.max));
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string item_path = path + "." + std::to_string(i + 1) + ".member";
    if (arr[i].is_null()) {  // deserialized as a null element; validation refuses it
      violations_.push_back(NullElement(item_path));
      continue;
    }
    if (!arr[i].is_string()) {
      TypeError(FoundName(arr[i], true), "an String");
      return std::nullopt;
    }
    std::string_view s = arr[i].get_string();
    CheckString(item_path, s, item);
    out.emplace_back(s);
  }
  if (violations_.size() != before) return std::nullopt;
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> InputReader::Tags(
    std::string_view member, bool required) {
  const boost::json::value* v = Find(member);
  std::string path = MessageName(member);
  if (v == nullptr) {
    if (required) {
      violations_.push_back("Value null at '" + path +
                            "' failed to satisfy constraint: Member must not be null");
    }
    return std::nullopt;
  }
  if (!v->is_array()) {
    TypeError(v->is_object() ? FoundName(*v, true) : "Unexpected value type in payload", "");
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> out;
  size_t before = violations_.size();
  const auto& arr = v->get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    if (arr[i].is_null()) {
      violations_.push_back(NullElement(path + "." + std::to_string(i + 1) + ".member"));
      continue;
    }
    if (!arr[i].is_object()) {
      TypeError(FoundName(arr[i], true), "a Structure");
      return std::nullopt;
    }
    const auto& tag = arr[i].get_object();
    std::string item = path + "." + std::to_string(i + 1) + ".member.";
    auto field = [&](std::string_view name, std::string_view msg_name, size_t min,
                     size_t max) -> std::optional<std::string> {
      auto it = tag.find(name);
      if (it == tag.end() || it->value().is_null()) {
        violations_.push_back("Value null at '" + item + std::string(msg_name) +
                              "' failed to satisfy constraint: Member must not be null");
        return std::nullopt;
      }
      if (!it->value().is_string()) {
        TypeError(FoundName(it->value(), true), "an String");
        return std::nullopt;
      }
      std::string_view s = it->value().get_string();
      CheckString(item + std::string(msg_name), s, StringRule{.min = min, .max = max});
      return std::string(s);
    };
    auto key = field("TagKey", "tagKey", 1, 128);
    auto value = field("TagValue", "tagValue", 0, 256);
    if (key && value) out.emplace_back(std::move(*key), std::move(*value));
  }
  if (serialization_ || violations_.size() != before) return std::nullopt;
  return out;
}

Status InputReader::Finish() const {
  if (serialization_) return *serialization_;
  if (!violations_.empty())
    return MakeError(ErrorCode::kValidation, ValidationMessage(violations_));
  return {};
}

}  // namespace kms::emulator
