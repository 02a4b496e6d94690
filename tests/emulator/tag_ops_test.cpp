// Tests for the tag handlers: TagResource, UntagResource, ListResourceTags.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "management_fixture.hpp"

using kms::ErrorCode;
using namespace kms::emulator;
using namespace kms::emulator::testing;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string TagsJson(const Pairs& tags) {
  std::string out = "[";
  for (size_t i = 0; i < tags.size(); ++i) {
    if (i) out += ",";
    out += R"({"TagKey":")" + tags[i].first + R"(","TagValue":")" + tags[i].second + R"("})";
  }
  return out + "]";
}

Pairs Numbered(size_t n, size_t first = 0) {
  Pairs tags;
  for (size_t i = 0; i < n; ++i) tags.emplace_back("k" + std::to_string(first + i), "v");
  return tags;
}

std::string TagBody(std::string_view key_id, const Pairs& tags) {
  return R"({"KeyId":")" + std::string(key_id) + R"(","Tags":)" + TagsJson(tags) + "}";
}

std::string UntagBody(std::string_view key_id, const std::vector<std::string>& keys) {
  std::string list = "[";
  for (size_t i = 0; i < keys.size(); ++i) list += (i ? ",\"" : "\"") + keys[i] + "\"";
  return R"({"KeyId":")" + std::string(key_id) + R"(","TagKeys":)" + list + "]}";
}

Pairs Listed(Fixture& f, std::string_view key_id) {
  auto out = f.Ok(ListResourceTags, KeyIdJson(key_id));
  Pairs tags;
  for (const auto& t : out.at("Tags").as_array()) {
    tags.emplace_back(Str(t.at("TagKey")), Str(t.at("TagValue")));
  }
  return tags;
}

std::string Validation1(std::string violation) {
  return "1 validation error detected: " + violation;
}

}  // namespace

TEST_CASE("TagResource adds tags that ListResourceTags returns in order") {
  Fixture f;
  std::string id = f.NewKeyId();
  // AWS: test_tag_existing_key_and_untag.
  CHECK(f.Ok(TagResource, TagBody(id, {{"tag1", "value1"}, {"tag2", "value2"}})).empty());
  auto out = f.Ok(ListResourceTags, KeyIdJson(id));
  CHECK(boost::json::serialize(out) ==
        R"({"Tags":[{"TagKey":"tag1","TagValue":"value1"},)"
        R"({"TagKey":"tag2","TagValue":"value2"}],"Truncated":false})");
  CHECK(f.Ok(UntagResource, UntagBody(id, {"tag1", "tag2"})).empty());
  CHECK(boost::json::serialize(f.Ok(ListResourceTags, KeyIdJson(id))) ==
        R"({"Tags":[],"Truncated":false})");
}

TEST_CASE("TagResource replaces the value of an existing tag key in place") {
  Fixture f;
  std::string id = f.NewKeyId();
  // AWS: test_update_and_add_tags_on_tagged_key.
  f.Ok(TagResource, TagBody(id, {{"tag1", "value1"}, {"tag2", "value2"}, {"tag3", "value3"}}));
  f.Ok(TagResource,
       TagBody(ArnOf(id), {{"tag2", "updated_value2"}, {"tag4", "value4"}, {"tag5", "value5"}}));
  CHECK(Listed(f, id) == Pairs{{"tag1", "value1"},
                               {"tag2", "updated_value2"},
                               {"tag3", "value3"},
                               {"tag4", "value4"},
                               {"tag5", "value5"}});
}

TEST_CASE("UntagResource removes only the named keys and ignores unknown ones") {
  Fixture f;
  auto m = f.NewKey(R"({"Tags":)" +
                    TagsJson({{"tag1", "value1"}, {"tag2", "value2"}, {"tag3", "value3"}}) + "}");
  std::string id = Str(m.at("KeyId"));
  // AWS: test_untag_key_partially.
  f.Ok(UntagResource, UntagBody(ArnOf(id), {"tag2", "no-such-tag"}));
  CHECK(Listed(f, id) == Pairs{{"tag1", "value1"}, {"tag3", "value3"}});
}

