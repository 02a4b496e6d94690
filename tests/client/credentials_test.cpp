// Tests for the shared-file parser, profile loading and the credential chain.
#include <doctest/doctest.h>

#include <kms/credentials.hpp>

#include "client/temp_dir.hpp"

using kms::ErrorCode;
using kms::FixedEnvironment;
using kms::test::TempDir;

namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

kms::SharedProfile Load(const Vars& vars, std::string_view profile = "") {
  auto loaded = kms::LoadSharedProfile(FixedEnvironment(vars), profile);
  REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().message));
  return *loaded;
}

}  // namespace

TEST_CASE("ParseProfileFile reads sections, lower-cases keys and trims values") {
  auto file = kms::ParseProfileFile(
      "# comment\n; other comment\n[default]\nAWS_Access_Key_ID = AKID \r\n"
      "region=eu-west-1\n\n[profile dev]\ns3 =\n  addressing_style = path\nregion = us-east-2\n",
      "f");
  REQUIRE(file.has_value());
  CHECK(file->size() == 2);
  CHECK(file->at("default").at("aws_access_key_id") == "AKID");
  CHECK(file->at("default").at("region") == "eu-west-1");
  CHECK(file->at("profile dev").at("s3") == "");
  CHECK(file->at("profile dev").at("region") == "us-east-2");
  CHECK(file->at("profile dev").count("addressing_style") == 0);
  // Sub-settings are kept under "<parent>.<key>".
  CHECK(file->at("profile dev").at("s3.addressing_style") == "path");
}

TEST_CASE("LoadSharedProfile reads the services section the profile names") {
  TempDir home;
  home.Write(".aws/config",
             "[profile dev]\nservices = local\nregion = r\n"
             "[services local]\nkms =\n  endpoint_url = http://127.0.0.1:4599\n"
             "s3 =\n  endpoint_url = http://127.0.0.1:9000\n");
  auto profile = kms::LoadSharedProfile(FixedEnvironment({{"HOME", home.path().string()}}), "dev");
  REQUIRE(profile.has_value());
  CHECK(profile->ServiceValue("kms", "endpoint_url") == "http://127.0.0.1:4599");
  CHECK(profile->ServiceValue("s3", "endpoint_url") == "http://127.0.0.1:9000");
  CHECK_FALSE(profile->ServiceValue("kms", "region"));
  auto other = kms::LoadSharedProfile(FixedEnvironment({{"HOME", home.path().string()}}), "");
  REQUIRE(other.has_value());
  CHECK_FALSE(other->ServiceValue("kms", "endpoint_url"));  // default names no services
}

TEST_CASE("ParseProfileFile keeps the last of a repeated key") {
  auto file = kms::ParseProfileFile("[a]\nk = 1\nk = 2\n", "f");
  REQUIRE(file.has_value());
  CHECK(file->at("a").at("k") == "2");
}

TEST_CASE("ParseProfileFile rejects a setting outside any section") {
  auto file = kms::ParseProfileFile("region = us-east-1\n", "/x/config");
  REQUIRE_FALSE(file.has_value());
  CHECK(file.error().code == ErrorCode::kValidation);
  CHECK(file.error().message ==
        "Unable to parse config file: /x/config (line 1: setting outside any section)");
}

TEST_CASE("ParseProfileFile rejects a line without '='") {
  auto file = kms::ParseProfileFile("[default]\n\nregion us-east-1\n", "/x/config");
  REQUIRE_FALSE(file.has_value());
  CHECK(file.error().message ==
        "Unable to parse config file: /x/config (line 3: expected key = value)");
}

TEST_CASE("ParseProfileFile rejects an unterminated section header") {
  auto file = kms::ParseProfileFile("[default\n", "/x/config");
  REQUIRE_FALSE(file.has_value());
  CHECK(file.error().message ==
        "Unable to parse config file: /x/config (line 1: section header without ']')");
}

TEST_CASE("ParseProfileFile rejects an empty key") {
  auto file = kms::ParseProfileFile("[default]\n = value\n", "/x/config");
  REQUIRE_FALSE(file.has_value());
  CHECK(file.error().message == "Unable to parse config file: /x/config (line 2: empty key)");
}

