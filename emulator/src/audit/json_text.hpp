// A small append-only JSON writer for audit records: one std::string, no DOM, every string
// escaped and made valid UTF-8, so a record costs one growing buffer per request.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace kms::emulator::audit {

// Appends `text` as a JSON string literal: quotes, backslashes and control characters escaped,
// bytes that are not valid UTF-8 replaced by U+FFFD (header values are raw bytes). Pure.
void AppendJsonString(std::string& out, std::string_view text);

// Writes JSON into a caller's string, inserting commas itself. Nesting up to kMaxDepth levels;
// deeper writes are the caller's bug and are ignored. Not thread-safe; one per record.
class JsonWriter {
 public:
  static constexpr int kMaxDepth = 32;

  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // A member name; the next call writes its value.
  void Key(std::string_view name);
  // A member name as LowerCamel(name) gives it, without building the string.
  void CamelKey(std::string_view name);
  void String(std::string_view value);
  void Int(int64_t value);
  void Bool(bool value);
  void Null();
  // An already-serialized JSON value, written as is.
  void Raw(std::string_view json);
  // A parsed JSON value, as boost::json serializes it (scalars written directly).
  void Value(const boost::json::value& value);

  // A member name of our own (a literal such as "eventName": ASCII letters only), written
  // without the escaping scan Key() does for names that come from a request.
  void PlainKey(std::string_view name);

  // Shorthands for a member with a plain name (see PlainKey) and a value.
  void Member(std::string_view name, std::string_view value) {
    PlainKey(name);
    String(value);
  }
  // (Without this overload a string literal would convert to bool.)
  void Member(std::string_view name, const char* value) { Member(name, std::string_view(value)); }
  void Member(std::string_view name, bool value) {
    PlainKey(name);
    Bool(value);
  }

 private:
  void Separate();  // the comma before a value or member name, when one is due
  void Open(char c);
  void Close(char c);

  std::string& out_;
  bool need_comma_[kMaxDepth + 1] = {};
  int depth_ = 0;
  bool after_key_ = false;
};

// "2025-05-20T20:45:00Z" for epoch milliseconds (seconds precision, as CloudTrail). Pure.
std::string Iso8601(int64_t epoch_ms);
// The same into `out` (room for 32 chars); returns the length. Pure.
size_t FormatIso8601(int64_t epoch_ms, char* out);

// "Aug 10, 2022, 10:38:27 PM", the form of dates inside CloudTrail's responseElements for KMS
// (e.g. keyMetadata.creationDate), in UTC. Pure.
std::string CloudTrailDate(int64_t epoch_ms);

// "keyId" for "KeyId": CloudTrail's member names are the API's with the first letter lowered.
// "AWSAccountId" stays as it is, as in AWS's CreateKey records. Pure.
std::string LowerCamel(std::string_view name);

}  // namespace kms::emulator::audit