TEST_CASE("TagResource applies AWS's tag rules") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(TagResource, TagBody(id, {{"a", "1"}, {"a", "2"}})), ErrorCode::kTag,
                  "Duplicate tag keys");
  CHECK_AWS_ERROR(f.Call(TagResource, TagBody(id, Numbered(51))), ErrorCode::kTag, "Too many tags");
  // AWS: test_tag_existing_key_with_invalid_tag_key.
  CHECK_AWS_ERROR(f.Call(TagResource, TagBody(id, {{"aws:test", "1"}})), ErrorCode::kTag,
                  "Tags beginning with aws: are reserved");
  CHECK_AWS_ERROR(f.Call(TagResource, TagBody(id, {{"AWS:test", "1"}})), ErrorCode::kTag,
                  "Tags beginning with aws: are reserved");
  // AWS: test_key_with_long_tag_value_raises_error.
  std::string long_value(257, 'v');
  CHECK_AWS_ERROR(f.Call(TagResource, TagBody(id, {{"k", long_value}})), ErrorCode::kValidation,
                  Validation1("Value '" + long_value +
                              "' at 'tags.1.member.tagValue' failed to satisfy constraint: "
                              "Member must have length less than or equal to 256"));
  CHECK(Listed(f, id).empty());
}

TEST_CASE("TagResource keeps a key at 50 tags at most") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(TagResource, TagBody(id, Numbered(45)));
  CHECK_AWS_ERROR(f.Call(TagResource, TagBody(id, Numbered(6, 45))), ErrorCode::kTag,
                  "Too many tags");
  CHECK(Listed(f, id).size() == 45);
  // Overwriting existing keys does not count twice.
  f.Ok(TagResource, TagBody(id, Numbered(50)));
  CHECK(Listed(f, id).size() == 50);
}

TEST_CASE("Tag operations refuse a key pending deletion but still list its tags") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(TagResource, TagBody(id, {{"t", "1"}}));
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(TagResource, TagBody(id, {{"u", "2"}})), ErrorCode::kInvalidState,
                  ArnOf(id) + " is pending deletion.");
  CHECK_AWS_ERROR(f.Call(UntagResource, UntagBody(id, {"t"})), ErrorCode::kInvalidState,
                  ArnOf(id) + " is pending deletion.");
  CHECK(Listed(f, id) == Pairs{{"t", "1"}});
}

TEST_CASE("Tag operations on a disabled key succeed") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(DisableKey, KeyIdJson(id));
  f.Ok(TagResource, TagBody(id, {{"t", "1"}}));
  f.Ok(UntagResource, UntagBody(id, {"t"}));
  CHECK(Listed(f, id).empty());
}

