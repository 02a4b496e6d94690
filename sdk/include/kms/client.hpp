// KmsClient: the AWS KMS JSON 1.1 API over HTTP(S), signed with SigV4, with the AWS
// configuration conventions (endpoint, region, credential chain) and "standard" mode retries.
#pragma once

#include <chrono>
#include <functional>
#include <kms/credentials.hpp>
#include <kms/model.hpp>
#include <kms/result.hpp>
#include <kms/transport.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kms {

inline constexpr std::string_view kUserAgent = "kms-cpp-sdk/0.1";

// AWS "standard" retry mode, as botocore implements it: a call is retried when the response is
// a throttling error (ThrottlingException, LimitExceededException and botocore's other
// throttling codes), a transient error (HTTP 500/502/503/504, RequestTimeout(Exception),
// PriorRequestNotComplete) or a transport failure; never on other 4xx errors.
// Before retry n (1-based) the client sleeps random() * min(base_delay * 2^(n-1), max_backoff)
// (exponential backoff, full jitter). A per-client retry quota (500 tokens; a retry costs 5, or
// 10 after a timeout; a success returns what its retry took, or 1) stops retry storms.
struct RetryOptions {
  // Attempts in total, first one included; nullopt: AWS_MAX_ATTEMPTS, else the profile's
  // max_attempts, else 3. 1 disables retries.
  std::optional<int> max_attempts;
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_backoff{20'000};
  bool retry_quota = true;
  // Test seams. sleep: empty = std::this_thread::sleep_for. random: uniform in [0, 1);
  // empty = a per-client PRNG. Called from the thread making the call.
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<double()> random;
};

struct ClientConfig {
  // Each unset member is resolved as ResolveClientConfig describes.
  std::optional<std::string> endpoint_url;
  std::optional<std::string> region;
  std::optional<std::string> profile;
  std::optional<Credentials> credentials;
  std::optional<std::string> ca_bundle;  // PEM file of trusted CAs for https
  bool verify_tls = true;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds read_timeout{60'000};
  RetryOptions retry;
  // Where AWS_* variables and HOME are read; empty: the process environment.
  Environment environment;
  // Sends the requests; empty: MakeHttpTransport with the TLS and timeout settings above.
  std::shared_ptr<Transport> transport;
  // The signing time; empty: system_clock::now.
  std::function<std::chrono::system_clock::time_point()> clock;
};

// The settings a client runs with, after resolution.
struct ResolvedClientConfig {
  Endpoint endpoint;
  std::string region;
  std::string profile;
  Credentials credentials;
  std::string_view credentials_source;  // kCredentials* (credentials.hpp)
  std::optional<std::string> ca_bundle;
  int max_attempts = 3;
};

// Applies the AWS conventions (DESIGN §2), first match wins:
// - region: config.region, AWS_REGION, AWS_DEFAULT_REGION, `region` of the profile in the
//   config file;
// - endpoint: config.endpoint_url, AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, `kms = endpoint_url`
//   in the profile's services section, the profile's endpoint_url (all but the first skipped
//   when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the profile's ignore_configured_endpoint_urls is
//   true), else the region's public endpoint as botocore builds it (partition DNS suffix;
//   kms-fips. with AWS_USE_FIPS_ENDPOINT / use_fips_endpoint; the dual-stack suffix with
//   AWS_USE_DUALSTACK_ENDPOINT / use_dualstack_endpoint, an error where the partition has none);
// - credentials: ResolveCredentials (explicit, environment, credentials file, config file); a
//   profile set in config.profile skips the environment's keys, as botocore's explicit profile;
// - profile: config.profile, AWS_PROFILE, "default" (LoadSharedProfile);
// - CA bundle: config.ca_bundle, AWS_CA_BUNDLE, `ca_bundle` of the profile;
// - max attempts: config.retry.max_attempts, AWS_MAX_ATTEMPTS, `max_attempts` of the profile, 3.
// Empty values (set in `config`, the environment or a file) count as unset. Errors, all kValidation
// with http_status 0: no region ("You must specify a region. ..."), a region that is not a host
// label ("Provided region_name '<r>' doesn't match a supported format."), a bad endpoint URL
// (ParseEndpoint), a max_attempts that is not a positive integer ("Invalid max_attempts '<v>':
// expected a positive integer"), and the errors of LoadSharedProfile and ResolveCredentials.
// Thread-safe if the environment is.
Result<ResolvedClientConfig> ResolveClientConfig(const ClientConfig& config);

// The transport of a client made from `config`: config.transport when set, else a new
// MakeHttpTransport with the timeouts and TLS verification of `config` and `ca_bundle` (the
// resolved one, ResolvedClientConfig::ca_bundle). Errors: MakeHttpTransport's. Thread-safe.
Result<std::shared_ptr<Transport>> MakeClientTransport(const ClientConfig& config,
                                                       const std::optional<std::string>& ca_bundle);

// An unsigned AWS JSON 1.1 call to `endpoint`: POST of `body` with the headers Host, Content-Type
// application/x-amz-json-1.1, X-Amz-Target `target` ("TrentService.Encrypt") and User-Agent
// kUserAgent. Sign it (sigv4::Sign) before each send. Pure.
HttpRequest MakeJsonRequest(const Endpoint& endpoint, std::string_view target, std::string body);

// A KMS client. Every operation method sends one JSON 1.1 request (X-Amz-Target
// TrentService.<Operation>), retrying per RetryOptions, and returns the decoded response or
// the error: the AWS error code, message, HTTP status and x-amzn-RequestId of the service's
// answer (error type from x-amzn-ErrorType, else the body's `__type`, bare or namespaced; a type
// this SDK does not know becomes kInternal for 5xx and kValidation otherwise, the message then
// starting "<type>: "), or a transport failure (see Transport, http_status 0), or kInternal
// "Unable to parse the KMS response: ..." for a 2xx answer that does not decode.
// Thread-safe: one client may be shared by any number of threads (connections are pooled).
// Movable, not copyable.
class KmsClient {
 public:
  // Resolves `config` (ResolveClientConfig) and builds the transport; fails with their errors.
  static Result<KmsClient> Create(const ClientConfig& config = {});

