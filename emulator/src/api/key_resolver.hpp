// Turns a KeyId member (key id, key ARN, alias name, alias ARN) into a key, with AWS's errors,
// and the key-state rule shared by the cryptographic operations.
#pragma once

#include <kms/result.hpp>
#include <memory>
#include <string_view>

#include "api/context.hpp"
#include "domain/key.hpp"

namespace kms::emulator {

// Resolves `key_id` in the caller's account and region (an ARN names its own account; another
// region's ARN is "Invalid arn <region>"). Errors, all NotFoundException as AWS:
//   "Invalid keyId '<text>'"                     text is no id, ARN or alias
//   "Key '<arn>' does not exist"                 well-formed id or ARN, no such key
//   "Alias <alias arn> is not found."            no such alias
// A key whose deletion date has passed no longer exists. Thread-safe.
Result<std::shared_ptr<const Key>> ResolveKey(const Services& services, const RequestContext& ctx,
                                              std::string_view key_id);

// Like ResolveKey but aliases are refused ("Invalid keyId"), for the operations whose KeyId
// must name a key (ScheduleKeyDeletion, EnableKey, TagResource, ...; see the model docs).
Result<std::shared_ptr<const Key>> ResolveKeyNoAlias(const Services& services,
                                                     const RequestContext& ctx,
                                                     std::string_view key_id);

// AWS's key-state rule for cryptographic operations (Encrypt, Decrypt, GenerateDataKey, ...):
// Enabled passes; Disabled → DisabledException "<ARN> is disabled."; PendingDeletion →
// KMSInvalidStateException "<ARN> is pending deletion."; PendingImport → "... is pending
// import."; other states → "... is <state>.".
Status RequireEnabled(const Key& key);

}  // namespace kms::emulator
