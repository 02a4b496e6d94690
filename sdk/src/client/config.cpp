// Client configuration resolution: region, endpoint, credentials, CA bundle, max attempts.
#include <cctype>
#include <charconv>
#include <kms/client.hpp>

namespace kms {
namespace {

std::optional<std::string> NonEmpty(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  return value;
}

std::optional<std::string> FirstOf(std::initializer_list<std::optional<std::string>> values) {
  for (const auto& v : values) {
    if (auto set = NonEmpty(v)) return set;
  }
  return std::nullopt;
}

// botocore validate_region_name: a DNS label, ^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$.
bool ValidRegion(std::string_view r) {
  if (r.empty() || r.size() > 63 || r.front() == '-' || r.back() == '-') return false;
  for (char c : r) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> ResolveRegion(const ClientConfig& config, const Environment& env,
                                  const SharedProfile& profile) {
  auto region = FirstOf(
      {config.region, env("AWS_REGION"), env("AWS_DEFAULT_REGION"), profile.ConfigValue("region")});
  if (!region) {
    return MakeError(ErrorCode::kValidation,
                     "You must specify a region. Set ClientConfig::region, AWS_REGION, "
                     "AWS_DEFAULT_REGION, or region in the profile (" +
                         profile.name + ") of the config file");
  }
  if (!ValidRegion(*region)) {
    return MakeError(ErrorCode::kValidation,
                     "Provided region_name '" + *region + "' doesn't match a supported format.");
  }
  return *region;
}

// The DNS suffixes of `region`'s partition (botocore's partitions.json): the regular one and
// the dual-stack one ("" when the partition has none).
struct Partition {
  std::string_view prefix;  // region name prefix
  std::string_view dns;
  std::string_view dual_stack;
};
constexpr Partition kPartitions[] = {
    {"cn-", "amazonaws.com.cn", "api.amazonwebservices.com.cn"},
    {"us-isob-", "sc2s.sgov.gov", "api.aws"},
    {"us-isof-", "csp.hci.ic.gov", ""},
    {"us-iso-", "c2s.ic.gov", "api.aws"},
    {"eu-isoe-", "cloud.adc-e.uk", ""},
    {"eusc-", "amazonaws.eu", "api.amazonwebservices.eu"},
};

// A true/false setting: the variable `var`, else the profile's `setting` (case-insensitive).
bool Flag(const Environment& env, const SharedProfile& profile, std::string_view var,
          std::string_view setting) {
  auto value = FirstOf({env(var), profile.ConfigValue(setting)});
  if (!value) return false;
  std::string lower = *value;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "true";
}

// The public KMS endpoint of `region`, as botocore builds it: kms-fips. with
// AWS_USE_FIPS_ENDPOINT (use_fips_endpoint), the dual-stack suffix with
// AWS_USE_DUALSTACK_ENDPOINT (use_dualstack_endpoint).
Result<std::string> DefaultEndpoint(const std::string& region, const Environment& env,
                                    const SharedProfile& profile) {
  bool fips = Flag(env, profile, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
  bool dual_stack = Flag(env, profile, "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
  Partition partition{"", "amazonaws.com", "api.aws"};
  for (const Partition& p : kPartitions) {
    if (region.starts_with(p.prefix)) {
      partition = p;
      break;
    }
  }
  if (dual_stack && partition.dual_stack.empty()) {
    return MakeError(ErrorCode::kValidation,
                     "Dual-stack endpoints are not available in the partition of region " + region);
  }
  return std::string("https://kms") + (fips ? "-fips." : ".") + region + "." +
         std::string(dual_stack ? partition.dual_stack : partition.dns);
}

Result<int> ResolveMaxAttempts(const ClientConfig& config, const Environment& env,
                               const SharedProfile& profile) {
  if (config.retry.max_attempts) {
    if (*config.retry.max_attempts < 1) {
      return MakeError(ErrorCode::kValidation, "Invalid max_attempts '" +
                                                   std::to_string(*config.retry.max_attempts) +
                                                   "': expected a positive integer");
    }
    return *config.retry.max_attempts;
  }
  auto text = FirstOf({env("AWS_MAX_ATTEMPTS"), profile.ConfigValue("max_attempts")});
  if (!text) return 3;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 1) {
    return MakeError(ErrorCode::kValidation,
                     "Invalid max_attempts '" + *text + "': expected a positive integer");
  }
  return value;
}

// botocore's configured endpoints: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, `kms = endpoint_url`
// in the profile's services section, the profile's endpoint_url; all skipped when
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (else the profile's ignore_configured_endpoint_urls) is
// true. An endpoint_url set in the code always wins. nullopt: the region's default.
std::optional<std::string> ResolveEndpointUrl(const ClientConfig& config, const Environment& env,
                                              const SharedProfile& profile) {
  if (auto url = NonEmpty(config.endpoint_url)) return url;
  if (Flag(env, profile, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
           "ignore_configured_endpoint_urls")) {
    return std::nullopt;
  }
  return FirstOf({env("AWS_ENDPOINT_URL_KMS"), env("AWS_ENDPOINT_URL"),
                  profile.ServiceValue("kms", "endpoint_url"),
                  profile.ConfigValue("endpoint_url")});
}

}  // namespace

Result<ResolvedClientConfig> ResolveClientConfig(const ClientConfig& config) {
  const Environment env = config.environment ? config.environment : ProcessEnvironment();
  auto profile = LoadSharedProfile(env, config.profile.value_or(""));
  if (!profile) return profile.error();

  ResolvedClientConfig out;
  out.profile = profile->name;
  auto region = ResolveRegion(config, env, *profile);
  if (!region) return region.error();
  out.region = std::move(*region);

  auto url = ResolveEndpointUrl(config, env, *profile);
  if (!url) {
    auto standard = DefaultEndpoint(out.region, env, *profile);
    if (!standard) return standard.error();
    url = std::move(*standard);
  }
  auto endpoint = ParseEndpoint(*url);
  if (!endpoint) return endpoint.error();
  out.endpoint = std::move(*endpoint);

  auto credentials = ResolveCredentials(config.credentials, env, *profile);
  if (!credentials) return credentials.error();
  out.credentials = std::move(credentials->credentials);
  out.credentials_source = credentials->source;

  if (auto bundle =
          FirstOf({config.ca_bundle, env("AWS_CA_BUNDLE"), profile->ConfigValue("ca_bundle")})) {
    out.ca_bundle = ExpandHome(env, *bundle);
  }
  auto attempts = ResolveMaxAttempts(config, env, *profile);
  if (!attempts) return attempts.error();
  out.max_attempts = *attempts;
  return out;
}

}  // namespace kms
