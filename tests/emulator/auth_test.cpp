// Tests for request authentication: --auth sigv4 against the credentials file (every AWS error
// with its message), and --auth none reading the caller without verifying.
#include "server/auth.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

namespace {

using kms::ErrorCode;
using kms::HttpRequest;
using namespace kms::emulator;
using namespace std::chrono_literals;

constexpr const char* kDefaultRegion = "us-east-1";
constexpr const char* kDefaultAccount = "111122223333";
constexpr const char* kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
constexpr const char* kInvalidToken = "The security token included in the request is invalid.";

// 2024-08-20T23:08:02Z, the server time of AWS's message in aws/aws-sdk-js-v3#6400.
const kms::sigv4::Clock::time_point kNow = kms::sigv4::Clock::from_time_t(1724195282);

std::shared_ptr<const CallerDirectory> Callers() {
  auto directory = CallerDirectory::Parse(
      "[alice]\n"
      "aws_access_key_id = AKIAALICE\n"
      "aws_secret_access_key = alice-secret\n"
      "[bob]\n"
      "aws_access_key_id = AKIABOB\n"
      "aws_secret_access_key = bob-secret\n"
      "aws_account_id = 222233334444\n"
      "[temp]\n"
      "aws_access_key_id = ASIATEMP\n"
      "aws_secret_access_key = temp-secret\n"
      "aws_session_token = the-session-token\n",
      "test", kDefaultAccount);
  REQUIRE(directory.has_value());
  return std::make_shared<const CallerDirectory>(std::move(*directory));
}

HttpRequest Unsigned(std::string body = "{}") {
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"Host", "127.0.0.1:4599"},
                     {"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "TrentService.ListKeys"}};
  request.body = std::move(body);
  return request;
}

// A request signed as botocore signs it.
HttpRequest Signed(std::string access_key, std::string secret, std::string region = "eu-west-1",
                   kms::sigv4::Clock::time_point at = kNow, std::string token = "",
                   std::string service = "kms") {
  HttpRequest request = Unsigned();
  kms::sigv4::Credentials credentials{std::move(access_key), std::move(secret), std::move(token)};
  auto signed_request = kms::sigv4::Sign(request, credentials, region, service, at);
  REQUIRE(signed_request.has_value());
  return request;
}

struct Outcome {
  kms::Status status;
  RequestContext ctx;
};

Outcome Run(const HttpRequest& request, AuthMode mode,
            std::shared_ptr<const CallerDirectory> callers = Callers(),
            kms::sigv4::Clock::time_point now = kNow) {
  Outcome out;
  AuthConfig config{mode, std::move(callers)};
  out.status = Authenticate(request, config, kDefaultRegion, kDefaultAccount, now, out.ctx);
  return out;
}

void CheckError(const Outcome& out, ErrorCode code, const std::string& message) {
  REQUIRE_FALSE(out.status.has_value());
  CHECK(out.status.error().code == code);
  CHECK(out.status.error().message == message);
}

}  // namespace

TEST_CASE("sigv4: a request signed by a known caller names its user, account and region") {
  Outcome alice = Run(Signed("AKIAALICE", "alice-secret"), AuthMode::kSigV4);
  REQUIRE(alice.status.has_value());
  CHECK(alice.ctx.account == kDefaultAccount);
  CHECK(alice.ctx.region == "eu-west-1");
  CHECK(alice.ctx.access_key == "AKIAALICE");
  CHECK(alice.ctx.user_name == "alice");
  CHECK(alice.ctx.principal_arn == "arn:aws:iam::111122223333:user/alice");

  Outcome bob = Run(Signed("AKIABOB", "bob-secret", "ap-southeast-2"), AuthMode::kSigV4);
  REQUIRE(bob.status.has_value());
  CHECK(bob.ctx.account == "222233334444");
  CHECK(bob.ctx.region == "ap-southeast-2");
  CHECK(bob.ctx.user_name == "bob");
  CHECK(bob.ctx.principal_arn == "arn:aws:iam::222233334444:user/bob");
}

