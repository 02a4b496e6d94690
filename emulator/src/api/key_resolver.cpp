// KeyId resolution and the crypto-operation state rule.
#include "api/key_resolver.hpp"

#include <string>

namespace kms::emulator {
namespace {

Error InvalidKeyId(std::string_view text) {
  return MakeError(ErrorCode::kNotFound, "Invalid keyId '" + std::string(text) + "'");
}

Error KeyDoesNotExist(std::string_view region, std::string_view account, std::string_view id) {
  return MakeError(ErrorCode::kNotFound,
                   "Key '" + KeyArn(region, account, id) + "' does not exist");
}

struct Arn {
  std::string_view region, account, resource;
};

// Parses arn:aws:kms:<region>:<account>:<resource>; nullopt when not of that shape.
std::optional<Arn> ParseArn(std::string_view s) {
  constexpr std::string_view kPrefix = "arn:aws:kms:";
  if (!s.starts_with(kPrefix)) return std::nullopt;
  s.remove_prefix(kPrefix.size());
  size_t c1 = s.find(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  size_t c2 = s.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return std::nullopt;
  Arn arn{s.substr(0, c1), s.substr(c1 + 1, c2 - c1 - 1), s.substr(c2 + 1)};
  if (arn.region.empty() || arn.account.size() != 12) return std::nullopt;
  for (char c : arn.account) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return arn;
}

bool IsKeyIdShape(std::string_view id) { return IsKeyUuid(id) || IsMultiRegionKeyId(id); }

Result<std::shared_ptr<const Key>> Lookup(const Services& services, const RequestContext& ctx,
                                          std::string_view region, std::string_view account,
                                          std::string_view id) {
  auto key = services.store.FindKey(account, region, id);
  // AWS: once the deletion date passes the key is gone, even before the sweeper runs.
  if (!key || (key->deletion_ms && *key->deletion_ms <= ctx.now_ms)) {
    return KeyDoesNotExist(region, account, id);
  }
  return key;
}

Result<std::shared_ptr<const Key>> Resolve(const Services& services, const RequestContext& ctx,
                                           std::string_view key_id, bool allow_alias) {
  if (IsKeyIdShape(key_id)) return Lookup(services, ctx, ctx.region, ctx.account, key_id);
  std::string_view region = ctx.region, account = ctx.account, alias_name;
  if (key_id.starts_with("alias/")) {
    alias_name = key_id;
  } else if (auto arn = ParseArn(key_id)) {
    if (arn->region != ctx.region) {
      return MakeError(ErrorCode::kNotFound, "Invalid arn " + std::string(arn->region));
    }
    region = arn->region;
    account = arn->account;
    if (arn->resource.starts_with("key/")) {
      std::string_view id = arn->resource.substr(4);
      if (!IsKeyIdShape(id)) return InvalidKeyId(key_id);
      return Lookup(services, ctx, region, account, id);
    }
    if (!arn->resource.starts_with("alias/")) return InvalidKeyId(key_id);
    alias_name = arn->resource;
  } else {
    return InvalidKeyId(key_id);
  }
  if (!allow_alias) return InvalidKeyId(key_id);
  auto alias = services.store.FindAlias(account, region, alias_name);
  if (!alias) {
    Alias shown;
    shown.account = account;
    shown.region = region;
    shown.name = alias_name;
    return MakeError(ErrorCode::kNotFound, "Alias " + shown.Arn() + " is not found.");
  }
  return Lookup(services, ctx, region, account, alias->target_key_id);
}

}  // namespace

Result<std::shared_ptr<const Key>> ResolveKey(const Services& services, const RequestContext& ctx,
                                              std::string_view key_id) {
  return Resolve(services, ctx, key_id, true);
}

Result<std::shared_ptr<const Key>> ResolveKeyNoAlias(const Services& services,
                                                     const RequestContext& ctx,
                                                     std::string_view key_id) {
  return Resolve(services, ctx, key_id, false);
}

Status RequireEnabled(const Key& key) {
  switch (key.state) {
    case KeyState::kEnabled:
      return {};
    case KeyState::kDisabled:
      return MakeError(ErrorCode::kDisabled, key.Arn() + " is disabled.");
    case KeyState::kPendingDeletion:
      return MakeError(ErrorCode::kInvalidState, key.Arn() + " is pending deletion.");
    case KeyState::kPendingImport:
      return MakeError(ErrorCode::kInvalidState, key.Arn() + " is pending import.");
    // AWS key-state table [3], [14], [15] (multi-Region keys). n/v: the first one's wording.
    case KeyState::kPendingReplicaDeletion:
      return MakeError(ErrorCode::kInvalidState, key.Arn() + " is pending replica deletion.");
    case KeyState::kCreating:
      return MakeError(ErrorCode::kInvalidState, key.Arn() + " is creating.");
    case KeyState::kUpdating:
      return MakeError(ErrorCode::kInvalidState, key.Arn() + " is updating.");
    default:
      return MakeError(ErrorCode::kInvalidState,
                       key.Arn() + " is " + std::string(ToString(key.state)) + ".");
  }
}

}  // namespace kms::emulator
