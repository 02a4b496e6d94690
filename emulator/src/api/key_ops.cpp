// Key management: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, EnableKey, DisableKey,
// ScheduleKeyDeletion, CancelKeyDeletion. AWS_KMS single-Region keys of every key spec OpenSSL 3.0
// can make, and EXTERNAL keys (PendingImport, no material; import_ops.cpp); other valid key types
// are refused with UnsupportedOperationException.
#include <array>
#include <boost/json/array.hpp>
#include <functional>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/custom_key_store.hpp"
#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/key_metadata.hpp"
#include "api/key_resolver.hpp"
#include "api/management.hpp"
#include "api/multi_region.hpp"
#include "api/pagination.hpp"
#include "domain/asymmetric_key.hpp"
#include "domain/imported_material.hpp"
#include "domain/multi_region.hpp"
#include "domain/policy.hpp"

namespace kms::emulator {
namespace {

// AWS: the enum sets in the order AWS's messages list them. KeySpec and KeyUsage as recorded
// from AWS in 2023 (no SM2 outside China regions), members added since then appended.
constexpr std::string_view kKeySpecs[] = {
    "RSA_2048",          "ECC_NIST_P384", "ECC_NIST_P256",   "ECC_NIST_P521",
    "HMAC_384",          "RSA_3072",      "ECC_SECG_P256K1", "RSA_4096",
    "SYMMETRIC_DEFAULT", "HMAC_256",      "HMAC_224",        "HMAC_512",
    "ML_DSA_44",         "ML_DSA_65",     "ML_DSA_87",       "ECC_NIST_EDWARDS25519"};
constexpr std::string_view kCustomerMasterKeySpecs[] = {
    "RSA_2048",          "ECC_NIST_P384", "ECC_NIST_P256",   "ECC_NIST_P521",
    "HMAC_384",          "RSA_3072",      "ECC_SECG_P256K1", "RSA_4096",
    "SYMMETRIC_DEFAULT", "HMAC_256",      "HMAC_224",        "HMAC_512"};
// AWS offers SM2 only in the China Regions (Sm2Available); there the enums end with it.
template <size_t N>
constexpr std::array<std::string_view, N + 1> WithSm2(const std::string_view (&names)[N]) {
  std::array<std::string_view, N + 1> out{};
  for (size_t i = 0; i < N; ++i) out[i] = names[i];
  out[N] = "SM2";
  return out;
}
constexpr auto kKeySpecsWithSm2 = WithSm2(kKeySpecs);
constexpr auto kCustomerMasterKeySpecsWithSm2 = WithSm2(kCustomerMasterKeySpecs);
constexpr std::string_view kKeyUsages[] = {"ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC",
                                           "KEY_AGREEMENT"};
constexpr std::string_view kOrigins[] = {"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM",
                                         "EXTERNAL_KEY_STORE"};

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kDefaultPendingWindowDays = 30;

bool IsPolicyText(std::string_view s) { return CodePointsWithin(s, 0x20, 0xFF, U"\t\n\r"); }

bool IsXksKeyIdText(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Error Validation(std::string message) {
  return MakeError(ErrorCode::kValidation, std::move(message));
}

Error Unsupported(std::string message) {
  return MakeError(ErrorCode::kUnsupportedOperation, std::move(message));
}

// CreateKey's members after model validation.
struct CreateKeyInput {
  std::optional<std::string> policy;
  std::string description;
  std::optional<KeySpec> spec;
  std::optional<KeySpec> cmk_spec;
  std::optional<KeyUsage> usage;
  Origin origin = Origin::kAwsKms;
  std::optional<std::string> custom_key_store_id;
  bool xks_key_id = false;
  bool multi_region = false;
  bool bypass_policy_lockout_check = false;
  TagList tags;
};

Result<CreateKeyInput> ReadCreateKey(const boost::json::object& body, std::string_view region) {
  bool sm2 = Sm2Available(region);
  InputReader in(body);
  CreateKeyInput out;
  auto policy = in.String("Policy", {.min = 1,
                                     .max = 131072,
                                     .pattern = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
                                     .check = IsPolicyText});
  auto description = in.String("Description", {.max = 8192});
  auto usage = in.Enum("KeyUsage", kKeyUsages);
  using Names = std::span<const std::string_view>;
  auto cmk_spec = in.Enum("CustomerMasterKeySpec", sm2 ? Names(kCustomerMasterKeySpecsWithSm2)
                                                       : Names(kCustomerMasterKeySpecs));
  auto spec = in.Enum("KeySpec", sm2 ? Names(kKeySpecsWithSm2) : Names(kKeySpecs));
  auto origin = in.Enum("Origin", kOrigins);
  auto store_id = in.String("CustomKeyStoreId", {.min = 1, .max = 64});
  auto bypass_lockout = in.Boolean("BypassPolicyLockoutSafetyCheck");
  auto tags = in.Tags("Tags");
  auto multi_region = in.Boolean("MultiRegion");
  auto xks_key_id = in.String(
      "XksKeyId", {.min = 1, .max = 128, .pattern = "^[a-zA-Z0-9-_.]+$", .check = IsXksKeyIdText});
  if (Status status = in.Finish(); !status) return status.error();
  if (policy) out.policy = std::string(*policy);
  out.bypass_policy_lockout_check = bypass_lockout.value_or(false);
  if (description) out.description = std::string(*description);
  if (spec) out.spec = ParseKeySpec(*spec);
  if (cmk_spec) out.cmk_spec = ParseKeySpec(*cmk_spec);
  if (usage) out.usage = ParseKeyUsage(*usage);
  if (origin) out.origin = *ParseOrigin(*origin);
  if (store_id) out.custom_key_store_id = std::string(*store_id);
  out.xks_key_id = xks_key_id.has_value();
  out.multi_region = multi_region.value_or(false);
  if (tags) out.tags = std::move(*tags);
  return out;
}

// The key spec and usage of the new key, with AWS's validation errors.
Result<std::pair<KeySpec, KeyUsage>> ChooseSpecAndUsage(const CreateKeyInput& in) {
  if (in.spec && in.cmk_spec) {
    return Validation(
        "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
        "CustomerMasterKeySpec is deprecated.");
  }
  KeySpec spec = in.spec.value_or(in.cmk_spec.value_or(KeySpec::kSymmetricDefault));
  if (!in.usage && spec != KeySpec::kSymmetricDefault) {
    return Validation(
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption "
        "keys.");
  }
  KeyUsage usage = in.usage.value_or(KeyUsage::kEncryptDecrypt);
  if (UsageFitsSpec(spec, usage)) return std::pair{spec, usage};
  std::string usage_name(ToString(usage));
  if (spec == KeySpec::kSymmetricDefault) {
    return Validation("The operation failed because the KeyUsage value of the CMK is " +
                      usage_name +
                      ". To perform this operation, the KeyUsage value must be ENCRYPT_DECRYPT.");
  }
  return Validation("KeyUsage " + usage_name + " is not compatible with KeySpec " +
                    std::string(ToString(spec)));
}

// The emulator's limits: what AWS would create but we cannot yet.
Status CheckSupported(const CreateKeyInput& in, KeySpec spec) {
  if (IsMlDsaSpec(spec)) {
    return Unsupported("KeySpec " + std::string(ToString(spec)) +
                       " is not supported by this emulator: OpenSSL 3.0 has no ML-DSA.");
  }
  // Custom key stores are not emulated: no id names one (custom_key_store.hpp).
  if (in.custom_key_store_id) return CustomKeyStoreNotFound(*in.custom_key_store_id);
  if (in.xks_key_id) return Unsupported(std::string(kCustomKeyStoresNotEmulated));
  if (in.origin != Origin::kAwsKms && in.origin != Origin::kExternal) {
    return Unsupported("Origin " + std::string(ToString(in.origin)) +
                       " is not supported by this emulator yet; only AWS_KMS and EXTERNAL keys "
                       "can be created.");
  }
  return {};
}

Result<Key> NewKey(const RequestContext& ctx, CreateKeyInput&& in, KeySpec spec, KeyUsage usage) {
  Key key;
  key.account = ctx.account;
  key.region = ctx.region;
  if (in.multi_region) {
    auto id = NewMultiRegionKeyId();
    if (!id) return id.error();
    key.id = std::move(*id);
    key.multi_region = true;
    key.primary_region = ctx.region;
  } else {
    key.id = internal::RandomUuid();
  }
  key.description = std::move(in.description);
  key.spec = spec;
  key.usage = usage;
  key.origin = in.origin;
  key.manager = KeyManager::kCustomer;
  key.state = KeyState::kEnabled;
  key.creation_ms = ctx.now_ms;
  key.policy = in.policy ? std::move(*in.policy) : DefaultKeyPolicy(ctx.account);
  if (Status status = MergeTags(key.tags, in.tags); !status) return status.error();
  if (key.origin == Origin::kExternal) {
    // AWS: a key for imported material starts without any, PendingImport (test_import_key_*).
    key.state = KeyState::kPendingImport;
    return key;
  }
  auto material = NewKeyMaterial(spec, ctx.now_ms);
  if (!material) return material.error();
  key.current_material_id = material->id;
  key.materials.push_back(std::move(*material));
  return key;
}

// Reads the single required KeyId member (and GrantTokens where the operation has them).
Result<std::string> ReadKeyId(const boost::json::object& body, bool grant_tokens = false) {
  InputReader in(body);
  auto key_id = in.String("KeyId", kKeyIdRule);
  if (grant_tokens) {
    (void)in.StringList("GrantTokens", ListRule{.max = 10}, StringRule{.min = 1, .max = 8192});
  }
  if (Status status = in.Finish(); !status) return status.error();
  return std::string(*key_id);
}

// Resolves a key id or key ARN of the caller and applies `mutate` to it atomically.
Result<std::shared_ptr<const Key>> ResolveAndMutate(Services& services, const RequestContext& ctx,
                                                    std::string_view key_id,
                                                    const std::function<Status(Key&)>& mutate) {
  auto key = ResolveOwnKey(services, ctx, key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  return MutateKey(services, ctx, **key, mutate);
}

Result<boost::json::object> SetEnabled(Services& services, const RequestContext& ctx,
                                       const boost::json::object& input, bool enabled) {
  auto key_id = ReadKeyId(input);
  if (!key_id) return key_id.error();
  auto key = ResolveAndMutate(services, ctx, *key_id, [enabled](Key& k) -> Status {
    if (Status status = RequireEnableDisableState(k); !status) return status;
    k.state = enabled ? KeyState::kEnabled : KeyState::kDisabled;
    return {};
  });
  if (!key) return key.error();
  return boost::json::object{};
}

// ListKeys' Keys entries after `page.after`, and the NextMarker position when more remain.
std::pair<boost::json::array, std::optional<std::string>> KeysPage(
    const std::vector<std::shared_ptr<const Key>>& keys, const Page& page, int64_t now_ms) {
  boost::json::array out;
  std::string last;
  for (const auto& key : keys) {
    if (IsExpired(*key, now_ms) || (page.after && key->id <= *page.after)) continue;
    if (out.size() == page.limit) return {std::move(out), std::move(last)};
    out.push_back(boost::json::object{{"KeyArn", key->Arn()}, {"KeyId", key->id}});
    last = key->id;
  }
  return {std::move(out), std::nullopt};
}

}  // namespace

KMS_HANDLER(CreateKey) {
  auto in = ReadCreateKey(input, ctx.region);
  if (!in) return in.error();
  auto spec_usage = ChooseSpecAndUsage(*in);
  if (!spec_usage) return spec_usage.error();
  if (Status status = CheckNewTags(in->tags); !status) return status.error();
  auto [spec, usage] = *spec_usage;
  if (Status status = CheckSupported(*in, spec); !status) return status.error();
  if (in->policy) {
    // AWS: the policy is validated and stored re-printed, as PutKeyPolicy does.
    auto policy = NormalizeKeyPolicy(*in->policy, ctx.account, in->bypass_policy_lockout_check);
    if (!policy) return policy.error();
    in->policy = std::move(*policy);
  }
  auto key = NewKey(ctx, std::move(*in), spec, usage);
  if (!key) return key.error();
  if (Status status = services.store.CreateKey(*key); !status) return status.error();
  return boost::json::object{{"KeyMetadata", DescribedKeyMetadata(services, *key, ctx.now_ms)}};
}

KMS_HANDLER(DescribeKey) {
  auto key_id = ReadKeyId(input, /*grant_tokens=*/true);
  if (!key_id) return key_id.error();
  // AWS: DescribeKey is cross-account: a key ARN or alias ARN may name another account.
  auto key = ResolveKey(services, ctx, *key_id);
  if (!key) return key.error();
  return boost::json::object{{"KeyMetadata", DescribedKeyMetadata(services, **key, ctx.now_ms)}};
}

KMS_HANDLER(ListKeys) {
  InputReader in(input);
  PageParams params = ReadPageParams(in);
  if (Status status = in.Finish(); !status) return status.error();
  auto page = ResolvePage(ctx, "ListKeys", params, 100, 1000);
  if (!page) return page.error();
  auto [keys, next] = KeysPage(services.store.ListKeys(ctx.account, ctx.region), *page, ctx.now_ms);
  boost::json::object out;
  out["Keys"] = std::move(keys);
  if (next) out["NextMarker"] = EncodeMarker(ctx, "ListKeys", *next);
  out["Truncated"] = next.has_value();
  return out;
}

KMS_HANDLER(UpdateKeyDescription) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto description = in.String("Description", {.required = true, .max = 8192});
  if (Status status = in.Finish(); !status) return status.error();
  auto key = ResolveAndMutate(services, ctx, *key_id,
                              [text = std::string(*description)](Key& k) -> Status {
                                if (Status status = RejectPendingDeletion(k); !status) {
                                  return status;
                                }
                                k.description = text;
                                return {};
                              });
  if (!key) return key.error();
  return boost::json::object{};
}

KMS_HANDLER(EnableKey) { return SetEnabled(services, ctx, input, true); }

KMS_HANDLER(DisableKey) { return SetEnabled(services, ctx, input, false); }

KMS_HANDLER(ScheduleKeyDeletion) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto window = in.Integer("PendingWindowInDays", IntRule{.min = 1, .max = 365});
  if (Status status = in.Finish(); !status) return status.error();
  int64_t days = window.value_or(kDefaultPendingWindowDays);
  // AWS: the model admits 1..365 but the service enforces 7..30 with this message.
  if (days < 7 || days > 30) return Validation("PendingWindowInDays must be between 7 and 30");
  auto owned = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!owned) return owned.error();
  auto key = MutateKeyWithReplicaCount(services, ctx, **owned, [&](Key& k, size_t replicas) {
    if (Status status = RejectPendingDeletion(k); !status) return status;
    k.pending_window_days = static_cast<int>(days);
    if (replicas != 0) {
      // AWS: a primary waits for its replicas; its waiting period starts when the last is gone.
      k.state = KeyState::kPendingReplicaDeletion;
      k.deletion_ms.reset();
      return Status{};
    }
    k.state = KeyState::kPendingDeletion;
    k.deletion_ms = ctx.now_ms + days * kDayMs;
    return Status{};
  });
  if (!key) return key.error();
  boost::json::object out;
  // AWS: no DeletionDate while it depends on the replicas' deletion.
  if ((*key)->deletion_ms) out["DeletionDate"] = EpochSeconds(*(*key)->deletion_ms);
  out["KeyId"] = (*key)->Arn();
  out["KeyState"] = ToString((*key)->state);
  out["PendingWindowInDays"] = days;
  return out;
}

KMS_HANDLER(CancelKeyDeletion) {
  auto key_id = ReadKeyId(input);
  if (!key_id) return key_id.error();
  auto key = ResolveAndMutate(services, ctx, *key_id, [](Key& k) -> Status {
    if (k.state != KeyState::kPendingDeletion && k.state != KeyState::kPendingReplicaDeletion) {
      return MakeError(ErrorCode::kInvalidState, k.Arn() + " is not pending deletion.");
    }
    // AWS: a cancelled deletion leaves the key Disabled (PendingImport if it lacks material).
    k.state = AllMaterialImported(k) ? KeyState::kDisabled : KeyState::kPendingImport;
    k.deletion_ms.reset();
    k.pending_window_days.reset();
    return {};
  });
  if (!key) return key.error();
  return boost::json::object{{"KeyId", (*key)->Arn()}};
}

}  // namespace kms::emulator
