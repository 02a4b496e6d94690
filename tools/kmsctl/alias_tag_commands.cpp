// Alias and tag commands: create-alias, update-alias, delete-alias, list-aliases,
// tag-resource, untag-resource, list-resource-tags.
#include "handlers.hpp"

namespace kms::cli {
Status CreateAliasCommand(Context& ctx, const Args& args, Output&) {
  return NoOutput(
      ctx, &KmsClient::CreateAlias,
      CreateAliasRequest{args.Required("--alias-name"), args.Required("--target-key-id")});
}

Status UpdateAliasCommand(Context& ctx, const Args& args, Output&) {
  return NoOutput(
      ctx, &KmsClient::UpdateAlias,
      UpdateAliasRequest{args.Required("--alias-name"), args.Required("--target-key-id")});
}

Status DeleteAliasCommand(Context& ctx, const Args& args, Output&) {
  return NoOutput(ctx, &KmsClient::DeleteAlias, DeleteAliasRequest{args.Required("--alias-name")});
}

Status ListAliasesCommand(Context& ctx, const Args& args, Output& out) {
  ListAliasesRequest request;
  request.KeyId = args.String("--key-id");
  return ListPages(ctx, args, out, std::move(request), &KmsClient::ListAliases,
                   &ListAliasesResponse::Aliases, "Aliases");
}

Status TagResourceCommand(Context& ctx, const Args& args, Output&) {
  return NoOutput(ctx, &KmsClient::TagResource,
                  TagResourceRequest{args.Required("--key-id"), args.Tags("--tags")});
}

Status UntagResourceCommand(Context& ctx, const Args& args, Output&) {
  return NoOutput(ctx, &KmsClient::UntagResource,
                  UntagResourceRequest{args.Required("--key-id"), args.List("--tag-keys")});
}

Status ListResourceTagsCommand(Context& ctx, const Args& args, Output& out) {
  ListResourceTagsRequest request;
  request.KeyId = args.Required("--key-id");
  return ListPages(ctx, args, out, std::move(request), &KmsClient::ListResourceTags,
                   &ListResourceTagsResponse::Tags, "Tags");
}

}  // namespace kms::cli
