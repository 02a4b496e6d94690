// Option values as the aws CLI reads them: file:// and fileb:// parameters, base64 blobs,
// shorthand syntax (k=v,k2=v2) and JSON for maps, tag lists and string lists.
#pragma once

#include <istream>
#include <kms/result.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "command.hpp"

namespace kms::cli {

// Reads standard input once; a second read is refused (two options cannot both use stdin).
class StdinReader {
 public:
  explicit StdinReader(std::istream& in) : in_(in) {}
  // All of stdin. kValidation "standard input can only be read once" on a second call.
  Result<internal::SecretBytes> ReadAll();

 private:
  std::istream& in_;
  bool used_ = false;
};

// Converts the raw values given for `option` (one, or several for list types) to its typed
// value. Errors are kValidation, the message starting "argument <name>: " (or, for file
// parameters, "Error parsing parameter '<name>': Unable to load paramfile ..."). Reads files and
// stdin; not thread-safe (stdin).
Result<OptionValue> ParseOptionValue(const OptionSpec& option, std::span<const std::string> raw,
                                     BinaryFormat binary_format, StdinReader& stdin_reader);

// Splits aws CLI shorthand "k1=v1,k2=v2" into pairs, in order. A value may be quoted with '...'
// or "..." (keeping commas and '='), and a backslash escapes the next character in a bare value;
// spaces around keys and bare values are trimmed. kValidation "expected 'key=value' in ..." on a
// pair without '=', an empty key or an unterminated quote. Pure.
Result<std::vector<std::pair<std::string, std::string>>> ParseShorthand(std::string_view text);

// A string -> string map from shorthand or a JSON object (text starting with '{'). kValidation
// on malformed input, a non-string value or a repeated key. Pure.
Result<EncryptionContextMap> ParseStringMap(std::string_view text);

// Tags from one shorthand value per tag ("TagKey=k,TagValue=v"), or one JSON array of objects.
// kValidation on unknown members or a missing TagKey/TagValue (named as Tags[i]). Pure.
Result<std::vector<Tag>> ParseTagList(std::span<const std::string> values);

// Strings given as separate values; a value that starts with '[' is a JSON array of strings,
// whose items take its place (so a repeated option may mix both forms). Pure.
Result<std::vector<std::string>> ParseStringList(std::span<const std::string> values);

}  // namespace kms::cli
