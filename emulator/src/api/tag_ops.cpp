// Key tags: TagResource, UntagResource, ListResourceTags. Tags keep the order they were first
// added in; re-tagging a key replaces its value in place.
#include <algorithm>
#include <boost/json/array.hpp>
#include <charconv>

#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/management.hpp"
#include "api/pagination.hpp"

namespace kms::emulator {
namespace {

constexpr std::string_view kListName = "ListResourceTags";

// The tag index a ListResourceTags marker resumes at (markers carry a decimal offset).
Result<size_t> Offset(const Page& page) {
  if (!page.after) return size_t{0};
  size_t offset = 0;
  const char* end = page.after->data() + page.after->size();
  auto [ptr, ec] = std::from_chars(page.after->data(), end, offset);
  if (ec != std::errc() || ptr != end)
    return MakeError(ErrorCode::kInvalidMarker, "Invalid marker");
  return offset;
}

}  // namespace

KMS_HANDLER(TagResource) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto tags = in.Tags("Tags", /*required=*/true);
  if (Status status = in.Finish(); !status) return status.error();
  auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  auto updated = MutateKey(services, ctx, **key, [&tags](Key& k) -> Status {
    if (Status status = RejectPendingDeletion(k); !status) return status;
    if (Status status = CheckNewTags(*tags); !status) return status;
    return MergeTags(k.tags, *tags);
  });
  if (!updated) return updated.error();
  return boost::json::object{};
}

KMS_HANDLER(UntagResource) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto tag_keys =
      in.StringList("TagKeys", ListRule{.required = true}, StringRule{.min = 1, .max = 128});
  if (Status status = in.Finish(); !status) return status.error();
  auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  auto updated = MutateKey(services, ctx, **key, [&tag_keys](Key& k) -> Status {
    if (Status status = RejectPendingDeletion(k); !status) return status;
    // AWS: removing a tag key the key does not have is not an error.
    std::erase_if(k.tags, [&](const Tag& tag) {
      return std::find(tag_keys->begin(), tag_keys->end(), tag.key) != tag_keys->end();
    });
    return {};
  });
  if (!updated) return updated.error();
  return boost::json::object{};
}

KMS_HANDLER(ListResourceTags) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  PageParams params = ReadPageParams(in);
  if (Status status = in.Finish(); !status) return status.error();
  // AWS: Limit is documented as 1..50 (the model says 1..1000); larger values return 50.
  auto page = ResolvePage(ctx, kListName, params, 50, 50);
  if (!page) return page.error();
  auto offset = Offset(*page);
  if (!offset) return offset.error();
  auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  const std::vector<Tag>& tags = (*key)->tags;
  size_t begin = std::min(*offset, tags.size());
  size_t end = std::min(begin + page->limit, tags.size());
  boost::json::array entries;
  for (size_t i = begin; i < end; ++i) {
    entries.push_back(boost::json::object{{"TagKey", tags[i].key}, {"TagValue", tags[i].value}});
  }
  // AWS: members in alphabetical order, so NextMarker precedes Tags.
  boost::json::object out;
  if (end < tags.size()) out["NextMarker"] = EncodeMarker(ctx, kListName, std::to_string(end));
  out["Tags"] = std::move(entries);
  out["Truncated"] = end < tags.size();
  return out;
}

}  // namespace kms::emulator
