// KeyMetadata rendering.
#include "api/key_metadata.hpp"

#include <boost/json/array.hpp>
#include <initializer_list>
#include <string_view>

namespace kms::emulator {
namespace {

using Names = std::initializer_list<std::string_view>;

boost::json::array Array(Names names) {
  boost::json::array out;
  for (std::string_view name : names) out.emplace_back(name);
  return out;
}

bool IsRsa(KeySpec s) {
  return s == KeySpec::kRsa2048 || s == KeySpec::kRsa3072 || s == KeySpec::kRsa4096;
}

bool IsHmac(KeySpec s) {
  return s == KeySpec::kHmac224 || s == KeySpec::kHmac256 || s == KeySpec::kHmac384 ||
         s == KeySpec::kHmac512;
}

bool IsMlDsa(KeySpec s) {
  return s == KeySpec::kMlDsa44 || s == KeySpec::kMlDsa65 || s == KeySpec::kMlDsa87;
}

// The deprecated CustomerMasterKeySpec enum has neither Ed25519 nor ML-DSA.
bool HasCustomerMasterKeySpec(KeySpec s) {
  return s != KeySpec::kEccNistEdwards25519 && !IsMlDsa(s);
}

boost::json::array EncryptionAlgorithms(KeySpec s) {
  if (IsRsa(s)) return Array({"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"});
  if (s == KeySpec::kSm2) return Array({"SM2PKE"});
  return Array({"SYMMETRIC_DEFAULT"});
}

boost::json::array SigningAlgorithms(KeySpec s) {
  switch (s) {
    case KeySpec::kEccNistP256:
    case KeySpec::kEccSecgP256k1:
      return Array({"ECDSA_SHA_256"});
    case KeySpec::kEccNistP384:
      return Array({"ECDSA_SHA_384"});
    case KeySpec::kEccNistP521:
      return Array({"ECDSA_SHA_512"});
    case KeySpec::kEccNistEdwards25519:
      return Array({"ED25519_SHA_512", "ED25519_PH_SHA_512"});
    case KeySpec::kSm2:
      return Array({"SM2DSA"});
    case KeySpec::kMlDsa44:
    case KeySpec::kMlDsa65:
    case KeySpec::kMlDsa87:
      return Array({"ML_DSA_SHAKE_256"});
    default:
      return Array({"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512"});
  }
}

boost::json::array MacAlgorithms(KeySpec s) {
  switch (s) {
    case KeySpec::kHmac224:
      return Array({"HMAC_SHA_224"});
    case KeySpec::kHmac384:
      return Array({"HMAC_SHA_384"});
    case KeySpec::kHmac512:
      return Array({"HMAC_SHA_512"});
    default:
      return Array({"HMAC_SHA_256"});
  }
}

}  // namespace

boost::json::value EpochSeconds(int64_t ms) {
  // Integer / 1000.0 is correctly rounded, so the shortest repr is the millisecond value.
  return static_cast<double>(ms) / 1000.0;
}

boost::json::object KeyMetadataJson(const Key& key) {
  // AWS: members in alphabetical order, as its JSON 1.1 responses have them.
  boost::json::object m;
  m["AWSAccountId"] = key.account;
  m["Arn"] = key.Arn();
  m["CreationDate"] = EpochSeconds(key.creation_ms);
  if (key.spec == KeySpec::kSymmetricDefault && !key.current_material_id.empty()) {
    m["CurrentKeyMaterialId"] = key.current_material_id;
  }
  if (HasCustomerMasterKeySpec(key.spec)) m["CustomerMasterKeySpec"] = ToString(key.spec);
  if (key.state == KeyState::kPendingDeletion && key.deletion_ms) {
    m["DeletionDate"] = EpochSeconds(*key.deletion_ms);
  }
  m["Description"] = key.description;
  m["Enabled"] = key.state == KeyState::kEnabled;
  if (key.usage == KeyUsage::kEncryptDecrypt)
    m["EncryptionAlgorithms"] = EncryptionAlgorithms(key.spec);
  if (key.usage == KeyUsage::kKeyAgreement) m["KeyAgreementAlgorithms"] = Array({"ECDH"});
  m["KeyId"] = key.id;
  m["KeyManager"] = ToString(key.manager);
  m["KeySpec"] = ToString(key.spec);
  m["KeyState"] = ToString(key.state);
  m["KeyUsage"] = ToString(key.usage);
  if (key.usage == KeyUsage::kGenerateVerifyMac && IsHmac(key.spec)) {
    m["MacAlgorithms"] = MacAlgorithms(key.spec);
  }
  m["MultiRegion"] = key.multi_region;
  m["Origin"] = ToString(key.origin);
  if (key.state == KeyState::kPendingReplicaDeletion && key.pending_window_days) {
    m["PendingDeletionWindowInDays"] = *key.pending_window_days;
  }
  if (key.usage == KeyUsage::kSignVerify) m["SigningAlgorithms"] = SigningAlgorithms(key.spec);
  return m;
}

}  // namespace kms::emulator
