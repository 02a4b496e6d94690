// Response decoding: JSON 1.1 bodies to the response structs. Lenient where AWS may grow
// (unknown members and enum values), strict on JSON types and base64.
#include <cmath>
#include <kms/internal/encoding.hpp>

#include "codec.hpp"

namespace kms::internal {
namespace {

namespace json = boost::json;

std::optional<KeyManager> ParseKeyManager(std::string_view s) {
  if (s == "AWS") return KeyManager::kAws;
  if (s == "CUSTOMER") return KeyManager::kCustomer;
  return std::nullopt;
}

// Reads members of one object; the first problem is kept and reported by Done().
class Reader {
 public:
  explicit Reader(const json::object& obj, std::string prefix = {})
      : obj_(obj), prefix_(std::move(prefix)) {}

  void Str(std::string_view key, std::string& out) {
    if (const json::value* v = Find(key, json::kind::string, "a string")) {
      out = std::string(v->get_string());
    }
  }
  void Bytes(std::string_view key, Blob& out) {
    if (const json::value* v = Find(key, json::kind::string, "a string")) {
      auto bytes = Base64Decode(v->get_string());
      if (!bytes) return Fail(key, "is not valid base64");
      out = std::move(*bytes);
    }
  }
  void Secret(std::string_view key, SecretBytes& out) {
    if (const json::value* v = Find(key, json::kind::string, "a string")) {
      auto bytes = Base64DecodeSecret(v->get_string());
      if (!bytes) return Fail(key, "is not valid base64");
      out = std::move(*bytes);
    }
  }
  void Bool(std::string_view key, std::optional<bool>& out) {
    if (const json::value* v = Find(key, json::kind::bool_, "a boolean")) out = v->get_bool();
  }
  void Int(std::string_view key, std::optional<int>& out) {
    const json::value* v = FindAny(key);
    if (v == nullptr) return;
    if (v->is_int64() && v->get_int64() >= INT32_MIN && v->get_int64() <= INT32_MAX) {
      out = static_cast<int>(v->get_int64());
    } else if (v->is_uint64() && v->get_uint64() <= INT32_MAX) {
      out = static_cast<int>(v->get_uint64());
    } else {
      Fail(key, "is not a 32-bit integer");
    }
  }
  // JSON 1.1 timestamps: epoch seconds, possibly fractional.
  void Time(std::string_view key, std::optional<Timestamp>& out) {
    const json::value* v = FindAny(key);
    if (v == nullptr) return;
    if (!v->is_number()) return Fail(key, "is not a number");
    double seconds = v->to_number<double>();
    // Beyond +-9e9 s (year 2255) nanosecond time points would overflow.
    if (!std::isfinite(seconds) || std::fabs(seconds) > 9e9) {
      return Fail(key, "is not a timestamp");
    }
    auto ms = std::chrono::milliseconds(std::llround(seconds * 1000.0));
    out = Timestamp(std::chrono::duration_cast<Timestamp::duration>(ms));
  }
  template <class E>
  void Enum(std::string_view key, std::optional<E>& out,
            std::optional<E> (*parse)(std::string_view)) {
    if (const json::value* v = Find(key, json::kind::string, "a string")) {
      out = parse(v->get_string());
    }
  }
  void Strings(std::string_view key, std::vector<std::string>& out) {
    ForEach(key, "a list of strings", [&](const json::value& item) {
      if (!item.is_string()) return false;
      out.emplace_back(item.get_string());
      return true;
    });
  }
  template <class E>
  void EnumList(std::string_view key, std::vector<E>& out,
                std::optional<E> (*parse)(std::string_view)) {
    ForEach(key, "a list of strings", [&](const json::value& item) {
      if (!item.is_string()) return false;
      if (auto e = parse(item.get_string())) out.push_back(*e);
      return true;
    });
  }
  template <class T>
  void Object(std::string_view key, std::optional<T>& out) {
    if (const json::value* v = Find(key, json::kind::object, "an object")) {
      T value{};
      Reader nested(v->get_object(), Path(key) + ".");
      Decode(nested, value);
      if (!Take(nested)) return;
      out = std::move(value);
    }
  }
  template <class T>
  void Objects(std::string_view key, std::vector<T>& out) {
    ForEach(key, "a list of objects", [&](const json::value& item) {
      if (!item.is_object()) return false;
      T value{};
      Reader nested(item.get_object(), Path(key) + "[].");
      Decode(nested, value);
      if (!Take(nested)) return true;  // the nested problem is already recorded
      out.push_back(std::move(value));
      return true;
    });
  }

