// Tests of kms-bench's request bodies, request bytes, SigV4 signing and response reading.
#include "request_builder.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <kms/http.hpp>
#include <kms/sigv4.hpp>
#include <optional>
#include <string>

namespace kms::bench {
namespace {

BodyInputs Inputs() { return BodyInputs{"alias/bench", "AQID", 3}; }

std::string Body(std::string_view op, const BodyInputs& inputs = Inputs()) {
  auto body = BuildBody(op, inputs);
  REQUIRE(body.has_value());
  return *body;
}

TEST_CASE("Each operation's body carries exactly the members kms-bench means to send") {
  CHECK(Body("Encrypt") == R"({"KeyId":"alias/bench","Plaintext":"YWJj"})");
  CHECK(Body("Decrypt") == R"({"CiphertextBlob":"AQID"})");
  CHECK(Body("GenerateDataKey") == R"({"KeyId":"alias/bench","KeySpec":"AES_256"})");
  CHECK(Body("GenerateDataKeyWithoutPlaintext") ==
        R"({"KeyId":"alias/bench","KeySpec":"AES_256"})");
  CHECK(Body("DescribeKey") == R"({"KeyId":"alias/bench"})");
  CHECK(Body("GenerateRandom") == R"({"NumberOfBytes":3})");
  CHECK(Body("CreateKey") == R"({"Description":"kms-bench"})");
}

TEST_CASE("Encrypt's plaintext has --plaintext-size bytes and GenerateRandom stops at 1024") {
  BodyInputs big = Inputs();
  big.plaintext_size = 4096;
  std::string encrypt = Body("Encrypt", big);
  // 4096 bytes are 5464 base64 characters, plus the fixed JSON around them.
  CHECK(encrypt.size() == std::string(R"({"KeyId":"alias/bench","Plaintext":""})").size() + 5464);
  CHECK(Body("GenerateRandom", big) == R"({"NumberOfBytes":1024})");
}

TEST_CASE("Key ids are JSON-escaped in bodies") {
  BodyInputs odd = Inputs();
  odd.key_id = "a\"b\\c";
  CHECK(Body("DescribeKey", odd) == R"({"KeyId":"a\"b\\c"})");
}

TEST_CASE("BuildBody rejects an operation it does not know") {
  auto body = BuildBody("ListKeys", Inputs());
  REQUIRE_FALSE(body.has_value());
  CHECK(body.error().code == ErrorCode::kValidation);
  CHECK(body.error().message == "kms-bench cannot build ListKeys");
}

using std::chrono::system_clock;

RequestContext Ctx() {
  return RequestContext{"127.0.0.1:4599", "eu-west-1", "bench", "bench-secret",
                        system_clock::from_time_t(1735787045)};  // 2025-01-02T03:04:05Z
}

std::string Request(std::string_view op, std::string_view body) {
  auto request = BuildRequest(op, body, Ctx());
  REQUIRE(request.has_value());
  return *request;
}

// Splits request bytes back into an HttpRequest (the test's own minimal parser).
HttpRequest ParseBack(const std::string& bytes) {
  HttpRequest request;
  size_t end = bytes.find("\r\n\r\n");
  REQUIRE(end != std::string::npos);
  request.body = bytes.substr(end + 4);
  size_t line_end = bytes.find("\r\n");
  CHECK(bytes.substr(0, line_end) == "POST / HTTP/1.1");
  request.method = "POST";
  request.target = "/";
  for (size_t pos = line_end + 2; pos < end + 2;) {
    size_t next = bytes.find("\r\n", pos);
    std::string line = bytes.substr(pos, next - pos);
    size_t colon = line.find(": ");
    REQUIRE(colon != std::string::npos);
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    pos = next + 2;
  }
  return request;
}

TEST_CASE("A request is POST / with the headers AWS SDKs send, a correct length and the body") {
  std::string body = R"({"KeyId":"k"})";
  HttpRequest request = ParseBack(Request("DescribeKey", body));
  CHECK(request.body == body);
  CHECK(request.headers.front().first == "Host");
  CHECK(request.Header("Host") == "127.0.0.1:4599");
  CHECK(request.Header("Content-Type") == "application/x-amz-json-1.1");
  CHECK(request.Header("X-Amz-Target") == "TrentService.DescribeKey");
  CHECK(request.Header("X-Amz-Date") == "20250102T030405Z");
  CHECK(request.Header("Content-Length") == "13");
  CHECK(request.Header("User-Agent") == "kms-bench/0.1");
  auto parsed = sigv4::ParseAuthorization(request.Header("Authorization"));
  REQUIRE(parsed.has_value());
  CHECK(parsed->access_key_id == "bench");
  CHECK(parsed->date == "20250102");
  CHECK(parsed->region == "eu-west-1");
  CHECK(parsed->service == "kms");
  CHECK(parsed->signature.size() == 64);
}

TEST_CASE("A request's signature verifies with the secret key it was signed with, only") {
  HttpRequest request = ParseBack(Request("Encrypt", R"({"KeyId":"k","Plaintext":"YQ=="})"));
  auto now = Ctx().signed_at + std::chrono::seconds(30);
  auto good = sigv4::Verify(
      request, [](std::string_view) { return std::optional<std::string>("bench-secret"); }, now);
  CHECK(good.has_value());
  auto bad = sigv4::Verify(
      request, [](std::string_view) { return std::optional<std::string>("other"); }, now);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == ErrorCode::kInvalidSignature);
}

TEST_CASE("The signature changes with the body, so it covers the payload") {
  CHECK(Request("Encrypt", "{}") != Request("Encrypt", "{ }"));
}

TEST_CASE("JsonString finds a nested string member") {
  auto id =
      JsonString(R"({"KeyMetadata":{"KeyId":"abc","Enabled":true}})", {"KeyMetadata", "KeyId"});
  REQUIRE(id.has_value());
  CHECK(*id == "abc");
}

TEST_CASE("JsonString rejects non-JSON, a missing member and a member that is not a string") {
  auto message = [](std::string_view body, std::initializer_list<std::string_view> path) {
    auto r = JsonString(body, path);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::kSerialization);
    return r.error().message;
  };
  CHECK(message("<html>", {"CiphertextBlob"}) == "response is not JSON");
  CHECK(message("{}", {"CiphertextBlob"}) == "response has no string CiphertextBlob");
  CHECK(message(R"({"KeyMetadata":1})", {"KeyMetadata", "KeyId"}) ==
        "response has no string KeyMetadata.KeyId");
  CHECK(message(R"({"KeyMetadata":{"KeyId":5}})", {"KeyMetadata", "KeyId"}) ==
        "response has no string KeyMetadata.KeyId");
  CHECK(message("[1]", {"KeyId"}) == "response has no string KeyId");
}

}  // namespace
}  // namespace kms::bench
