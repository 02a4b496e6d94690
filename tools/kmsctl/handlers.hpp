// The handlers the command table (commands.cpp) points at, one per command, and the list
// pagination they share. Each returns the SDK's error unchanged.
#pragma once

#include <boost/json/array.hpp>

#include "command.hpp"
#include "model_json.hpp"

namespace kms::cli {

// key_commands.cpp
Status CreateKeyCommand(Context& ctx, const Args& args, Output& out);
Status DescribeKeyCommand(Context& ctx, const Args& args, Output& out);
Status ListKeysCommand(Context& ctx, const Args& args, Output& out);
Status UpdateKeyDescriptionCommand(Context& ctx, const Args& args, Output& out);
Status EnableKeyCommand(Context& ctx, const Args& args, Output& out);
Status DisableKeyCommand(Context& ctx, const Args& args, Output& out);
Status ScheduleKeyDeletionCommand(Context& ctx, const Args& args, Output& out);
Status CancelKeyDeletionCommand(Context& ctx, const Args& args, Output& out);

// crypto_commands.cpp
Status EncryptCommand(Context& ctx, const Args& args, Output& out);
Status DecryptCommand(Context& ctx, const Args& args, Output& out);
Status ReEncryptCommand(Context& ctx, const Args& args, Output& out);
Status GenerateDataKeyCommand(Context& ctx, const Args& args, Output& out);
Status GenerateDataKeyWithoutPlaintextCommand(Context& ctx, const Args& args, Output& out);
Status GenerateRandomCommand(Context& ctx, const Args& args, Output& out);

// alias_tag_commands.cpp
Status CreateAliasCommand(Context& ctx, const Args& args, Output& out);
Status UpdateAliasCommand(Context& ctx, const Args& args, Output& out);
Status DeleteAliasCommand(Context& ctx, const Args& args, Output& out);
Status ListAliasesCommand(Context& ctx, const Args& args, Output& out);
Status TagResourceCommand(Context& ctx, const Args& args, Output& out);
Status UntagResourceCommand(Context& ctx, const Args& args, Output& out);
Status ListResourceTagsCommand(Context& ctx, const Args& args, Output& out);

// Runs one call that answers nothing (enable-key, create-alias, ...).
template <class Request>
Status NoOutput(Context& ctx, Status (KmsClient::*call)(const Request&) const,
                const Request& request) {
  auto client = ctx.Client();
  if (!client) return client.error();
  return ((**client).*call)(request);
}

// Upper bound on pages followed, against a server that never stops answering Truncated.
inline constexpr int kMaxPages = 100'000;

// A List* call as the aws CLI makes it. With --limit or --marker given, or --no-paginate, one
// call whose whole answer is printed (the list, NextMarker, Truncated). Otherwise pages are
// followed through NextMarker while Truncated is true and only the merged list is printed, as
// the aws CLI's automatic pagination does. `request` carries the other members already.
template <class Request, class Response, class Entry>
Status ListPages(Context& ctx, const Args& args, Output& out, Request request,
                 Result<Response> (KmsClient::*call)(const Request&) const,
                 std::vector<Entry> Response::*entries, std::string_view key) {
  auto client = ctx.Client();
  if (!client) return client.error();
  request.Limit = args.Int("--limit");
  request.Marker = args.String("--marker");
  const bool one_page = !ctx.globals().paginate || request.Limit || request.Marker;
  boost::json::array& list = out.Data()[key].emplace_array();
  for (int page = 0; page < kMaxPages; ++page) {
    auto response = ((**client).*call)(request);
    if (!response) return response.error();
    for (const Entry& entry : (*response).*entries) list.push_back(ToJson(entry));
    if (one_page) {
      out.Str("NextMarker", response->NextMarker);
      out.Bool("Truncated", response->Truncated);
      return {};
    }
    if (!response->Truncated.value_or(false) || response->NextMarker.empty()) break;
    request.Marker = response->NextMarker;
  }
  return {};
}

}  // namespace kms::cli
