// KeyMetadata rendering.
#include "api/key_metadata.hpp"

#include <boost/json/array.hpp>
#include <initializer_list>
#include <span>
#include <string_view>

#include "domain/asymmetric_key.hpp"
#include "domain/imported_material.hpp"

namespace kms::emulator {
namespace {

using Names = std::initializer_list<std::string_view>;

boost::json::array Array(Names names) {
  boost::json::array out;
  for (std::string_view name : names) out.emplace_back(name);
  return out;
}

// The deprecated CustomerMasterKeySpec enum has neither Ed25519 nor ML-DSA.
bool HasCustomerMasterKeySpec(KeySpec s) {
  return s != KeySpec::kEccNistEdwards25519 && !IsMlDsaSpec(s);
}

// The algorithm lists of a key spec, shared with GetPublicKey and the signing checks.
boost::json::array Array(std::span<const std::string_view> names) {
  boost::json::array out;
  for (std::string_view name : names) out.emplace_back(name);
  return out;
}

}  // namespace

boost::json::value EpochSeconds(int64_t ms) {
  // Integer / 1000.0 is correctly rounded, so the shortest repr is the millisecond value.
  return static_cast<double>(ms) / 1000.0;
}

namespace {

// {"Arn": ..., "Region": ...} of the key of `key`'s set in `region`.
boost::json::object MultiRegionKeyJson(const Key& key, const std::string& region) {
  return boost::json::object{{"Arn", KeyArn(region, key.account, key.id)}, {"Region", region}};
}

boost::json::object MultiRegionConfigurationJson(
    const Key& key, std::span<const std::shared_ptr<const Key>> related) {
  boost::json::array replicas;
  bool self_listed = false;
  for (const auto& other : related) {
    if (other->region == key.primary_region) continue;
    self_listed = self_listed || other->region == key.region;
    replicas.push_back(MultiRegionKeyJson(key, other->region));
  }
  if (key.IsMultiRegionReplica() && !self_listed) {
    replicas.push_back(MultiRegionKeyJson(key, key.region));
  }
  boost::json::object config;
  config["MultiRegionKeyType"] = key.IsMultiRegionPrimary() ? "PRIMARY" : "REPLICA";
  config["PrimaryKey"] = MultiRegionKeyJson(key, key.primary_region);
  config["ReplicaKeys"] = std::move(replicas);
  return config;
}

boost::json::object Render(const Key& key, const boost::json::object* multi_region_configuration) {
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
    m["EncryptionAlgorithms"] = Array(EncryptionAlgorithmNames(key.spec));
  // AWS: test_import_key_symmetric (present while EXTERNAL material is imported).
  if (auto model = ExpirationModelOf(key)) m["ExpirationModel"] = *model;
  if (key.usage == KeyUsage::kKeyAgreement) m["KeyAgreementAlgorithms"] = Array({"ECDH"});
  m["KeyId"] = key.id;
  m["KeyManager"] = ToString(key.manager);
  m["KeySpec"] = ToString(key.spec);
  m["KeyState"] = ToString(key.state);
  m["KeyUsage"] = ToString(key.usage);
  if (key.usage == KeyUsage::kGenerateVerifyMac && IsHmacSpec(key.spec)) {
    m["MacAlgorithms"] = Array(MacAlgorithmNames(key.spec));
  }
  m["MultiRegion"] = key.multi_region;
  if (multi_region_configuration != nullptr) {
    m["MultiRegionConfiguration"] = *multi_region_configuration;
  }
  m["Origin"] = ToString(key.origin);
  if (key.state == KeyState::kPendingReplicaDeletion && key.pending_window_days) {
    m["PendingDeletionWindowInDays"] = *key.pending_window_days;
  }
  if (key.usage == KeyUsage::kSignVerify)
    m["SigningAlgorithms"] = Array(SigningAlgorithmNames(key.spec));
  if (auto valid_to = EarliestValidTo(key); valid_to && ExpirationModelOf(key)) {
    m["ValidTo"] = EpochSeconds(*valid_to);
  }
  return m;
}

}  // namespace

boost::json::object KeyMetadataJson(const Key& key) { return Render(key, nullptr); }

boost::json::object KeyMetadataJson(const Key& key,
                                    std::span<const std::shared_ptr<const Key>> related) {
  if (!key.multi_region) return Render(key, nullptr);
  boost::json::object config = MultiRegionConfigurationJson(key, related);
  return Render(key, &config);
}

}  // namespace kms::emulator
