// Tests for KmsClient over a fake transport: how requests are built and signed, and how error
// answers are decoded.
#include <doctest/doctest.h>

#include <kms/client.hpp>
#include <kms/sigv4.hpp>

#include "client/fake_transport.hpp"

using kms::ErrorCode;
using kms::test::Answer;
using kms::test::BodyOf;
using kms::test::ErrorAnswer;
using kms::test::FakeTransport;
using kms::test::MakeClient;
using kms::test::OkTransport;
namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// The HTTP request.

TEST_CASE("Each call is a signed JSON 1.1 POST naming the operation in X-Amz-Target") {
  auto transport = OkTransport();
  auto client = MakeClient(transport);
  REQUIRE(client.EnableKey({"1234abcd-12ab-34cd-56ef-1234567890ab"}).has_value());
  REQUIRE(transport->attempts() == 1);
  const auto requests = transport->requests();
  const kms::HttpRequest& r = requests[0];
  CHECK(transport->urls()[0] == "http://127.0.0.1:4599/");
  CHECK(r.method == "POST");
  CHECK(r.target == "/");
  CHECK(r.Header("Host") == "127.0.0.1:4599");
  CHECK(r.Header("Content-Type") == "application/x-amz-json-1.1");
  CHECK(r.Header("X-Amz-Target") == "TrentService.EnableKey");
  CHECK(r.Header("User-Agent") == "kms-cpp-sdk/0.1");
  CHECK(r.Header("X-Amz-Date") == "20150830T123600Z");
  CHECK_FALSE(r.HasHeader("X-Amz-Security-Token"));
  std::string auth(r.Header("Authorization"));
  CHECK(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/kms/aws4_request, "
                   "SignedHeaders=",
                   0) == 0);
}

