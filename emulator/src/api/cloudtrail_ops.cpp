// CloudTrail's JSON 1.1 answers: LookupEvents, and CloudTrail-typed errors the KMS error table
// does not know (InvalidLookupAttributesException, ...).
#include "api/cloudtrail_ops.hpp"

#include <boost/json/serialize.hpp>

#include "audit/lookup_events.hpp"
#include "server/router.hpp"

namespace kms::emulator {
namespace {

constexpr std::string_view kJson11 = "application/x-amz-json-1.1";

HttpResponse Json(int status, std::string body, std::string_view request_id) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", kJson11);
  response.headers.emplace_back("x-amzn-RequestId", request_id);
  response.body = std::move(body);
  return response;
}

HttpResponse Render(const audit::CloudTrailError& error, std::string_view request_id) {
  boost::json::object body;
  body.emplace("__type", error.type);
  body.emplace("message", error.message);
  HttpResponse response = Json(error.status, boost::json::serialize(body), request_id);
  response.headers.emplace_back("x-amzn-ErrorType", error.type);
  return response;
}

}  // namespace

bool IsCloudTrailTarget(std::string_view target) {
  return target.starts_with(kCloudTrailTargetPrefix);
}

HttpResponse ServeCloudTrail(std::string_view target, Services& services, const RequestContext& ctx,
                             const boost::json::object& input) {
  if (target.substr(kCloudTrailTargetPrefix.size()) != "LookupEvents") {
    return ErrorResponse(
        MakeError(ErrorCode::kUnknownOperation, "Unknown operation: " + std::string(target)),
        ctx.request_id);
  }
  auto page = audit::LookupEvents(services.audit, ctx, input);
  if (!page) return Render(page.error(), ctx.request_id);
  return Json(200, boost::json::serialize(*page), ctx.request_id);
}

}  // namespace kms::emulator
