// The AWS credential chain and the shared config files (~/.aws/credentials, ~/.aws/config).
// The process environment is a parameter (kms::Environment), so resolution has no global state
// and tests inject variables and a home directory.
#pragma once

#include <functional>
#include <kms/result.hpp>
#include <kms/sigv4.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kms {

// Access key id, secret access key and optional session token (empty: long-term keys).
using Credentials = sigv4::Credentials;

// Looks up an environment variable: its value, or nullopt when it is unset.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (std::getenv). Safe to call from any thread as long as nothing
// modifies the environment (setenv/putenv) at the same time.
Environment ProcessEnvironment();

// An environment holding exactly `variables`, for tests and embedders. Thread-safe.
Environment FixedEnvironment(std::map<std::string, std::string, std::less<>> variables);

// `path` with a leading "~/" (or a lone "~") replaced by $HOME from `env`, as the AWS tools
// expand configured paths; unchanged without HOME or a leading tilde ("~user" is not expanded).
// Thread-safe if `env` is.
std::string ExpandHome(const Environment& env, std::string_view path);

// One section of a shared file: setting names lower-cased, values trimmed.
using ProfileSettings = std::map<std::string, std::string, std::less<>>;

// Sections of a shared file by name, as written between the brackets (trimmed).
using ProfileFile = std::map<std::string, ProfileSettings, std::less<>>;

// Parses the INI text of a shared credentials or config file the way botocore does: `#` and
// `;` start comment lines, `key = value` pairs belong to the last `[section]`, indented lines
// under a setting are its sub-settings (ignored here), a repeated section or key takes the last
// value. Returns kValidation "Unable to parse config file: <path> (line N: <why>)" for a setting
// outside any section, a line without '=' or an unterminated section header. Thread-safe (pure).
Result<ProfileFile> ParseProfileFile(std::string_view text, std::string_view path);

// One profile as read from both shared files.
struct SharedProfile {
  std::string name;              // the profile used ("default" unless told otherwise)
  bool chosen = false;           // named by the caller (not AWS_PROFILE or the default)
  std::string credentials_path;  // the credentials file consulted ("" when no path is known)
  std::string config_path;       // the config file consulted ("" when no path is known)
  // The profile's section in each file; nullopt when the file or the section is absent.
  std::optional<ProfileSettings> credentials_file;
  std::optional<ProfileSettings> config_file;
  // The config file's `[services <name>]` section the profile's `services = <name>` names;
  // its sub-settings are kept as "<service>.<key>" (e.g. "kms.endpoint_url").
  std::optional<ProfileSettings> services;

  // A setting of the config-file section (region, ca_bundle, max_attempts, ...), or nullopt.
  std::optional<std::string> ConfigValue(std::string_view key) const;
  // A setting for `service` (e.g. "kms") in the profile's services section, or nullopt.
  std::optional<std::string> ServiceValue(std::string_view service, std::string_view key) const;
};

// Loads profile `profile` (empty: AWS_PROFILE, else "default") from the credentials file
// (AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials; sections `[name]`) and the config
// file (AWS_CONFIG_FILE, else $HOME/.aws/config; sections `[profile name]`, and `[default]` or
// `[profile default]` for the default profile). A leading `~/` in a path is $HOME. Missing
// files, and paths that cannot be read as files (a directory, no read permission), count as
// empty, as botocore skips them. Errors (kValidation): a file that cannot be parsed
// (ParseProfileFile), and a profile other than "default" found in neither file ("The config
// profile (<name>) could not be found"), as botocore words them. Thread-safe if `env` is.
Result<SharedProfile> LoadSharedProfile(const Environment& env, std::string_view profile);

// Where the credentials came from, as botocore names the providers.
inline constexpr std::string_view kCredentialsExplicit = "explicit";
inline constexpr std::string_view kCredentialsEnvironment = "env";
inline constexpr std::string_view kCredentialsSharedFile = "shared-credentials-file";
inline constexpr std::string_view kCredentialsConfigFile = "config-file";

struct ResolvedCredentials {
  Credentials credentials;
  std::string_view source;  // one of kCredentials* above
};

// The credential chain, first match wins, never mixing sources:
//  1. `explicit_credentials` (both keys must be non-empty);
//  2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SECURITY_TOKEN, else AWS_SESSION_TOKEN,
//     as botocore) from `env`, unless the
//     caller chose the profile (profile.chosen: botocore's explicit profile, e.g. --profile,
//     negates the environment's keys; AWS_PROFILE does not);
//  3. aws_access_key_id + aws_secret_access_key (+ aws_security_token, else aws_session_token)
//     of the profile in the
//     credentials file;
//  4. the same settings of the profile in the config file.
// A profile that sets role_arn, web_identity_token_file, sso_session or sso_start_url (before
// 3), or credential_process (before 4), is refused (kValidation "The profile (<name>) sets
// <setting>, a credential source this SDK does not support; ..."): botocore would use that
// source, so the keys beside it must not be used instead.
// Errors (kValidation): a source with one key but not the other ("Partial credentials found in
// <source>, missing: <name>"), and no source at all ("Unable to locate credentials. ..."). Empty
// variables count as unset. Thread-safe if `env` is.
Result<ResolvedCredentials> ResolveCredentials(
    const std::optional<Credentials>& explicit_credentials, const Environment& env,
    const SharedProfile& profile);

}  // namespace kms