TEST_CASE("LoadSharedProfile reads ~/.aws/credentials and ~/.aws/config under HOME") {
  TempDir home;
  home.Write(".aws/credentials", "[default]\naws_access_key_id = A\n");
  home.Write(".aws/config", "[default]\nregion = eu-west-1\n[profile other]\nregion = x\n");
  auto profile = Load({{"HOME", home.path().string()}});
  CHECK(profile.name == "default");
  CHECK(profile.credentials_path == (home.path() / ".aws/credentials").string());
  CHECK(profile.config_path == (home.path() / ".aws/config").string());
  REQUIRE(profile.credentials_file.has_value());
  CHECK(profile.credentials_file->at("aws_access_key_id") == "A");
  CHECK(profile.ConfigValue("region") == "eu-west-1");
}

TEST_CASE("LoadSharedProfile takes the profile from AWS_PROFILE, and an explicit one over it") {
  TempDir home;
  home.Write(".aws/config",
             "[default]\nregion = r0\n[profile p1]\nregion = r1\n[profile p2]\nregion = r2\n");
  Vars vars{{"HOME", home.path().string()}, {"AWS_PROFILE", "p1"}};
  CHECK(Load(vars).name == "p1");
  CHECK(Load(vars).ConfigValue("region") == "r1");
  CHECK_FALSE(Load(vars).chosen);  // AWS_PROFILE leaves the environment's keys in the chain
  CHECK(Load(vars, "p2").ConfigValue("region") == "r2");
  CHECK(Load(vars, "p2").chosen);
}

TEST_CASE("LoadSharedProfile honours AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE with ~") {
  TempDir home;
  home.Write("elsewhere/creds", "[default]\naws_access_key_id = B\n");
  home.Write("elsewhere/conf", "[default]\nregion = ap-south-1\n");
  home.Write(".aws/config", "[default]\nregion = ignored\n");
  auto profile = Load({{"HOME", home.path().string()},
                       {"AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds"},
                       {"AWS_CONFIG_FILE", (home.path() / "elsewhere/conf").string()}});
  CHECK(profile.credentials_path == (home.path() / "elsewhere/creds").string());
  CHECK(profile.credentials_file->at("aws_access_key_id") == "B");
  CHECK(profile.ConfigValue("region") == "ap-south-1");
}

TEST_CASE("LoadSharedProfile reads [profile x] from config but [x] from credentials") {
  TempDir home;
  home.Write(".aws/credentials", "[dev]\naws_access_key_id = C\n[profile dev]\nx = wrong\n");
  home.Write(".aws/config", "[dev]\nregion = wrong\n[profile  dev]\nregion = right\n");
  auto profile = Load({{"HOME", home.path().string()}}, "dev");
  CHECK(profile.credentials_file->at("aws_access_key_id") == "C");
  CHECK(profile.credentials_file->count("x") == 0);
  CHECK(profile.ConfigValue("region") == "right");
}

TEST_CASE("LoadSharedProfile prefers [profile default] over [default] in the config file") {
  TempDir home;
  home.Write(".aws/config", "[profile default]\nregion = a\n[default]\nregion = b\n");
  CHECK(Load({{"HOME", home.path().string()}}).ConfigValue("region") == "a");
}

TEST_CASE("LoadSharedProfile treats missing files and a missing HOME as empty") {
  TempDir home;
  auto profile = Load({{"HOME", home.path().string()}});
  CHECK_FALSE(profile.credentials_file.has_value());
  CHECK_FALSE(profile.config_file.has_value());
  auto no_home = Load({});
  CHECK(no_home.credentials_path.empty());
  CHECK(no_home.config_path.empty());
  CHECK_FALSE(no_home.ConfigValue("region").has_value());
}

TEST_CASE("LoadSharedProfile fails for a named profile that neither file has") {
  TempDir home;
  home.Write(".aws/config", "[default]\nregion = a\n");
  auto loaded = kms::LoadSharedProfile(FixedEnvironment({{"HOME", home.path().string()}}), "nope");
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().code == ErrorCode::kValidation);
  CHECK(loaded.error().message == "The config profile (nope) could not be found");
}

