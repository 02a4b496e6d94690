// Shared rules of the key-management, alias and tag operations.
#include "api/management.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "api/key_resolver.hpp"

namespace kms::emulator {

Error KeyDoesNotExist(const Key& key) {
  return MakeError(ErrorCode::kNotFound, "Key '" + key.Arn() + "' does not exist");
}

bool IsExpired(const Key& key, int64_t now_ms) {
  return key.deletion_ms.has_value() && *key.deletion_ms <= now_ms;
}

Result<std::shared_ptr<const Key>> ResolveOwnKey(const Services& services,
                                                 const RequestContext& ctx, std::string_view key_id,
                                                 bool allow_alias) {
  auto key =
      allow_alias ? ResolveKey(services, ctx, key_id) : ResolveKeyNoAlias(services, ctx, key_id);
  if (!key) return key.error();
  if ((*key)->account != ctx.account) return KeyDoesNotExist(**key);
  return key;
}

Status RejectPendingDeletion(const Key& key) {
  if (key.state == KeyState::kPendingDeletion) {
    return MakeError(ErrorCode::kInvalidState, key.Arn() + " is pending deletion.");
  }
  if (key.state == KeyState::kPendingReplicaDeletion) {
    // AWS key-state table [3]: "is pending deletion (or pending replica deletion)." n/v: wording.
    return MakeError(ErrorCode::kInvalidState, key.Arn() + " is pending replica deletion.");
  }
  return {};
}

Status RequireEnableDisableState(const Key& key) {
  if (key.state == KeyState::kPendingImport) {
    return MakeError(ErrorCode::kInvalidState, key.Arn() + " is pending import.");
  }
  return RejectPendingDeletion(key);
}

Result<std::shared_ptr<const Key>> MutateKey(Services& services, const RequestContext& ctx,
                                             const Key& key,
                                             const std::function<Status(Key&)>& mutate) {
  bool mutate_failed = false;
  auto updated =
      services.store.UpdateKey(key.account, key.region, key.id, [&](Key& current) -> Status {
        Status status =
            IsExpired(current, ctx.now_ms) ? Status(KeyDoesNotExist(current)) : mutate(current);
        mutate_failed = !status.has_value();
        return status;
      });
  if (!updated && !mutate_failed && updated.error().code == ErrorCode::kNotFound) {
    return KeyDoesNotExist(key);
  }
  return updated;
}

namespace {

bool HasReservedPrefix(std::string_view tag_key) {
  constexpr std::string_view kReserved = "aws:";
  if (tag_key.size() < kReserved.size()) return false;
  for (size_t i = 0; i < kReserved.size(); ++i) {
    char c = tag_key[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kReserved[i]) return false;
  }
  return true;
}

Error TagError(std::string message) { return MakeError(ErrorCode::kTag, std::move(message)); }

}  // namespace

Status CheckNewTags(const TagList& tags) {
  std::set<std::string_view> seen;
  for (const auto& [key, value] : tags) {
    if (!seen.insert(key).second) return TagError("Duplicate tag keys");
  }
  if (tags.size() > kMaxTagsPerKey) return TagError("Too many tags");
  for (const auto& [key, value] : tags) {
    // AWS: the reserved prefix is matched case-insensitively ("AWS:x" is refused too).
    if (HasReservedPrefix(key)) return TagError("Tags beginning with aws: are reserved");
  }
  return {};
}

Status MergeTags(std::vector<Tag>& into, const TagList& tags) {
  std::vector<Tag> merged = into;
  for (const auto& [key, value] : tags) {
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&key = key](const Tag& tag) { return tag.key == key; });
    if (it != merged.end()) {
      it->value = value;
    } else {
      merged.push_back(Tag{key, value});
    }
  }
  if (merged.size() > kMaxTagsPerKey) return TagError("Too many tags");
  into = std::move(merged);
  return {};
}

std::string DefaultKeyPolicy(std::string_view account) {
  // AWS: the exact text GetKeyPolicy returns for a key created without a policy (Jackson's
  // pretty printer: " : " separators, two-space indent, "[ {" openers).
  std::string policy =
      "{\n"
      "  \"Version\" : \"2012-10-17\",\n"
      "  \"Id\" : \"key-default-1\",\n"
      "  \"Statement\" : [ {\n"
      "    \"Sid\" : \"Enable IAM User Permissions\",\n"
      "    \"Effect\" : \"Allow\",\n"
      "    \"Principal\" : {\n"
      "      \"AWS\" : \"arn:aws:iam::";
  policy.append(account);
  policy +=
      ":root\"\n"
      "    },\n"
      "    \"Action\" : \"kms:*\",\n"
      "    \"Resource\" : \"*\"\n"
      "  } ]\n"
      "}";
  return policy;
}

namespace {

// Decodes one UTF-8 sequence at `i`, advancing it; nullopt when malformed.
std::optional<char32_t> NextCodePoint(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  size_t len = b0 < 0x80           ? 1
               : (b0 >> 5) == 0x6  ? 2
               : (b0 >> 4) == 0xE  ? 3
               : (b0 >> 3) == 0x1E ? 4
                                   : 0;
  if (len == 0 || i + len > s.size()) return std::nullopt;
  char32_t cp = len == 1 ? b0 : b0 & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += len;
  return cp;
}

}  // namespace

bool CodePointsWithin(std::string_view utf8, char32_t lo, char32_t hi, std::u32string_view extra) {
  for (size_t i = 0; i < utf8.size();) {
    auto cp = NextCodePoint(utf8, i);
    if (!cp) return false;
    if ((*cp < lo || *cp > hi) && extra.find(*cp) == std::u32string_view::npos) return false;
  }
  return true;
}

}  // namespace kms::emulator
