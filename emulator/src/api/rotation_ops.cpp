// Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
// ListKeyRotations. A rotation adds key material and makes it current; old materials stay, so
// every older ciphertext (which names its material) still decrypts.
#include <algorithm>
#include <boost/json/array.hpp>
#include <cstdlib>
#include <functional>
#include <string>

#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/key_metadata.hpp"
#include "api/key_resolver.hpp"
#include "api/management.hpp"
#include "api/multi_region.hpp"
#include "api/pagination.hpp"
#include "domain/imported_material.hpp"
#include "domain/rotation.hpp"

namespace kms::emulator {
namespace {

constexpr std::string_view kListName = "ListKeyRotations";
constexpr std::string_view kIncludeKeyMaterial[] = {"ALL_KEY_MATERIAL", "ROTATIONS_ONLY"};

Error Unsupported(std::string message = {}) {
  return MakeError(ErrorCode::kUnsupportedOperation, std::move(message));
}

Error OriginNotValid(const Key& key) {
  return Unsupported(key.Arn() + " origin is " + std::string(ToString(key.origin)) +
                     " which is not valid for this operation.");
}

// AWS: the state rule of Enable/DisableKeyRotation (key-state table, footnotes 1, 3, 6), checked
// before the key type (a disabled RSA key is DisabledException).
Status RequireRotationSettable(const Key& key) {
  if (key.state == KeyState::kPendingImport) return OriginNotValid(key);
  if (Status enabled = RequireEnabled(key); !enabled) return enabled;
  // AWS: rotation of a multi-Region set is set on its primary. n/v: the message.
  if (key.IsMultiRegionReplica()) return NotMultiRegionPrimary(key);
  // AWS: asymmetric and HMAC keys get an UnsupportedOperationException without a message.
  if (key.spec != KeySpec::kSymmetricDefault) return Unsupported();
  if (key.origin != Origin::kAwsKms) return OriginNotValid(key);
  if (key.manager == KeyManager::kAws) return Unsupported();  // n/v: AWS managed keys
  return {};
}

// The rule of RotateKeyOnDemand, in the order AWS's recorded errors imply: state, key type,
// pending import, then the origin's own conditions.
Status RequireOnDemandRotatable(const Key& key) {
  if (key.state != KeyState::kPendingImport) {
    if (Status enabled = RequireEnabled(key); !enabled) return enabled;
  }
  if (key.spec != KeySpec::kSymmetricDefault) return Unsupported();
  // AWS: a multi-Region set rotates on its primary. n/v: the message.
  if (key.IsMultiRegionReplica()) return NotMultiRegionPrimary(key);
  if (key.state == KeyState::kPendingImport) {
    return MakeError(ErrorCode::kInvalidState, key.Arn() + " is pending import.");
  }
  if (key.manager == KeyManager::kAws) return Unsupported();  // n/v: AWS managed keys
  if (key.origin == Origin::kExternal) {
    if (PendingRotationMaterial(key) == nullptr) {
      return MakeError(
          ErrorCode::kInvalidState,
          "No available key material pending rotation for the key: " + key.Arn() + ".");
    }
    return {};
  }
  if (key.origin != Origin::kAwsKms) return OriginNotValid(key);
  return {};
}

// AWS: the quota, and the conflict with an automatic rotation that is due within 20 minutes.
Status RequireOnDemandAllowed(const Key& key, int64_t now_ms) {
  if (OnDemandRotationCount(key) >= kMaxOnDemandRotations) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "The on-demand rotations limit has been reached for the given keyId. No more "
                     "on-demand rotations can be performed for this key: " +
                         key.Arn());
  }
  if (AutomaticRotationEnabled(key) && *key.next_rotation_ms - now_ms < kRotationConflictWindowMs) {
    // n/v: AWS's message for this case is not recorded; the exception's documentation is.
    return MakeError(ErrorCode::kConflict,
                     "An automatic rotation of this key is in progress or scheduled to begin "
                     "within the next 20 minutes.");
  }
  return {};
}

// Applies an on-demand rotation to the current snapshot: new material for AWS_KMS keys, the
// pending imported material for EXTERNAL ones.
Status RotateOnDemand(Key& key, int64_t now_ms) {
  if (Status ok = RequireOnDemandRotatable(key); !ok) return ok;
  if (Status ok = RequireOnDemandAllowed(key, now_ms); !ok) return ok;
  if (const KeyMaterial* pending = PendingRotationMaterial(key)) {
    CompleteRotation(key, pending->id, RotationType::kOnDemand, now_ms);
    return {};
  }
  auto material = NewSymmetricMaterial(now_ms);
  if (!material) return material.error();
  std::string id = material->id;
  key.materials.push_back(std::move(*material));
  CompleteRotation(key, id, RotationType::kOnDemand, now_ms);
  return {};
}

Result<std::string> ReadKeyId(const boost::json::object& input) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  if (Status status = in.Finish(); !status) return status.error();
  return std::string(*key_id);
}

