// Who is calling: the caller of one request, from its SigV4 Authorization header and the
// --credentials file, verified (--auth sigv4) or only read (--auth none). Beast-free and pure
// apart from the caller directory, so it is tested without I/O.
#pragma once

#include <kms/http.hpp>
#include <kms/result.hpp>
#include <kms/sigv4.hpp>
#include <memory>
#include <string_view>

#include "api/context.hpp"
#include "server/credentials_file.hpp"

namespace kms::emulator {

enum class AuthMode {
  kNone,   // Authorization parsed for region and access key, never verified
  kSigV4,  // every request must be signed by a caller of the credentials file
};

struct AuthConfig {
  AuthMode mode = AuthMode::kNone;
  // The --credentials file; required for kSigV4, optional for kNone (then a known access key
  // still selects its caller's account and user name, without any check).
  std::shared_ptr<const CallerDirectory> callers;
};

// Fills ctx.account, ctx.region, ctx.access_key, ctx.user_name and ctx.principal_arn for
// `request`. Without a known caller the account is `default_account`, the user name empty and the
// principal the account's root ("arn:aws:iam::<account>:root"); without a credential scope the
// region is `default_region`.
// kNone: a request without Authorization is the default caller; a malformed header is
// IncompleteSignatureException (sigv4::ParseAuthorization); a scope region that is not a region
// name is InvalidSignatureException "Credential should be scoped to a valid region, not '<r>'. ".
// kSigV4: sigv4::Verify's errors (MissingAuthenticationTokenException, IncompleteSignature-,
// InvalidSignature- incl. "Signature expired"/"Signature not yet current" outside 5 minutes of
// `now`, UnrecognizedClientException for an unknown access key), the region rule above, and
// UnrecognizedClientException "The security token included in the request is invalid." when the
// X-Amz-Security-Token header does not equal the caller's aws_session_token (a token sent for a
// caller without one, or none sent for a caller with one). `now` is wall-clock time, not the
// emulator's adjustable clock: clients sign with real time. On error only the defaults are set.
// Skew window: 5 minutes, not the 15 the issue guessed. AWS KMS itself answers "Signature
// expired: ... (... - 5 min.)" (KMS Encrypt/Decrypt: aws/aws-sdk-js#2340, aws/aws-sdk-js-v3#6400);
// 15 minutes appears only in older reports from other services (aws/aws-sdk-js#254).
// Statuses: all of these are HTTP 400 in AWS JSON-protocol services (KMS InvalidSignatureException
// observed as 400 in aws/aws-sdk-cpp#1681; DynamoDB's error guide lists IncompleteSignature-,
// MissingAuthenticationToken- and UnrecognizedClientException under 400), as kms/error.hpp has
// them. Thread-safe.
Status Authenticate(const HttpRequest& request, const AuthConfig& config,
                    std::string_view default_region, std::string_view default_account,
                    sigv4::Clock::time_point now, RequestContext& ctx);

}  // namespace kms::emulator