TEST_CASE("sigv4: a request without Authorization is MissingAuthenticationTokenException") {
  CheckError(Run(Unsigned(), AuthMode::kSigV4), ErrorCode::kMissingAuthenticationToken,
             "Missing Authentication Token");
}

TEST_CASE("sigv4: an access key not in the file is UnrecognizedClientException") {
  CheckError(Run(Signed("AKIANOBODY", "whatever"), AuthMode::kSigV4),
             ErrorCode::kUnrecognizedClient, kInvalidToken);
  CheckError(Run(Signed("akiaalice", "alice-secret"), AuthMode::kSigV4),
             ErrorCode::kUnrecognizedClient, kInvalidToken);
  // Without a credentials file nobody is known.
  CheckError(Run(Signed("AKIAALICE", "alice-secret"), AuthMode::kSigV4, nullptr),
             ErrorCode::kUnrecognizedClient, kInvalidToken);
}

TEST_CASE("sigv4: a wrong secret or a body changed after signing is InvalidSignatureException") {
  CheckError(Run(Signed("AKIAALICE", "bob-secret"), AuthMode::kSigV4), ErrorCode::kInvalidSignature,
             kSignatureMismatch);
  HttpRequest tampered = Signed("AKIAALICE", "alice-secret");
  tampered.body = R"({"Limit":1})";
  CheckError(Run(tampered, AuthMode::kSigV4), ErrorCode::kInvalidSignature, kSignatureMismatch);
}

TEST_CASE("sigv4: a malformed Authorization header is IncompleteSignatureException") {
  HttpRequest request = Unsigned();
  request.headers.emplace_back("X-Amz-Date", "20240820T230802Z");
  request.headers.emplace_back("Authorization", "garbage");
  CheckError(Run(request, AuthMode::kSigV4), ErrorCode::kIncompleteSignature,
             "Authorization header requires 'Credential' parameter. Authorization header "
             "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
             "parameter. Authorization=garbage");
}

TEST_CASE("sigv4: a signature more than 5 minutes old is expired, AWS KMS's wording") {
  CheckError(
      Run(Signed("AKIAALICE", "alice-secret", "eu-west-1", kNow - 5min - 1s), AuthMode::kSigV4),
      ErrorCode::kInvalidSignature,
      "Signature expired: 20240820T230301Z is now earlier than 20240820T230302Z "
      "(20240820T230802Z - 5 min.)");
  CHECK(Run(Signed("AKIAALICE", "alice-secret", "eu-west-1", kNow - 5min), AuthMode::kSigV4)
            .status.has_value());
}

TEST_CASE("sigv4: a signature more than 5 minutes ahead is not yet current") {
  CheckError(
      Run(Signed("AKIAALICE", "alice-secret", "eu-west-1", kNow + 5min + 1s), AuthMode::kSigV4),
      ErrorCode::kInvalidSignature,
      "Signature not yet current: 20240820T231303Z is still later than 20240820T231302Z "
      "(20240820T230802Z + 5 min.)");
  CHECK(Run(Signed("AKIAALICE", "alice-secret", "eu-west-1", kNow + 5min), AuthMode::kSigV4)
            .status.has_value());
}

TEST_CASE("sigv4: a scope for another service is InvalidSignatureException") {
  CheckError(
      Run(Signed("AKIAALICE", "alice-secret", "eu-west-1", kNow, "", "s3"), AuthMode::kSigV4),
      ErrorCode::kInvalidSignature, "Credential should be scoped to correct service: 'kms'. ");
}

TEST_CASE("sigv4: a correctly signed scope whose region is no region name is rejected") {
  CheckError(Run(Signed("AKIAALICE", "alice-secret", "useast1"), AuthMode::kSigV4),
             ErrorCode::kInvalidSignature,
             "Credential should be scoped to a valid region, not 'useast1'. ");
}

