// Option value parsing: file:// and fileb:// parameters, base64 blobs, shorthand and JSON.
#include "values.hpp"

#include <openssl/crypto.h>

#include <boost/json/parse.hpp>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <kms/credentials.hpp>
#include <kms/internal/encoding.hpp>

#include "time_arg.hpp"

namespace kms::cli {
namespace {

namespace json = boost::json;

constexpr std::string_view kFilePrefix = "file://";
constexpr std::string_view kFilebPrefix = "fileb://";

Error Invalid(std::string message) { return MakeError(ErrorCode::kValidation, std::move(message)); }

Error ArgumentError(std::string_view name, std::string_view message) {
  return Invalid("argument " + std::string(name) + ": " + std::string(message));
}

// The bytes of `path`; the aws CLI's wording when it cannot be read.
Result<internal::SecretBytes> ReadFile(std::string_view option, std::string_view uri,
                                       std::string_view given_path) {
  auto unreadable = [&](const char* why) {
    return Invalid("Error parsing parameter '" + std::string(option) +
                   "': Unable to load paramfile " + std::string(uri) + ": " + why);
  };
  // No shell expands a tilde inside file:// or fileb://; the aws CLI does, and so do we.
  std::string path = ExpandHome(ProcessEnvironment(), given_path);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return unreadable(std::strerror(EISDIR));
  std::ifstream file{path, std::ios::binary};
  if (!file) return unreadable(std::strerror(errno));
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file),
                             std::istreambuf_iterator<char>()};
  internal::SecretBytes out(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return out;
}

// A text value, with "file://PATH" replaced by the contents of PATH.
Result<std::string> ResolveText(std::string_view option, std::string_view value) {
  if (!value.starts_with(kFilePrefix)) return std::string(value);
  auto bytes = ReadFile(option, value, value.substr(kFilePrefix.size()));
  if (!bytes) return bytes.error();
  return std::string(bytes->span().begin(), bytes->span().end());
}

Result<internal::SecretBytes> ParseBlob(std::string_view option, std::string_view value,
                                        BinaryFormat format, StdinReader& stdin_reader) {
  if (value == "-" || value == "fileb://-") return stdin_reader.ReadAll();
  if (value.starts_with(kFilebPrefix)) {
    return ReadFile(option, value, value.substr(kFilebPrefix.size()));
  }
  auto text = ResolveText(option, value);
  if (!text) return text.error();
  if (format == BinaryFormat::kRawInBase64Out)
    return internal::SecretBytes(internal::AsBytes(*text));
  auto decoded = internal::Base64DecodeSecret(*text);
  if (!decoded) {
    return ArgumentError(option, "Invalid base64: \"" + *text +
                                     "\" (give binary input as fileb://PATH, or base64 text; "
                                     "--cli-binary-format raw-in-base64-out takes text as is)");
  }
  return std::move(*decoded);
}

Result<int> ParseInt(std::string_view option, std::string_view text) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return ArgumentError(option, "invalid int value: '" + std::string(text) + "'");
  }
  return value;
}

Result<std::string> ParseEnum(const OptionSpec& option, std::string_view value) {
  for (std::string_view choice : option.choices) {
    if (choice == value) return std::string(value);
  }
  std::string list;
  for (std::string_view choice : option.choices) {
    list += list.empty() ? "" : ", ";
    list += choice;
  }
  return ArgumentError(option.name,
                       "invalid choice: '" + std::string(value) + "' (choose from " + list + ")");
}

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

// Reads one shorthand value starting at `pos`, up to the next unquoted, unescaped ','.
Result<std::string> ShorthandValue(std::string_view text, size_t& pos) {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  if (pos < text.size() && (text[pos] == '"' || text[pos] == '\'')) {
    char quote = text[pos];
    size_t close = text.find(quote, pos + 1);
    if (close == std::string_view::npos) {
      return Invalid("unterminated quote in '" + std::string(text) + "'");
    }
    std::string value(text.substr(pos + 1, close - pos - 1));
    pos = close + 1;
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos < text.size() && text[pos] != ',') {
      return Invalid("expected ',' after a quoted value in '" + std::string(text) + "'");
    }
    return value;
  }
  std::string value;
  for (; pos < text.size() && text[pos] != ','; ++pos) {
    if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
    value += text[pos];
  }
  return Trim(value);
}

Result<EncryptionContextMap> MapFromJson(std::string_view text) {
  json::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return Invalid("expected a JSON object of strings");
  EncryptionContextMap out;
  for (const auto& [key, value] : parsed.get_object()) {
    if (!value.is_string()) {
      return Invalid("the value of '" + std::string(key) + "' is not a string");
    }
    out[std::string(key)] = std::string(value.get_string());
  }
  return out;
}

Result<Tag> TagFromPairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                         size_t index) {
  std::string where = "Tags[" + std::to_string(index) + "]";
  Tag tag;
  bool has_key = false, has_value = false;
  for (const auto& [key, value] : pairs) {
    if (key == "TagKey") {
      tag.TagKey = value, has_key = true;
    } else if (key == "TagValue") {
      tag.TagValue = value, has_value = true;
    } else {
      return Invalid("Unknown parameter in " + where + ": \"" + key +
                     "\", must be one of: TagKey, TagValue");
    }
  }
  if (!has_key) return Invalid("Missing required parameter in " + where + ": \"TagKey\"");
  if (!has_value) return Invalid("Missing required parameter in " + where + ": \"TagValue\"");
  return tag;
}