TEST_CASE("The signature verifies with the client's secret key") {
  auto transport = OkTransport();
  auto client = MakeClient(transport);
  REQUIRE(client.DisableKey({"k"}).has_value());
  auto lookup = [](std::string_view id) -> std::optional<std::string> {
    if (id != "AKIDEXAMPLE") return std::nullopt;
    return "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  };
  auto verified = kms::sigv4::Verify(transport->requests()[0], lookup, kms::test::TestTime());
  REQUIRE_MESSAGE(verified.has_value(), (verified ? "" : verified.error().message));
  CHECK(verified->region == "us-east-1");
  CHECK(verified->service == "kms");
}

TEST_CASE("A session token is sent and signed as X-Amz-Security-Token") {
  auto transport = OkTransport();
  kms::ClientConfig config;
  config.region = "eu-west-1";
  config.endpoint_url = "https://kms.example.com";
  config.environment = kms::FixedEnvironment({{"AWS_ACCESS_KEY_ID", "ASIAX"},
                                              {"AWS_SECRET_ACCESS_KEY", "S"},
                                              {"AWS_SESSION_TOKEN", "TOKEN"}});
  config.transport = transport;
  auto client = kms::KmsClient::Create(config);
  REQUIRE(client.has_value());
  REQUIRE(client->ListKeys().has_value());
  const auto requests = transport->requests();
  const kms::HttpRequest& r = requests[0];
  CHECK(r.Header("Host") == "kms.example.com");
  CHECK(r.Header("X-Amz-Security-Token") == "TOKEN");
  std::string auth(r.Header("Authorization"));
  CHECK(auth.find("Credential=ASIAX/") != std::string::npos);
  CHECK(auth.find("/eu-west-1/kms/aws4_request") != std::string::npos);
  CHECK(auth.find("x-amz-security-token") != std::string::npos);
}

TEST_CASE("An endpoint with a path sends every call to that path") {
  auto transport = OkTransport();
  kms::ClientConfig config;
  config.region = "us-east-1";
  config.endpoint_url = "http://127.0.0.1:8080/kms";
  config.credentials = kms::Credentials{"A", "B", ""};
  config.environment = kms::FixedEnvironment({});
  config.transport = transport;
  auto client = kms::KmsClient::Create(config);
  REQUIRE(client.has_value());
  REQUIRE(client->ListAliases().has_value());
  CHECK(transport->requests()[0].target == "/kms");
}

// ---------------------------------------------------------------------------------------------
// Error responses.

namespace {

kms::Error ErrorFor(kms::HttpResponse answer) {
  auto client = MakeClient(std::make_shared<FakeTransport>(
                               std::vector<kms::Result<kms::HttpResponse>>{std::move(answer)}),
                           nullptr, 1);
  auto r = client.DescribeKey({"k", {}});
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

}  // namespace

TEST_CASE("A bare __type gives the error code, message, status and request id") {
  kms::Error e = ErrorFor(ErrorAnswer(400, "NotFoundException", "Key 'x' does not exist", "r-42"));
  CHECK(e.code == ErrorCode::kNotFound);
  CHECK(e.message == "Key 'x' does not exist");
  CHECK(e.http_status == 400);
  CHECK(e.request_id == "r-42");
}

TEST_CASE("A namespaced __type and a capitalised Message are understood") {
  kms::Error e = ErrorFor(Answer(
      400, R"({"__type":"com.amazonaws.kms#DisabledException","Message":"arn is disabled."})"));
  CHECK(e.code == ErrorCode::kDisabled);
  CHECK(e.message == "arn is disabled.");
  CHECK(e.request_id == "");
}

TEST_CASE("x-amzn-ErrorType wins over the body's __type") {
  kms::Error e = ErrorFor(
      Answer(400, R"({"__type":"NotFoundException","message":"m"})",
             {{"x-amzn-ErrorType", "KMSInvalidStateException:http://internal.amazon.com/coral/"}}));
  CHECK(e.code == ErrorCode::kInvalidState);
  CHECK(e.message == "m");
}

TEST_CASE("An error type the SDK does not know keeps its name in the message") {
  kms::Error client_side = ErrorFor(ErrorAnswer(400, "aws.protocols#BrandNewException", "oops"));
  CHECK(client_side.code == ErrorCode::kValidation);
  CHECK(client_side.message == "BrandNewException: oops");
  CHECK(client_side.http_status == 400);
  kms::Error server_side = ErrorFor(ErrorAnswer(500, "WeirdServerFault", "boom"));
  CHECK(server_side.code == ErrorCode::kInternal);
  CHECK(server_side.message == "WeirdServerFault: boom");
}

TEST_CASE("An error without a type reports the HTTP status and the body's message") {
  kms::Error html = ErrorFor(Answer(403, "<html>Forbidden</html>"));
  CHECK(html.code == ErrorCode::kValidation);
  CHECK(html.message == "HTTP 403: <html>Forbidden</html>");
  CHECK(html.http_status == 403);
  kms::Error json_without_type = ErrorFor(Answer(502, R"({"message":"bad gateway"})"));
  CHECK(json_without_type.code == ErrorCode::kInternal);
  CHECK(json_without_type.message == "HTTP 502: bad gateway");  // botocore keeps it too
  kms::Error capitalized = ErrorFor(Answer(403, R"({"Message":"User is not authorized"})"));
  CHECK(capitalized.message == "HTTP 403: User is not authorized");
  CHECK(ErrorFor(Answer(404, "{}")).message == "HTTP 404");
  kms::Error long_body = ErrorFor(Answer(400, std::string(300, 'x')));
  CHECK(long_body.message == "HTTP 400: " + std::string(200, 'x'));
}

TEST_CASE("KmsClient::Create reports configuration errors") {
  kms::ClientConfig config;
  config.environment = kms::FixedEnvironment({});
  auto no_region = kms::KmsClient::Create(config);
  REQUIRE_FALSE(no_region.has_value());
  CHECK(no_region.error().message.rfind("You must specify a region.", 0) == 0);
  config.region = "us-east-1";
  config.credentials = kms::Credentials{"A", "B", ""};
  config.ca_bundle = "/nonexistent/ca.pem";
  auto bad_bundle = kms::KmsClient::Create(config);
  REQUIRE_FALSE(bad_bundle.has_value());
  CHECK(bad_bundle.error().code == ErrorCode::kValidation);
  CHECK(bad_bundle.error().message.rfind("Unable to load the CA bundle: /nonexistent/ca.pem (",
                                         0) == 0);
}

TEST_CASE("config() exposes the resolved settings") {
  auto client = MakeClient(OkTransport());
  CHECK(client.config().region == "us-east-1");
  CHECK(client.config().endpoint.Url() == "http://127.0.0.1:4599/");
  CHECK(client.config().credentials_source == kms::kCredentialsExplicit);
  CHECK(client.config().max_attempts == 3);
}
