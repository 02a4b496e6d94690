// Tests for KeyMetadata rendering: member presence, order and values as AWS sends them.
#include "api/key_metadata.hpp"

#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>
#include <string>

using kms::KeySpec;
using kms::KeyState;
using kms::KeyUsage;
using kms::Origin;
using kms::emulator::EpochSeconds;
using kms::emulator::Key;
using kms::emulator::KeyMetadataJson;

namespace {

const std::string kMaterialId(64, 'a');

Key SymmetricKey() {
  Key key;
  key.account = "111122223333";
  key.region = "us-east-1";
  key.id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  key.description = "test key 123";
  key.creation_ms = 1713178346711;
  key.current_material_id = kMaterialId;
  return key;
}

std::string Render(const Key& key) { return boost::json::serialize(KeyMetadataJson(key)); }

}  // namespace

TEST_CASE("KeyMetadata of an enabled symmetric key matches AWS member for member") {
  // AWS: the describe-key response recorded in test_create_key, in AWS's alphabetical order.
  CHECK(Render(SymmetricKey()) ==
        R"({"AWSAccountId":"111122223333",)"
        R"("Arn":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",)"
        R"("CreationDate":1.713178346711E9,)"
        R"("CurrentKeyMaterialId":")" +
            kMaterialId +
            R"(",)"
            R"("CustomerMasterKeySpec":"SYMMETRIC_DEFAULT","Description":"test key 123",)"
            R"("Enabled":true,"EncryptionAlgorithms":["SYMMETRIC_DEFAULT"],)"
            R"("KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","KeyManager":"CUSTOMER",)"
            R"("KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","KeyUsage":"ENCRYPT_DECRYPT",)"
            R"("MultiRegion":false,"Origin":"AWS_KMS"})");
}

TEST_CASE("KeyMetadata always carries Description, empty when the key has none") {
  Key key = SymmetricKey();
  key.description.clear();
  CHECK(KeyMetadataJson(key).at("Description").as_string() == "");
}

TEST_CASE("KeyMetadata of a pending-deletion key has DeletionDate and Enabled false") {
  Key key = SymmetricKey();
  key.state = KeyState::kPendingDeletion;
  key.deletion_ms = 1715770346711;
  key.pending_window_days = 30;
  auto m = KeyMetadataJson(key);
  CHECK(boost::json::serialize(m.at("DeletionDate")) == "1.715770346711E9");
  CHECK(m.at("Enabled").as_bool() == false);
  CHECK(m.at("KeyState").as_string() == "PendingDeletion");
  // AWS: PendingDeletionWindowInDays is only for PendingReplicaDeletion primaries.
  CHECK_FALSE(m.contains("PendingDeletionWindowInDays"));
  // DeletionDate sits between CustomerMasterKeySpec and Description.
  std::string text = boost::json::serialize(m);
  CHECK(text.find("\"CustomerMasterKeySpec\"") < text.find("\"DeletionDate\""));
  CHECK(text.find("\"DeletionDate\"") < text.find("\"Description\""));
}

TEST_CASE("KeyMetadata of a disabled key has Enabled false and no DeletionDate") {
  Key key = SymmetricKey();
  key.state = KeyState::kDisabled;
  auto m = KeyMetadataJson(key);
  CHECK(m.at("Enabled").as_bool() == false);
  CHECK(m.at("KeyState").as_string() == "Disabled");
  CHECK_FALSE(m.contains("DeletionDate"));
}

TEST_CASE("KeyMetadata omits CurrentKeyMaterialId for a key without material") {
  Key key = SymmetricKey();
  key.current_material_id.clear();
  key.state = KeyState::kPendingImport;
  key.origin = Origin::kExternal;
  auto m = KeyMetadataJson(key);
  CHECK_FALSE(m.contains("CurrentKeyMaterialId"));
  CHECK(m.at("Origin").as_string() == "EXTERNAL");
  CHECK(m.at("Enabled").as_bool() == false);
}

TEST_CASE("KeyMetadata of an HMAC key lists MacAlgorithms and no encryption members") {
  // AWS: test_hmac_create_key (no CurrentKeyMaterialId, no EncryptionAlgorithms).
  Key key = SymmetricKey();
  key.spec = KeySpec::kHmac256;
  key.usage = KeyUsage::kGenerateVerifyMac;
  auto m = KeyMetadataJson(key);
  CHECK(boost::json::serialize(m.at("MacAlgorithms")) == R"(["HMAC_SHA_256"])");
  CHECK_FALSE(m.contains("EncryptionAlgorithms"));
  CHECK_FALSE(m.contains("CurrentKeyMaterialId"));
  CHECK(m.at("CustomerMasterKeySpec").as_string() == "HMAC_256");
}

TEST_CASE("KeyMetadata of an ECC signing key lists its one signing algorithm last") {
  // AWS: test_import_key_asymmetric (SigningAlgorithms after Origin).
  Key key = SymmetricKey();
  key.spec = KeySpec::kEccNistP256;
  key.usage = KeyUsage::kSignVerify;
  std::string text = Render(key);
  CHECK(text.ends_with(R"("Origin":"AWS_KMS","SigningAlgorithms":["ECDSA_SHA_256"]})"));
  CHECK(text.find("EncryptionAlgorithms") == std::string::npos);
}

TEST_CASE("KeyMetadata of RSA keys lists the OAEP or the six signing algorithms") {
  Key key = SymmetricKey();
  key.spec = KeySpec::kRsa2048;
  auto enc = KeyMetadataJson(key);
  CHECK(boost::json::serialize(enc.at("EncryptionAlgorithms")) ==
        R"(["RSAES_OAEP_SHA_1","RSAES_OAEP_SHA_256"])");
  key.usage = KeyUsage::kSignVerify;
  auto sig = KeyMetadataJson(key);
  CHECK(sig.at("SigningAlgorithms").as_array().size() == 6);
}

TEST_CASE("KeyMetadata of a key-agreement key lists ECDH") {
  Key key = SymmetricKey();
  key.spec = KeySpec::kEccNistP384;
  key.usage = KeyUsage::kKeyAgreement;
  CHECK(boost::json::serialize(KeyMetadataJson(key).at("KeyAgreementAlgorithms")) == R"(["ECDH"])");
}

TEST_CASE("KeyMetadata omits CustomerMasterKeySpec for specs the deprecated enum lacks") {
  Key key = SymmetricKey();
  key.spec = KeySpec::kMlDsa65;
  key.usage = KeyUsage::kSignVerify;
  auto m = KeyMetadataJson(key);
  CHECK_FALSE(m.contains("CustomerMasterKeySpec"));
  CHECK(m.at("KeySpec").as_string() == "ML_DSA_65");
  CHECK(boost::json::serialize(m.at("SigningAlgorithms")) == R"(["ML_DSA_SHAKE_256"])");
}

TEST_CASE("EpochSeconds renders milliseconds as a fractional number like AWS") {
  CHECK(boost::json::serialize(EpochSeconds(1713178346711)) == "1.713178346711E9");
  CHECK(boost::json::serialize(EpochSeconds(1713178346000)) == "1.713178346E9");
  CHECK(EpochSeconds(1500).as_double() == 1.5);
}