TEST_CASE("Tag operations take only a key id or key ARN of the caller") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateAlias, R"({"AliasName":"alias/tagged","TargetKeyId":")" + id + R"("})");
  CHECK_AWS_ERROR(f.Call(TagResource, TagBody("alias/tagged", {{"t", "1"}})), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/tagged'");
  CHECK_AWS_ERROR(f.Call(UntagResource, UntagBody("alias/tagged", {"t"})), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/tagged'");
  CHECK_AWS_ERROR(f.Call(ListResourceTags, KeyIdJson("alias/tagged")), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/tagged'");
  std::string missing = "11111111-2222-4333-8444-555555555555";
  CHECK_AWS_ERROR(f.Call(TagResource, TagBody(missing, {{"t", "1"}})), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
  RequestContext other = f.Ctx(kOtherAccount, kRegion);
  CHECK_AWS_ERROR(f.Call(ListResourceTags, KeyIdJson(ArnOf(id)), other), ErrorCode::kNotFound,
                  "Key '" + ArnOf(id) + "' does not exist");
  CHECK_AWS_ERROR(f.Call(TagResource, TagBody(ArnOf(id), {{"t", "1"}}), other),
                  ErrorCode::kNotFound, "Key '" + ArnOf(id) + "' does not exist");
}

TEST_CASE("Tag operations require their members") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(TagResource, KeyIdJson(id)), ErrorCode::kValidation,
                  Validation1("Value null at 'tags' failed to satisfy constraint: Member must "
                              "not be null"));
  CHECK_AWS_ERROR(f.Call(UntagResource, KeyIdJson(id)), ErrorCode::kValidation,
                  Validation1("Value null at 'tagKeys' failed to satisfy constraint: Member must "
                              "not be null"));
  CHECK_AWS_ERROR(f.Call(UntagResource, UntagBody(id, {""})), ErrorCode::kValidation,
                  Validation1("Value '' at 'tagKeys.1.member' failed to satisfy constraint: "
                              "Member must have length greater than or equal to 1"));
  CHECK_AWS_ERROR(f.Call(ListResourceTags, "{}"), ErrorCode::kValidation,
                  Validation1("Value null at 'keyId' failed to satisfy constraint: Member must "
                              "not be null"));
}

TEST_CASE("ListResourceTags pages with Limit; NextMarker precedes Tags as in AWS") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(TagResource, TagBody(id, Numbered(5)));
  Pairs seen;
  std::vector<size_t> sizes;
  std::string body = R"({"KeyId":")" + id + R"(","Limit":2})";
  for (int page = 0; page < 5; ++page) {
    auto out = f.Ok(ListResourceTags, body);
    sizes.push_back(out.at("Tags").as_array().size());
    for (const auto& t : out.at("Tags").as_array()) {
      seen.emplace_back(Str(t.at("TagKey")), Str(t.at("TagValue")));
    }
    if (!out.at("Truncated").as_bool()) {
      CHECK_FALSE(out.contains("NextMarker"));
      break;
    }
    CHECK(out.begin()->key() == "NextMarker");
    body = R"({"KeyId":")" + id + R"(","Limit":2,"Marker":")" + Str(out.at("NextMarker")) + R"("})";
  }
  CHECK(sizes == std::vector<size_t>{2, 2, 1});
  CHECK(seen == Numbered(5));
}

TEST_CASE("ListResourceTags returns at most 50 tags a page") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(TagResource, TagBody(id, Numbered(50)));
  auto out = f.Ok(ListResourceTags, R"({"KeyId":")" + id + R"(","Limit":1000})");
  CHECK(out.at("Tags").as_array().size() == 50);
  CHECK(out.at("Truncated").as_bool() == false);
  auto small = f.Ok(ListResourceTags, R"({"KeyId":")" + id + R"(","Limit":49})");
  CHECK(small.at("Tags").as_array().size() == 49);
  CHECK(small.at("Truncated").as_bool());
}

TEST_CASE("ListResourceTags validates Limit and refuses markers it did not issue") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(ListResourceTags, R"({"KeyId":")" + id + R"(","Limit":0})"),
                  ErrorCode::kValidation,
                  Validation1("Value '0' at 'limit' failed to satisfy constraint: Member must "
                              "have value greater than or equal to 1"));
  CHECK_AWS_ERROR(f.Call(ListResourceTags, R"({"KeyId":")" + id + R"(","Marker":"xyz"})"),
                  ErrorCode::kInvalidMarker, "Invalid marker");
  f.NewKeyId();
  std::string keys_marker = Str(f.Ok(ListKeys, R"({"Limit":1})").at("NextMarker"));
  CHECK_AWS_ERROR(
      f.Call(ListResourceTags, R"({"KeyId":")" + id + R"(","Marker":")" + keys_marker + R"("})"),
      ErrorCode::kInvalidMarker, "Invalid marker");
}
