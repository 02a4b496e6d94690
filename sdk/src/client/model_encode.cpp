// Request encoding: each request struct to its JSON 1.1 body, members as botocore names them.
#include <openssl/crypto.h>

#include <boost/json/serialize.hpp>
#include <kms/internal/encoding.hpp>

#include "codec.hpp"

namespace kms::internal {
namespace {

namespace json = boost::json;

// Builds one JSON object; Finish() serializes it and wipes the strings it held (plaintext).
class Writer {
 public:
  static constexpr bool kRequired = true;

  Writer& Str(std::string_view key, const std::string& value) {
    obj_[key] = value;
    return *this;
  }
  Writer& Str(std::string_view key, const std::optional<std::string>& value) {
    if (value) obj_[key] = *value;
    return *this;
  }
  Writer& Int(std::string_view key, const std::optional<int>& value) {
    if (value) obj_[key] = *value;
    return *this;
  }
  Writer& Bool(std::string_view key, const std::optional<bool>& value) {
    if (value) obj_[key] = *value;
    return *this;
  }
  template <class E>
  Writer& Enum(std::string_view key, const std::optional<E>& value) {
    if (value) obj_[key] = ToString(*value);
    return *this;
  }
  Writer& Bytes(std::string_view key, std::span<const uint8_t> bytes) {
    json::string& out = obj_[key].emplace_string();
    out.resize(Base64EncodedSize(bytes.size()));
    Base64EncodeInto(bytes, out.data());
    return *this;
  }
  Writer& Bytes(std::string_view key, const std::optional<Blob>& bytes) {
    if (bytes) Bytes(key, std::span<const uint8_t>(*bytes));
    return *this;
  }
  Writer& Strings(std::string_view key, const std::vector<std::string>& values,
                  bool required = false) {
    if (values.empty() && !required) return *this;
    json::array& out = obj_[key].emplace_array();
    for (const auto& v : values) out.emplace_back(v);
    return *this;
  }
  Writer& Context(std::string_view key, const EncryptionContextMap& context) {
    if (context.empty()) return *this;
    json::object& out = obj_[key].emplace_object();
    for (const auto& [k, v] : context) out[k] = v;
    return *this;
  }
  Writer& Tags(std::string_view key, const std::vector<Tag>& tags, bool required = false) {
    if (tags.empty() && !required) return *this;
    json::array& out = obj_[key].emplace_array();
    for (const Tag& tag : tags)
      out.push_back(json::object{{"TagKey", tag.TagKey}, {"TagValue", tag.TagValue}});
    return *this;
  }

  std::string Finish() {
    std::string body = json::serialize(obj_);
    for (auto& member : obj_) {
      if (json::string* s = member.value().if_string()) OPENSSL_cleanse(s->data(), s->size());
    }
    return body;
  }

