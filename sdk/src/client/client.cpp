// KmsClient: builds, signs and sends each operation's request with standard-mode retries, and
// decodes the answer. The only place the SDK calls the SigV4 signer.
#include <openssl/crypto.h>

#include <boost/json/parse.hpp>
#include <kms/client.hpp>
#include <kms/internal/random.hpp>
#include <kms/sigv4.hpp>
#include <random>
#include <thread>

#include "codec.hpp"
#include "errors.hpp"
#include "retry.hpp"

namespace kms {

struct KmsClient::State {
  ResolvedClientConfig config;
  std::shared_ptr<Transport> transport;
  RetryOptions retry;
  std::function<std::chrono::system_clock::time_point()> clock;
  internal::RetryQuota quota;
  std::mutex rng_mutex;
  std::mt19937_64 rng;  // guarded by rng_mutex

  double Random() {
    if (retry.random) return retry.random();
    std::lock_guard lock(rng_mutex);
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  }
  void Sleep(std::chrono::milliseconds delay) const {
    if (retry.sleep) return retry.sleep(delay);
    std::this_thread::sleep_for(delay);
  }
};

namespace {

namespace json = boost::json;
using internal::RetryKind;

constexpr std::string_view kService = "kms";
constexpr std::string_view kContentType = "application/x-amz-json-1.1";
constexpr std::string_view kTargetPrefix = "TrentService.";

void Wipe(std::string& s) {
  OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

// Wipes every string in `v` (response members may be plaintext).
void WipeJson(json::value& v) {
  if (json::string* s = v.if_string()) {
    OPENSSL_cleanse(s->data(), s->size());
  } else if (json::object* o = v.if_object()) {
    for (auto& member : *o) WipeJson(member.value());
  } else if (json::array* a = v.if_array()) {
    for (auto& item : *a) WipeJson(item);
  }
}

// The one place requests are signed; called before every attempt (fresh X-Amz-Date).
Status SignRequest(HttpRequest& request, const KmsClient::State& state) {
  auto now = state.clock ? state.clock() : std::chrono::system_clock::now();
  auto signed_request =
      sigv4::Sign(request, state.config.credentials, state.config.region, kService, now);
  if (!signed_request) return signed_request.error();
  return {};
}

// One attempt's outcome: a 2xx response, or the error and how retries treat it.
struct Attempt {
  std::optional<HttpResponse> response;
  Error error;
  RetryKind kind = RetryKind::kNone;
};

Attempt SendOnce(KmsClient::State& state, const HttpRequest& request) {
  auto sent = state.transport->Send(request, state.config.endpoint);
  if (!sent) return {std::nullopt, sent.error(), internal::ClassifyTransportError(sent.error())};
  if (sent->status >= 200 && sent->status < 300) return {std::move(*sent), {}, RetryKind::kNone};
  internal::ServiceFailure failure = internal::DecodeServiceError(*sent);
  Wipe(sent->body);
  RetryKind kind = internal::ClassifyServiceError(failure.type, sent->status);
  return {std::nullopt, std::move(failure.error), kind};
}

// `e` with the status and request id of the response it is about.
Error Annotated(Error e, const HttpResponse& response) {
  e.http_status = response.status;
  e.request_id = std::string(response.Header("x-amzn-RequestId"));
  return e;
}

Error ParseFailure(const HttpResponse& response, const std::string& what) {
  return Annotated(MakeError(ErrorCode::kInternal, "Unable to parse the KMS response: " + what),
                   response);
}

// Decodes a 2xx body into `out` and wipes every copy of it.
template <class Response>
Status DecodeBody(HttpResponse& response, Response& out) {
  json::value parsed;
  if (!response.body.empty()) {
    json::error_code ec;
    parsed = json::parse(response.body, ec);
    Wipe(response.body);
    if (ec) return ParseFailure(response, ec.message());
  } else {
    parsed = json::object();
  }
  if (!parsed.is_object()) return ParseFailure(response, "the body is not a JSON object");
  Status decoded = internal::DecodeResponse(parsed.get_object(), out);
  WipeJson(parsed);
  if (!decoded) return Annotated(decoded.error(), response);
  return {};
}

}  // namespace

Result<std::shared_ptr<Transport>> MakeClientTransport(
    const ClientConfig& config, const std::optional<std::string>& ca_bundle) {
  if (config.transport) return config.transport;
  HttpTransportOptions options;
  options.connect_timeout = config.connect_timeout;
  options.read_timeout = config.read_timeout;
  options.ca_bundle = ca_bundle;
  options.verify_tls = config.verify_tls;
  return MakeHttpTransport(options);
}

HttpRequest MakeJsonRequest(const Endpoint& endpoint, std::string_view target, std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.target = endpoint.path;
  request.headers = {
      {"Host", endpoint.HostHeader()},
      {"Content-Type", std::string(kContentType)},
      {"X-Amz-Target", std::string(target)},
      {"User-Agent", std::string(kUserAgent)},
  };
  request.body = std::move(body);
  return request;
}

Result<KmsClient> KmsClient::Create(const ClientConfig& config) {
  auto resolved = ResolveClientConfig(config);
  if (!resolved) return resolved.error();
  auto transport = MakeClientTransport(config, resolved->ca_bundle);
  if (!transport) return transport.error();
  auto state = std::make_unique<State>();
  state->transport = std::move(*transport);
  state->config = std::move(*resolved);
  state->retry = config.retry;
  state->clock = config.clock;
  uint64_t seed = 0;
  if (!internal::RandomFill({reinterpret_cast<uint8_t*>(&seed), sizeof seed})) {
    seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  state->rng.seed(seed);
  return KmsClient(std::move(state));
}

KmsClient::KmsClient(std::unique_ptr<State> state) : state_(std::move(state)) {}
KmsClient::KmsClient(KmsClient&&) noexcept = default;
KmsClient& KmsClient::operator=(KmsClient&&) noexcept = default;
KmsClient::~KmsClient() = default;

const ResolvedClientConfig& KmsClient::config() const { return state_->config; }

Result<HttpResponse> KmsClient::Call(std::string_view operation, std::string& body) const {
  State& state = *state_;
  HttpRequest request = MakeJsonRequest(
      state.config.endpoint, std::string(kTargetPrefix) + std::string(operation), std::move(body));
  int last_cost = 0;  // quota taken by the latest retry
  for (int attempt = 1;; ++attempt) {
    if (auto st = SignRequest(request, state); !st) {
      Wipe(request.body);
      return st.error();
    }
    Attempt outcome = SendOnce(state, request);
    if (outcome.response) {
      if (state.retry.retry_quota) {
        state.quota.Release(last_cost > 0 ? last_cost : internal::RetryQuota::kNoRetryIncrement);
      }
      Wipe(request.body);
      return std::move(*outcome.response);
    }
    bool retry = outcome.kind != RetryKind::kNone && attempt < state.config.max_attempts;
    int cost = outcome.kind == RetryKind::kTimeout ? internal::RetryQuota::kTimeoutRetryCost
                                                   : internal::RetryQuota::kRetryCost;
    if (retry && state.retry.retry_quota) retry = state.quota.Acquire(cost);
    if (!retry) {
      Wipe(request.body);
      return outcome.error;
    }
    last_cost = cost;
    state.Sleep(internal::BackoffDelay(state.retry, attempt, state.Random()));
  }
}

template <class Response, class Request>
Result<Response> KmsClient::Invoke(std::string_view operation, const Request& request) const {
  std::string body = internal::EncodeRequest(request);
  auto response = Call(operation, body);
  if (!response) return response.error();
  Response out{};
  if (auto st = DecodeBody(*response, out); !st) return st.error();
  return out;
}

template <class Request>
Status KmsClient::InvokeNoOutput(std::string_view operation, const Request& request) const {
  std::string body = internal::EncodeRequest(request);
  auto response = Call(operation, body);
  if (!response) return response.error();
  Wipe(response->body);
  return {};
}

Result<CancelKeyDeletionResponse> KmsClient::CancelKeyDeletion(
    const CancelKeyDeletionRequest& req) const {
  return Invoke<CancelKeyDeletionResponse>("CancelKeyDeletion", req);
}
Status KmsClient::CreateAlias(const CreateAliasRequest& req) const {
  return InvokeNoOutput("CreateAlias", req);
}
Result<CreateKeyResponse> KmsClient::CreateKey(const CreateKeyRequest& req) const {
  return Invoke<CreateKeyResponse>("CreateKey", req);
}
Result<DecryptResponse> KmsClient::Decrypt(const DecryptRequest& req) const {
  return Invoke<DecryptResponse>("Decrypt", req);
}
Status KmsClient::DeleteAlias(const DeleteAliasRequest& req) const {
  return InvokeNoOutput("DeleteAlias", req);
}
Result<DescribeKeyResponse> KmsClient::DescribeKey(const DescribeKeyRequest& req) const {
  return Invoke<DescribeKeyResponse>("DescribeKey", req);
}
Status KmsClient::DisableKey(const DisableKeyRequest& req) const {
  return InvokeNoOutput("DisableKey", req);
}
Status KmsClient::EnableKey(const EnableKeyRequest& req) const {
  return InvokeNoOutput("EnableKey", req);
}
Result<EncryptResponse> KmsClient::Encrypt(const EncryptRequest& req) const {
  return Invoke<EncryptResponse>("Encrypt", req);
}
Result<GenerateDataKeyResponse> KmsClient::GenerateDataKey(
    const GenerateDataKeyRequest& req) const {
  return Invoke<GenerateDataKeyResponse>("GenerateDataKey", req);
}
Result<GenerateDataKeyWithoutPlaintextResponse> KmsClient::GenerateDataKeyWithoutPlaintext(
    const GenerateDataKeyWithoutPlaintextRequest& req) const {
  return Invoke<GenerateDataKeyWithoutPlaintextResponse>("GenerateDataKeyWithoutPlaintext", req);
}
Result<GenerateRandomResponse> KmsClient::GenerateRandom(const GenerateRandomRequest& req) const {
  return Invoke<GenerateRandomResponse>("GenerateRandom", req);
}
Result<ListAliasesResponse> KmsClient::ListAliases(const ListAliasesRequest& req) const {
  return Invoke<ListAliasesResponse>("ListAliases", req);
}
Result<ListKeysResponse> KmsClient::ListKeys(const ListKeysRequest& req) const {
  return Invoke<ListKeysResponse>("ListKeys", req);
}
Result<ListResourceTagsResponse> KmsClient::ListResourceTags(
    const ListResourceTagsRequest& req) const {
  return Invoke<ListResourceTagsResponse>("ListResourceTags", req);
}
Result<ReEncryptResponse> KmsClient::ReEncrypt(const ReEncryptRequest& req) const {
  return Invoke<ReEncryptResponse>("ReEncrypt", req);
}
Result<ScheduleKeyDeletionResponse> KmsClient::ScheduleKeyDeletion(
    const ScheduleKeyDeletionRequest& req) const {
  return Invoke<ScheduleKeyDeletionResponse>("ScheduleKeyDeletion", req);
}
Status KmsClient::TagResource(const TagResourceRequest& req) const {
  return InvokeNoOutput("TagResource", req);
}
Status KmsClient::UntagResource(const UntagResourceRequest& req) const {
  return InvokeNoOutput("UntagResource", req);
}
Status KmsClient::UpdateAlias(const UpdateAliasRequest& req) const {
  return InvokeNoOutput("UpdateAlias", req);
}
Status KmsClient::UpdateKeyDescription(const UpdateKeyDescriptionRequest& req) const {
  return InvokeNoOutput("UpdateKeyDescription", req);
}

}  // namespace kms
