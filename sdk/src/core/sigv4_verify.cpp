// Server-side SigV4 verification, answering with the errors (and wording) AWS JSON services use.
#include <openssl/crypto.h>

#include <ctime>
#include <kms/internal/hash.hpp>
#include <kms/sigv4.hpp>

namespace kms::sigv4 {
namespace {

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidSignature, std::move(message));
}

// Date header fallback (botocore sends only Date, in IMF-fixdate, when the caller set one):
// "Sun, 30 Aug 2015 12:36:00 GMT". The C locale is in force: the emulator never calls setlocale.
std::optional<Clock::time_point> ParseHttpDate(std::string_view text) {
  std::string s(text);
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return Clock::from_time_t(timegm(&tm));
}

bool HostIsSigned(const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if (n == "host" || n == ":authority") return true;
  }
  return false;
}

bool ValidRegion(std::string_view region) {
  if (region.empty()) return false;
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// AWS: "Signature expired: 20240820T230143Z is now earlier than 20240820T230302Z
// (20240820T230802Z - 5 min.)" (KMS, aws/aws-sdk-js-v3#6400) and "Signature not yet current:
// 20181017T093750Z is still later than 20181017T093639Z (20181017T093139Z + 5 min.)"
// (s12v/awsbeats#48). Both InvalidSignatureException, HTTP 400.
Status CheckSkew(Clock::time_point signed_at, Clock::time_point now, std::chrono::minutes skew) {
  auto now_s = std::chrono::floor<std::chrono::seconds>(now);
  std::string minutes = std::to_string(skew.count()) + " min.)";
  if (signed_at < now_s - skew) {
    return Invalid("Signature expired: " + FormatAmzDate(signed_at) + " is now earlier than " +
                   FormatAmzDate(now_s - skew) + " (" + FormatAmzDate(now_s) + " - " + minutes);
  }
  if (signed_at > now_s + skew) {
    return Invalid("Signature not yet current: " + FormatAmzDate(signed_at) +
                   " is still later than " + FormatAmzDate(now_s + skew) + " (" +
                   FormatAmzDate(now_s) + " + " + minutes);
  }
  return {};
}

// AWS lists every scope problem, each sentence followed by a space: "Credential should be scoped
// to correct service: 'elasticmapreduce'. " (aws/aws-sdk-ruby#431, aws/aws-sdk-go-v2#163),
// "Credential should be scoped to a valid region, not 'us-east-1'. " (aws/aws-sdk-ruby#508).
// Terminator and date sentences as dacut/scratchstack-aws-signature reproduces them.
Status CheckScope(const AuthorizationHeader& auth, std::string_view amz_date,
                  std::string_view service) {
  std::string msg;
  if (!ValidRegion(auth.region)) {
    msg += "Credential should be scoped to a valid region, not '" + auth.region + "'. ";
  }
  if (auth.service != service) {
    msg.append("Credential should be scoped to correct service: '").append(service).append("'. ");
  }
  if (auth.terminator != kTerminator) {
    msg += "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
           auth.terminator + "'. ";
  }
  std::string_view day = amz_date.substr(0, 8);
  if (auth.date != day) {
    msg.append("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date ");
    msg.append("from HTTP: '").append(auth.date).append("' != '").append(day);
    msg.append("', from '").append(amz_date).append("'. ");
  }
  if (!msg.empty()) return Invalid(std::move(msg));
  return {};
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Result<AuthorizationHeader> Verify(const HttpRequest& request, const SecretLookup& lookup,
                                   Clock::time_point now, const VerifyOptions& options) {
  if (!request.HasHeader("authorization")) {
    return MakeError(ErrorCode::kMissingAuthenticationToken, "Missing Authentication Token");
  }
  bool has_amz_date = request.HasHeader("x-amz-date");
  bool has_date = has_amz_date || request.HasHeader("date");
  auto auth = ParseAuthorization(request.Header("authorization"), has_date);
  if (!auth) return auth.error();
  if (!HostIsSigned(auth->signed_headers)) {
    return Invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  std::string_view date_text = request.Header(has_amz_date ? "x-amz-date" : "date");
  auto signed_at = has_amz_date ? ParseAmzDate(date_text) : ParseHttpDate(date_text);
  if (!signed_at) {
    // Wording as dacut/scratchstack-aws-signature reproduces it (not seen from KMS itself).
    return MakeError(ErrorCode::kIncompleteSignature,
                     "Date must be in ISO-8601 'basic format'. Got '" + std::string(date_text) +
                         "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  if (auto st = CheckSkew(*signed_at, now, options.max_skew); !st) return st.error();
  std::string amz_date = FormatAmzDate(*signed_at);
  if (auto st = CheckScope(*auth, amz_date, options.service); !st) return st.error();
  std::optional<std::string> secret = lookup(auth->access_key_id);
  if (!secret) {
    // AWS: {"__type":"UnrecognizedClientException","message":"The security token included in
    // the request is invalid."} (ArranJacques/laravel-aws-cognito-auth#25).
    return MakeError(ErrorCode::kUnrecognizedClient,
                     "The security token included in the request is invalid.");
  }
  std::string canonical = CanonicalRequest(request, auth->signed_headers,
                                           internal::HexSha256(request.body), options.canonical);
  std::string sts =
      StringToSign(amz_date, CredentialScope(auth->date, auth->region, auth->service), canonical);
  std::string expected = Signature(*secret, auth->date, auth->region, auth->service, sts);
  OPENSSL_cleanse(secret->data(), secret->size());
  if (!ConstantTimeEquals(expected, auth->signature)) {
    return Invalid(
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details.");
  }
  return auth;
}

}  // namespace kms::sigv4
