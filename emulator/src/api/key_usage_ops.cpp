// GetKeyLastUsage, answered from the audit trail: the key's last successful cryptographic
// operation, its time, CloudTrail event id and request id, and when tracking began.
#include <algorithm>

#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/key_metadata.hpp"
#include "api/key_resolver.hpp"
#include "audit/audit_log.hpp"

namespace kms::emulator {

KMS_HANDLER(GetKeyLastUsage) {
  InputReader in(input);
  auto key_id = in.String("KeyId", {.required = true, .min = 1, .max = 2048});
  if (Status read = in.Finish(); !read) return read.error();
  // The model: "Alias names are not supported."
  auto key = ResolveKeyNoAlias(services, ctx, *key_id);
  if (!key) return key.error();
  if (services.audit == nullptr) {
    return MakeError(ErrorCode::kUnsupportedOperation,
                     "GetKeyLastUsage is answered from the audit trail, which is off "
                     "(--audit off).");
  }
  (void)services.audit->Flush();  // write errors are logged by the writer
  std::string arn = (*key)->Arn();
  auto use = services.audit->LastUse(arn);
  if (!use) return use.error();
  auto tracking_start = services.audit->TrackingStartMs();
  if (!tracking_start) return tracking_start.error();
  boost::json::object usage;
  if (*use) {
    usage.emplace("Operation", (*use)->operation);
    usage.emplace("Timestamp", EpochSeconds((*use)->time_ms));
    usage.emplace("CloudTrailEventId", (*use)->event_id);
    usage.emplace("KmsRequestId", (*use)->request_id);
  }
  boost::json::object out;
  out.reserve(4);
  // The model documents KeyId as "the globally unique identifier for the KMS key", the words of
  // KeyMetadata.KeyId: the key id, not its ARN (not verified against AWS).
  out.emplace("KeyId", (*key)->id);
  // AWS: "Absent if the key has not been used": an empty KeyLastUsage structure.
  out.emplace("KeyLastUsage", std::move(usage));
  out.emplace("TrackingStartDate", EpochSeconds(std::max((*key)->creation_ms, *tracking_start)));
  out.emplace("KeyCreationDate", EpochSeconds((*key)->creation_ms));
  return out;
}

}  // namespace kms::emulator
