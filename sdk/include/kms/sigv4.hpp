// AWS Signature Version 4: parsing the Authorization header, the three signing steps
// (canonical request, string to sign, signature), signing a request, and verifying one.
// Everything here is a pure function of its arguments: thread-safe, no global state.
#pragma once

#include <chrono>
#include <functional>
#include <kms/http.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kms::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";
// Hex SHA-256 of the empty payload.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

using Clock = std::chrono::system_clock;

// ---------------------------------------------------------------------------------------------
// The Authorization header.

// The parts of "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/kms/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<hex>".
struct AuthorizationHeader {
  std::string algorithm;                    // "AWS4-HMAC-SHA256"
  std::string access_key_id;                // "AKID"
  std::string date;                         // "20150830" (credential scope date, unchecked)
  std::string region;                       // "us-east-1"
  std::string service;                      // "kms"
  std::vector<std::string> signed_headers;  // as listed (lower-case when well formed)
  std::string signature;                    // as sent (lower-case hex when well formed)
  std::string terminator;                   // "aws4_request" when well formed (unchecked)
};

// Parses an Authorization header value, assuming the request carries X-Amz-Date or Date.
// kIncompleteSignature (AWS wording) when: a parameter is not key=value; Credential,
// Signature or SignedHeaders is missing (all missing ones listed, then " Authorization=<value>");
// the algorithm is not AWS4-HMAC-SHA256; the credential has not exactly 5 '/'-separated parts.
// The scope's date, region, service and terminator are only split out, not judged: Verify does.
// Pure, thread-safe.
Result<AuthorizationHeader> ParseAuthorization(std::string_view value);

// Same, and when `request_has_date` is false the missing-parameter message also says that
// "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
Result<AuthorizationHeader> ParseAuthorization(std::string_view value, bool request_has_date);

// ---------------------------------------------------------------------------------------------
// Canonicalisation and the three signing steps.

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: long-term credentials, no X-Amz-Security-Token
};

struct CanonicalOptions {
  // Remove "." and ".." segments (RFC 3986 5.2.4) and collapse repeated slashes before
  // encoding. Every service but S3 does this.
  bool normalize_path = true;
  // Percent-encode the path as it appears in the request target, byte by byte, keeping only
  // RFC 3986 unreserved characters and '/'. A target that is already encoded ("%20") is thus
  // encoded again ("%2520"), as botocore and the AWS CRT do for every service but S3. False:
  // the target's path is used as is (S3).
  bool encode_path = true;
};

// "20150830T123600Z" for `time` (UTC, whole seconds). Thread-safe.
std::string FormatAmzDate(Clock::time_point time);

// Parses "YYYYMMDD'T'HHMMSS'Z'" (ISO 8601 basic, UTC). nullopt on any other shape or an
// impossible date. Thread-safe.
std::optional<Clock::time_point> ParseAmzDate(std::string_view text);

// "20150830/us-east-1/kms/aws4_request". `date` is the YYYYMMDD part. Thread-safe.
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

// URI-encodes `text` byte by byte: A-Z a-z 0-9 - _ . ~ stay, everything else becomes %XX
// (upper-case hex); '/' stays too when `keep_slash`. Thread-safe.
std::string UriEncode(std::string_view text, bool keep_slash);

// Step 1: the canonical request:
//   METHOD \n canonical URI \n canonical query \n canonical headers \n signed headers \n payload
// `request.target` gives the path and query (query pairs are %-decoded, re-encoded and sorted by
// key, then value). `signed_headers` names the headers to include (any case, any order, repeats
// ignored); a named header absent from the request contributes nothing. Values of repeated
// headers are joined with ',' in request order; each value is trimmed and internal whitespace
// runs (including obs-fold line breaks) become one space. Thread-safe.
std::string CanonicalRequest(const HttpRequest& request,
                             std::span<const std::string> signed_headers,
                             std::string_view payload_hash, const CanonicalOptions& options = {});

