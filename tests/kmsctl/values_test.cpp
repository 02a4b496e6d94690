// kmsctl value formats: aws CLI shorthand, JSON maps, tag lists, string lists, stdin.
#include "values.hpp"

#include <doctest/doctest.h>

#include <sstream>

namespace kms::cli {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string ErrorText(const Error& e) {
  CHECK(e.code == ErrorCode::kValidation);
  return e.message;
}

TEST_CASE("Shorthand splits key=value pairs in order") {
  auto pairs = ParseShorthand("b=2,a=1");
  REQUIRE(pairs.has_value());
  CHECK(*pairs == Pairs{{"b", "2"}, {"a", "1"}});
}

TEST_CASE("Shorthand trims spaces around keys and bare values, keeps '=' inside values") {
  auto pairs = ParseShorthand(" k = v w ,x=a=b");
  REQUIRE(pairs.has_value());
  CHECK(*pairs == Pairs{{"k", "v w"}, {"x", "a=b"}});
}

TEST_CASE("Shorthand values may be quoted or escaped to hold commas") {
  auto pairs = ParseShorthand(R"(a="x,y",b='p=q',c=1\,2,d=)");
  REQUIRE(pairs.has_value());
  CHECK(*pairs == Pairs{{"a", "x,y"}, {"b", "p=q"}, {"c", "1,2"}, {"d", ""}});
}

TEST_CASE("Shorthand errors name the text") {
  auto no_eq = ParseShorthand("a=1,b");
  REQUIRE_FALSE(no_eq.has_value());
  CHECK(ErrorText(no_eq.error()) == "expected 'key=value' in 'a=1,b'");
  auto trailing = ParseShorthand("a=1,");
  REQUIRE_FALSE(trailing.has_value());
  CHECK(ErrorText(trailing.error()) == "expected 'key=value' in 'a=1,'");
  auto empty_key = ParseShorthand("=v");
  REQUIRE_FALSE(empty_key.has_value());
  CHECK(ErrorText(empty_key.error()) == "empty key in '=v'");
  auto open_quote = ParseShorthand("a=\"x");
  REQUIRE_FALSE(open_quote.has_value());
  CHECK(ErrorText(open_quote.error()) == "unterminated quote in 'a=\"x'");
  auto after_quote = ParseShorthand("a=\"x\"y");
  REQUIRE_FALSE(after_quote.has_value());
  CHECK(ErrorText(after_quote.error()) == "expected ',' after a quoted value in 'a=\"x\"y'");
  auto empty = ParseShorthand("");
  REQUIRE_FALSE(empty.has_value());
  CHECK(ErrorText(empty.error()) == "expected 'key=value' in ''");
}

TEST_CASE("A string map comes from shorthand or a JSON object") {
  auto shorthand = ParseStringMap("a=b,ab=");
  REQUIRE(shorthand.has_value());
  CHECK(*shorthand == EncryptionContextMap{{"a", "b"}, {"ab", ""}});
  auto json = ParseStringMap(R"( {"k": "v", "k2": "v,2"})");
  REQUIRE(json.has_value());
  CHECK(*json == EncryptionContextMap{{"k", "v"}, {"k2", "v,2"}});
}

TEST_CASE("A string map refuses repeated keys, non-string values and broken JSON") {
  auto repeated = ParseStringMap("a=1,a=2");
  REQUIRE_FALSE(repeated.has_value());
  CHECK(ErrorText(repeated.error()) == "key 'a' given more than once");
  auto number = ParseStringMap(R"({"a": 1})");
  REQUIRE_FALSE(number.has_value());
  CHECK(ErrorText(number.error()) == "the value of 'a' is not a string");
  auto broken = ParseStringMap(R"({"a": )");
  REQUIRE_FALSE(broken.has_value());
  CHECK(ErrorText(broken.error()) == "expected a JSON object of strings");
}

TEST_CASE("Tags come from one shorthand value per tag, an empty TagValue allowed") {
  std::vector<std::string> values{"TagKey=team,TagValue=db", "TagValue=,TagKey=empty"};
  auto tags = ParseTagList(values);
  REQUIRE(tags.has_value());
  REQUIRE(tags->size() == 2);
  CHECK((*tags)[0].TagKey == "team");
  CHECK((*tags)[0].TagValue == "db");
  CHECK((*tags)[1].TagKey == "empty");
  CHECK((*tags)[1].TagValue == "");
}

TEST_CASE("Tags come from one JSON array") {
  std::vector<std::string> values{
      R"([{"TagKey":"a","TagValue":"1"},{"TagKey":"b","TagValue":""}])"};
  auto tags = ParseTagList(values);
  REQUIRE(tags.has_value());
  REQUIRE(tags->size() == 2);
  CHECK((*tags)[1].TagKey == "b");
}

TEST_CASE("Tag errors name the tag and member as botocore does") {
  std::vector<std::string> unknown{"TagKey=a,TagValue=1", "Key=b,Value=2"};
  auto u = ParseTagList(unknown);
  REQUIRE_FALSE(u.has_value());
  CHECK(ErrorText(u.error()) ==
        "Unknown parameter in Tags[1]: \"Key\", must be one of: TagKey, TagValue");
  std::vector<std::string> no_value{"TagKey=a"};
  auto v = ParseTagList(no_value);
  REQUIRE_FALSE(v.has_value());
  CHECK(ErrorText(v.error()) == "Missing required parameter in Tags[0]: \"TagValue\"");
  std::vector<std::string> no_key{R"([{"TagValue":"x"}])"};
  auto k = ParseTagList(no_key);
  REQUIRE_FALSE(k.has_value());
  CHECK(ErrorText(k.error()) == "Missing required parameter in Tags[0]: \"TagKey\"");
  std::vector<std::string> not_objects{R"(["a"])"};
  auto n = ParseTagList(not_objects);
  REQUIRE_FALSE(n.has_value());
  CHECK(ErrorText(n.error()) == "expected a JSON array of tag objects");
}

TEST_CASE("A string list is the values given, each JSON array among them spliced in") {
  std::vector<std::string> plain{"a", "b"};
  CHECK(ParseStringList(plain).value() == plain);
  std::vector<std::string> json{R"(["x", "y,z"])"};
  CHECK(ParseStringList(json).value() == std::vector<std::string>{"x", "y,z"});
  // A repeated option may mix both forms: the array's items take its place, in order.
  std::vector<std::string> mixed{"a=1", R"(["[x=1", "y=2"])", "b=3", "[]"};
  CHECK(ParseStringList(mixed).value() == std::vector<std::string>{"a=1", "[x=1", "y=2", "b=3"});
  std::vector<std::string> unclosed{"a=1", "[x=1"};
  auto u = ParseStringList(unclosed);
  REQUIRE_FALSE(u.has_value());
  CHECK(ErrorText(u.error()) == "expected a JSON array of strings");
  std::vector<std::string> bad{R"(["x", 1])"};
  auto b = ParseStringList(bad);
  REQUIRE_FALSE(b.has_value());
  CHECK(ErrorText(b.error()) == "expected a JSON array of strings");
}

TEST_CASE("Standard input can be read only once") {
  std::istringstream in("data");
  StdinReader reader(in);
  auto first = reader.ReadAll();
  REQUIRE(first.has_value());
  CHECK(first->size() == 4);
  auto second = reader.ReadAll();
  REQUIRE_FALSE(second.has_value());
  CHECK(ErrorText(second.error()) == "standard input can only be read once");
}

TEST_CASE("Value errors are prefixed with the option name") {
  std::istringstream in;
  StdinReader reader(in);
  OptionSpec tags{"--tags", OptionType::kTags, false, ""};
  std::vector<std::string> raw{"TagKey=a"};
  auto v = ParseOptionValue(tags, raw, BinaryFormat::kBase64, reader);
  REQUIRE_FALSE(v.has_value());
  CHECK(ErrorText(v.error()) ==
        "argument --tags: Missing required parameter in Tags[0]: \"TagValue\"");
}

}  // namespace
}  // namespace kms::cli
