// Reads request members from a JSON 1.1 body the way AWS does: wrong JSON types are a
// SerializationException, model constraints are a ValidationException listing every violation
// in AWS's wording ("1 validation error detected: Value 'x' at 'keyId' failed to satisfy
// constraint: Member must have length less than or equal to 2048").
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kms::emulator {

struct StringRule {
  bool required = false;
  size_t min = 0;
  size_t max = SIZE_MAX;
  std::string_view pattern = {};  // shown in the message; checked by `check` when given
  bool (*check)(std::string_view) = nullptr;
  bool sensitive = false;  // the value is not echoed in messages
};

struct IntRule {
  bool required = false;
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;
};

struct BlobRule {
  bool required = false;
  size_t min = 0;
  size_t max = SIZE_MAX;
};

struct ListRule {
  bool required = false;
  size_t min = 0;
  size_t max = SIZE_MAX;
};

// Not thread-safe; one per request. Every getter returns nullopt when the member is absent (or
// JSON null) or invalid; call Finish() after reading all members to learn which.
class InputReader {
 public:
  explicit InputReader(const boost::json::object& body) : body_(body) {}

  std::optional<std::string_view> String(std::string_view member, const StringRule& rule = {});
  // A string that must be one of `values`; the message lists them as AWS does.
  std::optional<std::string_view> Enum(std::string_view member,
                                       std::span<const std::string_view> values,
                                       bool required = false);
  std::optional<int64_t> Integer(std::string_view member, const IntRule& rule = {});
  std::optional<bool> Boolean(std::string_view member);
  // A timestamp (JSON 1.1: epoch seconds as a number, fraction allowed) in epoch milliseconds.
  std::optional<int64_t> TimestampMs(std::string_view member);
  // A base64 blob, decoded into zeroizing memory. Sizes are of the decoded bytes.
  std::optional<internal::SecretBytes> Blob(std::string_view member, const BlobRule& rule = {});
  // A map<string,string> (EncryptionContext).
  std::optional<std::map<std::string, std::string>> StringMap(std::string_view member);
  // A list of strings (GrantTokens, TagKeys) with per-element rule `item`.
  std::optional<std::vector<std::string>> StringList(std::string_view member, const ListRule& rule,
                                                     const StringRule& item);
  // A list of {TagKey, TagValue} structures, validated as AWS does ('tags.1.member.tagKey').
  std::optional<std::vector<std::pair<std::string, std::string>>> Tags(std::string_view member,
                                                                       bool required = false);

  // Records a violation found by the handler itself, in the same message list.
  void AddViolation(std::string text) { violations_.push_back(std::move(text)); }

  // SerializationException for the first type error, else ValidationException listing all
  // violations, else success.
  Status Finish() const;

  // "keyId" for "KeyId": the member name AWS uses in validation messages.
  static std::string MessageName(std::string_view member);

 private:
  const boost::json::value* Find(std::string_view member);
  void TypeError(std::string_view found, std::string_view wanted);
  void CheckString(std::string_view path, std::string_view value, const StringRule& rule);

  const boost::json::object& body_;
  std::optional<Error> serialization_;
  std::vector<std::string> violations_;
};

// The AWS ValidationException message for a list of violations.
std::string ValidationMessage(std::span<const std::string> violations);

}  // namespace kms::emulator