  KmsClient(KmsClient&&) noexcept;
  KmsClient& operator=(KmsClient&&) noexcept;
  ~KmsClient();

  const ResolvedClientConfig& config() const;

  Result<CancelKeyDeletionResponse> CancelKeyDeletion(const CancelKeyDeletionRequest& req) const;
  Status CreateAlias(const CreateAliasRequest& req) const;
  Result<CreateKeyResponse> CreateKey(const CreateKeyRequest& req = {}) const;
  Result<DecryptResponse> Decrypt(const DecryptRequest& req) const;
  Status DeleteAlias(const DeleteAliasRequest& req) const;
  Result<DescribeKeyResponse> DescribeKey(const DescribeKeyRequest& req) const;
  Status DisableKey(const DisableKeyRequest& req) const;
  Status EnableKey(const EnableKeyRequest& req) const;
  Result<EncryptResponse> Encrypt(const EncryptRequest& req) const;
  Result<GenerateDataKeyResponse> GenerateDataKey(const GenerateDataKeyRequest& req) const;
  Result<GenerateDataKeyWithoutPlaintextResponse> GenerateDataKeyWithoutPlaintext(
      const GenerateDataKeyWithoutPlaintextRequest& req) const;
  Result<GenerateRandomResponse> GenerateRandom(const GenerateRandomRequest& req) const;
  Result<ListAliasesResponse> ListAliases(const ListAliasesRequest& req = {}) const;
  Result<ListKeysResponse> ListKeys(const ListKeysRequest& req = {}) const;
  Result<ListResourceTagsResponse> ListResourceTags(const ListResourceTagsRequest& req) const;
  Result<ReEncryptResponse> ReEncrypt(const ReEncryptRequest& req) const;
  Result<ScheduleKeyDeletionResponse> ScheduleKeyDeletion(
      const ScheduleKeyDeletionRequest& req) const;
  Status TagResource(const TagResourceRequest& req) const;
  Status UntagResource(const UntagResourceRequest& req) const;
  Status UpdateAlias(const UpdateAliasRequest& req) const;
  Status UpdateKeyDescription(const UpdateKeyDescriptionRequest& req) const;

  struct State;  // resolved settings, transport, retry quota (client.cpp)

 private:
  explicit KmsClient(std::unique_ptr<State> state);
  // Sends `body` as TrentService.<operation>, signed, with retries: the 2xx response or the
  // decoded error.
  Result<HttpResponse> Call(std::string_view operation, std::string& body) const;
  template <class Response, class Request>
  Result<Response> Invoke(std::string_view operation, const Request& request) const;
  template <class Request>
  Status InvokeNoOutput(std::string_view operation, const Request& request) const;

  std::unique_ptr<State> state_;
};

}  // namespace kms