TEST_CASE("LoadSharedProfile reports a malformed config file with its path") {
  TempDir home;
  std::string path = home.Write(".aws/config", "[default]\nregion\n");
  auto loaded = kms::LoadSharedProfile(FixedEnvironment({{"HOME", home.path().string()}}), "");
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().message ==
        "Unable to parse config file: " + path + " (line 2: expected key = value)");
}

TEST_CASE("LoadSharedProfile treats a path it cannot read as a file as empty, as botocore") {
  TempDir home;
  std::filesystem::create_directories(home.path() / ".aws/credentials");  // a directory
  home.Write(".aws/config", "[default]\nregion = r\n");
  auto loaded = kms::LoadSharedProfile(FixedEnvironment({{"HOME", home.path().string()}}), "");
  REQUIRE(loaded.has_value());
  CHECK_FALSE(loaded->credentials_file.has_value());
  CHECK(loaded->ConfigValue("region") == "r");  // the other file is still read
}

TEST_CASE("LoadSharedProfile reads /dev/null as an empty file, as botocore does") {
  auto profile =
      Load({{"AWS_CONFIG_FILE", "/dev/null"}, {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}});
  CHECK_FALSE(profile.credentials_file.has_value());
  CHECK_FALSE(profile.config_file.has_value());
  CHECK(profile.config_path == "/dev/null");
}

// ---------------------------------------------------------------------------------------------

namespace {

kms::SharedProfile ProfileWith(std::optional<kms::ProfileSettings> credentials_file,
                               std::optional<kms::ProfileSettings> config_file) {
  kms::SharedProfile p;
  p.name = "default";
  p.credentials_path = "/home/u/.aws/credentials";
  p.credentials_file = std::move(credentials_file);
  p.config_file = std::move(config_file);
  return p;
}

const kms::ProfileSettings kFileKeys{{"aws_access_key_id", "FILEID"},
                                     {"aws_secret_access_key", "FILESECRET"},
                                     {"aws_session_token", "FILETOKEN"}};
const kms::ProfileSettings kConfigKeys{{"aws_access_key_id", "CONFID"},
                                       {"aws_secret_access_key", "CONFSECRET"}};
const Vars kEnvKeys{{"AWS_ACCESS_KEY_ID", "ENVID"},
                    {"AWS_SECRET_ACCESS_KEY", "ENVSECRET"},
                    {"AWS_SESSION_TOKEN", "ENVTOKEN"}};

}  // namespace

TEST_CASE("ResolveCredentials takes explicit credentials first") {
  kms::Credentials explicit_credentials{"EXPID", "EXPSECRET", ""};
  auto r = kms::ResolveCredentials(explicit_credentials, FixedEnvironment(kEnvKeys),
                                   ProfileWith(kFileKeys, kConfigKeys));
  REQUIRE(r.has_value());
  CHECK(r->source == kms::kCredentialsExplicit);
  CHECK(r->credentials.access_key_id == "EXPID");
  CHECK(r->credentials.secret_access_key == "EXPSECRET");
  CHECK(r->credentials.session_token == "");
}

TEST_CASE("ResolveCredentials takes the environment, with its session token, over the files") {
  auto r = kms::ResolveCredentials(std::nullopt, FixedEnvironment(kEnvKeys),
                                   ProfileWith(kFileKeys, kConfigKeys));
  REQUIRE(r.has_value());
  CHECK(r->source == kms::kCredentialsEnvironment);
  CHECK(r->credentials.access_key_id == "ENVID");
  CHECK(r->credentials.secret_access_key == "ENVSECRET");
  CHECK(r->credentials.session_token == "ENVTOKEN");
}

