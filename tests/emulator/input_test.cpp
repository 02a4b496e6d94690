// Tests for InputReader: AWS serialization and validation wording.
#include "api/input.hpp"

#include <doctest/doctest.h>

#include <array>
#include <boost/json/parse.hpp>

using kms::ErrorCode;
using kms::emulator::InputReader;
using kms::emulator::StringRule;

namespace {
boost::json::object Obj(const char* json) { return boost::json::parse(json).as_object(); }

std::string Message(const InputReader& r) { return r.Finish().error().message; }
}  // namespace

TEST_CASE("A missing required string is 'Member must not be null'") {
  auto body = Obj("{}");
  InputReader r(body);
  CHECK_FALSE(r.String("KeyId", StringRule{.required = true, .min = 1, .max = 2048}));
  CHECK(r.Finish().error().code == ErrorCode::kValidation);
  CHECK(Message(r) ==
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: "
        "Member must not be null");
}

TEST_CASE("JSON null counts as absent") {
  auto body = Obj(R"({"Description": null})");
  InputReader r(body);
  CHECK_FALSE(r.String("Description"));
  CHECK(r.Finish().has_value());
}

TEST_CASE("String length violations name the value and the constraint") {
  auto body = Obj(R"({"KeyId": ""})");
  InputReader r(body);
  CHECK_FALSE(r.String("KeyId", StringRule{.min = 1, .max = 2048}));
  CHECK(Message(r) ==
        "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member "
        "must have length greater than or equal to 1");
}

TEST_CASE("Several violations are counted and joined with '; '") {
  auto body = Obj(R"({"A": "xyz", "B": "pqrs"})");
  InputReader r(body);
  CHECK_FALSE(r.String("A", StringRule{.max = 2}));
  CHECK_FALSE(r.String("B", StringRule{.max = 3}));
  CHECK(Message(r) ==
        "2 validation errors detected: Value 'xyz' at 'a' failed to satisfy constraint: Member "
        "must have length less than or equal to 2; Value 'pqrs' at 'b' failed to satisfy "
        "constraint: Member must have length less than or equal to 3");
}

TEST_CASE("A pattern violation quotes the pattern") {
  auto body = Obj(R"({"AliasName": "alias/a b"})");
  InputReader r(body);
  StringRule rule{.pattern = "^[a-zA-Z0-9:/_-]+$",
                  .check = [](std::string_view s) { return s.find(' ') == s.npos; }};
  CHECK_FALSE(r.String("AliasName", rule));
  CHECK(Message(r) ==
        "1 validation error detected: Value 'alias/a b' at 'aliasName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
}

TEST_CASE("A sensitive string is not echoed") {
  auto body = Obj(R"({"Secret": "abcdef"})");
  InputReader r(body);
  CHECK_FALSE(r.String("Secret", StringRule{.max = 3, .sensitive = true}));
  CHECK(Message(r).find("abcdef") == std::string::npos);
}

TEST_CASE("Enum violations list the allowed values") {
  constexpr std::array<std::string_view, 2> kValues = {"AES_256", "AES_128"};
  auto body = Obj(R"({"KeySpec": "AES_64"})");
  InputReader r(body);
  CHECK_FALSE(r.Enum("KeySpec", kValues));
  CHECK(Message(r) ==
        "1 validation error detected: Value 'AES_64' at 'keySpec' failed to satisfy constraint: "
        "Member must satisfy enum value set: [AES_256, AES_128]");
}

TEST_CASE("Integer bounds use AWS's value wording") {
  auto body = Obj(R"({"NumberOfBytes": 0})");
  InputReader r(body);
  CHECK_FALSE(r.Integer("NumberOfBytes", {.min = 1, .max = 1024}));
  CHECK(Message(r) ==
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1");
  auto big = Obj(R"({"NumberOfBytes": 1025})");
  InputReader r2(big);
  CHECK_FALSE(r2.Integer("NumberOfBytes", {.min = 1, .max = 1024}));
  CHECK(Message(r2) ==
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
        "constraint: Member must have value less than or equal to 1024");
}

TEST_CASE("Wrong JSON types are a SerializationException") {
  auto body = Obj(R"({"KeyId": 5, "Limit": "ten", "DryRun": "yes", "Ctx": [1]})");
  InputReader r(body);
  CHECK_FALSE(r.String("KeyId"));
  CHECK(r.Finish().error().code == ErrorCode::kSerialization);
  CHECK(Message(r) ==
        "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to "
        "an String");
  InputReader r2(body);
  CHECK_FALSE(r2.Integer("Limit"));
  CHECK(Message(r2) == "STRING_VALUE can not be converted to an Integer");
  InputReader r3(body);
  CHECK_FALSE(r3.Boolean("DryRun"));
  CHECK(Message(r3) == "STRING_VALUE can not be converted to a Boolean");
  InputReader r4(body);
  CHECK_FALSE(r4.StringMap("Ctx"));
  CHECK(Message(r4) == "Start of list found where not expected");
}

TEST_CASE("An integer outside 32 bits is a SerializationException") {
  auto body = Obj(R"({"Limit": 99999999999})");
  InputReader r(body);
  CHECK_FALSE(r.Integer("Limit", {.min = 1, .max = 1000}));
  CHECK(r.Finish().error().code == ErrorCode::kSerialization);
}

TEST_CASE("Blobs are base64-decoded and their decoded size is checked without echoing") {
  auto body = Obj(R"({"Plaintext": "aGVsbG8="})");
  InputReader r(body);
  auto blob = r.Blob("Plaintext", {.required = true, .min = 1, .max = 4096});
  REQUIRE(blob);
  CHECK(blob->size() == 5);
  CHECK(r.Finish().has_value());

  auto big = Obj(R"({"Plaintext": "aGVsbG8="})");
  InputReader r2(big);
  CHECK_FALSE(r2.Blob("Plaintext", {.max = 4}));
  CHECK(Message(r2) ==
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member "
        "must have length less than or equal to 4");

  auto bad = Obj(R"({"Plaintext": "not base64!"})");
  InputReader r3(bad);
  CHECK_FALSE(r3.Blob("Plaintext"));
  CHECK(r3.Finish().error().code == ErrorCode::kSerialization);
}

TEST_CASE("EncryptionContext must be a map of strings") {
  auto body = Obj(R"({"EncryptionContext": {"a": "b", "c": "d"}})");
  InputReader r(body);
  auto ctx = r.StringMap("EncryptionContext");
  REQUIRE(ctx);
  CHECK(ctx->size() == 2);
  CHECK(ctx->at("c") == "d");
  auto bad = Obj(R"({"EncryptionContext": {"a": 1}})");
  InputReader r2(bad);
  CHECK_FALSE(r2.StringMap("EncryptionContext"));
  CHECK(r2.Finish().error().code == ErrorCode::kSerialization);
}

TEST_CASE("Tags are validated element by element with AWS's member paths") {
  std::string long_key(129, 'a');
  auto body = Obj((R"({"Tags": [{"TagKey": "ok", "TagValue": ""}, {"TagKey": ")" + long_key +
                   R"(", "TagValue": "v"}]})")
                      .c_str());
  InputReader r(body);
  CHECK_FALSE(r.Tags("Tags"));
  CHECK(Message(r) == "1 validation error detected: Value '" + long_key +
                          "' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must "
                          "have length less than or equal to 128");
  auto missing = Obj(R"({"Tags": [{"TagValue": "v"}]})");
  InputReader r2(missing);
  CHECK_FALSE(r2.Tags("Tags"));
  CHECK(Message(r2) ==
        "1 validation error detected: Value null at 'tags.1.member.tagKey' failed to satisfy "
        "constraint: Member must not be null");
  auto good = Obj(R"({"Tags": [{"TagKey": "k", "TagValue": "v"}]})");
  InputReader r3(good);
  auto tags = r3.Tags("Tags");
  REQUIRE(tags);
  CHECK(tags->at(0).first == "k");
}

