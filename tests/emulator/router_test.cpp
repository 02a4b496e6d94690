// Tests for the router: routing, caller context, JSON parsing and error rendering, without I/O.
#include "server/router.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "domain/clock.hpp"
#include "store/key_store.hpp"

namespace {

using kms::ErrorCode;
using kms::HttpRequest;
using kms::HttpResponse;
using namespace kms::emulator;

constexpr const char* kJson11 = "application/x-amz-json-1.1";
constexpr const char* kSigned =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/kms/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef";

class RouterFixture {
 public:
  RouterFixture()
      : store_(KeyStore::Open(":memory:").value()),
        services_{*store_, clock_},
        router_(services_, RouterOptions{"ap-south-1", "444455556666"}) {}

  HttpResponse Send(HttpRequest request) { return router_.Handle(request); }

  // POST / as the aws CLI sends it.
  HttpResponse Call(std::string target, std::string body,
                    std::vector<std::pair<std::string, std::string>> extra = {}) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/";
    request.headers = {{"Content-Type", kJson11}, {"X-Amz-Target", std::move(target)}};
    for (auto& header : extra) request.headers.push_back(std::move(header));
    request.body = std::move(body);
    return router_.Handle(request);
  }

  Services& services() { return services_; }

 private:
  std::unique_ptr<KeyStore> store_;
  Clock clock_;
  Services services_;
  Router router_;
};

HttpRequest Request(std::string method, std::string target, kms::HttpHeaders headers = {},
                    std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.headers = std::move(headers);
  request.body = std::move(body);
  return request;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char c = s[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return s[14] == '4';
}

// Checks one rendered AWS error: status, both headers, and the exact body.
void CheckError(const HttpResponse& r, int status, std::string_view type,
                std::string_view message) {
  CHECK(r.status == status);
  CHECK(r.Header("Content-Type") == kJson11);
  CHECK(r.Header("x-amzn-ErrorType") == type);
  CHECK(IsUuid(r.Header("x-amzn-RequestId")));
  boost::json::object expected{{"__type", type}, {"message", message}};
  CHECK(boost::json::parse(r.body) == expected);
}

std::string ArnOf(const HttpResponse& created) {
  auto body = boost::json::parse(created.body).as_object();
  return std::string(body.at("KeyMetadata").as_object().at("Arn").as_string());
}

}  // namespace

TEST_CASE("GET /health answers 200 {\"status\":\"ok\"} with a request id") {
  RouterFixture f;
  HttpRequest request = Request("GET", "/health");
  HttpResponse r = f.Send(request);
  CHECK(r.status == 200);
  CHECK(r.body == R"({"status":"ok"})");
  CHECK(r.Header("Content-Type") == "application/json");
  CHECK(IsUuid(r.Header("x-amzn-RequestId")));
  request.target = "/health?probe=1";
  CHECK(f.Send(request).status == 200);
}

TEST_CASE("Every response carries a fresh UUID request id") {
  RouterFixture f;
  HttpResponse a = f.Call("TrentService.CreateKey", "{}");
  HttpResponse b = f.Call("TrentService.NoSuchThing", "{}");
  CHECK(IsUuid(a.Header("x-amzn-RequestId")));
  CHECK(IsUuid(b.Header("x-amzn-RequestId")));
  CHECK(a.Header("x-amzn-RequestId") != b.Header("x-amzn-RequestId"));
}

TEST_CASE("A handler's success is 200 with its JSON object and the JSON 1.1 content type") {
  RouterFixture f;
  HttpResponse r = f.Call("TrentService.CreateKey", R"({"Description":"router test"})");
  CHECK(r.status == 200);
  CHECK(r.Header("Content-Type") == kJson11);
  CHECK(r.Header("x-amzn-ErrorType").empty());
  auto body = boost::json::parse(r.body).as_object();
  CHECK(body.at("KeyMetadata").as_object().at("Description") == "router test");
}

TEST_CASE("An empty body is treated as {} and the handler runs") {
  RouterFixture f;
  HttpResponse r = f.Call("TrentService.CreateKey", "");
  CHECK(r.status == 200);
  CHECK(ArnOf(r).starts_with("arn:aws:kms:ap-south-1:444455556666:key/"));
}

