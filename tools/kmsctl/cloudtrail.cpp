// CloudTrail JSON 1.1 calls: endpoint choice, request building and signing, error decoding.
#include "cloudtrail.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <kms/sigv4.hpp>

namespace kms::cli {
namespace {

namespace json = boost::json;

constexpr std::string_view kService = "cloudtrail";

// "com.amazonaws.cloudtrail#InvalidTimeRangeException:http://..." -> "InvalidTimeRangeException"
std::string BareType(std::string_view type) {
  if (auto hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
  if (auto colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  return std::string(type);
}

Error ServiceError(const HttpResponse& response, std::string& error_type) {
  json::error_code ec;
  json::value body = json::parse(response.body, ec);
  const json::object* object = ec ? nullptr : body.if_object();
  auto member = [&](std::string_view name) -> std::string {
    const json::value* v = object ? object->if_contains(name) : nullptr;
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  error_type = BareType(response.Header("x-amzn-ErrorType"));
  if (error_type.empty()) error_type = BareType(member("__type"));
  std::string message = member("message");
  if (message.empty()) message = member("Message");
  if (error_type.empty()) {
    error_type = response.status >= 500 ? "InternalFailure" : "UnknownError";
    if (message.empty()) message = "HTTP " + std::to_string(response.status);
  }
  ErrorCode fallback = response.status >= 500 ? ErrorCode::kInternal : ErrorCode::kValidation;
  Error error = MakeError(ErrorCodeFromType(error_type).value_or(fallback), message);
  error.http_status = response.status;
  error.request_id = std::string(response.Header("x-amzn-RequestId"));
  return error;
}

}  // namespace

Result<Endpoint> CloudTrailEndpoint(const ResolvedClientConfig& kms,
                                    const std::optional<std::string>& explicit_url,
                                    const Environment& env) {
  if (explicit_url && !explicit_url->empty()) return ParseEndpoint(*explicit_url);
  if (auto url = env("AWS_ENDPOINT_URL_CLOUDTRAIL"); url && !url->empty()) {
    return ParseEndpoint(*url);
  }
  if (kms.endpoint.host != "kms." + kms.region + ".amazonaws.com") return kms.endpoint;
  return ParseEndpoint("https://cloudtrail." + kms.region + ".amazonaws.com");
}

Result<CloudTrailClient> CloudTrailClient::Create(const ClientConfig& config) {
  auto resolved = ResolveClientConfig(config);
  if (!resolved) return resolved.error();
  Environment env = config.environment ? config.environment : ProcessEnvironment();
  auto endpoint = CloudTrailEndpoint(*resolved, config.endpoint_url, env);
  if (!endpoint) return endpoint.error();
  auto transport = MakeClientTransport(config, resolved->ca_bundle);
  if (!transport) return transport.error();
  CloudTrailClient client;
  client.transport_ = std::move(*transport);
  client.config_ = std::move(*resolved);
  client.endpoint_ = std::move(*endpoint);
  return client;
}

Result<json::object> CloudTrailClient::Call(std::string_view operation, const json::object& request,
                                            std::string& error_type) const {
  HttpRequest http = MakeJsonRequest(
      endpoint_, std::string(kCloudTrailTarget) + std::string(operation), json::serialize(request));
  auto signed_request = sigv4::Sign(http, config_.credentials, config_.region, kService,
                                    std::chrono::system_clock::now());
  if (!signed_request) return signed_request.error();
  auto response = transport_->Send(http, endpoint_);
  if (!response) return response.error();
  if (response->status < 200 || response->status >= 300) {
    return ServiceError(*response, error_type);
  }
  json::error_code ec;
  json::value body = json::parse(response->body, ec);
  if (ec || !body.is_object()) {
    Error error = MakeError(ErrorCode::kInternal, "Unable to parse the CloudTrail response: " +
                                                      (ec ? ec.message() : "not a JSON object"));
    error.http_status = response->status;
    return error;
  }
  return std::move(body.get_object());
}

}  // namespace kms::cli