Result<std::vector<Tag>> TagsFromJson(std::string_view text) {
  json::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_array()) return Invalid("expected a JSON array of tags");
  std::vector<Tag> out;
  for (const json::value& item : parsed.get_array()) {
    if (!item.is_object()) return Invalid("expected a JSON array of tag objects");
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& [key, value] : item.get_object()) {
      if (!value.is_string())
        return Invalid("the value of '" + std::string(key) + "' is not a string");
      pairs.emplace_back(std::string(key), std::string(value.get_string()));
    }
    auto tag = TagFromPairs(pairs, out.size());
    if (!tag) return tag.error();
    out.push_back(std::move(*tag));
  }
  return out;
}

// Widens a parsed value to an OptionValue.
template <class T>
Result<OptionValue> Wrap(Result<T> result) {
  if (!result) return result.error();
  return OptionValue(std::move(*result));
}

// Prefixes a value parser's error with the option name.
template <class T>
Result<T> Named(std::string_view option, Result<T> result) {
  if (result) return result;
  return ArgumentError(option, result.error().message);
}

// The values with file:// resolved.
Result<std::vector<std::string>> ResolveAll(std::string_view option,
                                            std::span<const std::string> raw) {
  std::vector<std::string> out;
  for (const std::string& value : raw) {
    auto text = ResolveText(option, value);
    if (!text) return text.error();
    out.push_back(std::move(*text));
  }
  return out;
}

}  // namespace

Result<internal::SecretBytes> StdinReader::ReadAll() {
  if (used_) return Invalid("standard input can only be read once");
  used_ = true;
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in_), std::istreambuf_iterator<char>()};
  internal::SecretBytes out(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseShorthand(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eq = text.find('=', pos);
    size_t comma = text.find(',', pos);
    if (eq == std::string_view::npos || (comma != std::string_view::npos && comma < eq)) {
      return Invalid("expected 'key=value' in '" + std::string(text) + "'");
    }
    std::string key = Trim(text.substr(pos, eq - pos));
    if (key.empty()) return Invalid("empty key in '" + std::string(text) + "'");
    pos = eq + 1;
    auto value = ShorthandValue(text, pos);
    if (!value) return value.error();
    out.emplace_back(std::move(key), std::move(*value));
    if (pos >= text.size()) break;
    ++pos;  // the ','
  }
  return out;
}

Result<EncryptionContextMap> ParseStringMap(std::string_view text) {
  std::string_view trimmed = text.substr(std::min(text.find_first_not_of(' '), text.size()));
  if (trimmed.starts_with('{')) return MapFromJson(trimmed);
  auto pairs = ParseShorthand(text);
  if (!pairs) return pairs.error();
  EncryptionContextMap out;
  for (auto& [key, value] : *pairs) {
    if (out.contains(key)) return Invalid("key '" + key + "' given more than once");
    out[key] = std::move(value);
  }
  return out;
}

Result<std::vector<Tag>> ParseTagList(std::span<const std::string> values) {
  if (values.size() == 1 && values[0].starts_with('[')) return TagsFromJson(values[0]);
  std::vector<Tag> out;
  for (const std::string& value : values) {
    auto pairs = ParseShorthand(value);
    if (!pairs) return pairs.error();
    auto tag = TagFromPairs(*pairs, out.size());
    if (!tag) return tag.error();
    out.push_back(std::move(*tag));
  }
  return out;
}

Result<std::vector<std::string>> ParseStringList(std::span<const std::string> values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    if (!value.starts_with('[')) {
      out.push_back(value);
      continue;
    }
    json::error_code ec;
    json::value parsed = json::parse(value, ec);
    if (ec || !parsed.is_array()) return Invalid("expected a JSON array of strings");
    for (const json::value& item : parsed.get_array()) {
      if (!item.is_string()) return Invalid("expected a JSON array of strings");
      out.emplace_back(item.get_string());
    }
  }
  return out;
}

Result<OptionValue> ParseOptionValue(const OptionSpec& option, std::span<const std::string> raw,
                                     BinaryFormat binary_format, StdinReader& stdin_reader) {
  const std::string_view name = option.name;
  switch (option.type) {
    case OptionType::kBool:
      return OptionValue(raw.front() == "true");
    case OptionType::kInt:
      return Wrap(ParseInt(name, raw.front()));
    case OptionType::kEnum:
      return Wrap(ParseEnum(option, raw.front()));
    case OptionType::kOutfile:
      return OptionValue(raw.front());
    case OptionType::kBlob:
      return Wrap(ParseBlob(name, raw.front(), binary_format, stdin_reader));
    case OptionType::kString:
      return Wrap(ResolveText(name, raw.front()));
    case OptionType::kTime: {
      auto time = ParseTimeArg(raw.front(), std::chrono::system_clock::now());
      if (!time) return ArgumentError(name, time.error().message);
      return OptionValue(raw.front());
    }
    default:
      break;
  }
  auto values = ResolveAll(name, raw);
  if (!values) return values.error();
  if (option.type == OptionType::kMap) {
    if (values->size() != 1) return ArgumentError(name, "expected one value");
    return Wrap(Named(name, ParseStringMap(values->front())));
  }
  if (option.type == OptionType::kTags) {
    return Wrap(Named(name, ParseTagList(*values)));
  }
  return Wrap(Named(name, ParseStringList(*values)));
}

}  // namespace kms::cli