TEST_CASE("Without Authorization the caller is the default account and region") {
  RouterFixture f;
  CHECK(ArnOf(f.Call("TrentService.CreateKey", "{}"))
            .starts_with("arn:aws:kms:ap-south-1:444455556666:key/"));
}

TEST_CASE("The region comes from the Authorization credential scope") {
  RouterFixture f;
  HttpResponse r = f.Call("TrentService.CreateKey", "{}",
                          {{"Authorization", kSigned}, {"X-Amz-Date", "20240101T000000Z"}});
  REQUIRE(r.status == 200);
  CHECK(ArnOf(r).starts_with("arn:aws:kms:eu-west-1:444455556666:key/"));
  // Keys live per region: the default region does not see the key.
  HttpResponse listed = f.Call("TrentService.ListKeys", "{}");
  REQUIRE(listed.status == 200);
  CHECK(boost::json::parse(listed.body).at("Keys").as_array().empty());
}

TEST_CASE("A malformed Authorization header is IncompleteSignatureException") {
  RouterFixture f;
  CheckError(f.Call("TrentService.CreateKey", "{}",
                    {{"Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/kms/"
                      "aws4_request"},
                     {"X-Amz-Date", "20240101T000000Z"}}),
             400, "IncompleteSignatureException",
             "Authorization header requires 'Signature' parameter. Authorization header requires "
             "'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 "
             "Credential=AKID/20240101/eu-west-1/kms/aws4_request");
  CheckError(f.Call("TrentService.CreateKey", "{}",
                    {{"Authorization", "garbage"}, {"X-Amz-Date", "20240101T000000Z"}}),
             400, "IncompleteSignatureException",
             "Authorization header requires 'Credential' parameter. Authorization header "
             "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
             "parameter. Authorization=garbage");
}

TEST_CASE("An Authorization header on a request without a date is IncompleteSignatureException") {
  RouterFixture f;
  CheckError(f.Call("TrentService.CreateKey", "{}", {{"Authorization", kSigned}}), 400,
             "IncompleteSignatureException",
             std::string("Authorization header requires existence of either a 'X-Amz-Date' or a "
                         "'Date' header. Authorization=") +
                 kSigned);
}

TEST_CASE("A credential scope whose region is not a region name is rejected") {
  RouterFixture f;
  CheckError(f.Call("TrentService.CreateKey", "{}",
                    {{"Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKID/20240101/arn:x/kms/aws4_request, "
                      "SignedHeaders=host, Signature=00"},
                     {"X-Amz-Date", "20240101T000000Z"}}),
             400, "InvalidSignatureException",
             "Credential should be scoped to a valid region, not 'arn:x'. ");
}

TEST_CASE("An unknown operation is 400 UnknownOperationException") {
  RouterFixture f;
  CheckError(f.Call("TrentService.NoSuchOperation", "{}"), 400, "UnknownOperationException",
             "Unknown operation: TrentService.NoSuchOperation");
  CheckError(f.Call("TrentService.", "{}"), 400, "UnknownOperationException",
             "Unknown operation: TrentService.");
  CheckError(f.Call("TrentService.createkey", "{}"), 400, "UnknownOperationException",
             "Unknown operation: TrentService.createkey");
}

TEST_CASE("A target with another service's prefix is 400 UnknownOperationException") {
  RouterFixture f;
  CheckError(f.Call("DynamoDB_20120810.ListTables", "{}"), 400, "UnknownOperationException",
             "Unknown operation: DynamoDB_20120810.ListTables");
  CheckError(f.Call("CreateKey", "{}"), 400, "UnknownOperationException",
             "Unknown operation: CreateKey");
}

TEST_CASE("A POST / without X-Amz-Target is 400 UnknownOperationException") {
  RouterFixture f;
  HttpRequest request = Request("POST", "/", {{"Content-Type", kJson11}}, "{}");
  CheckError(f.Send(request), 400, "UnknownOperationException", "Missing X-Amz-Target header");
}

