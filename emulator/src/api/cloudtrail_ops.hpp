// The CloudTrail API on the emulator's port: requests whose X-Amz-Target is
// "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Operation>" (JSON 1.1, as boto3's
// cloudtrail client and `aws cloudtrail` send them). Only LookupEvents, over the audit trail.
#pragma once

#include <boost/json/object.hpp>
#include <kms/http.hpp>
#include <string_view>

#include "api/context.hpp"

namespace kms::emulator {

inline constexpr std::string_view kCloudTrailTargetPrefix =
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";

// True when `target` (an X-Amz-Target value) addresses CloudTrail. Pure.
bool IsCloudTrailTarget(std::string_view target);

// Serves one CloudTrail request of the caller `ctx`: 200 with the operation's JSON, or the error
// rendered as CloudTrail's JSON 1.1 does ({"__type", "message"}, x-amzn-ErrorType,
// x-amzn-RequestId). LookupEvents is audit::LookupEvents over services.audit; any other
// operation is UnknownOperationException "Unknown operation: <target>". Thread-safe.
HttpResponse ServeCloudTrail(std::string_view target, Services& services, const RequestContext& ctx,
                             const boost::json::object& input);

}  // namespace kms::emulator