TEST_CASE("String lists check their size and each element") {
  auto body = Obj(R"({"GrantTokens": ["a", ""]})");
  InputReader r(body);
  CHECK_FALSE(r.StringList("GrantTokens", {.max = 10}, {.min = 1, .max = 8192}));
  CHECK(Message(r) ==
        "1 validation error detected: Value '' at 'grantTokens.2.member' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1");
}

TEST_CASE("A list given as a scalar is 'Unexpected value type in payload', whole") {
  auto body = Obj(R"({"GrantTokens": "abc", "Tags": 5})");
  InputReader r(body);
  CHECK_FALSE(r.StringList("GrantTokens", {}, {}));
  CHECK(r.Finish().error().code == ErrorCode::kSerialization);
  CHECK(Message(r) == "Unexpected value type in payload");  // was cut: "... converted to "
  InputReader r2(body);
  CHECK_FALSE(r2.Tags("Tags"));
  CHECK(Message(r2) == "Unexpected value type in payload");
}

TEST_CASE("A null list element is refused by validation, not described as a number") {
  auto body = Obj(R"({"GrantTokens": ["a", null], "Tags": [null]})");
  InputReader r(body);
  CHECK_FALSE(r.StringList("GrantTokens", {}, {.min = 1}));
  CHECK_FALSE(r.Tags("Tags"));
  CHECK(r.Finish().error().code == ErrorCode::kValidation);
  CHECK(Message(r) ==
        "2 validation errors detected: Value null at 'grantTokens.2.member' failed to satisfy "
        "constraint: Member must not be null; Value null at 'tags.1.member' failed to satisfy "
        "constraint: Member must not be null");
}

TEST_CASE("An empty value breaks both the minimum length and a pattern that needs a character") {
  auto body = Obj(R"({"AliasName": "", "Other": ""})");
  InputReader r(body);
  StringRule rule{
      .min = 1, .max = 256, .pattern = "^[a-zA-Z0-9:/_-]+$", .check = [](std::string_view s) {
        return s.find(' ') == s.npos;
      }};
  CHECK_FALSE(r.String("AliasName", rule));
  // A pattern that matches "" (ending in *) is not reported for "".
  StringRule star{
      .min = 1, .pattern = "[\\u0020-\\u00FF]*", .check = [](std::string_view) { return true; }};
  CHECK_FALSE(r.String("Other", star));
  CHECK(Message(r) ==
        "3 validation errors detected: Value '' at 'aliasName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; Value '' at 'aliasName' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
        "^[a-zA-Z0-9:/_-]+$; Value '' at 'other' failed to satisfy constraint: Member must have "
        "length greater than or equal to 1");
}

TEST_CASE("String lengths count UTF-16 code units, as AWS does") {
  // "é" is 2 UTF-8 bytes but 1 unit; U+1F600 is 4 bytes but 2 units.
  auto body = Obj(R"({"D": "\u00e9\u00e9\u00e9", "E": "\ud83d\ude00\ud83d\ude00"})");
  InputReader r(body);
  CHECK(r.String("D", StringRule{.max = 3}));
  CHECK(r.String("E", StringRule{.max = 4}));
  CHECK(r.Finish().has_value());
  InputReader r2(body);
  CHECK_FALSE(r2.String("E", StringRule{.max = 3}));
  CHECK(r2.Finish().error().code == ErrorCode::kValidation);
}