TEST_CASE("A body that is not JSON is SerializationException") {
  RouterFixture f;
  CheckError(f.Call("TrentService.CreateKey", "{"), 400, "SerializationException",
             "The request body is not valid JSON: incomplete JSON");
  CheckError(f.Call("TrentService.CreateKey", "nope"), 400, "SerializationException",
             "The request body is not valid JSON: syntax error");
  CheckError(f.Call("TrentService.CreateKey", "{} {}"), 400, "SerializationException",
             "The request body is not valid JSON: extra data");
  CheckError(f.Call("TrentService.CreateKey", " "), 400, "SerializationException",
             "The request body is not valid JSON: incomplete JSON");
}

TEST_CASE("Deeply nested JSON is a SerializationException, not a crash") {
  RouterFixture f;
  std::string deep = R"({"a":)" + std::string(10000, '[') + std::string(10000, ']') + "}";
  HttpResponse r = f.Call("TrentService.CreateKey", deep);
  CHECK(r.status == 400);
  CHECK(r.Header("x-amzn-ErrorType") == "SerializationException");
}

TEST_CASE("JSON that is not an object is SerializationException") {
  RouterFixture f;
  for (const char* body : {"[]", "\"text\"", "1", "null", "true"}) {
    CAPTURE(body);
    CheckError(f.Call("TrentService.CreateKey", body), 400, "SerializationException",
               "The request body must be a JSON object");
  }
}

TEST_CASE("Requests the JSON protocol does not claim are 404 UnknownOperationException") {
  RouterFixture f;
  const std::string kHint = ": KMS requests are POST / with X-Amz-Target TrentService.<Operation>";
  HttpRequest get = Request("GET", "/");
  CheckError(f.Send(get), 404, "UnknownOperationException", "No operation at GET /" + kHint);
  HttpRequest other_path =
      Request("POST", "/keys?x=1",
              {{"Content-Type", kJson11}, {"X-Amz-Target", "TrentService.CreateKey"}}, "{}");
  CheckError(f.Send(other_path), 404, "UnknownOperationException",
             "No operation at POST /keys" + kHint);
  HttpRequest post_health = Request("POST", "/health");
  CheckError(f.Send(post_health), 404, "UnknownOperationException",
             "No operation at POST /health" + kHint);
}

TEST_CASE("A content type other than application/x-amz-json-1.x is 404 UnknownOperationException") {
  RouterFixture f;
  HttpRequest request = Request(
      "POST", "/",
      {{"Content-Type", "application/json"}, {"X-Amz-Target", "TrentService.CreateKey"}}, "{}");
  CheckError(f.Send(request), 404, "UnknownOperationException",
             "Unsupported Content-Type 'application/json': KMS requests use "
             "application/x-amz-json-1.1");
}

TEST_CASE("JSON 1.0, a charset parameter, any case and a missing Content-Type are accepted") {
  RouterFixture f;
  for (const char* type :
       {"application/x-amz-json-1.0", "application/x-amz-json-1.1; charset=utf-8",
        "Application/X-Amz-Json-1.1"}) {
    CAPTURE(type);
    HttpRequest request = Request(
        "POST", "/", {{"content-type", type}, {"x-amz-target", "TrentService.ListKeys"}}, "{}");
    CHECK(f.Send(request).status == 200);
  }
  HttpRequest bare = Request("POST", "/?Action=x", {{"X-Amz-Target", "TrentService.ListKeys"}});
  CHECK(f.Send(bare).status == 200);
}

TEST_CASE("A handler's error is rendered once with status, type header and body") {
  RouterFixture f;
  CheckError(f.Call("TrentService.DescribeKey", R"({"KeyId":"alias/does-not-exist"})"), 400,
             "NotFoundException",
             "Alias arn:aws:kms:ap-south-1:444455556666:alias/does-not-exist is not found.");
}

TEST_CASE("ErrorResponse renders status from the error table, headers and body") {
  HttpResponse r = ErrorResponse(kms::MakeError(ErrorCode::kRequestEntityTooLarge, "too \"big\""),
                                 "11111111-2222-4333-8444-555555555555");
  CHECK(r.status == 413);
  CHECK(r.Header("Content-Type") == kJson11);
  CHECK(r.Header("x-amzn-ErrorType") == "RequestEntityTooLargeException");
  CHECK(r.Header("x-amzn-RequestId") == "11111111-2222-4333-8444-555555555555");
  CHECK(r.body == R"({"__type":"RequestEntityTooLargeException","message":"too \"big\""})");
  CHECK(ErrorResponse(kms::MakeError(ErrorCode::kDependencyTimeout, "m"), "id").status == 503);
}

