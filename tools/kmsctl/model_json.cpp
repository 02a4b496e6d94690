// SDK response structures to aws-CLI-shaped JSON objects.
#include "model_json.hpp"

#include <boost/json/array.hpp>

namespace kms::cli {
namespace {

namespace json = boost::json;

// Adds members, leaving out empty strings, empty lists and nullopt (absent on the wire).
class Builder {
 public:
  Builder& Str(std::string_view key, const std::string& v) {
    if (!v.empty()) obj_[key] = v;
    return *this;
  }
  Builder& Bool(std::string_view key, std::optional<bool> v) {
    if (v) obj_[key] = *v;
    return *this;
  }
  Builder& Int(std::string_view key, std::optional<int> v) {
    if (v) obj_[key] = *v;
    return *this;
  }
  Builder& Time(std::string_view key, std::optional<Timestamp> v) {
    if (v) obj_[key] = EpochSeconds(*v);
    return *this;
  }
  template <class E>
  Builder& Enum(std::string_view key, std::optional<E> v) {
    if (v) obj_[key] = ToString(*v);
    return *this;
  }
  // `keep_empty`: the member is always on the wire (AWS sends [] rather than leaving it out).
  template <class T>
  Builder& List(std::string_view key, const std::vector<T>& items, bool keep_empty = false) {
    if (items.empty() && !keep_empty) return *this;
    json::array& out = obj_[key].emplace_array();
    for (const T& item : items) {
      if constexpr (std::is_same_v<T, std::string>) {
        out.emplace_back(item);
      } else if constexpr (std::is_enum_v<T>) {
        out.emplace_back(ToString(item));
      } else {
        out.emplace_back(ToJson(item));
      }
    }
    return *this;
  }
  Builder& Object(std::string_view key, std::optional<json::object> v) {
    if (v) obj_[key] = std::move(*v);
    return *this;
  }
  json::object Done() { return std::move(obj_); }

 private:
  json::object obj_;
};

std::optional<json::object> MultiRegionJson(const std::optional<MultiRegionConfiguration>& c) {
  if (!c) return std::nullopt;
  std::optional<json::object> primary;
  if (c->PrimaryKey) primary = ToJson(*c->PrimaryKey);
  return Builder()
      .Str("MultiRegionKeyType", c->MultiRegionKeyType)
      .Object("PrimaryKey", std::move(primary))
      .List("ReplicaKeys", c->ReplicaKeys, true)  // [] for a primary key without replicas
      .Done();
}

std::optional<json::object> XksJson(const std::optional<XksKeyConfigurationType>& x) {
  if (!x) return std::nullopt;
  return Builder().Str("Id", x->Id).Done();
}

}  // namespace

double EpochSeconds(Timestamp t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  return static_cast<double>(ms) / 1000.0;
}

json::object ToJson(const KeyMetadata& m) {
  json::object out = Builder()
                         .Str("AWSAccountId", m.AWSAccountId)
                         .Str("KeyId", m.KeyId)
                         .Str("Arn", m.Arn)
                         .Time("CreationDate", m.CreationDate)
                         .Bool("Enabled", m.Enabled)
                         .Done();
  out["Description"] = m.Description;  // AWS: always returned, "" when the key has none
  Builder rest;
  rest.Enum("KeyUsage", m.KeyUsage)
      .Enum("KeyState", m.KeyState)
      .Time("DeletionDate", m.DeletionDate)
      .Time("ValidTo", m.ValidTo)
      .Enum("Origin", m.Origin)
      .Str("CustomKeyStoreId", m.CustomKeyStoreId)
      .Str("CloudHsmClusterId", m.CloudHsmClusterId)
      .Str("ExpirationModel", m.ExpirationModel)
      .Enum("KeyManager", m.KeyManager)
      .Enum("CustomerMasterKeySpec", m.CustomerMasterKeySpec)
      .Enum("KeySpec", m.KeySpec)
      .List("EncryptionAlgorithms", m.EncryptionAlgorithms)
      .List("SigningAlgorithms", m.SigningAlgorithms)
      .List("KeyAgreementAlgorithms", m.KeyAgreementAlgorithms)
      .Bool("MultiRegion", m.MultiRegion)
      .Object("MultiRegionConfiguration", MultiRegionJson(m.MultiRegionConfiguration))
      .Int("PendingDeletionWindowInDays", m.PendingDeletionWindowInDays)
      .List("MacAlgorithms", m.MacAlgorithms)
      .Object("XksKeyConfiguration", XksJson(m.XksKeyConfiguration))
      .Str("CurrentKeyMaterialId", m.CurrentKeyMaterialId);
  for (auto& member : rest.Done()) out[member.key()] = std::move(member.value());
  return out;
}

json::object ToJson(const MultiRegionKey& k) {
  return Builder().Str("Arn", k.Arn).Str("Region", k.Region).Done();
}

json::object ToJson(const KeyListEntry& e) {
  return Builder().Str("KeyId", e.KeyId).Str("KeyArn", e.KeyArn).Done();
}

json::object ToJson(const AliasListEntry& e) {
  return Builder()
      .Str("AliasName", e.AliasName)
      .Str("AliasArn", e.AliasArn)
      .Str("TargetKeyId", e.TargetKeyId)
      .Time("CreationDate", e.CreationDate)
      .Time("LastUpdatedDate", e.LastUpdatedDate)
      .Done();
}

json::object ToJson(const Tag& t) {
  // TagValue may legitimately be "" (TagValue 0-256 chars): keep it.
  json::object out;
  out["TagKey"] = t.TagKey;
  out["TagValue"] = t.TagValue;
  return out;
}

}  // namespace kms::cli
