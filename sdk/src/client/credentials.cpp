// Environment lookups and the credential chain (explicit, environment, shared files).
#include <cstdlib>
#include <kms/credentials.hpp>
#include <memory>

namespace kms {
namespace {

std::optional<std::string> NonEmpty(const Environment& env, std::string_view name) {
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

std::optional<std::string> Setting(const ProfileSettings& settings, std::string_view key) {
  auto it = settings.find(key);
  if (it == settings.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

Error Partial(std::string_view source, std::string_view missing) {
  std::string message = "Partial credentials found in ";
  message.append(source).append(", missing: ").append(missing);
  return MakeError(ErrorCode::kValidation, std::move(message));
}

// Both keys, one of them (an error naming the other), or neither (nullopt).
Result<std::optional<Credentials>> Pair(std::optional<std::string> id,
                                        std::optional<std::string> secret,
                                        std::optional<std::string> token, std::string_view source,
                                        std::string_view id_name, std::string_view secret_name) {
  if (!id && !secret) return std::optional<Credentials>();
  if (!id) return Partial(source, id_name);
  if (!secret) return Partial(source, secret_name);
  return std::optional<Credentials>(
      Credentials{std::move(*id), std::move(*secret), token.value_or("")});
}

Result<std::optional<Credentials>> FromEnvironment(const Environment& env) {
  // botocore reads the legacy AWS_SECURITY_TOKEN first.
  auto token = NonEmpty(env, "AWS_SECURITY_TOKEN");
  if (!token) token = NonEmpty(env, "AWS_SESSION_TOKEN");
  return Pair(NonEmpty(env, "AWS_ACCESS_KEY_ID"), NonEmpty(env, "AWS_SECRET_ACCESS_KEY"),
              std::move(token), "env", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
}

Result<std::optional<Credentials>> FromProfile(const std::optional<ProfileSettings>& settings,
                                               std::string_view source) {
  if (!settings) return std::optional<Credentials>();
  auto token = Setting(*settings, "aws_security_token");  // legacy name, read first as botocore
  if (!token) token = Setting(*settings, "aws_session_token");
  return Pair(Setting(*settings, "aws_access_key_id"), Setting(*settings, "aws_secret_access_key"),
              std::move(token), source, "aws_access_key_id", "aws_secret_access_key");
}

// A credential source botocore takes from the profile but this SDK does not implement (assume
// role, web identity, SSO, credential_process): refused by name rather than skipped, so a
// profile meant to assume a role never signs as its source keys instead.
std::optional<Error> Unsupported(const SharedProfile& profile,
                                 std::initializer_list<std::string_view> keys) {
  for (const auto* settings : {&profile.credentials_file, &profile.config_file}) {
    if (!*settings) continue;
    for (std::string_view key : keys) {
      if (!Setting(**settings, key)) continue;
      return MakeError(ErrorCode::kValidation,
                       "The profile (" + profile.name + ") sets " + std::string(key) +
                           ", a credential source this SDK does not support; give it "
                           "aws_access_key_id and aws_secret_access_key, or set "
                           "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }
  }
  return std::nullopt;
}

std::string NotFoundMessage(const SharedProfile& profile) {
  std::string message =
      "Unable to locate credentials. Set ClientConfig::credentials, the environment variables "
      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or aws_access_key_id and "
      "aws_secret_access_key in the profile (" +
      profile.name + ")";
  if (!profile.credentials_path.empty()) message += " of " + profile.credentials_path;
  return message;
}

}  // namespace

Environment ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Environment FixedEnvironment(std::map<std::string, std::string, std::less<>> variables) {
  auto shared =
      std::make_shared<const std::map<std::string, std::string, std::less<>>>(std::move(variables));
  return [shared](std::string_view name) -> std::optional<std::string> {
    auto it = shared->find(name);
    if (it == shared->end()) return std::nullopt;
    return it->second;
  };
}

Result<ResolvedCredentials> ResolveCredentials(
    const std::optional<Credentials>& explicit_credentials, const Environment& env,
    const SharedProfile& profile) {
  if (explicit_credentials) {
    if (explicit_credentials->access_key_id.empty()) {
      return Partial(kCredentialsExplicit, "access_key_id");
    }
    if (explicit_credentials->secret_access_key.empty()) {
      return Partial(kCredentialsExplicit, "secret_access_key");
    }
    return ResolvedCredentials{*explicit_credentials, kCredentialsExplicit};
  }
  // botocore's order: environment, assume role / web identity / SSO (refused here), the
  // credentials file, credential_process (refused here), the config file.
  if (!profile.chosen) {
    auto found = FromEnvironment(env);
    if (!found) return found.error();
    if (*found) return ResolvedCredentials{std::move(**found), kCredentialsEnvironment};
  }
  if (auto refused = Unsupported(
          profile, {"role_arn", "web_identity_token_file", "sso_session", "sso_start_url"})) {
    return *refused;
  }
  auto from_file = FromProfile(profile.credentials_file, kCredentialsSharedFile);
  if (!from_file) return from_file.error();
  if (*from_file) return ResolvedCredentials{std::move(**from_file), kCredentialsSharedFile};
  if (auto refused = Unsupported(profile, {"credential_process"})) return *refused;
  auto from_config = FromProfile(profile.config_file, kCredentialsConfigFile);
  if (!from_config) return from_config.error();
  if (*from_config) return ResolvedCredentials{std::move(**from_config), kCredentialsConfigFile};
  return MakeError(ErrorCode::kValidation, NotFoundMessage(profile));
}

}  // namespace kms