TEST_CASE("A profile the caller chose beats the environment's keys, as botocore's --profile") {
  auto chosen = ProfileWith(kFileKeys, kConfigKeys);
  chosen.chosen = true;
  auto r = kms::ResolveCredentials(std::nullopt, FixedEnvironment(kEnvKeys), chosen);
  REQUIRE(r.has_value());
  CHECK(r->source == kms::kCredentialsSharedFile);
  CHECK(r->credentials.access_key_id == "FILEID");
  // Without keys in the chosen profile, the environment's are still not used.
  auto empty = ProfileWith(std::nullopt, std::nullopt);
  empty.chosen = true;
  auto none = kms::ResolveCredentials(std::nullopt, FixedEnvironment(kEnvKeys), empty);
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().message.starts_with("Unable to locate credentials"));
  // Explicit credentials still come first.
  auto explicit_first = kms::ResolveCredentials(kms::Credentials{"EXPID", "EXPSECRET", ""},
                                                FixedEnvironment(kEnvKeys), chosen);
  REQUIRE(explicit_first.has_value());
  CHECK(explicit_first->source == kms::kCredentialsExplicit);
}

TEST_CASE(
    "Profiles with credential sources this SDK lacks are refused by name, in botocore's order") {
  kms::ProfileSettings role = kFileKeys;
  role["role_arn"] = "arn:aws:iam::111122223333:role/r";
  auto assume =
      kms::ResolveCredentials(std::nullopt, FixedEnvironment({}), ProfileWith(role, std::nullopt));
  REQUIRE_FALSE(assume.has_value());
  CHECK(assume.error().message ==
        "The profile (default) sets role_arn, a credential source this SDK does not support; give "
        "it aws_access_key_id and aws_secret_access_key, or set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY");
  // The environment's keys still come first (unless the profile was chosen).
  auto env = kms::ResolveCredentials(std::nullopt, FixedEnvironment(kEnvKeys),
                                     ProfileWith(role, std::nullopt));
  REQUIRE(env.has_value());
  CHECK(env->source == kms::kCredentialsEnvironment);
  // SSO in the config file is refused before the credentials file's keys are used.
  auto sso = kms::ResolveCredentials(
      std::nullopt, FixedEnvironment({}),
      ProfileWith(kFileKeys, kms::ProfileSettings{{"sso_session", "corp"}}));
  REQUIRE_FALSE(sso.has_value());
  CHECK(sso.error().message.starts_with("The profile (default) sets sso_session, "));
  // credential_process comes after the credentials file and before the config file.
  kms::ProfileSettings process = kConfigKeys;
  process["credential_process"] = "/bin/creds";
  auto file_first =
      kms::ResolveCredentials(std::nullopt, FixedEnvironment({}), ProfileWith(kFileKeys, process));
  REQUIRE(file_first.has_value());
  CHECK(file_first->source == kms::kCredentialsSharedFile);
  auto refused = kms::ResolveCredentials(std::nullopt, FixedEnvironment({}),
                                         ProfileWith(std::nullopt, process));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.starts_with("The profile (default) sets credential_process, "));
}

TEST_CASE("The legacy security-token names are read first, as botocore reads them") {
  auto env = kms::ResolveCredentials(std::nullopt,
                                     FixedEnvironment({{"AWS_ACCESS_KEY_ID", "ENVID"},
                                                       {"AWS_SECRET_ACCESS_KEY", "ENVSECRET"},
                                                       {"AWS_SECURITY_TOKEN", "LEGACY"},
                                                       {"AWS_SESSION_TOKEN", "CURRENT"}}),
                                     ProfileWith(std::nullopt, std::nullopt));
  REQUIRE(env.has_value());
  CHECK(env->credentials.session_token == "LEGACY");
  kms::ProfileSettings legacy{{"aws_access_key_id", "FILEID"},
                              {"aws_secret_access_key", "FILESECRET"},
                              {"aws_security_token", "FILELEGACY"}};
  auto file = kms::ResolveCredentials(std::nullopt, FixedEnvironment({}),
                                      ProfileWith(legacy, std::nullopt));
  REQUIRE(file.has_value());
  CHECK(file->credentials.session_token == "FILELEGACY");
}

TEST_CASE("ResolveCredentials takes the credentials file over the config file") {
  auto r = kms::ResolveCredentials(std::nullopt, FixedEnvironment({}),
                                   ProfileWith(kFileKeys, kConfigKeys));
  REQUIRE(r.has_value());
  CHECK(r->source == kms::kCredentialsSharedFile);
  CHECK(r->credentials.access_key_id == "FILEID");
  CHECK(r->credentials.secret_access_key == "FILESECRET");
  CHECK(r->credentials.session_token == "FILETOKEN");
}