TEST_CASE("An error without a message has no message member, as AWS sends it") {
  // AWS-recorded: InvalidCiphertextException, KMSInvalidSignatureException and others come with
  // an empty Error.Message and no `message` field in the SDKs' parsed response.
  HttpResponse r = ErrorResponse(kms::MakeError(ErrorCode::kInvalidCiphertext, ""), "id");
  CHECK(r.status == 400);
  CHECK(r.Header("x-amzn-ErrorType") == "InvalidCiphertextException");
  CHECK(r.body == R"({"__type":"InvalidCiphertextException"})");
}

namespace {

kms::Result<boost::json::object> EchoRegion(Services&, const RequestContext& ctx,
                                            const boost::json::object& input) {
  boost::json::object out;
  out["Region"] = ctx.region;
  out["Input"] = input;
  return out;
}

kms::Result<boost::json::object> Disabled(Services&, const RequestContext&,
                                          const boost::json::object&) {
  return kms::MakeError(ErrorCode::kDisabled,
                        "arn:aws:kms:us-east-1:111122223333:key/k is "
                        "disabled.");
}

kms::Result<boost::json::object> ThrowsStd(Services&, const RequestContext&,
                                           const boost::json::object&) {
  throw std::runtime_error("boom");
}

kms::Result<boost::json::object> ThrowsInt(Services&, const RequestContext&,
                                           const boost::json::object&) {
  throw 42;
}

RequestContext Ctx() {
  RequestContext ctx;
  ctx.account = "111122223333";
  ctx.region = "us-west-2";
  ctx.request_id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  return ctx;
}

}  // namespace

