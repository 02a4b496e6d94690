// Tests for client configuration resolution (DESIGN §2) and endpoint URL parsing.
#include <doctest/doctest.h>

#include <kms/client.hpp>

#include "client/temp_dir.hpp"

using kms::ErrorCode;
using kms::test::TempDir;

namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

// A config with an injected environment whose HOME is `home`, plus `vars`.
kms::ClientConfig WithEnv(const TempDir& home, Vars vars) {
  vars.emplace("HOME", home.path().string());
  kms::ClientConfig config;
  config.environment = kms::FixedEnvironment(std::move(vars));
  return config;
}

const Vars kKeys{{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "SECRET"}};

Vars KeysAnd(Vars more) {
  more.insert(kKeys.begin(), kKeys.end());
  return more;
}

kms::ResolvedClientConfig Resolve(const kms::ClientConfig& config) {
  auto resolved = kms::ResolveClientConfig(config);
  REQUIRE_MESSAGE(resolved.has_value(), (resolved ? "" : resolved.error().message));
  return *resolved;
}

}  // namespace

TEST_CASE("Region comes from the config, then AWS_REGION, AWS_DEFAULT_REGION, the profile") {
  TempDir home;
  home.Write(".aws/config", "[default]\nregion = from-profile\n");
  auto config = WithEnv(
      home, KeysAnd({{"AWS_REGION", "from-region"}, {"AWS_DEFAULT_REGION", "from-default"}}));
  config.region = "from-config";
  CHECK(Resolve(config).region == "from-config");
  config.region.reset();
  CHECK(Resolve(config).region == "from-region");
  config.environment = WithEnv(home, KeysAnd({{"AWS_DEFAULT_REGION", "from-default"}})).environment;
  CHECK(Resolve(config).region == "from-default");
  config.environment = WithEnv(home, KeysAnd({{"AWS_REGION", ""}})).environment;
  CHECK(Resolve(config).region == "from-profile");
}

TEST_CASE("Region is read from the profile named by AWS_PROFILE") {
  TempDir home;
  home.Write(".aws/config",
             "[default]\nregion = r-default\naws_access_key_id = PROFILEID\n"
             "aws_secret_access_key = PROFILESECRET\n[profile dev]\nregion = r-dev\n");
  auto config = WithEnv(home, KeysAnd({{"AWS_PROFILE", "dev"}}));
  auto resolved = Resolve(config);
  CHECK(resolved.profile == "dev");
  CHECK(resolved.region == "r-dev");
  CHECK(resolved.credentials.access_key_id == "AKID");  // AWS_PROFILE keeps the env's keys
  config.profile = "default";
  auto chosen = Resolve(config);
  CHECK(chosen.region == "r-default");
  // A profile named in the config (like --profile) takes its own keys over the environment's.
  CHECK(chosen.credentials.access_key_id == "PROFILEID");
}

TEST_CASE("A missing region is an error that says where to set it") {
  TempDir home;
  auto resolved = kms::ResolveClientConfig(WithEnv(home, kKeys));
  REQUIRE_FALSE(resolved.has_value());
  CHECK(resolved.error().code == ErrorCode::kValidation);
  CHECK(resolved.error().http_status == 0);
  CHECK(resolved.error().message ==
        "You must specify a region. Set ClientConfig::region, AWS_REGION, AWS_DEFAULT_REGION, "
        "or region in the profile (default) of the config file");
}

TEST_CASE("A region that is not a host label is rejected") {
  TempDir home;
  auto config = WithEnv(home, KeysAnd({{"AWS_REGION", "us east/1"}}));
  auto resolved = kms::ResolveClientConfig(config);
  REQUIRE_FALSE(resolved.has_value());
  CHECK(resolved.error().message ==
        "Provided region_name 'us east/1' doesn't match a supported format.");
}

