// Tests for audit/json_text: JSON string escaping with UTF-8 repair, the comma-tracking writer,
// and the two CloudTrail date forms.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "audit/json_text.hpp"

namespace {

using namespace kms::emulator::audit;

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

TEST_CASE("AppendJsonString escapes quotes, backslashes and control characters") {
  CHECK(Quoted("plain") == "\"plain\"");
  CHECK(Quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(Quoted("\n\r\t\b\f") == "\"\\n\\r\\t\\b\\f\"");
  CHECK(Quoted(std::string("\x01\x1f\0", 3)) == "\"\\u0001\\u001f\\u0000\"");
  CHECK(Quoted("") == "\"\"");
}

TEST_CASE("AppendJsonString keeps valid UTF-8 and replaces invalid bytes with U+FFFD") {
  CHECK(Quoted("ünï €𝄞") == "\"ünï €𝄞\"");
  CHECK(Quoted("a\xff"
               "b") == "\"a\\ufffdb\"");
  CHECK(Quoted("\xc3") == "\"\\ufffd\"");                                   // truncated sequence
  CHECK(Quoted("\xc0\xaf") == "\"\\ufffd\\ufffd\"");                        // overlong '/'
  CHECK(Quoted("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");             // a surrogate
  CHECK(Quoted("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // above U+10FFFF
}

TEST_CASE("AppendJsonString output of every byte value parses back as JSON") {
  for (int c = 0; c < 256; ++c) {
    std::string text = "x";
    text += static_cast<char>(c);
    boost::system::error_code ec;
    auto v = boost::json::parse(Quoted(text), ec);
    CHECK_MESSAGE(!ec, c);
    if (c < 0x80) CHECK(v.as_string() == text);
  }
}

TEST_CASE("JsonWriter puts commas between members and elements only") {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Member("a", "x");
  w.Key("b");
  w.BeginArray();
  w.Int(-3);
  w.Bool(true);
  w.Null();
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  w.Member("c", false);
  w.Key("d");
  w.Raw("{\"e\":1}");
  w.Key("f");
  w.Value(boost::json::value(1.5));
  w.Key("g");
  w.Value(boost::json::value("q\""));
  w.EndObject();
  CHECK(out == R"({"a":"x","b":[-3,true,null,{}],"c":false,"d":{"e":1},"f":1.5E0,"g":"q\""})");
}

TEST_CASE("JsonWriter writes a string literal member as a string, not a boolean") {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Member("type", "Root");
  w.EndObject();
  CHECK(out == R"({"type":"Root"})");
}

TEST_CASE("Iso8601 has whole seconds and a Z") {
  CHECK(Iso8601(0) == "1970-01-01T00:00:00Z");
  CHECK(Iso8601(1747773900999) == "2025-05-20T20:45:00Z");
  CHECK(Iso8601(951782400000) == "2000-02-29T00:00:00Z");
  CHECK(Iso8601(-1) == "1969-12-31T23:59:59Z");
  CHECK(Iso8601(253402300799000) == "9999-12-31T23:59:59Z");
}

TEST_CASE("CloudTrailDate has AWS's responseElements form") {
  CHECK(CloudTrailDate(1660171107000) == "Aug 10, 2022, 10:38:27 PM");
  CHECK(CloudTrailDate(1635895525000) == "Nov 2, 2021, 11:25:25 PM");
  CHECK(CloudTrailDate(0) == "Jan 1, 1970, 12:00:00 AM");
  CHECK(CloudTrailDate(43200000) == "Jan 1, 1970, 12:00:00 PM");
}

TEST_CASE("LowerCamel lowers the first letter, except AWSAccountId") {
  CHECK(LowerCamel("KeyId") == "keyId");
  CHECK(LowerCamel("EncryptionContext") == "encryptionContext");
  CHECK(LowerCamel("AWSAccountId") == "AWSAccountId");
  CHECK(LowerCamel("keyId") == "keyId");
  CHECK(LowerCamel("") == "");
}

}  // namespace