  Status Done() {
    if (error_) return *error_;
    return {};
  }

 private:
  std::string Path(std::string_view key) const { return prefix_ + std::string(key); }

  void Fail(std::string_view key, std::string_view problem) {
    if (error_) return;
    error_ = MakeError(ErrorCode::kInternal, "Unable to parse the KMS response: " + Path(key) +
                                                 " " + std::string(problem));
  }

  bool Take(Reader& nested) {
    if (!nested.error_) return true;
    if (!error_) error_ = std::move(nested.error_);
    return false;
  }

  // The member, or nullptr when absent or null.
  const json::value* FindAny(std::string_view key) const {
    const json::value* v = obj_.if_contains(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }

  const json::value* Find(std::string_view key, json::kind kind, std::string_view what) {
    const json::value* v = FindAny(key);
    if (v == nullptr) return nullptr;
    if (v->kind() != kind) {
      Fail(key, "is not " + std::string(what));
      return nullptr;
    }
    return v;
  }

  template <class F>
  void ForEach(std::string_view key, std::string_view what, F visit) {
    const json::value* v = Find(key, json::kind::array, what);
    if (v == nullptr) return;
    for (const json::value& item : v->get_array()) {
      if (item.is_null()) continue;
      if (!visit(item)) return Fail(key, "is not " + std::string(what));
    }
  }

  const json::object& obj_;
  std::string prefix_;
  std::optional<Error> error_;
};

void Decode(Reader& r, Tag& out) {
  r.Str("TagKey", out.TagKey);
  r.Str("TagValue", out.TagValue);
}

void Decode(Reader& r, MultiRegionKey& out) {
  r.Str("Arn", out.Arn);
  r.Str("Region", out.Region);
}

void Decode(Reader& r, MultiRegionConfiguration& out) {
  r.Str("MultiRegionKeyType", out.MultiRegionKeyType);
  r.Object("PrimaryKey", out.PrimaryKey);
  r.Objects("ReplicaKeys", out.ReplicaKeys);
}

void Decode(Reader& r, XksKeyConfigurationType& out) { r.Str("Id", out.Id); }

void Decode(Reader& r, KeyMetadata& out) {
  r.Str("AWSAccountId", out.AWSAccountId);
  r.Str("KeyId", out.KeyId);
  r.Str("Arn", out.Arn);
  r.Time("CreationDate", out.CreationDate);
  r.Bool("Enabled", out.Enabled);
  r.Str("Description", out.Description);
  r.Enum("KeyUsage", out.KeyUsage, ParseKeyUsage);
  r.Enum("KeyState", out.KeyState, ParseKeyState);
  r.Time("DeletionDate", out.DeletionDate);
  r.Time("ValidTo", out.ValidTo);
  r.Enum("Origin", out.Origin, ParseOrigin);
  r.Str("CustomKeyStoreId", out.CustomKeyStoreId);
  r.Str("CloudHsmClusterId", out.CloudHsmClusterId);
  r.Str("ExpirationModel", out.ExpirationModel);
  r.Enum("KeyManager", out.KeyManager, ParseKeyManager);
  r.Enum("CustomerMasterKeySpec", out.CustomerMasterKeySpec, ParseKeySpec);
  r.Enum("KeySpec", out.KeySpec, ParseKeySpec);
  r.EnumList("EncryptionAlgorithms", out.EncryptionAlgorithms, ParseEncryptionAlgorithm);
  r.Strings("SigningAlgorithms", out.SigningAlgorithms);
  r.Strings("KeyAgreementAlgorithms", out.KeyAgreementAlgorithms);
  r.Bool("MultiRegion", out.MultiRegion);
  r.Object("MultiRegionConfiguration", out.MultiRegionConfiguration);
  r.Int("PendingDeletionWindowInDays", out.PendingDeletionWindowInDays);
  r.Strings("MacAlgorithms", out.MacAlgorithms);
  r.Object("XksKeyConfiguration", out.XksKeyConfiguration);
  r.Str("CurrentKeyMaterialId", out.CurrentKeyMaterialId);
}

void Decode(Reader& r, AliasListEntry& out) {
  r.Str("AliasName", out.AliasName);
  r.Str("AliasArn", out.AliasArn);
  r.Str("TargetKeyId", out.TargetKeyId);
  r.Time("CreationDate", out.CreationDate);
  r.Time("LastUpdatedDate", out.LastUpdatedDate);
}

void Decode(Reader& r, KeyListEntry& out) {
  r.Str("KeyId", out.KeyId);
  r.Str("KeyArn", out.KeyArn);
}

}  // namespace

Status DecodeResponse(const json::object& body, CancelKeyDeletionResponse& out) {
  Reader r(body);
  r.Str("KeyId", out.KeyId);
  return r.Done();
}

Status DecodeResponse(const json::object& body, CreateKeyResponse& out) {
  Reader r(body);
  r.Object("KeyMetadata", out.KeyMetadata);
  return r.Done();
}

Status DecodeResponse(const json::object& body, DecryptResponse& out) {
  Reader r(body);
  r.Str("KeyId", out.KeyId);
  r.Secret("Plaintext", out.Plaintext);
  r.Enum("EncryptionAlgorithm", out.EncryptionAlgorithm, ParseEncryptionAlgorithm);
  r.Str("KeyMaterialId", out.KeyMaterialId);
  return r.Done();
}

Status DecodeResponse(const json::object& body, DescribeKeyResponse& out) {
  Reader r(body);
  r.Object("KeyMetadata", out.KeyMetadata);
  return r.Done();
}

Status DecodeResponse(const json::object& body, EncryptResponse& out) {
  Reader r(body);
  r.Bytes("CiphertextBlob", out.CiphertextBlob);
  r.Str("KeyId", out.KeyId);
  r.Enum("EncryptionAlgorithm", out.EncryptionAlgorithm, ParseEncryptionAlgorithm);
  return r.Done();
}

Status DecodeResponse(const json::object& body, GenerateDataKeyResponse& out) {
  Reader r(body);
  r.Bytes("CiphertextBlob", out.CiphertextBlob);
  r.Secret("Plaintext", out.Plaintext);
  r.Str("KeyId", out.KeyId);
  r.Str("KeyMaterialId", out.KeyMaterialId);
  return r.Done();
}

Status DecodeResponse(const json::object& body, GenerateDataKeyWithoutPlaintextResponse& out) {
  Reader r(body);
  r.Bytes("CiphertextBlob", out.CiphertextBlob);
  r.Str("KeyId", out.KeyId);
  r.Str("KeyMaterialId", out.KeyMaterialId);
  return r.Done();
}

Status DecodeResponse(const json::object& body, GenerateRandomResponse& out) {
  Reader r(body);
  r.Secret("Plaintext", out.Plaintext);
  return r.Done();
}

Status DecodeResponse(const json::object& body, ListAliasesResponse& out) {
  Reader r(body);
  r.Objects("Aliases", out.Aliases);
  r.Str("NextMarker", out.NextMarker);
  r.Bool("Truncated", out.Truncated);
  return r.Done();
}

Status DecodeResponse(const json::object& body, ListKeysResponse& out) {
  Reader r(body);
  r.Objects("Keys", out.Keys);
  r.Str("NextMarker", out.NextMarker);
  r.Bool("Truncated", out.Truncated);
  return r.Done();
}

Status DecodeResponse(const json::object& body, ListResourceTagsResponse& out) {
  Reader r(body);
  r.Objects("Tags", out.Tags);
  r.Str("NextMarker", out.NextMarker);
  r.Bool("Truncated", out.Truncated);
  return r.Done();
}

Status DecodeResponse(const json::object& body, ReEncryptResponse& out) {
  Reader r(body);
  r.Bytes("CiphertextBlob", out.CiphertextBlob);
  r.Str("SourceKeyId", out.SourceKeyId);
  r.Str("KeyId", out.KeyId);
  r.Enum("SourceEncryptionAlgorithm", out.SourceEncryptionAlgorithm, ParseEncryptionAlgorithm);
  r.Enum("DestinationEncryptionAlgorithm", out.DestinationEncryptionAlgorithm,
         ParseEncryptionAlgorithm);
  r.Str("SourceKeyMaterialId", out.SourceKeyMaterialId);
  r.Str("DestinationKeyMaterialId", out.DestinationKeyMaterialId);
  return r.Done();
}

Status DecodeResponse(const json::object& body, ScheduleKeyDeletionResponse& out) {
  Reader r(body);
  r.Str("KeyId", out.KeyId);
  r.Time("DeletionDate", out.DeletionDate);
  r.Enum("KeyState", out.KeyState, ParseKeyState);
  r.Int("PendingWindowInDays", out.PendingWindowInDays);
  return r.Done();
}

}  // namespace kms::internal
