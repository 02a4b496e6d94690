// Request authentication: SigV4 verification against the credentials file (--auth sigv4), or
// reading the caller from an unverified Authorization header (--auth none).
#include "server/auth.hpp"

#include <optional>
#include <string>

#include "config.hpp"

namespace kms::emulator {
namespace {

constexpr std::string_view kTokenHeader = "X-Amz-Security-Token";

Error InvalidToken() {
  // AWS's answer to a session token it did not issue (see sigv4::Verify for the source).
  return MakeError(ErrorCode::kUnrecognizedClient,
                   "The security token included in the request is invalid.");
}

// The region becomes part of every ARN, so it must look like one. AWS wording, as sigv4::Verify.
Status CheckRegion(std::string_view region) {
  if (IsValidRegion(region)) return {};
  return MakeError(
      ErrorCode::kInvalidSignature,
      "Credential should be scoped to a valid region, not '" + std::string(region) + "'. ");
}

void SetCaller(const Caller* caller, RequestContext& ctx) {
  if (caller == nullptr) {
    ctx.user_name.clear();
    ctx.principal_arn = "arn:aws:iam::" + ctx.account + ":root";
    return;
  }
  ctx.account = caller->account_id;
  ctx.user_name = caller->user_name;
  ctx.principal_arn = caller->PrincipalArn();
}

// The token sent must be the caller's, byte for byte (constant time); none sent when it has none.
Status CheckSessionToken(const HttpRequest& request, const Caller& caller) {
  bool sent = request.HasHeader(kTokenHeader);
  if (!caller.session_token) return sent ? Status(InvalidToken()) : Status();
  if (!sent) return InvalidToken();
  std::string_view token = request.Header(kTokenHeader);
  bool same =
      caller.session_token->Equals({reinterpret_cast<const uint8_t*>(token.data()), token.size()});
  return same ? Status() : Status(InvalidToken());
}

Status Unverified(const HttpRequest& request, const AuthConfig& config, RequestContext& ctx) {
  if (!request.HasHeader("Authorization")) {
    SetCaller(nullptr, ctx);
    return {};
  }
  bool has_date = request.HasHeader("X-Amz-Date") || request.HasHeader("Date");
  auto auth = sigv4::ParseAuthorization(request.Header("Authorization"), has_date);
  if (!auth) return auth.error();
  if (Status st = CheckRegion(auth->region); !st) return st;
  ctx.region = std::move(auth->region);
  ctx.access_key = std::move(auth->access_key_id);
  SetCaller(config.callers ? config.callers->Find(ctx.access_key) : nullptr, ctx);
  return {};
}

Status Verified(const HttpRequest& request, const AuthConfig& config, sigv4::Clock::time_point now,
                RequestContext& ctx) {
  const CallerDirectory* callers = config.callers.get();
  auto lookup = [callers](std::string_view access_key_id) -> std::optional<std::string> {
    const Caller* caller = callers ? callers->Find(access_key_id) : nullptr;
    if (caller == nullptr) return std::nullopt;
    const auto& secret = caller->secret_access_key;
    return std::string(reinterpret_cast<const char*>(secret.data()), secret.size());
  };
  auto auth = sigv4::Verify(request, lookup, now);
  if (!auth) return auth.error();
  if (Status st = CheckRegion(auth->region); !st) return st;
  const Caller* caller = callers->Find(auth->access_key_id);  // Verify found it
  if (Status st = CheckSessionToken(request, *caller); !st) return st;
  ctx.region = std::move(auth->region);
  ctx.access_key = std::move(auth->access_key_id);
  SetCaller(caller, ctx);
  return {};
}

}  // namespace

Status Authenticate(const HttpRequest& request, const AuthConfig& config,
                    std::string_view default_region, std::string_view default_account,
                    sigv4::Clock::time_point now, RequestContext& ctx) {
  ctx.account = std::string(default_account);
  ctx.region = std::string(default_region);
  if (config.mode == AuthMode::kSigV4) return Verified(request, config, now, ctx);
  return Unverified(request, config, ctx);
}

}  // namespace kms::emulator
