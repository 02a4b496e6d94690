// Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. Every key has exactly one policy,
// named "default"; it is validated and stored as AWS re-prints it (domain/policy.hpp). Policies
// are not enforced yet.
#include <boost/json/array.hpp>
#include <string>

#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/management.hpp"
#include "api/pagination.hpp"
#include "domain/policy.hpp"

namespace kms::emulator {
namespace {

constexpr std::string_view kListName = "ListKeyPolicies";

bool IsWordText(std::string_view s) {
  for (char c : s) {
    bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word) return false;
  }
  return true;
}

bool IsPolicyText(std::string_view s) { return CodePointsWithin(s, 0x20, 0xFF, U"\t\n\r"); }

constexpr StringRule kPolicyNameRule{
    .min = 1, .max = 128, .pattern = "[\\w]+", .check = IsWordText};
constexpr StringRule kPolicyRule{.required = true,
                                 .min = 1,
                                 .max = 131072,
                                 .pattern = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
                                 .check = IsPolicyText};

// AWS (as moto and LocalStack have it; n/v): the only policy name is "default".
Status RequireDefaultName(const std::optional<std::string_view>& name) {
  if (name && *name != kDefaultPolicyName) {
    return MakeError(ErrorCode::kNotFound, "No such policy exists");
  }
  return {};
}

}  // namespace

KMS_HANDLER(GetKeyPolicy) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto name = in.String("PolicyName", kPolicyNameRule);
  if (Status status = in.Finish(); !status) return status.error();
  auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  if (Status status = RequireDefaultName(name); !status) return status.error();
  boost::json::object out;
  out["Policy"] = (*key)->policy;
  out["PolicyName"] = kDefaultPolicyName;
  return out;
}

KMS_HANDLER(PutKeyPolicy) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto name = in.String("PolicyName", kPolicyNameRule);
  auto policy = in.String("Policy", kPolicyRule);
  auto bypass = in.Boolean("BypassPolicyLockoutSafetyCheck");
  if (Status status = in.Finish(); !status) return status.error();
  auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  if (Status status = RequireDefaultName(name); !status) return status.error();
  auto normalized = NormalizeKeyPolicy(*policy, ctx.account, bypass.value_or(false));
  if (!normalized) return normalized.error();
  // AWS: PutKeyPolicy succeeds in every key state.
  auto updated = MutateKey(services, ctx, **key, [&](Key& k) -> Status {
    k.policy = *normalized;
    return {};
  });
  if (!updated) return updated.error();
  return boost::json::object{};
}

KMS_HANDLER(ListKeyPolicies) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  PageParams params = ReadPageParams(in);
  if (Status status = in.Finish(); !status) return status.error();
  auto page = ResolvePage(ctx, kListName, params, 100, 1000);
  if (!page) return page.error();
  auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  // One name, and Limit is at least 1: never truncated, so no marker is ever issued.
  boost::json::object out;
  out["PolicyNames"] = boost::json::array{kDefaultPolicyName};
  out["Truncated"] = false;
  return out;
}

}  // namespace kms::emulator
