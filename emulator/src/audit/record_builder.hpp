// Builds the CloudTrail record of one KMS call, as AWS KMS writes it ("Logging AWS KMS API calls
// with AWS CloudTrail" and its per-operation examples): eventVersion 1.11, userIdentity,
// requestParameters/responseElements, errorCode/errorMessage, resources, additionalEventData.
#pragma once

#include <string>
#include <string_view>

#include "audit/audit_event.hpp"

namespace kms::emulator::audit {

// The CloudTrail eventVersion written into every record.
inline constexpr std::string_view kEventVersion = "1.11";
inline constexpr std::string_view kEventSource = "kms.amazonaws.com";
inline constexpr std::string_view kResourceType = "AWS::KMS::Key";

// True for the operations CloudTrail marks readOnly: Describe*, Get*, List* and the
// cryptographic operations. Pure.
bool IsReadOnlyOperation(std::string_view operation);

// True for the operations GetKeyLastUsage reports (its KeyLastUsageTrackingOperation enum). Pure.
bool IsTrackedOperation(std::string_view operation);

// The event for `call`, stamped `event_id` and, when the request never read the clock
// (ctx.now_ms == 0: it failed before its handler ran), `now_ms`. Resources come from the
// response (KeyId, SourceKeyId, KeyMetadata.Arn) or, failing that, from resolving the request's
// KeyId/TargetKeyId/AliasName in the store; a name that resolves to nothing adds no resource.
// Never includes plaintext, ciphertext or key material. Thread-safe (reads the store's cache).
// Writes into `out`, which should be empty (AuditEvent::Clear keeps its buffer for reuse).
void BuildAuditEvent(const AuditedCall& call, int64_t now_ms, std::string_view event_id,
                     AuditEvent& out);

inline constexpr size_t kUuidSize = 36;

// A random (version 4) UUID for eventID, from a per-thread generator seeded by the system's
// random source: unique, cheaper than a cryptographic UUID, and nothing secret depends on it.
// Writes kUuidSize chars to `out`. Thread-safe.
void FastUuid(char* out);
std::string FastUuid();

// "AIDA" and 17 characters derived from the account and user name: a stable stand-in for the
// unique id IAM gives a user (CloudTrail's userIdentity.principalId). Pure.
std::string UserPrincipalId(std::string_view account, std::string_view user_name);

}  // namespace kms::emulator::audit