 private:
  json::object obj_;
};

}  // namespace

std::string EncodeRequest(const CancelKeyDeletionRequest& r) {
  return Writer().Str("KeyId", r.KeyId).Finish();
}

std::string EncodeRequest(const CreateAliasRequest& r) {
  return Writer().Str("AliasName", r.AliasName).Str("TargetKeyId", r.TargetKeyId).Finish();
}

std::string EncodeRequest(const CreateKeyRequest& r) {
  return Writer()
      .Str("Policy", r.Policy)
      .Str("Description", r.Description)
      .Enum("KeyUsage", r.KeyUsage)
      .Enum("CustomerMasterKeySpec", r.CustomerMasterKeySpec)
      .Enum("KeySpec", r.KeySpec)
      .Enum("Origin", r.Origin)
      .Str("CustomKeyStoreId", r.CustomKeyStoreId)
      .Bool("BypassPolicyLockoutSafetyCheck", r.BypassPolicyLockoutSafetyCheck)
      .Tags("Tags", r.Tags)
      .Bool("MultiRegion", r.MultiRegion)
      .Str("XksKeyId", r.XksKeyId)
      .Finish();
}

std::string EncodeRequest(const DecryptRequest& r) {
  return Writer()
      .Bytes("CiphertextBlob", r.CiphertextBlob)
      .Context("EncryptionContext", r.EncryptionContext)
      .Strings("GrantTokens", r.GrantTokens)
      .Str("KeyId", r.KeyId)
      .Enum("EncryptionAlgorithm", r.EncryptionAlgorithm)
      .Bool("DryRun", r.DryRun)
      .Strings("DryRunModifiers", r.DryRunModifiers)
      .Finish();
}

std::string EncodeRequest(const DeleteAliasRequest& r) {
  return Writer().Str("AliasName", r.AliasName).Finish();
}

std::string EncodeRequest(const DescribeKeyRequest& r) {
  return Writer().Str("KeyId", r.KeyId).Strings("GrantTokens", r.GrantTokens).Finish();
}

std::string EncodeRequest(const DisableKeyRequest& r) {
  return Writer().Str("KeyId", r.KeyId).Finish();
}

std::string EncodeRequest(const EnableKeyRequest& r) {
  return Writer().Str("KeyId", r.KeyId).Finish();
}

std::string EncodeRequest(const EncryptRequest& r) {
  return Writer()
      .Str("KeyId", r.KeyId)
      .Bytes("Plaintext", r.Plaintext.span())
      .Context("EncryptionContext", r.EncryptionContext)
      .Strings("GrantTokens", r.GrantTokens)
      .Enum("EncryptionAlgorithm", r.EncryptionAlgorithm)
      .Bool("DryRun", r.DryRun)
      .Finish();
}

std::string EncodeRequest(const GenerateDataKeyRequest& r) {
  return Writer()
      .Str("KeyId", r.KeyId)
      .Context("EncryptionContext", r.EncryptionContext)
      .Int("NumberOfBytes", r.NumberOfBytes)
      .Enum("KeySpec", r.KeySpec)
      .Strings("GrantTokens", r.GrantTokens)
      .Bool("DryRun", r.DryRun)
      .Finish();
}

std::string EncodeRequest(const GenerateDataKeyWithoutPlaintextRequest& r) {
  return Writer()
      .Str("KeyId", r.KeyId)
      .Context("EncryptionContext", r.EncryptionContext)
      .Enum("KeySpec", r.KeySpec)
      .Int("NumberOfBytes", r.NumberOfBytes)
      .Strings("GrantTokens", r.GrantTokens)
      .Bool("DryRun", r.DryRun)
      .Finish();
}

std::string EncodeRequest(const GenerateRandomRequest& r) {
  return Writer()
      .Int("NumberOfBytes", r.NumberOfBytes)
      .Str("CustomKeyStoreId", r.CustomKeyStoreId)
      .Finish();
}

std::string EncodeRequest(const ListAliasesRequest& r) {
  return Writer().Str("KeyId", r.KeyId).Int("Limit", r.Limit).Str("Marker", r.Marker).Finish();
}

std::string EncodeRequest(const ListKeysRequest& r) {
  return Writer().Int("Limit", r.Limit).Str("Marker", r.Marker).Finish();
}

std::string EncodeRequest(const ListResourceTagsRequest& r) {
  return Writer().Str("KeyId", r.KeyId).Int("Limit", r.Limit).Str("Marker", r.Marker).Finish();
}

std::string EncodeRequest(const ReEncryptRequest& r) {
  return Writer()
      .Bytes("CiphertextBlob", r.CiphertextBlob)
      .Context("SourceEncryptionContext", r.SourceEncryptionContext)
      .Str("SourceKeyId", r.SourceKeyId)
      .Str("DestinationKeyId", r.DestinationKeyId)
      .Context("DestinationEncryptionContext", r.DestinationEncryptionContext)
      .Enum("SourceEncryptionAlgorithm", r.SourceEncryptionAlgorithm)
      .Enum("DestinationEncryptionAlgorithm", r.DestinationEncryptionAlgorithm)
      .Strings("GrantTokens", r.GrantTokens)
      .Bool("DryRun", r.DryRun)
      .Strings("DryRunModifiers", r.DryRunModifiers)
      .Finish();
}

std::string EncodeRequest(const ScheduleKeyDeletionRequest& r) {
  return Writer().Str("KeyId", r.KeyId).Int("PendingWindowInDays", r.PendingWindowInDays).Finish();
}

std::string EncodeRequest(const TagResourceRequest& r) {
  return Writer().Str("KeyId", r.KeyId).Tags("Tags", r.Tags, Writer::kRequired).Finish();
}

std::string EncodeRequest(const UntagResourceRequest& r) {
  return Writer().Str("KeyId", r.KeyId).Strings("TagKeys", r.TagKeys, Writer::kRequired).Finish();
}

std::string EncodeRequest(const UpdateAliasRequest& r) {
  return Writer().Str("AliasName", r.AliasName).Str("TargetKeyId", r.TargetKeyId).Finish();
}

std::string EncodeRequest(const UpdateKeyDescriptionRequest& r) {
  return Writer().Str("KeyId", r.KeyId).Str("Description", r.Description).Finish();
}

}  // namespace kms::internal
