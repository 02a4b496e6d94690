// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
#include <boost/json/array.hpp>
#include <optional>
#include <string>
#include <utility>

#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/key_metadata.hpp"
#include "api/management.hpp"
#include "api/pagination.hpp"

namespace kms::emulator {
namespace {

bool IsAliasNameText(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == ':' || c == '/' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

constexpr StringRule kAliasNameRule{.required = true,
                                    .min = 1,
                                    .max = 256,
                                    .pattern = "^[a-zA-Z0-9:/_-]+$",
                                    .check = IsAliasNameText};

// AWS's rules on an alias name beyond the model pattern.
Status CheckAliasName(std::string_view name) {
  if (!name.starts_with("alias/")) {
    return MakeError(ErrorCode::kValidation,
                     "Alias must start with the prefix \"alias/\". Please see "
                     "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
  }
  // AWS: alias/aws/ is reserved for AWS managed keys. The error is not in the model; moto and
  // local-kms both answer NotAuthorizedException with an empty message (n/v against AWS).
  if (name.starts_with("alias/aws/")) return MakeError(ErrorCode::kNotAuthorized, "");
  return {};
}

Alias AliasOf(const RequestContext& ctx, std::string_view name) {
  Alias alias;
  alias.account = ctx.account;
  alias.region = ctx.region;
  alias.name = std::string(name);
  return alias;
}

Error AliasNotFound(const RequestContext& ctx, std::string_view name) {
  return MakeError(ErrorCode::kNotFound, "Alias " + AliasOf(ctx, name).Arn() + " is not found.");
}

// True when the alias's key still exists for clients.
bool TargetIsLive(const Services& services, const RequestContext& ctx, const Alias& alias) {
  auto key = services.store.FindKey(ctx.account, ctx.region, alias.target_key_id);
  return key && !IsExpired(*key, ctx.now_ms);
}

// The alias `name` of the caller, or nullopt. An alias whose key's deletion date has passed is
// gone too: the sweep that deletes such keys (and their aliases) is run now.
std::optional<Alias> FindLiveAlias(Services& services, const RequestContext& ctx,
                                   std::string_view name) {
  auto alias = services.store.FindAlias(ctx.account, ctx.region, name);
  if (!alias || TargetIsLive(services, ctx, *alias)) return alias;
  (void)services.store.DeleteExpiredKeys(ctx.now_ms);  // a failure leaves the alias; harmless
  return std::nullopt;
}

Status CheckAliasQuota(const Services& services, const Key& key) {
  if (services.store.CountAliases(key.account, key.region, key.id) < kMaxAliasesPerKey) return {};
  // AWS: 50 aliases per key (resource quota). The message is ours (n/v).
  return MakeError(ErrorCode::kLimitExceeded,
                   "The request would exceed the quota of 50 aliases for " + key.Arn() + ".");
}

std::string_view KeyType(KeySpec spec) {
  if (spec == KeySpec::kSymmetricDefault) return "SYMMETRIC";
  if (spec == KeySpec::kHmac224 || spec == KeySpec::kHmac256 || spec == KeySpec::kHmac384 ||
      spec == KeySpec::kHmac512) {
    return "HMAC";
  }
  return "ASYMMETRIC";
}

// AWS: UpdateAlias keeps an alias on keys of one type and usage. Messages as local-kms (n/v).
Status CheckSameKind(std::string_view name, const Key& from, const Key& to) {
  if (from.usage != to.usage) {
    return MakeError(ErrorCode::kValidation,
                     "Alias " + std::string(name) +
                         " cannot be changed from a CMK with key usage " +
                         std::string(ToString(from.usage)) + " to a CMK with key usage " +
                         std::string(ToString(to.usage)) +
                         ". The key usage of the current CMK and the new CMK must be the same.");
  }
  if (KeyType(from.spec) != KeyType(to.spec)) {
    return MakeError(ErrorCode::kValidation,
                     "Alias " + std::string(name) + " cannot be changed from a CMK with key type " +
                         std::string(KeyType(from.spec)) + " to a CMK with key type " +
                         std::string(KeyType(to.spec)) +
                         ". The key type of the current CMK and the new CMK must be the same.");
  }
  return {};
}

// Reads AliasName (and TargetKeyId when `with_target`) and applies CheckAliasName.
struct AliasInput {
  std::string name;
  std::string target;
};

Result<AliasInput> ReadAliasInput(const boost::json::object& body, bool with_target) {
  InputReader in(body);
  auto name = in.String("AliasName", kAliasNameRule);
  std::optional<std::string_view> target;
  if (with_target) target = in.String("TargetKeyId", kKeyIdRule);
  if (Status status = in.Finish(); !status) return status.error();
  if (Status status = CheckAliasName(*name); !status) return status.error();
  return AliasInput{std::string(*name), std::string(target.value_or(""))};
}

boost::json::object AliasEntry(const Alias& alias) {
  return boost::json::object{{"AliasArn", alias.Arn()},
                             {"AliasName", alias.name},
                             {"CreationDate", EpochSeconds(alias.creation_ms)},
                             {"LastUpdatedDate", EpochSeconds(alias.last_updated_ms)},
                             {"TargetKeyId", alias.target_key_id}};
}

// ListAliases' entries after `page.after` (only those of key `filter` when given), and the
// NextMarker position when more remain.
std::pair<boost::json::array, std::optional<std::string>> AliasesPage(
    const Services& services, const RequestContext& ctx, const std::optional<std::string>& filter,
    const Page& page) {
  boost::json::array entries;
  std::string last;
  for (const Alias& alias : services.store.ListAliases(ctx.account, ctx.region)) {
    if (filter && alias.target_key_id != *filter) continue;
    if (page.after && alias.name <= *page.after) continue;
    if (!TargetIsLive(services, ctx, alias)) continue;
    if (entries.size() == page.limit) return {std::move(entries), std::move(last)};
    entries.push_back(AliasEntry(alias));
    last = alias.name;
  }
  return {std::move(entries), std::nullopt};
}

}  // namespace

KMS_HANDLER(CreateAlias) {
  auto in = ReadAliasInput(input, /*with_target=*/true);
  if (!in) return in.error();
  if (FindLiveAlias(services, ctx, in->name)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "An alias with the name " + AliasOf(ctx, in->name).Arn() + " already exists");
  }
  auto key = ResolveOwnKey(services, ctx, in->target, /*allow_alias=*/false);
  if (!key) return key.error();
  if (Status status = RejectPendingDeletion(**key); !status) return status.error();
  if (Status status = CheckAliasQuota(services, **key); !status) return status.error();
  Alias alias = AliasOf(ctx, in->name);
  alias.target_key_id = (*key)->id;
  alias.creation_ms = alias.last_updated_ms = ctx.now_ms;
  if (Status status = services.store.CreateAlias(alias); !status) return status.error();
  return boost::json::object{};
}

KMS_HANDLER(UpdateAlias) {
  auto in = ReadAliasInput(input, /*with_target=*/true);
  if (!in) return in.error();
  auto alias = FindLiveAlias(services, ctx, in->name);
  if (!alias) return AliasNotFound(ctx, in->name);
  auto key = ResolveOwnKey(services, ctx, in->target, /*allow_alias=*/false);
  if (!key) return key.error();
  // AWS: the current key may be pending deletion; only the destination's state matters.
  if (auto current = services.store.FindKey(ctx.account, ctx.region, alias->target_key_id)) {
    if (Status status = CheckSameKind(in->name, *current, **key); !status) return status.error();
  }
  if (Status status = RejectPendingDeletion(**key); !status) return status.error();
  if (alias->target_key_id != (*key)->id) {
    if (Status status = CheckAliasQuota(services, **key); !status) return status.error();
  }
  Status status =
      services.store.UpdateAlias(ctx.account, ctx.region, in->name, (*key)->id, ctx.now_ms);
  if (!status) {
    if (status.error().code == ErrorCode::kNotFound) return AliasNotFound(ctx, in->name);
    return status.error();
  }
  return boost::json::object{};
}

KMS_HANDLER(DeleteAlias) {
  auto in = ReadAliasInput(input, /*with_target=*/false);
  if (!in) return in.error();
  if (!FindLiveAlias(services, ctx, in->name)) return AliasNotFound(ctx, in->name);
  Status status = services.store.DeleteAlias(ctx.account, ctx.region, in->name);
  if (!status) {
    if (status.error().code == ErrorCode::kNotFound) return AliasNotFound(ctx, in->name);
    return status.error();
  }
  return boost::json::object{};
}

KMS_HANDLER(ListAliases) {
  InputReader in(input);
  auto key_id = in.String("KeyId", {.min = 1, .max = 2048});
  PageParams params = ReadPageParams(in);
  if (Status status = in.Finish(); !status) return status.error();
  // AWS: Limit is documented as 1..100 (the model says 1..1000); larger values return 100.
  auto page = ResolvePage(ctx, "ListAliases", params, 50, 100);
  if (!page) return page.error();
  std::optional<std::string> filter;
  if (key_id) {
    auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/true);
    if (!key) return key.error();
    filter = (*key)->id;
  }
  auto [entries, next] = AliasesPage(services, ctx, filter, *page);
  boost::json::object out;
  out["Aliases"] = std::move(entries);
  if (next) out["NextMarker"] = EncodeMarker(ctx, "ListAliases", *next);
  out["Truncated"] = next.has_value();
  return out;
}

}  // namespace kms::emulator