TEST_CASE("RunHandler serializes a handler's output as a 200 response") {
  RouterFixture f;
  boost::json::object input{{"KeyId", "k"}};
  HttpResponse r = RunHandler(EchoRegion, f.services(), Ctx(), input);
  CHECK(r.status == 200);
  CHECK(r.Header("x-amzn-RequestId") == "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  CHECK(r.body == R"({"Region":"us-west-2","Input":{"KeyId":"k"}})");
}

TEST_CASE("RunHandler renders a handler's error") {
  RouterFixture f;
  HttpResponse r = RunHandler(Disabled, f.services(), Ctx(), {});
  CHECK(r.status == 400);
  CHECK(r.Header("x-amzn-ErrorType") == "DisabledException");
  CHECK(
      r.body ==
      R"({"__type":"DisabledException","message":"arn:aws:kms:us-east-1:111122223333:key/k is disabled."})");
}

TEST_CASE("An exception escaping a handler is 500 KMSInternalException") {
  RouterFixture f;
  for (auto handler : {ThrowsStd, ThrowsInt}) {
    HttpResponse r = RunHandler(handler, f.services(), Ctx(), {});
    CHECK(r.status == 500);
    CHECK(r.Header("x-amzn-ErrorType") == "KMSInternalException");
    CHECK(r.Header("x-amzn-RequestId") == "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    CHECK(r.body == R"({"__type":"KMSInternalException","message":"An internal error occurred"})");
  }
}

// ---------------------------------------------------------------------------------------------
// --auth sigv4 through the router: errors rendered as AWS does, and accounts from the
// credentials file scoping keys, aliases and lists.

namespace {

constexpr const char* kCallersFile =
    "[alice]\n"
    "aws_access_key_id = AKIAALICE\n"
    "aws_secret_access_key = alice-secret\n"
    "[bob]\n"
    "aws_access_key_id = AKIABOB\n"
    "aws_secret_access_key = bob-secret\n"
    "aws_account_id = 222233334444\n";

class SigV4RouterFixture {
 public:
  explicit SigV4RouterFixture(AuthMode mode = AuthMode::kSigV4)
      : store_(KeyStore::Open(":memory:").value()),
        services_{*store_, clock_},
        router_(services_, RouterOptions{"ap-south-1", "444455556666", {mode, Load()}}) {}

  // POST / for `operation`, signed now by `access_key`/`secret` for eu-west-1.
  HttpResponse Call(const std::string& access_key, const std::string& secret,
                    const std::string& operation, std::string body) {
    HttpRequest request = Unsigned(operation, std::move(body));
    kms::sigv4::Credentials credentials{access_key, secret, ""};
    auto signed_request =
        kms::sigv4::Sign(request, credentials, "eu-west-1", "kms", kms::sigv4::Clock::now());
    REQUIRE(signed_request.has_value());
    return router_.Handle(request);
  }
  HttpResponse Alice(const std::string& operation, std::string body) {
    return Call("AKIAALICE", "alice-secret", operation, std::move(body));
  }
  HttpResponse Bob(const std::string& operation, std::string body) {
    return Call("AKIABOB", "bob-secret", operation, std::move(body));
  }
  HttpResponse Send(const HttpRequest& request) { return router_.Handle(request); }

  static HttpRequest Unsigned(const std::string& operation, std::string body) {
    return Request("POST", "/",
                   {{"Host", "127.0.0.1:4599"},
                    {"Content-Type", kJson11},
                    {"X-Amz-Target", "TrentService." + operation}},
                   std::move(body));
  }

 private:
  static std::shared_ptr<const CallerDirectory> Load() {
    auto callers = CallerDirectory::Parse(kCallersFile, "callers", "444455556666");
    REQUIRE(callers.has_value());
    return std::make_shared<const CallerDirectory>(std::move(*callers));
  }

  std::unique_ptr<KeyStore> store_;
  Clock clock_;
  Services services_;
  Router router_;
};

boost::json::value Body(const HttpResponse& r) { return boost::json::parse(r.body); }

}  // namespace

TEST_CASE("sigv4: a request signed by a caller runs in that caller's account") {
  SigV4RouterFixture f;
  HttpResponse alice = f.Alice("CreateKey", "{}");
  REQUIRE(alice.status == 200);
  CHECK(ArnOf(alice).starts_with("arn:aws:kms:eu-west-1:444455556666:key/"));
  HttpResponse bob = f.Bob("CreateKey", "{}");
  REQUIRE(bob.status == 200);
  CHECK(ArnOf(bob).starts_with("arn:aws:kms:eu-west-1:222233334444:key/"));
}

TEST_CASE("sigv4: authentication errors are rendered as 400 with AWS's type and message") {
  SigV4RouterFixture f;
  CheckError(f.Send(SigV4RouterFixture::Unsigned("ListKeys", "{}")), 400,
             "MissingAuthenticationTokenException", "Missing Authentication Token");
  CheckError(f.Call("AKIANOBODY", "x", "ListKeys", "{}"), 400, "UnrecognizedClientException",
             "The security token included in the request is invalid.");
  CheckError(f.Call("AKIAALICE", "bob-secret", "ListKeys", "{}"), 400, "InvalidSignatureException",
             "The request signature we calculated does not match the signature you provided. "
             "Check your AWS Secret Access Key and signing method. Consult the service "
             "documentation for details.");
}

TEST_CASE("sigv4: the signature is checked before the body is parsed or a handler runs") {
  SigV4RouterFixture f;
  CheckError(f.Send(SigV4RouterFixture::Unsigned("CreateKey", "{not json")), 400,
             "MissingAuthenticationTokenException", "Missing Authentication Token");
  CheckError(f.Call("AKIAALICE", "wrong", "CreateKey", "{}"), 400, "InvalidSignatureException",
             "The request signature we calculated does not match the signature you provided. "
             "Check your AWS Secret Access Key and signing method. Consult the service "
             "documentation for details.");
  CHECK(Body(f.Alice("ListKeys", "{}")).at("Keys").as_array().empty());  // nothing was created
}

TEST_CASE("sigv4: GET /health needs no signature") {
  SigV4RouterFixture f;
  HttpResponse r = f.Send(Request("GET", "/health"));
  CHECK(r.status == 200);
  CHECK(r.body == R"({"status":"ok"})");
}

TEST_CASE("sigv4: one account's keys, aliases and lists are invisible to another") {
  SigV4RouterFixture f;
  std::string arn = ArnOf(f.Alice("CreateKey", R"({"Description":"alice's"})"));
  std::string id = arn.substr(arn.find("key/") + 4);
  REQUIRE(
      f.Alice("CreateAlias", R"({"AliasName":"alias/shared-name","TargetKeyId":")" + id + R"("})")
          .status == 200);

  CHECK(Body(f.Bob("ListKeys", "{}")).at("Keys").as_array().empty());
  boost::json::value bob_aliases = Body(f.Bob("ListAliases", "{}"));  // kept alive for the loop
  for (const auto& alias : bob_aliases.at("Aliases").as_array()) {
    CHECK(alias.at("AliasName").as_string() != "alias/shared-name");  // only AWS-managed ones
  }
  CheckError(f.Bob("DescribeKey", R"({"KeyId":")" + id + R"("})"), 400, "NotFoundException",
             "Key 'arn:aws:kms:eu-west-1:222233334444:key/" + id + "' does not exist");
  CheckError(f.Bob("DescribeKey", R"({"KeyId":"alias/shared-name"})"), 400, "NotFoundException",
             "Alias arn:aws:kms:eu-west-1:222233334444:alias/shared-name is not found.");
  // Bob may create the same alias name in his own account.
  std::string bob_key = ArnOf(f.Bob("CreateKey", "{}"));
  CHECK(f.Bob("CreateAlias",
              R"({"AliasName":"alias/shared-name","TargetKeyId":")" + bob_key + R"("})")
            .status == 200);
  CHECK(Body(f.Alice("ListKeys", "{}")).at("Keys").as_array().size() == 1);
}

TEST_CASE("sigv4: another account's key ARN works where AWS allows cross-account use") {
  SigV4RouterFixture f;
  std::string arn = ArnOf(f.Alice("CreateKey", "{}"));
  // DescribeKey, Encrypt, GenerateDataKey: "Cross-account use: Yes" with a key ARN.
  HttpResponse described = f.Bob("DescribeKey", R"({"KeyId":")" + arn + R"("})");
  REQUIRE(described.status == 200);
  CHECK(Body(described).at("KeyMetadata").at("AWSAccountId").as_string() == "444455556666");
  HttpResponse encrypted = f.Bob("Encrypt", R"({"KeyId":")" + arn + R"(","Plaintext":"aGk="})");
  REQUIRE(encrypted.status == 200);
  CHECK(Body(encrypted).at("KeyId").as_string() == arn);
  CHECK(f.Bob("GenerateDataKey", R"({"KeyId":")" + arn + R"(","KeySpec":"AES_256"})").status ==
        200);
  // Key management and tags: "Cross-account use: No".
  CheckError(f.Bob("DisableKey", R"({"KeyId":")" + arn + R"("})"), 400, "NotFoundException",
             "Key '" + arn + "' does not exist");
  CheckError(f.Bob("ListResourceTags", R"({"KeyId":")" + arn + R"("})"), 400, "NotFoundException",
             "Key '" + arn + "' does not exist");
  CHECK(Body(f.Alice("DescribeKey", R"({"KeyId":")" + arn + R"("})"))
            .at("KeyMetadata")
            .at("Enabled")
            .as_bool());
}

TEST_CASE("none: a credentials file still maps access keys to accounts, unverified") {
  SigV4RouterFixture f(AuthMode::kNone);
  HttpResponse bob = f.Call("AKIABOB", "not-bob-secret", "CreateKey", "{}");
  REQUIRE(bob.status == 200);
  CHECK(ArnOf(bob).starts_with("arn:aws:kms:eu-west-1:222233334444:key/"));
  HttpResponse stranger = f.Call("AKIASTRANGER", "x", "CreateKey", "{}");
  REQUIRE(stranger.status == 200);
  CHECK(ArnOf(stranger).starts_with("arn:aws:kms:eu-west-1:444455556666:key/"));
  HttpResponse anonymous = f.Send(SigV4RouterFixture::Unsigned("CreateKey", "{}"));
  REQUIRE(anonymous.status == 200);
  CHECK(ArnOf(anonymous).starts_with("arn:aws:kms:ap-south-1:444455556666:key/"));
}
