// Rules shared by the key-management, alias and tag operations: resolving a KeyId the caller
// owns, the key-state rules of the management operations, atomic key mutation, tag rules and
// AWS's default key policy.
#pragma once

#include <cstdint>
#include <functional>
#include <kms/result.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/context.hpp"
#include "api/input.hpp"
#include "domain/key.hpp"

namespace kms::emulator {

// Tags as read from a request: (TagKey, TagValue) in request order.
using TagList = std::vector<std::pair<std::string, std::string>>;

// The KeyId member of every operation here: required, 1..2048 characters (model).
inline constexpr StringRule kKeyIdRule{.required = true, .min = 1, .max = 2048};

// AWS: at most 50 tags per key and 50 aliases per key.
inline constexpr size_t kMaxTagsPerKey = 50;
inline constexpr size_t kMaxAliasesPerKey = 50;

// NotFoundException "Key '<arn>' does not exist". Pure.
Error KeyDoesNotExist(const Key& key);

// True once the key's deletion date has passed: clients no longer see it. Pure.
bool IsExpired(const Key& key, int64_t now_ms);

// ResolveKey (allow_alias) or ResolveKeyNoAlias, restricted to the caller's account, for the
// operations whose model docs say "Cross-account use: No": a key ARN of another account is
// "Key '<arn>' does not exist" (NotFoundException). Other errors as ResolveKey. Thread-safe.
Result<std::shared_ptr<const Key>> ResolveOwnKey(const Services& services,
                                                 const RequestContext& ctx, std::string_view key_id,
                                                 bool allow_alias);

// KMSInvalidStateException "<ARN> is pending deletion." for a PendingDeletion key ("... is
// pending replica deletion." for a PendingReplicaDeletion one), else success. The rule of
// CreateAlias, TagResource, UntagResource, UpdateKeyDescription, ScheduleKeyDeletion and the
// UpdateAlias destination. Pure.
Status RejectPendingDeletion(const Key& key);

// The EnableKey/DisableKey rule: RejectPendingDeletion, plus KMSInvalidStateException
// "<ARN> is pending import." for a PendingImport key. Pure.
Status RequireEnableDisableState(const Key& key);

// Applies `mutate` to the current version of `key` atomically in the store. Before `mutate`
// runs, a key whose deletion date has passed is refused with KeyDoesNotExist; a key that
// vanished meanwhile gives the same error. `mutate`'s own error aborts the write and is
// returned. Returns the new snapshot. Thread-safe.
Result<std::shared_ptr<const Key>> MutateKey(Services& services, const RequestContext& ctx,
                                             const Key& key,
                                             const std::function<Status(Key&)>& mutate);

// The TagException rules for tags about to be added, in AWS's order: "Duplicate tag keys",
// "Too many tags" (more than 50 in one request), "Tags beginning with aws: are reserved"
// (any case). Pure.
Status CheckNewTags(const TagList& tags);

// Adds `tags` to `into`, replacing the value of a key already present (its position kept) and
// appending new keys in request order. TagException "Too many tags" if the result would hold
// more than 50 tags (`into` is then unchanged). Pure.
Status MergeTags(std::vector<Tag>& into, const TagList& tags);

// AWS's default key policy for a key of `account`, byte for byte as GetKeyPolicy returns it:
// one "Enable IAM User Permissions" statement giving arn:aws:iam::<account>:root "kms:*".
std::string DefaultKeyPolicy(std::string_view account);

// True when every code point of the UTF-8 text lies in [lo, hi] or is one of `extra`. Used for
// the model patterns [\u0020-\u00FF]* (Marker) and [\u0009\u000A\u000D\u0020-\u00FF]+ (Policy).
// Invalid UTF-8 is false. Pure.
bool CodePointsWithin(std::string_view utf8, char32_t lo, char32_t hi,
                      std::u32string_view extra = {});

}  // namespace kms::emulator
