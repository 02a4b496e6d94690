// Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant. Grants are
// stored and listed as AWS shows them; they do not authorize anything yet.
#include <algorithm>
#include <boost/json/array.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/key_metadata.hpp"
#include "api/key_resolver.hpp"
#include "api/management.hpp"
#include "api/pagination.hpp"
#include "domain/grant.hpp"

namespace kms::emulator {
namespace {

// AWS: 50,000 grants per key.
constexpr size_t kMaxGrantsPerKey = 50000;

bool IsPrincipalText(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("_+=,.@:/-").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsGrantNameText(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == ':' || c == '/' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

constexpr StringRule kPrincipalRule{
    .min = 1, .max = 256, .pattern = "^[\\w+=,.@:/-]+$", .check = IsPrincipalText};
constexpr StringRule kGrantIdRule{.min = 1, .max = 128};
constexpr StringRule kGrantTokenRule{.min = 1, .max = 8192};

Error DryRun() {
  return MakeError(ErrorCode::kDryRunOperation,
                   "The request would have succeeded, but the DryRun option is set.");
}

void ReadGrantTokens(InputReader& in) {
  (void)in.StringList("GrantTokens", ListRule{.max = 10}, kGrantTokenRule);
}

// The Operations member: a list of GrantOperation names, with Coral's list-of-enum wording for
// unknown ones (the enum set listed in the model's order; AWS's order is n/v).
std::optional<std::vector<std::string>> ReadOperations(InputReader& in) {
  auto ops = in.StringList("Operations", ListRule{.required = true}, StringRule{});
  if (!ops) return std::nullopt;
  auto names = GrantOperationNames();
  bool invalid = false;
  std::string shown, set;
  for (const std::string& op : *ops) {
    invalid |= std::find(names.begin(), names.end(), op) == names.end();
    shown += (shown.empty() ? "" : ", ") + op;
  }
  if (!invalid) return ops;
  for (std::string_view name : names) set += (set.empty() ? "" : ", ") + std::string(name);
  in.AddViolation("Value '[" + shown +
                  "]' at 'operations' failed to satisfy constraint: Member must satisfy "
                  "constraint: [Member must satisfy enum value set: [" +
                  set + "]]");
  return std::nullopt;
}

// The Constraints structure; its two maps are read like EncryptionContext.
Result<GrantConstraints> ReadConstraints(const boost::json::object& input) {
  GrantConstraints out;
  auto it = input.find("Constraints");
  if (it == input.end() || it->value().is_null()) return out;
  if (!it->value().is_object()) {
    return MakeError(ErrorCode::kSerialization, it->value().is_array()
                                                    ? "Start of list found where not expected"
                                                    : "Unexpected value type in payload");
  }
  InputReader in(it->value().get_object());
  out.encryption_context_equals = in.StringMap("EncryptionContextEquals");
  out.encryption_context_subset = in.StringMap("EncryptionContextSubset");
  if (Status status = in.Finish(); !status) return status.error();
  return out;
}

// Operations without duplicates, in request order.
std::vector<std::string> Deduplicated(std::vector<std::string> ops) {
  std::vector<std::string> out;
  for (std::string& op : ops) {
    if (std::find(out.begin(), out.end(), op) == out.end()) out.push_back(std::move(op));
  }
  return out;
}

// AWS: "the operation must be supported by the KMS key ... If you try, KMS returns a
// ValidationError exception" and encryption-context constraints only fit symmetric encryption
// keys. The messages are not recorded (n/v).
Status CheckGrantFitsKey(const Grant& grant, const Key& key) {
  for (const std::string& op : grant.operations) {
    if (!GrantOperationFitsKey(op, key.spec, key.usage)) {
      return MakeError(ErrorCode::kValidation,
                       "Grant operation " + op + " is not supported by " + key.Arn() +
                           " (key spec " + std::string(ToString(key.spec)) + ", key usage " +
                           std::string(ToString(key.usage)) + ").");
    }
  }
  if (!grant.constraints.empty() && key.spec != KeySpec::kSymmetricDefault) {
    return MakeError(ErrorCode::kValidation,
                     "Encryption context grant constraints are only valid for symmetric "
                     "encryption KMS keys.");
  }
  return {};
}

struct CreateGrantInput {
  std::string key_id;
  Grant grant;
  bool dry_run = false;
};

Result<CreateGrantInput> ReadCreateGrant(const boost::json::object& input) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto grantee = in.String("GranteePrincipal", StringRule{.required = true,
                                                          .min = kPrincipalRule.min,
                                                          .max = kPrincipalRule.max,
                                                          .pattern = kPrincipalRule.pattern,
                                                          .check = kPrincipalRule.check});
  auto retiring = in.String("RetiringPrincipal", kPrincipalRule);
  auto ops = ReadOperations(in);
  ReadGrantTokens(in);
  auto name = in.String(
      "Name",
      StringRule{.min = 1, .max = 256, .pattern = "^[a-zA-Z0-9:/_-]+$", .check = IsGrantNameText});
  auto dry_run = in.Boolean("DryRun");
  auto constraints = ReadConstraints(input);
  if (Status status = in.Finish(); !status) return status.error();
  if (!constraints) return constraints.error();
  CreateGrantInput out;
  out.key_id = std::string(*key_id);
  out.grant.grantee_principal = std::string(*grantee);
  if (retiring) out.grant.retiring_principal = std::string(*retiring);
  out.grant.operations = Deduplicated(std::move(*ops));
  if (name) out.grant.name = std::string(*name);
  out.grant.constraints = std::move(*constraints);
  out.dry_run = dry_run.value_or(false);
  return out;
}

boost::json::object ContextJson(const ContextMap& context) {
  boost::json::object out;
  for (const auto& [k, v] : context) out[k] = v;
  return out;
}

// A GrantListEntry, members in alphabetical order.
boost::json::object GrantJson(const Grant& grant) {
  boost::json::object entry;
  if (!grant.constraints.empty()) {
    boost::json::object c;
    if (grant.constraints.encryption_context_equals) {
      c["EncryptionContextEquals"] = ContextJson(*grant.constraints.encryption_context_equals);
    }
    if (grant.constraints.encryption_context_subset) {
      c["EncryptionContextSubset"] = ContextJson(*grant.constraints.encryption_context_subset);
    }
    entry["Constraints"] = std::move(c);
  }
  entry["CreationDate"] = EpochSeconds(grant.creation_ms);
  entry["GrantId"] = grant.id;
  entry["GranteePrincipal"] = grant.grantee_principal;
  entry["IssuingAccount"] = grant.issuing_account;
  entry["KeyId"] = grant.KeyArn();
  // AWS: a grant created without a name lists "Name": "" (developer guide examples).
  entry["Name"] = grant.name.value_or("");
  boost::json::array ops;
  for (const std::string& op : grant.operations) ops.emplace_back(op);
  entry["Operations"] = std::move(ops);
  if (grant.retiring_principal) entry["RetiringPrincipal"] = *grant.retiring_principal;
  return entry;
}

// A grant's place in ListGrants' order (creation date, then id) as text that sorts the same way.
std::string GrantPosition(const Grant& grant) {
  std::string ms = std::to_string(grant.creation_ms);
  if (ms.size() < 20) ms.insert(0, 20 - ms.size(), '0');
  return ms + ":" + grant.id;
}

// Grants after `page.after` (a GrantPosition), one page, with ListGrants' members.
Result<boost::json::object> GrantsPage(const RequestContext& ctx, std::string_view list,
                                       const std::vector<Grant>& grants, const Page& page) {
  boost::json::array entries;
  std::string last;
  bool truncated = false;
  for (const Grant& grant : grants) {
    std::string position = GrantPosition(grant);
    if (page.after && !(*page.after < position)) continue;
    if (entries.size() == page.limit) {
      truncated = true;
      break;
    }
    entries.push_back(GrantJson(grant));
    last = std::move(position);
  }
  boost::json::object out;
  out["Grants"] = std::move(entries);
  if (truncated) out["NextMarker"] = EncodeMarker(ctx, list, last);
  out["Truncated"] = truncated;
  return out;
}

Error GrantIdNotFound(std::string_view grant_id) {
  // n/v: moto's wording; AWS's is not recorded.
  return MakeError(ErrorCode::kNotFound, "Grant ID " + std::string(grant_id) + " not found");
}

Error InvalidGrantId(std::string_view grant_id) {
  return MakeError(ErrorCode::kInvalidGrantId, "Invalid grant ID '" + std::string(grant_id) + "'");
}

// Deletes the key's grant `grant_id` (or, for a dry run, checks that it could):
// InvalidGrantIdException for text that is no grant id, NotFoundException when the key has no
// such grant, DryRunOperationException when a dry run would have succeeded.
Status DeleteKeyGrant(Services& services, const Key& key, std::string_view grant_id, bool dry_run) {
  if (!IsGrantIdShape(grant_id)) return InvalidGrantId(grant_id);
  if (dry_run) {
    auto grants = services.store.ListGrants(key.account, key.region, key.id);
    if (!grants) return grants.error();
    bool present = std::any_of(grants->begin(), grants->end(),
                               [&](const Grant& g) { return g.id == grant_id; });
    return present ? DryRun() : GrantIdNotFound(grant_id);
  }
  auto deleted = services.store.DeleteGrant(key.account, key.region, key.id, grant_id);
  if (!deleted) return deleted.error();
  if (!*deleted) return GrantIdNotFound(grant_id);
  return {};
}

// RetireGrant by token: InvalidGrantTokenException for text we never issue, NotFoundException
// for a token whose grant is gone (n/v: AWS's wording).
Status RetireByToken(Services& services, std::string_view token, bool dry_run) {
  if (!IsGrantTokenShape(token)) {
    return MakeError(ErrorCode::kInvalidGrantToken, "Invalid grant token.");
  }
  auto grant = services.store.FindGrantByToken(token);
  if (!grant) return grant.error();
  if (!*grant) return MakeError(ErrorCode::kNotFound, "Grant token not found.");
  if (dry_run) return DryRun();
  auto deleted = services.store.DeleteGrant((*grant)->account, (*grant)->region, (*grant)->key_id,
                                            (*grant)->id);
  if (!deleted) return deleted.error();
  return {};
}

}  // namespace

KMS_HANDLER(CreateGrant) {
  auto in = ReadCreateGrant(input);
  if (!in) return in.error();
  // AWS: cross-account with a key ARN; KeyId names a key (no alias).
  auto key = ResolveKeyNoAlias(services, ctx, in->key_id);
  if (!key) return key.error();
  if (Status status = RequireEnabled(**key); !status) return status.error();
  Grant& grant = in->grant;
  grant.account = (*key)->account;
  grant.region = (*key)->region;
  grant.key_id = (*key)->id;
  if (Status status = CheckGrantFitsKey(grant, **key); !status) return status.error();
  if (in->dry_run) return DryRun();
  auto id = NewGrantId();
  if (!id) return id.error();
  auto token = NewGrantToken();
  if (!token) return token.error();
  grant.id = std::move(*id);
  grant.issuing_account = "arn:aws:iam::" + ctx.account + ":root";
  grant.creation_ms = ctx.now_ms;
  auto created = services.store.CreateGrant(grant, *token, kMaxGrantsPerKey);
  if (!created) return created.error();
  boost::json::object out;
  out["GrantId"] = created->grant_id;
  out["GrantToken"] = *token;
  return out;
}

KMS_HANDLER(ListGrants) {
  InputReader in(input);
  PageParams params = ReadPageParams(in);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto grant_id = in.String("GrantId", kGrantIdRule);
  auto grantee = in.String("GranteePrincipal", kPrincipalRule);
  if (Status status = in.Finish(); !status) return status.error();
  // AWS: Limit is documented as 1..100, default 50 (the model says 1..1000).
  auto page = ResolvePage(ctx, "ListGrants", params, 50, 100);
  if (!page) return page.error();
  auto key = ResolveKeyNoAlias(services, ctx, *key_id);
  if (!key) return key.error();
  if (grant_id && !IsGrantIdShape(*grant_id)) return InvalidGrantId(*grant_id);
  auto grants = services.store.ListGrants((*key)->account, (*key)->region, (*key)->id);
  if (!grants) return grants.error();
  std::erase_if(*grants, [&](const Grant& g) {
    return (grant_id && g.id != *grant_id) || (grantee && g.grantee_principal != *grantee);
  });
  return GrantsPage(ctx, "ListGrants", *grants, *page);
}

KMS_HANDLER(ListRetirableGrants) {
  InputReader in(input);
  PageParams params = ReadPageParams(in);
  auto principal = in.String("RetiringPrincipal", StringRule{.required = true,
                                                             .min = kPrincipalRule.min,
                                                             .max = kPrincipalRule.max,
                                                             .pattern = kPrincipalRule.pattern,
                                                             .check = kPrincipalRule.check});
  if (Status status = in.Finish(); !status) return status.error();
  auto page = ResolvePage(ctx, "ListRetirableGrants", params, 50, 100);
  if (!page) return page.error();
  auto grants = services.store.ListRetirableGrants(ctx.region, *principal);
  if (!grants) return grants.error();
  // A grant whose key's deletion date passed is gone with the key (the sweep may lag).
  std::erase_if(*grants, [&](const Grant& g) {
    auto key = services.store.FindKey(g.account, g.region, g.key_id);
    return key == nullptr || IsExpired(*key, ctx.now_ms);
  });
  return GrantsPage(ctx, "ListRetirableGrants", *grants, *page);
}

KMS_HANDLER(RetireGrant) {
  InputReader in(input);
  auto token = in.String("GrantToken", kGrantTokenRule);
  auto key_id = in.String("KeyId", StringRule{.min = 1, .max = 2048});
  auto grant_id = in.String("GrantId", kGrantIdRule);
  auto dry_run = in.Boolean("DryRun");
  if (Status status = in.Finish(); !status) return status.error();
  if (token) {
    if (Status status = RetireByToken(services, *token, dry_run.value_or(false)); !status) {
      return status.error();
    }
    return boost::json::object{};
  }
  if (!key_id || !grant_id) {
    // n/v: AWS's wording for a request naming no grant.
    return MakeError(ErrorCode::kValidation, "Grant token OR (grant ID, key ID) must be specified");
  }
  // AWS: cross-account; KeyId is the key ARN (a key id of the caller's account also works).
  auto key = ResolveKeyNoAlias(services, ctx, *key_id);
  if (!key) return key.error();
  Status deleted = DeleteKeyGrant(services, **key, *grant_id, dry_run.value_or(false));
  if (!deleted) return deleted.error();
  return boost::json::object{};
}

KMS_HANDLER(RevokeGrant) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto grant_id = in.String("GrantId", StringRule{.required = true, .min = 1, .max = 128});
  auto dry_run = in.Boolean("DryRun");
  if (Status status = in.Finish(); !status) return status.error();
  auto key = ResolveKeyNoAlias(services, ctx, *key_id);
  if (!key) return key.error();
  Status deleted = DeleteKeyGrant(services, **key, *grant_id, dry_run.value_or(false));
  if (!deleted) return deleted.error();
  return boost::json::object{};
}

}  // namespace kms::emulator