TEST_CASE("sigv4: a caller with a session token must send exactly that token") {
  Outcome ok = Run(Signed("ASIATEMP", "temp-secret", "eu-west-1", kNow, "the-session-token"),
                   AuthMode::kSigV4);
  REQUIRE(ok.status.has_value());
  CHECK(ok.ctx.user_name == "temp");
  CheckError(
      Run(Signed("ASIATEMP", "temp-secret", "eu-west-1", kNow, "another-token"), AuthMode::kSigV4),
      ErrorCode::kUnrecognizedClient, kInvalidToken);
  CheckError(Run(Signed("ASIATEMP", "temp-secret", "eu-west-1", kNow, "the-session-toke"),
                 AuthMode::kSigV4),
             ErrorCode::kUnrecognizedClient, kInvalidToken);
  CheckError(Run(Signed("ASIATEMP", "temp-secret"), AuthMode::kSigV4),
             ErrorCode::kUnrecognizedClient, kInvalidToken);
}

TEST_CASE("sigv4: a session token sent for a caller without one is UnrecognizedClientException") {
  CheckError(Run(Signed("AKIAALICE", "alice-secret", "eu-west-1", kNow, "made-up-token"),
                 AuthMode::kSigV4),
             ErrorCode::kUnrecognizedClient, kInvalidToken);
}

TEST_CASE("none: a request without Authorization is the account root in the default region") {
  Outcome out = Run(Unsigned(), AuthMode::kNone);
  REQUIRE(out.status.has_value());
  CHECK(out.ctx.account == kDefaultAccount);
  CHECK(out.ctx.region == kDefaultRegion);
  CHECK(out.ctx.access_key.empty());
  CHECK(out.ctx.user_name.empty());
  CHECK(out.ctx.principal_arn == "arn:aws:iam::111122223333:root");
}

TEST_CASE("none: a known access key selects its caller's account without any verification") {
  // Wrong secret, a stale date and a token nobody issued: nothing is checked.
  Outcome out =
      Run(Signed("AKIABOB", "not-bob-secret", "eu-north-1", kNow - 24h, "junk"), AuthMode::kNone);
  REQUIRE(out.status.has_value());
  CHECK(out.ctx.account == "222233334444");
  CHECK(out.ctx.region == "eu-north-1");
  CHECK(out.ctx.access_key == "AKIABOB");
  CHECK(out.ctx.user_name == "bob");
  CHECK(out.ctx.principal_arn == "arn:aws:iam::222233334444:user/bob");
}

TEST_CASE("none: an unknown access key, or no credentials file, is the default account") {
  for (auto callers : {Callers(), std::shared_ptr<const CallerDirectory>()}) {
    Outcome out = Run(Signed("AKIANOBODY", "x", "sa-east-1"), AuthMode::kNone, callers);
    REQUIRE(out.status.has_value());
    CHECK(out.ctx.account == kDefaultAccount);
    CHECK(out.ctx.region == "sa-east-1");
    CHECK(out.ctx.access_key == "AKIANOBODY");
    CHECK(out.ctx.user_name.empty());
    CHECK(out.ctx.principal_arn == "arn:aws:iam::111122223333:root");
  }
}

TEST_CASE("none: a malformed header or a bad scope region is still an error") {
  HttpRequest garbage = Unsigned();
  garbage.headers.emplace_back("Authorization", "garbage");
  CheckError(Run(garbage, AuthMode::kNone), ErrorCode::kIncompleteSignature,
             "Authorization header requires 'Credential' parameter. Authorization header "
             "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
             "parameter. Authorization header requires existence of either a 'X-Amz-Date' or a "
             "'Date' header. Authorization=garbage");
  CheckError(Run(Signed("AKIAALICE", "alice-secret", "useast1"), AuthMode::kNone),
             ErrorCode::kInvalidSignature,
             "Credential should be scoped to a valid region, not 'useast1'. ");
}