// Resolves a key id or key ARN of the caller's account and applies `mutate` atomically.
Result<std::shared_ptr<const Key>> MutateOwnKey(Services& services, const RequestContext& ctx,
                                                std::string_view key_id,
                                                const std::function<Status(Key&)>& mutate) {
  auto key = ResolveOwnKey(services, ctx, key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  return MutateKey(services, ctx, **key, mutate);
}

boost::json::object RotationEntry(const Key& key, const KeyMaterial& material,
                                  const Rotation* rotation) {
  // AWS: members in alphabetical order; the import members only for EXTERNAL keys.
  boost::json::object entry;
  bool imported = key.origin == Origin::kExternal;
  if (imported && IsImported(material)) {
    entry["ExpirationModel"] =
        material.valid_to_ms ? kExpirationModelExpires : kExpirationModelDoesNotExpire;
  }
  if (imported) entry["ImportState"] = IsImported(material) ? "IMPORTED" : "PENDING_IMPORT";
  entry["KeyId"] = key.id;
  if (imported && !material.description.empty()) {
    entry["KeyMaterialDescription"] = material.description;
  }
  entry["KeyMaterialId"] = material.id;
  entry["KeyMaterialState"] = ToString(MaterialState(key, material));
  if (rotation != nullptr) {
    entry["RotationDate"] = EpochSeconds(rotation->date_ms);
    entry["RotationType"] = ToString(rotation->type);
  }
  if (imported && IsImported(material) && material.valid_to_ms) {
    entry["ValidTo"] = EpochSeconds(*material.valid_to_ms);
  }
  return entry;
}

// ListKeyRotations' entries, oldest first: every rotation, and with ALL_KEY_MATERIAL also the
// first material and any material pending rotation (which have no date or type).
boost::json::array RotationEntries(const Key& key, bool all_material) {
  boost::json::array entries;
  for (const KeyMaterial& material : key.materials) {
    const Rotation* rotation = nullptr;
    for (const Rotation& r : key.rotations) {
      if (r.material_id == material.id) rotation = &r;
    }
    if (rotation != nullptr || all_material) {
      entries.push_back(RotationEntry(key, material, rotation));
    }
  }
  return entries;
}

}  // namespace

KMS_HANDLER(EnableKeyRotation) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto period = in.Integer("RotationPeriodInDays",
                           IntRule{.min = kMinRotationPeriodDays, .max = kMaxRotationPeriodDays});
  if (Status status = in.Finish(); !status) return status.error();
  int days = static_cast<int>(period.value_or(kDefaultRotationPeriodDays));
  auto key = MutateOwnKey(services, ctx, *key_id, [&](Key& k) -> Status {
    if (Status ok = RequireRotationSettable(k); !ok) return ok;
    EnableAutomaticRotation(k, days, ctx.now_ms);
    return {};
  });
  if (!key) return key.error();
  return boost::json::object{};
}

KMS_HANDLER(DisableKeyRotation) {
  auto key_id = ReadKeyId(input);
  if (!key_id) return key_id.error();
  auto key = MutateOwnKey(services, ctx, *key_id, [](Key& k) -> Status {
    if (Status ok = RequireRotationSettable(k); !ok) return ok;
    DisableAutomaticRotation(k);
    return {};
  });
  if (!key) return key.error();
  return boost::json::object{};
}

KMS_HANDLER(GetKeyRotationStatus) {
  auto key_id = ReadKeyId(input);
  if (!key_id) return key_id.error();
  // AWS: cross-account with a key ARN.
  auto key = ResolveKeyNoAlias(services, ctx, *key_id);
  if (!key) return key.error();
  const Key& k = **key;
  // AWS: keys that cannot rotate automatically (asymmetric, HMAC) report false rather than an
  // error since 2026 (floci-io/floci#586, #618; Terraform reads it for every key); imported keys
  // are treated alike (n/v). A key pending deletion reports false (API reference).
  bool enabled = AutomaticRotationEnabled(k) && k.state != KeyState::kPendingDeletion;
  boost::json::object out;
  out["KeyId"] = k.Arn();
  out["KeyRotationEnabled"] = enabled;
  if (enabled) {
    out["NextRotationDate"] = EpochSeconds(*k.next_rotation_ms);
    out["RotationPeriodInDays"] = *k.rotation_period_days;
  }
  return out;
}

KMS_HANDLER(RotateKeyOnDemand) {
  auto key_id = ReadKeyId(input);
  if (!key_id) return key_id.error();
  auto key = MutateOwnKey(services, ctx, *key_id,
                          [&](Key& k) -> Status { return RotateOnDemand(k, ctx.now_ms); });
  if (!key) return key.error();
  // AWS: the on-demand rotation completes before the response (OnDemandRotationStartDate is
  // never shown) and the response names the key by ARN.
  return boost::json::object{{"KeyId", (*key)->Arn()}};
}

KMS_HANDLER(ListKeyRotations) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto include = in.Enum("IncludeKeyMaterial", kIncludeKeyMaterial);
  PageParams params = ReadPageParams(in);
  if (Status status = in.Finish(); !status) return status.error();
  auto page = ResolvePage(ctx, kListName, params, 100, 1000);
  if (!page) return page.error();
  auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  if ((*key)->spec != KeySpec::kSymmetricDefault) return Unsupported();  // n/v
  boost::json::array all = RotationEntries(**key, include == "ALL_KEY_MATERIAL");
  size_t begin = 0;
  if (page->after) begin = std::strtoull(page->after->c_str(), nullptr, 10);
  begin = std::min(begin, all.size());
  size_t end = std::min(begin + page->limit, all.size());
  boost::json::object out;
  if (end < all.size()) out["NextMarker"] = EncodeMarker(ctx, kListName, std::to_string(end));
  out["Rotations"] = boost::json::array(all.begin() + static_cast<std::ptrdiff_t>(begin),
                                        all.begin() + static_cast<std::ptrdiff_t>(end));
  out["Truncated"] = end < all.size();
  return out;
}

}  // namespace kms::emulator
