// A minimal CloudTrail client for `kmsctl audit`: LookupEvents as a JSON 1.1 call signed with
// SigV4 for the service "cloudtrail", over the SDK's transport and configuration resolution.
// KmsClient only speaks TrentService, and CloudTrail errors are not in the KMS error table, so
// the call is built here from the SDK's public pieces.
#pragma once

#include <boost/json/object.hpp>
#include <kms/client.hpp>
#include <kms/result.hpp>
#include <kms/transport.hpp>
#include <memory>
#include <string>

namespace kms::cli {

inline constexpr std::string_view kCloudTrailTarget =
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";

// The CloudTrail endpoint for a resolved KMS configuration: `explicit_url` (--endpoint-url) when
// given, else AWS_ENDPOINT_URL_CLOUDTRAIL from `env`, else the KMS endpoint unless it is AWS's
// own https://kms.<region>.amazonaws.com (then https://cloudtrail.<region>.amazonaws.com).
// Errors: ParseEndpoint's. Thread-safe if `env` is.
Result<Endpoint> CloudTrailEndpoint(const ResolvedClientConfig& kms,
                                    const std::optional<std::string>& explicit_url,
                                    const Environment& env);

// Thread-safe after Create (the transport is).
class CloudTrailClient {
 public:
  // Resolves `config` like KmsClient::Create and builds the HTTP transport. Errors: theirs.
  static Result<CloudTrailClient> Create(const ClientConfig& config);

  // One call of `operation` ("LookupEvents") with `request`: the response object. A service
  // error comes back with http_status and request id set, its code from the KMS table when the
  // type is known there (else kValidation, or kInternal for 5xx) and the type as sent in
  // `error_type`; transport errors as Transport::Send's. No retries.
  Result<boost::json::object> Call(std::string_view operation, const boost::json::object& request,
                                   std::string& error_type) const;

  const ResolvedClientConfig& config() const { return config_; }
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  ResolvedClientConfig config_;
  Endpoint endpoint_;
  std::shared_ptr<Transport> transport_;
};

}  // namespace kms::cli
