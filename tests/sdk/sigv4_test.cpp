// Unit tests for SigV4 that need no test vectors: canonicalisation details, the signing-key
// derivation, Sign's header handling, ParseAuthorization's errors and every Verify branch.
#include <doctest/doctest.h>

#include <cctype>
#include <kms/internal/encoding.hpp>
#include <kms/internal/hash.hpp>
#include <kms/sigv4.hpp>

namespace sigv4 = kms::sigv4;
using kms::ErrorCode;
using namespace std::chrono_literals;

namespace {

constexpr const char* kAkid = "AKIDEXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kSignedAt = "20150830T123600Z";
constexpr const char* kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

sigv4::Clock::time_point At(const char* amz_date) { return *sigv4::ParseAmzDate(amz_date); }

kms::HttpRequest KmsRequest() {
  kms::HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers = {{"Host", "kms.us-east-1.amazonaws.com"},
               {"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "TrentService.ListKeys"}};
  r.body = "{}";
  return r;
}

kms::HttpRequest Signed(sigv4::Credentials creds = {kAkid, kSecret, ""},
                        std::string_view region = "us-east-1", std::string_view service = "kms") {
  kms::HttpRequest r = KmsRequest();
  REQUIRE(sigv4::Sign(r, creds, region, service, At(kSignedAt)).has_value());
  return r;
}

sigv4::SecretLookup Lookup() {
  return [](std::string_view akid) -> std::optional<std::string> {
    if (akid == kAkid) return std::string(kSecret);
    return std::nullopt;
  };
}

std::string& HeaderRef(kms::HttpRequest& r, std::string_view name) {
  for (auto& kv : r.headers) {
    if (kms::IEquals(kv.first, name)) return kv.second;
  }
  FAIL("no header " << name);
  throw 0;
}

void Replace(std::string& s, std::string_view from, std::string_view to) {
  size_t p = s.find(from);
  REQUIRE(p != std::string::npos);
  s.replace(p, from.size(), to);
}

void CheckError(const kms::Result<sigv4::AuthorizationHeader>& r, ErrorCode code,
                const std::string& message) {
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == code);
  CHECK(r.error().message == message);
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Building blocks.

TEST_CASE("UriEncode keeps only unreserved characters (and '/' when asked)") {
  CHECK(sigv4::UriEncode("a b/\xE1\x88\xB4~-_.", true) == "a%20b/%E1%88%B4~-_.");
  CHECK(sigv4::UriEncode("a b/\xE1\x88\xB4~", false) == "a%20b%2F%E1%88%B4~");
  CHECK(sigv4::UriEncode("%+=&", false) == "%25%2B%3D%26");
}

TEST_CASE("FormatAmzDate and ParseAmzDate round-trip UTC whole seconds") {
  CHECK(sigv4::FormatAmzDate(sigv4::Clock::time_point{}) == "19700101T000000Z");
  CHECK(sigv4::FormatAmzDate(At(kSignedAt) + 900ms) == kSignedAt);
  CHECK(sigv4::FormatAmzDate(At("20240229T235959Z")) == "20240229T235959Z");
}

TEST_CASE("ParseAmzDate rejects every other shape and impossible dates") {
  for (const char* bad :
       {"20150230T000000Z", "20150830T240000Z", "20150830T126000Z", "20150830T123660Z",
        "20151330T123600Z", "20150830T123600", "2015-08-30T12:36:00Z", "2015083OT123600Z",
        "20150830t123600Z", "20150830T123600z", "", "20150830T123600ZZ"}) {
    CAPTURE(bad);
    CHECK_FALSE(sigv4::ParseAmzDate(bad).has_value());
  }
}

TEST_CASE("DeriveSigningKey reproduces the AWS documentation's worked example") {
  auto key = sigv4::DeriveSigningKey(kSecret, "20120215", "us-east-1", "iam");
  CHECK(kms::internal::HexEncode(key.span()) ==
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST_CASE("CredentialScope and StringToSign have the documented layout") {
  CHECK(sigv4::CredentialScope("20150830", "eu-west-1", "kms") ==
        "20150830/eu-west-1/kms/aws4_request");
  CHECK(sigv4::StringToSign(kSignedAt, "20150830/us-east-1/kms/aws4_request", "") ==
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/kms/aws4_request\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("CanonicalRequest normalises and double-encodes the path, decodes and sorts the query") {
  kms::HttpRequest r;
  r.method = "GET";
  r.target = "/a%20b/./c//d/../e?b=2&a=%7e&a=1&c&&f=g+h&i=%zz#fragment";
  r.headers = {{"Host", "example.com"},
               {"X-Multi", "  one  "},
               {"x-multi", "two\t\tthree\n   four"},
               {"X-Unsigned", "v"}};
  std::vector<std::string> names = {"HOST", "x-multi", "x-absent", "host"};
  CHECK(sigv4::CanonicalRequest(r, names, "UNSIGNED-PAYLOAD") ==
        "GET\n/a%2520b/c/e\na=1&a=~&b=2&c=&f=g%2Bh&i=%25zz\n"
        "host:example.com\nx-multi:one,two three four\n\n"
        "host;x-absent;x-multi\nUNSIGNED-PAYLOAD");
}

TEST_CASE("CanonicalRequest can leave the path alone (S3 rules)") {
  kms::HttpRequest r;
  r.method = "GET";
  r.target = "/a%20b/./c//d";
  r.headers = {{"Host", "example.com"}};
  sigv4::CanonicalOptions s3;
  s3.normalize_path = false;
  s3.encode_path = false;
  std::vector<std::string> names = {"host"};
  CHECK(sigv4::CanonicalRequest(r, names, "x", s3) ==
        "GET\n/a%20b/./c//d\n\nhost:example.com\n\nhost\nx");
  r.target = "";
  CHECK(sigv4::CanonicalRequest(r, names, "x") == "GET\n/\n\nhost:example.com\n\nhost\nx");
}

// ------------------------------------------------------------------------------------------------
// Sign.

TEST_CASE("Sign refuses a request without a Host header") {
  kms::HttpRequest r = KmsRequest();
  r.headers.erase(r.headers.begin());
  auto result = sigv4::Sign(r, {kAkid, kSecret, ""}, "us-east-1", "kms", At(kSignedAt));
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == ErrorCode::kValidation);
  CHECK(result.error().message == "SigV4 signing needs a Host header");
}

TEST_CASE("Sign signs every header but hop-by-hop and proxy-rewritten ones") {
  kms::HttpRequest r = KmsRequest();
  r.headers.emplace_back("User-Agent", "kms-sdk/0.1");
  r.headers.emplace_back("Expect", "100-continue");
  r.headers.emplace_back("Connection", "keep-alive");
  auto result = sigv4::Sign(r, {kAkid, kSecret, ""}, "us-east-1", "kms", At(kSignedAt));
  REQUIRE(result.has_value());
  CHECK(r.Header("X-Amz-Date") == kSignedAt);
  CHECK_FALSE(r.HasHeader("X-Amz-Security-Token"));
  CHECK_FALSE(r.HasHeader("x-amz-content-sha256"));
  CHECK(r.Header("Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/kms/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" +
            result->signature);
  CHECK(result->signature.size() == 64);
}

TEST_CASE("Sign replaces an earlier signature, so a retry can be signed again") {
  kms::HttpRequest r = KmsRequest();
  sigv4::Credentials creds{kAkid, kSecret, "token-1"};
  REQUIRE(sigv4::Sign(r, creds, "us-east-1", "kms", At("20150830T120000Z")).has_value());
  auto second = sigv4::Sign(r, creds, "us-east-1", "kms", At(kSignedAt));
  REQUIRE(second.has_value());
  int authorizations = 0, dates = 0, tokens = 0;
  for (const auto& [k, v] : r.headers) {
    authorizations += kms::IEquals(k, "authorization");
    dates += kms::IEquals(k, "x-amz-date");
    tokens += kms::IEquals(k, "x-amz-security-token");
  }
  CHECK(authorizations == 1);
  CHECK(dates == 1);
  CHECK(tokens == 1);
  CHECK(r.Header("X-Amz-Date") == kSignedAt);
  kms::HttpRequest fresh = KmsRequest();
  auto once = sigv4::Sign(fresh, creds, "us-east-1", "kms", At(kSignedAt));
  REQUIRE(once.has_value());
  CHECK(second->signature == once->signature);
}

TEST_CASE("Sign adds and signs the session token, or adds it unsigned when asked") {
  kms::HttpRequest r = KmsRequest();
  REQUIRE(sigv4::Sign(r, {kAkid, kSecret, "tok"}, "us-east-1", "kms", At(kSignedAt)).has_value());
  CHECK(r.Header("X-Amz-Security-Token") == "tok");
  CHECK(r.Header("Authorization").find("x-amz-date;x-amz-security-token;x-amz-target") !=
        std::string_view::npos);

  kms::HttpRequest after = KmsRequest();
  sigv4::SignOptions options;
  options.sign_session_token = false;
  REQUIRE(sigv4::Sign(after, {kAkid, kSecret, "tok"}, "us-east-1", "kms", At(kSignedAt), options)
              .has_value());
  CHECK(after.Header("X-Amz-Security-Token") == "tok");
  CHECK(after.Header("Authorization").find("security-token") == std::string_view::npos);
}

TEST_CASE("Sign adds x-amz-content-sha256 when asked") {
  kms::HttpRequest r = KmsRequest();
  sigv4::SignOptions options;
  options.add_content_sha256 = true;
  auto result = sigv4::Sign(r, {kAkid, kSecret, ""}, "us-east-1", "kms", At(kSignedAt), options);
  REQUIRE(result.has_value());
  CHECK(r.Header("x-amz-content-sha256") == kms::internal::HexSha256("{}"));
  CHECK(result->canonical_request.find("\nx-amz-content-sha256:" + kms::internal::HexSha256("{}") +
                                       "\n") != std::string::npos);
}

TEST_CASE("Query signing appends the X-Amz parameters to an existing query, signature last") {
  kms::HttpRequest r;
  r.method = "GET";
  r.target = "/path?z=1";
  r.headers = {{"Host", "example.com"}};
  sigv4::SignOptions options;
  options.location = sigv4::SignatureLocation::kQuery;
  options.expires = 60s;
  auto result =
      sigv4::Sign(r, {kAkid, kSecret, "a/b+c"}, "us-east-1", "s3", At(kSignedAt), options);
  REQUIRE(result.has_value());
  CHECK(r.headers.size() == 1);
  CHECK(r.target ==
        "/path?z=1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2F"
        "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&"
        "X-Amz-Expires=60&X-Amz-Security-Token=a%2Fb%2Bc&X-Amz-Signature=" +
            result->signature);
  CHECK(result->canonical_request.find("\nX-Amz-Algorithm=AWS4-HMAC-SHA256&") != std::string::npos);
  CHECK(result->canonical_request.find("X-Amz-SignedHeaders=host&z=1\n") != std::string::npos);
}

// ------------------------------------------------------------------------------------------------
// ParseAuthorization.

TEST_CASE("ParseAuthorization splits a well-formed header, with or without spaces") {
  for (const char* value :
       {"AWS4-HMAC-SHA256 Credential=AKID/20150830/eu-west-1/kms/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc",
        "  AWS4-HMAC-SHA256 Credential=AKID/20150830/eu-west-1/kms/aws4_request,"
        "SignedHeaders=host;x-amz-date,Signature=old,Signature=abc  "}) {
    CAPTURE(value);
    auto a = sigv4::ParseAuthorization(value);
    REQUIRE(a.has_value());
    CHECK(a->algorithm == "AWS4-HMAC-SHA256");
    CHECK(a->access_key_id == "AKID");
    CHECK(a->date == "20150830");
    CHECK(a->region == "eu-west-1");
    CHECK(a->service == "kms");
    CHECK(a->terminator == "aws4_request");
    CHECK(a->signed_headers == std::vector<std::string>{"host", "x-amz-date"});
    CHECK(a->signature == "abc");
  }
}

TEST_CASE("ParseAuthorization lists every missing part in AWS's words") {
  CheckError(sigv4::ParseAuthorization("AWS4-HMAC-SHA256 Credential=ABCDEF"),
             ErrorCode::kIncompleteSignature,
             "Authorization header requires 'Signature' parameter. Authorization header requires "
             "'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF");
  CheckError(sigv4::ParseAuthorization("eyJ0eXAi.x.y", false), ErrorCode::kIncompleteSignature,
             "Authorization header requires 'Credential' parameter. Authorization header requires "
             "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
             "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
             "header. Authorization=eyJ0eXAi.x.y");
}

TEST_CASE("ParseAuthorization names a parameter without an equal sign") {
  CheckError(sigv4::ParseAuthorization(
                 "AWS4-HMAC-SHA256 Credential= AKID/20150830/us-east-1/kms/aws4_request, "
                 "SignedHeaders=host, Signature=abc"),
             ErrorCode::kIncompleteSignature,
             "'AKID/20150830/us-east-1/kms/aws4_request' not a valid key=value pair (missing "
             "equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential= "
             "AKID/20150830/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=abc'.");
}

TEST_CASE("ParseAuthorization rejects another algorithm and a malformed credential") {
  CheckError(sigv4::ParseAuthorization("AWS4-HMAC-SHA512 Credential=a/b/c/d/e, SignedHeaders=host, "
                                       "Signature=abc"),
             ErrorCode::kIncompleteSignature, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.");
  CheckError(sigv4::ParseAuthorization("AWS4-HMAC-SHA256 Credential=foo/bar/20150830/us-east-1/"
                                       "kms/aws4_request, SignedHeaders=host, Signature=abc"),
             ErrorCode::kIncompleteSignature,
             "Credential must have exactly 5 slash-delimited elements, e.g. "
             "keyid/date/region/service/term, got 'foo/bar/20150830/us-east-1/kms/aws4_request'");
}

// ------------------------------------------------------------------------------------------------
// Verify.

TEST_CASE("Verify accepts a request Sign produced and returns its parsed header") {
  kms::HttpRequest r = Signed();
  r.headers.emplace_back("User-Agent", "changed-after-signing");  // not a signed header
  auto v = sigv4::Verify(r, Lookup(), At(kSignedAt));
  REQUIRE(v.has_value());
  CHECK(v->access_key_id == kAkid);
  CHECK(v->region == "us-east-1");
  CHECK(v->service == "kms");
}

TEST_CASE("Verify accepts signed session tokens and other regions") {
  CHECK(sigv4::Verify(Signed({kAkid, kSecret, "tok"}), Lookup(), At(kSignedAt)).has_value());
  CHECK(sigv4::Verify(Signed({kAkid, kSecret, ""}, "ap-southeast-2"), Lookup(), At(kSignedAt))
            ->region == "ap-southeast-2");
}

TEST_CASE("Verify answers MissingAuthenticationToken without an Authorization header") {
  kms::HttpRequest r = KmsRequest();
  CheckError(sigv4::Verify(r, Lookup(), At(kSignedAt)), ErrorCode::kMissingAuthenticationToken,
             "Missing Authentication Token");
  sigv4::SignOptions presign;
  presign.location = sigv4::SignatureLocation::kQuery;
  REQUIRE(
      sigv4::Sign(r, {kAkid, kSecret, ""}, "us-east-1", "kms", At(kSignedAt), presign).has_value());
  CheckError(sigv4::Verify(r, Lookup(), At(kSignedAt)), ErrorCode::kMissingAuthenticationToken,
             "Missing Authentication Token");
}

TEST_CASE("Verify wants X-Amz-Date or Date") {
  kms::HttpRequest r = Signed();
  std::string auth(r.Header("Authorization"));
  std::erase_if(r.headers, [](const auto& kv) { return kms::IEquals(kv.first, "x-amz-date"); });
  CheckError(sigv4::Verify(r, Lookup(), At(kSignedAt)), ErrorCode::kIncompleteSignature,
             "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
             "header. Authorization=" +
                 auth);
}

TEST_CASE("Verify rejects an X-Amz-Date that is not ISO 8601 basic format") {
  kms::HttpRequest r = Signed();
  HeaderRef(r, "x-amz-date") = "2015-08-30T12:36:00Z";
  CheckError(sigv4::Verify(r, Lookup(), At(kSignedAt)), ErrorCode::kIncompleteSignature,
             "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See "
             "http://en.wikipedia.org/wiki/ISO_8601");
}

TEST_CASE("Verify insists that Host is signed") {
  kms::HttpRequest r = Signed();
  Replace(HeaderRef(r, "authorization"), "SignedHeaders=content-type;host;",
          "SignedHeaders=content-type;");
  CheckError(sigv4::Verify(r, Lookup(), At(kSignedAt)), ErrorCode::kInvalidSignature,
             "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST_CASE("Verify accepts a signature up to the skew limit either way, inclusive") {
  kms::HttpRequest r = Signed();
  CHECK(sigv4::Verify(r, Lookup(), At("20150830T124100Z") + 999ms).has_value());
  CHECK(sigv4::Verify(r, Lookup(), At("20150830T123100Z")).has_value());
}

TEST_CASE("Verify rejects an expired signature with AWS's message") {
  kms::HttpRequest r = Signed();
  CheckError(sigv4::Verify(r, Lookup(), At("20150830T124101Z")), ErrorCode::kInvalidSignature,
             "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
             "(20150830T124101Z - 5 min.)");
  sigv4::VerifyOptions fifteen;
  fifteen.max_skew = 15min;
  CheckError(sigv4::Verify(r, Lookup(), At("20150830T130600Z"), fifteen),
             ErrorCode::kInvalidSignature,
             "Signature expired: 20150830T123600Z is now earlier than 20150830T125100Z "
             "(20150830T130600Z - 15 min.)");
}

TEST_CASE("Verify rejects a signature from the future with AWS's message") {
  CheckError(sigv4::Verify(Signed(), Lookup(), At("20150830T123059Z")),
             ErrorCode::kInvalidSignature,
             "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z "
             "(20150830T123059Z + 5 min.)");
}

TEST_CASE("Verify names the service the scope should have") {
  CheckError(
      sigv4::Verify(Signed({kAkid, kSecret, ""}, "us-east-1", "s3"), Lookup(), At(kSignedAt)),
      ErrorCode::kInvalidSignature, "Credential should be scoped to correct service: 'kms'. ");
}

TEST_CASE("Verify lists every scope problem at once") {
  CheckError(sigv4::Verify(Signed({kAkid, kSecret, ""}, "US_EAST", "sqs"), Lookup(), At(kSignedAt)),
             ErrorCode::kInvalidSignature,
             "Credential should be scoped to a valid region, not 'US_EAST'. Credential should be "
             "scoped to correct service: 'kms'. ");
  kms::HttpRequest r = Signed();
  Replace(HeaderRef(r, "authorization"), "/20150830/", "/20150831/");
  Replace(HeaderRef(r, "authorization"), "aws4_request", "aws5_request");
  CheckError(sigv4::Verify(r, Lookup(), At(kSignedAt)), ErrorCode::kInvalidSignature,
             "Credential should be scoped with a valid terminator: 'aws4_request', not "
             "'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 "
             "version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'. ");
}

TEST_CASE("Verify answers UnrecognizedClient for an unknown access key") {
  std::string asked;
  sigv4::SecretLookup lookup = [&](std::string_view akid) -> std::optional<std::string> {
    asked = akid;
    return std::nullopt;
  };
  CheckError(sigv4::Verify(Signed({"AKIDOTHER", kSecret, ""}), lookup, At(kSignedAt)),
             ErrorCode::kUnrecognizedClient,
             "The security token included in the request is invalid.");
  CHECK(asked == "AKIDOTHER");
}

TEST_CASE("Verify rejects a wrong secret, a changed body and a changed signed header") {
  CheckError(sigv4::Verify(Signed({kAkid, "not-the-secret", ""}), Lookup(), At(kSignedAt)),
             ErrorCode::kInvalidSignature, kMismatch);
  kms::HttpRequest body = Signed();
  body.body = "{\"Limit\":1}";
  CheckError(sigv4::Verify(body, Lookup(), At(kSignedAt)), ErrorCode::kInvalidSignature, kMismatch);
  kms::HttpRequest target = Signed();
  HeaderRef(target, "x-amz-target") = "TrentService.ScheduleKeyDeletion";
  CheckError(sigv4::Verify(target, Lookup(), At(kSignedAt)), ErrorCode::kInvalidSignature,
             kMismatch);
  kms::HttpRequest path = Signed();
  path.target = "/other";
  CheckError(sigv4::Verify(path, Lookup(), At(kSignedAt)), ErrorCode::kInvalidSignature, kMismatch);
}

TEST_CASE("Verify compares the signature exactly: upper-case or truncated hex does not match") {
  kms::HttpRequest upper = Signed();
  std::string& auth = HeaderRef(upper, "authorization");
  for (size_t i = auth.find("Signature=") + 10; i < auth.size(); ++i) {
    auth[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(auth[i])));
  }
  CheckError(sigv4::Verify(upper, Lookup(), At(kSignedAt)), ErrorCode::kInvalidSignature,
             kMismatch);
  kms::HttpRequest shorter = Signed();
  HeaderRef(shorter, "authorization").pop_back();
  CheckError(sigv4::Verify(shorter, Lookup(), At(kSignedAt)), ErrorCode::kInvalidSignature,
             kMismatch);
}

TEST_CASE("Verify accepts a request dated by an IMF-fixdate Date header instead of X-Amz-Date") {
  // What botocore sends when the caller set a Date header: Date only, ISO time in the signature.
  kms::HttpRequest r = KmsRequest();
  r.headers.emplace_back("Date", "Sun, 30 Aug 2015 12:36:00 GMT");
  std::vector<std::string> names = {"content-type", "date", "host", "x-amz-target"};
  std::string scope = sigv4::CredentialScope("20150830", "us-east-1", "kms");
  std::string sts = sigv4::StringToSign(
      kSignedAt, scope, sigv4::CanonicalRequest(r, names, kms::internal::HexSha256(r.body)));
  r.headers.emplace_back("Authorization",
                         "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + scope +
                             ", SignedHeaders=content-type;date;host;x-amz-target, Signature=" +
                             sigv4::Signature(kSecret, "20150830", "us-east-1", "kms", sts));
  CHECK(sigv4::Verify(r, Lookup(), At(kSignedAt)).has_value());
  HeaderRef(r, "date") = "30 Aug 2015 12:36:00";
  CheckError(sigv4::Verify(r, Lookup(), At(kSignedAt)), ErrorCode::kIncompleteSignature,
             "Date must be in ISO-8601 'basic format'. Got '30 Aug 2015 12:36:00'. See "
             "http://en.wikipedia.org/wiki/ISO_8601");
}