TEST_CASE("Endpoint comes from the config, then AWS_ENDPOINT_URL_KMS, then AWS_ENDPOINT_URL") {
  TempDir home;
  auto config = WithEnv(home, KeysAnd({{"AWS_REGION", "eu-west-1"},
                                       {"AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:4599"},
                                       {"AWS_ENDPOINT_URL", "http://localhost:1"}}));
  config.endpoint_url = "https://kms.example.com:8443/base";
  auto explicit_endpoint = Resolve(config).endpoint;
  CHECK(explicit_endpoint.Url() == "https://kms.example.com:8443/base");
  CHECK(explicit_endpoint.path == "/base");
  config.endpoint_url.reset();
  CHECK(Resolve(config).endpoint.Url() == "http://127.0.0.1:4599/");
  config.environment =
      WithEnv(home,
              KeysAnd({{"AWS_REGION", "eu-west-1"}, {"AWS_ENDPOINT_URL", "http://localhost:1"}}))
          .environment;
  CHECK(Resolve(config).endpoint.Url() == "http://localhost:1/");
}

TEST_CASE("Endpoints configured in the profile come after the environment, as botocore's") {
  TempDir home;
  home.Write(".aws/config",
             "[default]\nregion = eu-west-1\nendpoint_url = http://localhost:3\n"
             "services = local\n[services local]\nkms =\n  endpoint_url = http://localhost:2\n"
             "[profile plain]\nregion = eu-west-1\nendpoint_url = http://localhost:4\n"
             "[profile ignoring]\nregion = eu-west-1\nendpoint_url = http://localhost:4\n"
             "ignore_configured_endpoint_urls = true\n");
  auto config = WithEnv(home, KeysAnd({{"AWS_ENDPOINT_URL", "http://localhost:1"}}));
  CHECK(Resolve(config).endpoint.Url() == "http://localhost:1/");
  config = WithEnv(home, kKeys);
  CHECK(Resolve(config).endpoint.Url() == "http://localhost:2/");  // services kms first
  config = WithEnv(home, KeysAnd({{"AWS_PROFILE", "plain"}}));
  CHECK(Resolve(config).endpoint.Url() == "http://localhost:4/");
  // Ignoring configured endpoints: the environment's and the files' are all skipped...
  config = WithEnv(
      home, KeysAnd({{"AWS_PROFILE", "ignoring"}, {"AWS_ENDPOINT_URL_KMS", "http://localhost:5"}}));
  CHECK(Resolve(config).endpoint.Url() == "https://kms.eu-west-1.amazonaws.com/");
  config = WithEnv(home, KeysAnd({{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"},
                                  {"AWS_ENDPOINT_URL", "http://localhost:1"}}));
  CHECK(Resolve(config).endpoint.Url() == "https://kms.eu-west-1.amazonaws.com/");
  // ...but not one set in the code, and "false" in the environment beats the profile's true.
  config.endpoint_url = "http://localhost:6";
  CHECK(Resolve(config).endpoint.Url() == "http://localhost:6/");
  config = WithEnv(home, KeysAnd({{"AWS_PROFILE", "ignoring"},
                                  {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"}}));
  CHECK(Resolve(config).endpoint.Url() == "http://localhost:4/");
}

TEST_CASE("The default endpoint is the regional AWS one") {
  TempDir home;
  auto resolved = Resolve(WithEnv(home, KeysAnd({{"AWS_REGION", "eu-central-1"}})));
  CHECK(resolved.endpoint.scheme == "https");
  CHECK(resolved.endpoint.host == "kms.eu-central-1.amazonaws.com");
  CHECK(resolved.endpoint.port == 443);
  CHECK(resolved.endpoint.Url() == "https://kms.eu-central-1.amazonaws.com/");
  CHECK(Resolve(WithEnv(home, KeysAnd({{"AWS_REGION", "cn-north-1"}}))).endpoint.host ==
        "kms.cn-north-1.amazonaws.com.cn");
}

TEST_CASE("Partitions, FIPS and dual-stack endpoints are built as botocore builds them") {
  // Expected hosts printed by botocore (create_client('kms', ...).meta.endpoint_url).
  struct Case {
    const char* region;
    const char* plain;
    const char* fips;
    const char* dual_stack;
    const char* both;
  };
  const Case cases[] = {
      {"us-east-1", "kms.us-east-1.amazonaws.com", "kms-fips.us-east-1.amazonaws.com",
       "kms.us-east-1.api.aws", "kms-fips.us-east-1.api.aws"},
      {"cn-north-1", "kms.cn-north-1.amazonaws.com.cn", "kms-fips.cn-north-1.amazonaws.com.cn",
       "kms.cn-north-1.api.amazonwebservices.com.cn",
       "kms-fips.cn-north-1.api.amazonwebservices.com.cn"},
      {"us-gov-west-1", "kms.us-gov-west-1.amazonaws.com", "kms-fips.us-gov-west-1.amazonaws.com",
       "kms.us-gov-west-1.api.aws", "kms-fips.us-gov-west-1.api.aws"},
      {"us-iso-east-1", "kms.us-iso-east-1.c2s.ic.gov", "kms-fips.us-iso-east-1.c2s.ic.gov",
       "kms.us-iso-east-1.api.aws", "kms-fips.us-iso-east-1.api.aws"},
      {"us-isob-east-1", "kms.us-isob-east-1.sc2s.sgov.gov",
       "kms-fips.us-isob-east-1.sc2s.sgov.gov", "kms.us-isob-east-1.api.aws",
       "kms-fips.us-isob-east-1.api.aws"},
      {"eu-isoe-west-1", "kms.eu-isoe-west-1.cloud.adc-e.uk",
       "kms-fips.eu-isoe-west-1.cloud.adc-e.uk", nullptr, nullptr},
      {"us-isof-south-1", "kms.us-isof-south-1.csp.hci.ic.gov",
       "kms-fips.us-isof-south-1.csp.hci.ic.gov", nullptr, nullptr},
      {"eusc-de-east-1", "kms.eusc-de-east-1.amazonaws.eu", "kms-fips.eusc-de-east-1.amazonaws.eu",
       "kms.eusc-de-east-1.api.amazonwebservices.eu",
       "kms-fips.eusc-de-east-1.api.amazonwebservices.eu"},
  };
  TempDir home;
  for (const Case& c : cases) {
    CAPTURE(c.region);
    auto with = [&](const char* fips, const char* dual) {
      return kms::ResolveClientConfig(
          WithEnv(home, KeysAnd({{"AWS_REGION", c.region},
                                 {"AWS_USE_FIPS_ENDPOINT", fips},
                                 {"AWS_USE_DUALSTACK_ENDPOINT", dual}})));
    };
    CHECK(with("false", "false")->endpoint.host == c.plain);
    CHECK(with("true", "false")->endpoint.host == c.fips);
    if (c.dual_stack == nullptr) {
      auto refused = with("false", "true");
      REQUIRE_FALSE(refused.has_value());
      CHECK(refused.error().message ==
            std::string("Dual-stack endpoints are not available in the partition of region ") +
                c.region);
      continue;
    }
    CHECK(with("false", "TRUE")->endpoint.host == c.dual_stack);
    CHECK(with("true", "true")->endpoint.host == c.both);
  }
  // The profile's use_fips_endpoint works too; an endpoint URL set anywhere wins.
  home.Write(".aws/config", "[default]\nuse_fips_endpoint = true\n");
  auto fips = WithEnv(home, KeysAnd({{"AWS_REGION", "us-west-2"}}));
  CHECK(Resolve(fips).endpoint.host == "kms-fips.us-west-2.amazonaws.com");
  fips.endpoint_url = "http://127.0.0.1:4599";
  CHECK(Resolve(fips).endpoint.host == "127.0.0.1");
}

TEST_CASE("A malformed endpoint URL is an error") {
  TempDir home;
  auto config = WithEnv(home, KeysAnd({{"AWS_REGION", "us-east-1"}}));
  config.endpoint_url = "ftp://example.com";
  auto resolved = kms::ResolveClientConfig(config);
  REQUIRE_FALSE(resolved.has_value());
  CHECK(resolved.error().code == ErrorCode::kValidation);
  CHECK(resolved.error().message ==
        "Invalid endpoint URL: ftp://example.com (scheme must be http or https)");
}

TEST_CASE("Credentials follow the chain: explicit, environment, credentials file, config file") {
  TempDir home;
  home.Write(".aws/credentials",
             "[default]\naws_access_key_id = F\naws_secret_access_key = FS\n"
             "aws_session_token = FT\n");
  home.Write(".aws/config",
             "[default]\nregion = us-east-1\n"
             "aws_access_key_id = C\naws_secret_access_key = CS\n");
  auto config = WithEnv(
      home,
      {{"AWS_ACCESS_KEY_ID", "E"}, {"AWS_SECRET_ACCESS_KEY", "ES"}, {"AWS_SESSION_TOKEN", "ET"}});
  config.credentials = kms::Credentials{"X", "XS", ""};
  auto explicit_creds = Resolve(config);
  CHECK(explicit_creds.credentials_source == kms::kCredentialsExplicit);
  CHECK(explicit_creds.credentials.access_key_id == "X");
  config.credentials.reset();
  auto env_creds = Resolve(config);
  CHECK(env_creds.credentials_source == kms::kCredentialsEnvironment);
  CHECK(env_creds.credentials.access_key_id == "E");
  CHECK(env_creds.credentials.session_token == "ET");
  config.environment = WithEnv(home, {}).environment;
  auto file_creds = Resolve(config);
  CHECK(file_creds.credentials_source == kms::kCredentialsSharedFile);
  CHECK(file_creds.credentials.access_key_id == "F");
  CHECK(file_creds.credentials.secret_access_key == "FS");
  CHECK(file_creds.credentials.session_token == "FT");
  home.Write(".aws/credentials", "");
  auto config_creds = Resolve(config);
  CHECK(config_creds.credentials_source == kms::kCredentialsConfigFile);
  CHECK(config_creds.credentials.access_key_id == "C");
  CHECK(config_creds.credentials.session_token == "");
}

TEST_CASE("A profile's credentials come from its own sections of both files") {
  TempDir home;
  home.Write(".aws/credentials",
             "[default]\naws_access_key_id = D\naws_secret_access_key = DS\n"
             "[ci]\naws_access_key_id = CI\naws_secret_access_key = CIS\n");
  home.Write(".aws/config", "[profile ci]\nregion = us-west-2\n");
  auto config = WithEnv(home, {{"AWS_PROFILE", "ci"}});
  auto resolved = Resolve(config);
  CHECK(resolved.region == "us-west-2");
  CHECK(resolved.credentials.access_key_id == "CI");
  CHECK(resolved.credentials.secret_access_key == "CIS");
}

TEST_CASE("No credentials anywhere is an error") {
  TempDir home;
  auto config = WithEnv(home, {{"AWS_REGION", "us-east-1"}});
  auto resolved = kms::ResolveClientConfig(config);
  REQUIRE_FALSE(resolved.has_value());
  CHECK(resolved.error().code == ErrorCode::kValidation);
  CHECK(resolved.error().message.rfind("Unable to locate credentials.", 0) == 0);
}

TEST_CASE("An unknown profile is an error even when everything else is explicit") {
  TempDir home;
  auto config = WithEnv(home, {});
  config.region = "us-east-1";
  config.credentials = kms::Credentials{"A", "B", ""};
  config.profile = "ghost";
  auto resolved = kms::ResolveClientConfig(config);
  REQUIRE_FALSE(resolved.has_value());
  CHECK(resolved.error().message == "The config profile (ghost) could not be found");
}

TEST_CASE("CA bundle comes from the config, then AWS_CA_BUNDLE, then the profile") {
  TempDir home;
  home.Write(".aws/config", "[default]\nregion = us-east-1\nca_bundle = ~/profile.pem\n");
  auto config = WithEnv(home, KeysAnd({{"AWS_CA_BUNDLE", "/env.pem"}}));
  config.ca_bundle = "/config.pem";
  CHECK(Resolve(config).ca_bundle == "/config.pem");
  config.ca_bundle.reset();
  CHECK(Resolve(config).ca_bundle == "/env.pem");
  config.environment = WithEnv(home, kKeys).environment;
  CHECK(Resolve(config).ca_bundle == (home.path() / "profile.pem").string());
  home.Write(".aws/config", "[default]\nregion = us-east-1\n");
  CHECK_FALSE(Resolve(config).ca_bundle.has_value());
}

TEST_CASE("Max attempts come from the config, then AWS_MAX_ATTEMPTS, the profile, else 3") {
  TempDir home;
  home.Write(".aws/config", "[default]\nregion = us-east-1\nmax_attempts = 7\n");
  auto config = WithEnv(home, KeysAnd({{"AWS_MAX_ATTEMPTS", "5"}}));
  config.retry.max_attempts = 2;
  CHECK(Resolve(config).max_attempts == 2);
  config.retry.max_attempts.reset();
  CHECK(Resolve(config).max_attempts == 5);
  config.environment = WithEnv(home, kKeys).environment;
  CHECK(Resolve(config).max_attempts == 7);
  home.Write(".aws/config", "[default]\nregion = us-east-1\n");
  CHECK(Resolve(config).max_attempts == 3);
}

TEST_CASE("Max attempts must be a positive integer") {
  TempDir home;
  auto config = WithEnv(home, KeysAnd({{"AWS_REGION", "us-east-1"}, {"AWS_MAX_ATTEMPTS", "3x"}}));
  auto bad_env = kms::ResolveClientConfig(config);
  REQUIRE_FALSE(bad_env.has_value());
  CHECK(bad_env.error().message == "Invalid max_attempts '3x': expected a positive integer");
  config.retry.max_attempts = 0;
  auto zero = kms::ResolveClientConfig(config);
  REQUIRE_FALSE(zero.has_value());
  CHECK(zero.error().message == "Invalid max_attempts '0': expected a positive integer");
}

// ---------------------------------------------------------------------------------------------

TEST_CASE("ParseEndpoint splits scheme, host, port and path") {
  auto e = kms::ParseEndpoint("HTTP://127.0.0.1:4599");
  REQUIRE(e.has_value());
  CHECK(e->scheme == "http");
  CHECK(e->host == "127.0.0.1");
  CHECK(e->port == 4599);
  CHECK(e->path == "/");
  CHECK(e->HostHeader() == "127.0.0.1:4599");
  auto v6 = kms::ParseEndpoint("https://[::1]:8443/kms");
  REQUIRE(v6.has_value());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8443);
  CHECK(v6->path == "/kms");
  CHECK(v6->HostHeader() == "[::1]:8443");
  CHECK(v6->Url() == "https://[::1]:8443/kms");
}

TEST_CASE("ParseEndpoint leaves default ports out of the Host header") {
  auto https = kms::ParseEndpoint("https://kms.us-east-1.amazonaws.com");
  REQUIRE(https.has_value());
  CHECK(https->port == 443);
  CHECK(https->HostHeader() == "kms.us-east-1.amazonaws.com");
  auto http = kms::ParseEndpoint("http://localhost");
  REQUIRE(http.has_value());
  CHECK(http->port == 80);
  CHECK(http->HostHeader() == "localhost");
  auto explicit_default = kms::ParseEndpoint("http://localhost:80");
  CHECK(explicit_default->HostHeader() == "localhost");
}

TEST_CASE("ParseEndpoint rejects malformed URLs with the reason") {
  const std::pair<const char*, const char*> cases[] = {
      {"127.0.0.1:4599", "expected scheme://host"},
      {"ftp://h", "scheme must be http or https"},
      {"http://", "missing host"},
      {"http://h:", "empty port"},
      {"http://h:0", "invalid port"},
      {"http://h:65536", "invalid port"},
      {"http://h:12ab", "invalid port"},
      {"http://[::1", "unterminated IPv6 address"},
      {"http://[::1]x", "unexpected text after the IPv6 address"},
      {"http://[::1]:", "empty port"},
      {"http://u@h", "user info is not allowed"},
      {"http://h/?q=1", "query and fragment are not allowed"},
      {"http://h#f", "query and fragment are not allowed"},
      {"http://h b", "invalid character in host"},
  };
  for (const auto& [url, why] : cases) {
    CAPTURE(url);
    auto e = kms::ParseEndpoint(url);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == ErrorCode::kValidation);
    CHECK(e.error().message == std::string("Invalid endpoint URL: ") + url + " (" + why + ")");
  }
}