TEST_CASE("ResolveCredentials falls back to the config file without a session token") {
  auto r = kms::ResolveCredentials(std::nullopt, FixedEnvironment({}),
                                   ProfileWith(kms::ProfileSettings{{"region", "x"}}, kConfigKeys));
  REQUIRE(r.has_value());
  CHECK(r->source == kms::kCredentialsConfigFile);
  CHECK(r->credentials.access_key_id == "CONFID");
  CHECK(r->credentials.session_token == "");
}

TEST_CASE("ResolveCredentials treats empty environment variables as unset") {
  auto r = kms::ResolveCredentials(
      std::nullopt, FixedEnvironment({{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}}),
      ProfileWith(kFileKeys, std::nullopt));
  REQUIRE(r.has_value());
  CHECK(r->source == kms::kCredentialsSharedFile);
}

TEST_CASE("ResolveCredentials rejects an environment with only one key") {
  auto only_id = kms::ResolveCredentials(
      std::nullopt, FixedEnvironment({{"AWS_ACCESS_KEY_ID", "X"}}), ProfileWith(kFileKeys, {}));
  REQUIRE_FALSE(only_id.has_value());
  CHECK(only_id.error().code == ErrorCode::kValidation);
  CHECK(only_id.error().message ==
        "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY");
  auto only_secret = kms::ResolveCredentials(
      std::nullopt, FixedEnvironment({{"AWS_SECRET_ACCESS_KEY", "X"}}), ProfileWith({}, {}));
  REQUIRE_FALSE(only_secret.has_value());
  CHECK(only_secret.error().message ==
        "Partial credentials found in env, missing: AWS_ACCESS_KEY_ID");
}

TEST_CASE("ResolveCredentials rejects a profile with only one key") {
  auto r = kms::ResolveCredentials(
      std::nullopt, FixedEnvironment({}),
      ProfileWith(kms::ProfileSettings{{"aws_access_key_id", "X"}}, kConfigKeys));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message ==
        "Partial credentials found in shared-credentials-file, missing: aws_secret_access_key");
  auto config_only = kms::ResolveCredentials(
      std::nullopt, FixedEnvironment({}),
      ProfileWith({}, kms::ProfileSettings{{"aws_secret_access_key", "X"}}));
  REQUIRE_FALSE(config_only.has_value());
  CHECK(config_only.error().message ==
        "Partial credentials found in config-file, missing: aws_access_key_id");
}

TEST_CASE("ResolveCredentials rejects explicit credentials missing a key") {
  auto r = kms::ResolveCredentials(kms::Credentials{"ID", "", ""}, FixedEnvironment(kEnvKeys),
                                   ProfileWith({}, {}));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message == "Partial credentials found in explicit, missing: secret_access_key");
  auto no_id = kms::ResolveCredentials(kms::Credentials{"", "S", ""}, FixedEnvironment({}),
                                       ProfileWith({}, {}));
  REQUIRE_FALSE(no_id.has_value());
  CHECK(no_id.error().message == "Partial credentials found in explicit, missing: access_key_id");
}

TEST_CASE("ResolveCredentials says where it looked when nothing is found") {
  auto r = kms::ResolveCredentials(std::nullopt, FixedEnvironment({}), ProfileWith({}, {}));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kValidation);
  CHECK(r.error().http_status == 0);
  CHECK(r.error().message ==
        "Unable to locate credentials. Set ClientConfig::credentials, the environment variables "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or aws_access_key_id and "
        "aws_secret_access_key in the profile (default) of /home/u/.aws/credentials");
}

TEST_CASE("ProcessEnvironment reads the real environment") {
  ::setenv("KMS_SDK_TEST_VARIABLE", "value", 1);
  auto env = kms::ProcessEnvironment();
  CHECK(env("KMS_SDK_TEST_VARIABLE") == "value");
  ::unsetenv("KMS_SDK_TEST_VARIABLE");
  CHECK_FALSE(env("KMS_SDK_TEST_VARIABLE").has_value());
}