// Step 2: "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>".
// Thread-safe.
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
// Thread-safe.
internal::SecretBytes DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                                       std::string_view region, std::string_view service);

// Step 3: lower-case hex HMAC(kSigning, string_to_sign). `date` is YYYYMMDD. Thread-safe.
std::string Signature(std::string_view secret_access_key, std::string_view date,
                      std::string_view region, std::string_view service,
                      std::string_view string_to_sign);

// ---------------------------------------------------------------------------------------------
// Signing.

enum class SignatureLocation {
  kHeader,  // Authorization header (what every KMS client does)
  kQuery,   // presigned URL: X-Amz-* query parameters
};

struct SignOptions {
  SignatureLocation location = SignatureLocation::kHeader;
  CanonicalOptions canonical;
  // Header mode: also add and sign "x-amz-content-sha256: <hex sha256(body)>" (S3 style).
  bool add_content_sha256 = false;
  // False: the session token is added after signing, so it is not signed (some services want
  // that; the test suite's post-sts-header-after case).
  bool sign_session_token = true;
  std::chrono::seconds expires{3600};  // query mode: X-Amz-Expires
};

// What Sign computed, for logging and tests. Holds no secret.
struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

// Signs `request` in place for `region`/`service` at `time`.
// Header mode: removes any old Authorization, X-Amz-Date and (when a token is set)
// X-Amz-Security-Token, adds X-Amz-Date, X-Amz-Security-Token when the credentials carry a
// token, x-amz-content-sha256 when asked, then Authorization. Every header is signed except
// hop-by-hop ones and those that proxies rewrite (botocore's list: connection, expect,
// keep-alive, proxy-authenticate, proxy-authorization, te, trailer, transfer-encoding, upgrade,
// user-agent, x-amzn-trace-id). The payload hash is hex sha256(body).
// Query mode: appends X-Amz-Algorithm, -Credential, -Date, -SignedHeaders, -Expires,
// [-Security-Token] and finally -Signature to the target; adds no header.
// kValidation when the request has no Host header (the Host must be signed).
// Thread-safe for distinct requests.
Result<SigningResult> Sign(HttpRequest& request, const Credentials& credentials,
                           std::string_view region, std::string_view service,
                           Clock::time_point time, const SignOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Verification (server side).

struct VerifyOptions {
  std::string service = "kms";  // the credential scope must name this service
  // Largest accepted difference between the request's X-Amz-Date and `now`, either way.
  // AWS: KMS rejects signatures more than 5 minutes old or ahead ("Signature expired: ... (...
  // - 5 min.)", aws/aws-sdk-js-v3#6400, a KMS Encrypt/Decrypt report). Some services use 15.
  std::chrono::minutes max_skew{5};
  CanonicalOptions canonical;
};

// The secret access key of `access_key_id`, or nullopt when the key is unknown.
using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key_id)>;

// Verifies a header-signed request (presigned URLs are not used by KMS clients and are answered
// like an unsigned request). Returns the parsed Authorization header, or the error AWS sends:
// - no Authorization header: kMissingAuthenticationToken "Missing Authentication Token";
// - malformed header, missing date, bad date format: kIncompleteSignature (ParseAuthorization);
// - host not signed, date out of the skew window, wrong scope (region empty, other service,
//   bad terminator, date not the X-Amz-Date day), wrong signature: kInvalidSignature;
// - unknown access key: kUnrecognizedClient "The security token included in the request is
//   invalid.".
// The payload hash is always recomputed from the body. The session token, if any, is only
// checked as a signed header (the emulator has no STS). Signatures are compared in constant
// time. Thread-safe if `lookup` is.
Result<AuthorizationHeader> Verify(const HttpRequest& request, const SecretLookup& lookup,
                                   Clock::time_point now, const VerifyOptions& options = {});

}  // namespace kms::sigv4
