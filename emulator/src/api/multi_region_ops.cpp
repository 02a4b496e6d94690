// Multi-Region keys: ReplicateKey, UpdatePrimaryRegion and DescribeKey's view of a set. The keys
// of a set share id and (AWS_KMS) every key material, so ciphertexts decrypt in every Region. A
// replica is usable at once: AWS shows it Creating for seconds, the emulator only in the response.
#include <boost/json/array.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/key_metadata.hpp"
#include "api/key_resolver.hpp"
#include "api/management.hpp"
#include "api/multi_region.hpp"
#include "domain/multi_region.hpp"
#include "domain/policy.hpp"

namespace kms::emulator {
namespace {

bool IsRegionName(std::string_view s) {
  // ^([a-z]+-){2,3}\d+$
  size_t groups = 0;
  size_t i = 0;
  while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') {
    size_t start = i;
    while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
    if (i == start || i >= s.size() || s[i] != '-') return false;
    ++i;
    ++groups;
  }
  if (groups < 2 || groups > 3 || i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool IsPolicyText(std::string_view s) { return CodePointsWithin(s, 0x20, 0xFF, U"\t\n\r"); }

constexpr StringRule kRegionRule{.required = true,
                                 .min = 1,
                                 .max = 32,
                                 .pattern = "^([a-z]+-){2,3}\\d+$",
                                 .check = IsRegionName};

struct ReplicateKeyInput {
  std::string key_id;
  std::string replica_region;
  std::optional<std::string> policy;
  bool bypass_policy_lockout_check = false;
  std::string description;
  TagList tags;
};

Result<ReplicateKeyInput> ReadReplicateKey(const boost::json::object& body) {
  InputReader in(body);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto region = in.String("ReplicaRegion", kRegionRule);
  auto policy = in.String("Policy", {.min = 1,
                                     .max = 131072,
                                     .pattern = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
                                     .check = IsPolicyText});
  auto bypass = in.Boolean("BypassPolicyLockoutSafetyCheck");
  auto description = in.String("Description", {.max = 8192});
  auto tags = in.Tags("Tags");
  if (Status status = in.Finish(); !status) return status.error();
  ReplicateKeyInput out;
  out.key_id = std::string(*key_id);
  out.replica_region = std::string(*region);
  if (policy) out.policy = std::string(*policy);
  out.bypass_policy_lockout_check = bypass.value_or(false);
  if (description) out.description = std::string(*description);
  if (tags) out.tags = std::move(*tags);
  return out;
}

// The checks on a primary key that ReplicateKey and UpdatePrimaryRegion make, in AWS's order:
// primary, then key state (key-state table: DisabledException, "is pending deletion.", ...).
Status RequireUsablePrimary(const Key& key, int64_t now_ms) {
  if (IsExpired(key, now_ms)) return KeyDoesNotExist(key);
  if (!key.IsMultiRegionPrimary()) return NotMultiRegionPrimary(key);
  return RequireEnabled(key);
}

// n/v: AWS's messages for these AlreadyExistsException cases are not recorded.
Error ReplicaExists(const Key& primary, std::string_view region) {
  return MakeError(ErrorCode::kAlreadyExists,
                   "Key '" + KeyArn(region, primary.account, primary.id) + "' already exists");
}

// The replica of `primary` in `in.replica_region`, created at `now_ms`.
Result<Key> NewReplica(const Key& primary, ReplicateKeyInput& in, std::string policy,
                       int64_t now_ms) {
  Key replica;
  replica.account = primary.account;
  replica.region = in.replica_region;
  replica.id = primary.id;
  replica.description = in.description;
  replica.spec = primary.spec;
  replica.usage = primary.usage;
  replica.origin = primary.origin;
  replica.manager = primary.manager;
  replica.creation_ms = now_ms;
  replica.policy = std::move(policy);
  replica.multi_region = true;
  replica.primary_region = primary.region;
  if (Status status = MergeTags(replica.tags, in.tags); !status) return status.error();
  CopySharedProperties(primary, replica);
  // AWS: a replica of a key with imported material has none until the same material is imported.
  replica.state =
      replica.CurrentMaterial() != nullptr ? KeyState::kEnabled : KeyState::kPendingImport;
  return replica;
}

// The live keys of a group, for MultiRegionConfiguration.
std::vector<std::shared_ptr<const Key>> Live(const std::vector<std::shared_ptr<const Key>>& keys,
                                             int64_t now_ms) {
  std::vector<std::shared_ptr<const Key>> live;
  for (const auto& key : keys) {
    if (!IsExpired(*key, now_ms)) live.push_back(key);
  }
  std::stable_sort(live.begin(), live.end(),
                   [](const auto& a, const auto& b) { return a->creation_ms < b->creation_ms; });
  return live;
}

boost::json::object ReplicateKeyResponse(const Key& replica,
                                         const std::vector<std::shared_ptr<const Key>>& group,
                                         int64_t now_ms) {
  // AWS: the response shows the replica in its transient state Creating, without its current
  // key material (recorded); the emulator's replica is Enabled by the time the caller asks.
  Key shown = replica;
  if (shown.state == KeyState::kEnabled) shown.state = KeyState::kCreating;
  shown.current_material_id.clear();
  boost::json::object out;
  out["ReplicaKeyMetadata"] = KeyMetadataJson(shown, Live(group, now_ms));
  out["ReplicaPolicy"] = replica.policy;
  if (!replica.tags.empty()) {
    boost::json::array tags;
    for (const Tag& tag : replica.tags) {
      tags.push_back(boost::json::object{{"TagKey", tag.key}, {"TagValue", tag.value}});
    }
    out["ReplicaTags"] = std::move(tags);
  }
  return out;
}

}  // namespace

Error NotMultiRegionPrimary(const Key& key) {
  return MakeError(ErrorCode::kUnsupportedOperation,
                   key.Arn() + " is not a multi-region primary key.");
}

boost::json::object DescribedKeyMetadata(const Services& services, const Key& key, int64_t now_ms) {
  if (!key.multi_region) return KeyMetadataJson(key);
  return KeyMetadataJson(key,
                         Live(services.store.FindMultiRegionKeys(key.account, key.id), now_ms));
}

Result<std::shared_ptr<const Key>> MutateKeyWithReplicaCount(
    Services& services, const RequestContext& ctx, const Key& key,
    const std::function<Status(Key&, size_t replicas)>& mutate) {
  auto updated = services.store.UpdateKeyGroup(key.account, key.region, key.id,
                                               [&](std::vector<Key>& group) -> Status {
                                                 Key& current = group.front();
                                                 if (IsExpired(current, ctx.now_ms))
                                                   return KeyDoesNotExist(current);
                                                 size_t replicas = 0;
                                                 if (current.IsMultiRegionPrimary()) {
                                                   for (size_t i = 1; i < group.size(); ++i) {
                                                     if (!IsExpired(group[i], ctx.now_ms))
                                                       ++replicas;
                                                   }
                                                 }
                                                 return mutate(current, replicas);
                                               });
  if (!updated) return updated.error();  // the store's kNotFound is KeyDoesNotExist(key)
  return updated->front();
}

KMS_HANDLER(ReplicateKey) {
  auto in = ReadReplicateKey(input);
  if (!in) return in.error();
  if (Status status = CheckNewTags(in->tags); !status) return status.error();
  auto key = ResolveOwnKey(services, ctx, in->key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  if (Status status = RequireUsablePrimary(**key, ctx.now_ms); !status) return status.error();
  // n/v: AWS's error for a Region of another partition is not recorded.
  if (PartitionOf(in->replica_region) != PartitionOf(ctx.region)) {
    return MakeError(ErrorCode::kValidation, "Replica region " + in->replica_region +
                                                 " is not in the partition of the primary key's "
                                                 "region " +
                                                 ctx.region + ".");
  }
  std::string policy = DefaultKeyPolicy(ctx.account);
  if (in->policy) {
    auto normalized = NormalizeKeyPolicy(*in->policy, ctx.account, in->bypass_policy_lockout_check);
    if (!normalized) return normalized.error();
    policy = std::move(*normalized);
  }
  auto group = services.store.UpdateKeyGroup(
      ctx.account, ctx.region, (*key)->id, [&](std::vector<Key>& keys) -> Status {
        const Key& primary = keys.front();
        if (Status status = RequireUsablePrimary(primary, ctx.now_ms); !status) return status;
        for (const Key& k : keys) {
          if (k.region == in->replica_region) return ReplicaExists(primary, in->replica_region);
        }
        auto replica = NewReplica(primary, *in, policy, ctx.now_ms);
        if (!replica) return replica.error();
        keys.push_back(std::move(*replica));
        return {};
      });
  if (!group) return group.error();  // a vanished primary: "Key '<arn>' does not exist"
  return ReplicateKeyResponse(*group->back(), *group, ctx.now_ms);
}

KMS_HANDLER(UpdatePrimaryRegion) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto region = in.String("PrimaryRegion", kRegionRule);
  if (Status status = in.Finish(); !status) return status.error();
  auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  if (Status status = RequireUsablePrimary(**key, ctx.now_ms); !status) return status.error();
  std::string new_region(*region);
  if (new_region == ctx.region) {
    // n/v: AWS's answer when PrimaryRegion already is the primary's Region is not recorded.
    return MakeError(ErrorCode::kValidation, "PrimaryRegion " + new_region +
                                                 " is already the Region of the primary key " +
                                                 (*key)->Arn() + ".");
  }
  auto group = services.store.UpdateKeyGroup(
      ctx.account, ctx.region, (*key)->id, [&](std::vector<Key>& keys) -> Status {
        if (Status status = RequireUsablePrimary(keys.front(), ctx.now_ms); !status) return status;
        const Key* replica = nullptr;
        for (const Key& k : keys) {
          if (k.region == new_region && !IsExpired(k, ctx.now_ms)) replica = &k;
        }
        // AWS: "There must be an existing replica key in this Region."
        if (replica == nullptr) {
          return MakeError(
              ErrorCode::kNotFound,
              "Key '" + KeyArn(new_region, ctx.account, keys.front().id) + "' does not exist");
        }
        if (Status status = RequireEnabled(*replica); !status) return status;
        // AWS: both keys pass through the transient state Updating; here the swap is immediate.
        for (Key& k : keys) k.primary_region = new_region;
        return {};
      });
  if (!group) return group.error();
  return boost::json::object{};
}

}  // namespace kms::emulator
