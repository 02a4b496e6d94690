// Key management commands: create-key, describe-key, list-keys, update-key-description,
// enable-key, disable-key, schedule-key-deletion, cancel-key-deletion.
#include "handlers.hpp"

namespace kms::cli {
namespace {

void PutKeyMetadata(Output& out, const std::optional<KeyMetadata>& metadata) {
  if (metadata) out.Data()["KeyMetadata"] = ToJson(*metadata);
}

}  // namespace

Status CreateKeyCommand(Context& ctx, const Args& args, Output& out) {
  auto client = ctx.Client();
  if (!client) return client.error();
  CreateKeyRequest req;
  req.Policy = args.String("--policy");
  req.Description = args.String("--description");
  req.KeyUsage = args.Enum("--key-usage", ParseKeyUsage);
  req.CustomerMasterKeySpec = args.Enum("--customer-master-key-spec", ParseKeySpec);
  req.KeySpec = args.Enum("--key-spec", ParseKeySpec);
  req.Origin = args.Enum("--origin", ParseOrigin);
  req.CustomKeyStoreId = args.String("--custom-key-store-id");
  req.BypassPolicyLockoutSafetyCheck = args.Bool("--bypass-policy-lockout-safety-check");
  req.Tags = args.Tags("--tags");
  req.MultiRegion = args.Bool("--multi-region");
  req.XksKeyId = args.String("--xks-key-id");
  auto res = (*client)->CreateKey(req);
  if (!res) return res.error();
  PutKeyMetadata(out, res->KeyMetadata);
  return {};
}

Status DescribeKeyCommand(Context& ctx, const Args& args, Output& out) {
  auto client = ctx.Client();
  if (!client) return client.error();
  auto res = (*client)->DescribeKey({args.Required("--key-id"), args.List("--grant-tokens")});
  if (!res) return res.error();
  PutKeyMetadata(out, res->KeyMetadata);
  return {};
}

Status ListKeysCommand(Context& ctx, const Args& args, Output& out) {
  return ListPages(ctx, args, out, ListKeysRequest{}, &KmsClient::ListKeys, &ListKeysResponse::Keys,
                   "Keys");
}

Status UpdateKeyDescriptionCommand(Context& ctx, const Args& args, Output&) {
  return NoOutput(
      ctx, &KmsClient::UpdateKeyDescription,
      UpdateKeyDescriptionRequest{args.Required("--key-id"), args.Required("--description")});
}

Status EnableKeyCommand(Context& ctx, const Args& args, Output&) {
  return NoOutput(ctx, &KmsClient::EnableKey, EnableKeyRequest{args.Required("--key-id")});
}

Status DisableKeyCommand(Context& ctx, const Args& args, Output&) {
  return NoOutput(ctx, &KmsClient::DisableKey, DisableKeyRequest{args.Required("--key-id")});
}

Status ScheduleKeyDeletionCommand(Context& ctx, const Args& args, Output& out) {
  auto client = ctx.Client();
  if (!client) return client.error();
  auto res = (*client)->ScheduleKeyDeletion(
      {args.Required("--key-id"), args.Int("--pending-window-in-days")});
  if (!res) return res.error();
  out.Str("KeyId", res->KeyId);
  out.Time("DeletionDate", res->DeletionDate);
  out.Enum("KeyState", res->KeyState);
  out.Int("PendingWindowInDays", res->PendingWindowInDays);
  return {};
}

Status CancelKeyDeletionCommand(Context& ctx, const Args& args, Output& out) {
  auto client = ctx.Client();
  if (!client) return client.error();
  auto res = (*client)->CancelKeyDeletion({args.Required("--key-id")});
  if (!res) return res.error();
  out.Str("KeyId", res->KeyId);
  return {};
}

}  // namespace kms::cli
