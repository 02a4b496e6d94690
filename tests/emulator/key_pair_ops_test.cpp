// Tests for GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext: every pair spec, the
// private key's PKCS#8 DER matching the public key, the sealed copy decrypting with its context,
// and every error branch.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

#include "asymmetric_fixture.hpp"

using kms::ErrorCode;
using namespace kms::emulator;
using namespace kms::emulator::testing;

namespace {

std::string PairBody(const std::string& key_id, std::string_view spec) {
  return J({{"KeyId", key_id}, {"KeyPairSpec", spec}});
}

std::string Validation1(const std::string& violation) {
  return "1 validation error detected: " + violation;
}

kms::internal::PkeyPtr ParsePublic(const std::vector<uint8_t>& der) {
  const unsigned char* p = der.data();
  kms::internal::PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  REQUIRE(key != nullptr);
  CHECK(p == der.data() + der.size());
  return key;
}

}  // namespace

TEST_CASE("GenerateDataKeyPair makes a matching PKCS#8 private key and DER public key per spec") {
  Fixture f;
  std::string kms_key = f.NewKeyId();
  struct Case {
    std::string spec;
    int type;
    int bits;
  };
  for (const Case& c : std::vector<Case>{{"RSA_2048", EVP_PKEY_RSA, 2048},
                                         {"RSA_3072", EVP_PKEY_RSA, 3072},
                                         {"RSA_4096", EVP_PKEY_RSA, 4096},
                                         {"ECC_NIST_P256", EVP_PKEY_EC, 256},
                                         {"ECC_NIST_P384", EVP_PKEY_EC, 384},
                                         {"ECC_NIST_P521", EVP_PKEY_EC, 521},
                                         {"ECC_SECG_P256K1", EVP_PKEY_EC, 256},
                                         {"ECC_NIST_EDWARDS25519", EVP_PKEY_ED25519, 256}}) {
    CAPTURE(c.spec);
    object r = f.Ok(GenerateDataKeyPair, PairBody(kms_key, c.spec));
    CHECK(Names(r) == std::vector<std::string>{"PrivateKeyCiphertextBlob", "PrivateKeyPlaintext",
                                               "PublicKey", "KeyId", "KeyPairSpec",
                                               "KeyMaterialId"});
    CHECK(Str(r.at("KeyId")) == ArnOf(kms_key));
    CHECK(Str(r.at("KeyPairSpec")) == c.spec);
    auto private_der = Bytes(r.at("PrivateKeyPlaintext"));
    const unsigned char* p = private_der.data();
    PKCS8_PRIV_KEY_INFO* p8 =
        d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(private_der.size()));
    REQUIRE(p8 != nullptr);
    kms::internal::PkeyPtr private_key(EVP_PKCS82PKEY(p8));
    PKCS8_PRIV_KEY_INFO_free(p8);
    REQUIRE(private_key != nullptr);
    CHECK(EVP_PKEY_get_base_id(private_key.get()) == c.type);
    CHECK(EVP_PKEY_get_bits(private_key.get()) == c.bits);
    auto public_key = ParsePublic(Bytes(r.at("PublicKey")));
    CHECK(EVP_PKEY_eq(public_key.get(), private_key.get()) == 1);
    // The sealed copy is an ordinary ciphertext of the KMS key holding the same DER.
    object d = f.Ok(Decrypt, J({{"CiphertextBlob", r.at("PrivateKeyCiphertextBlob")}}));
    CHECK(Bytes(d.at("Plaintext")) == private_der);
    CHECK(Str(d.at("KeyMaterialId")) == Str(r.at("KeyMaterialId")));
  }
}

TEST_CASE("GenerateDataKeyPairWithoutPlaintext returns no private key in plaintext") {
  Fixture f;
  std::string kms_key = f.NewKeyId();
  object r = f.Ok(GenerateDataKeyPairWithoutPlaintext, PairBody(kms_key, "ECC_NIST_P256"));
  CHECK(Names(r) == std::vector<std::string>{"PrivateKeyCiphertextBlob", "PublicKey", "KeyId",
                                             "KeyPairSpec", "KeyMaterialId"});
  auto private_der = Bytes(
      f.Ok(Decrypt, J({{"CiphertextBlob", r.at("PrivateKeyCiphertextBlob")}})).at("Plaintext"));
  auto private_key = ParsePrivateKey(private_der);
  REQUIRE(private_key.has_value());
  CHECK(EVP_PKEY_eq(ParsePublic(Bytes(r.at("PublicKey"))).get(), private_key->get()) == 1);
}

TEST_CASE("GenerateDataKeyPair binds the encryption context to the sealed private key") {
  Fixture f;
  // AWS: test_encryption_context_generate_data_key_pair(_without_plaintext).
  std::string kms_key = f.NewKeyId();
  object context = {{"context-key", "context-value"}};
  for (auto handler : {GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext}) {
    object r =
        f.Ok(handler,
             J({{"KeyId", kms_key}, {"KeyPairSpec", "RSA_2048"}, {"EncryptionContext", context}}));
    object blob = {{"CiphertextBlob", r.at("PrivateKeyCiphertextBlob")}};
    CHECK_AWS_ERROR(f.Call(Decrypt, J(blob)), ErrorCode::kInvalidCiphertext, "");
    blob["EncryptionContext"] = context;
    CHECK(f.Ok(Decrypt, J(blob)).contains("Plaintext"));
  }
}

TEST_CASE("GenerateDataKeyPair refuses KMS keys that cannot seal the private key") {
  Fixture f;
  std::string rsa = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  CHECK_AWS_ERROR(
      f.Call(GenerateDataKeyPair, PairBody(rsa, "RSA_2048")), ErrorCode::kInvalidKeyUsage,
      ArnOf(rsa) + " key KeySpec is RSA_2048 which is not valid for GenerateDataKeyPair.");
  std::string sign = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  CHECK_AWS_ERROR(f.Call(GenerateDataKeyPairWithoutPlaintext, PairBody(sign, "RSA_2048")),
                  ErrorCode::kInvalidKeyUsage,
                  ArnOf(sign) +
                      " key usage is SIGN_VERIFY which is not valid for "
                      "GenerateDataKeyPairWithoutPlaintext.");
  std::string mac = NewKeyIdOf(f, "HMAC_256", "GENERATE_VERIFY_MAC");
  CHECK_AWS_ERROR(f.Call(GenerateDataKeyPair, PairBody(mac, "RSA_2048")),
                  ErrorCode::kInvalidKeyUsage,
                  ArnOf(mac) +
                      " key usage is GENERATE_VERIFY_MAC which is not valid for "
                      "GenerateDataKeyPair.");
  std::string disabled = f.NewKeyId();
  f.Ok(DisableKey, KeyIdJson(disabled));
  CHECK_AWS_ERROR(f.Call(GenerateDataKeyPair, PairBody(disabled, "RSA_2048")), ErrorCode::kDisabled,
                  ArnOf(disabled) + " is disabled.");
  CHECK_AWS_ERROR(f.Call(GenerateDataKeyPair, PairBody("alias/none", "RSA_2048")),
                  ErrorCode::kNotFound,
                  "Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.");
}

TEST_CASE("GenerateDataKeyPair validates KeyPairSpec and refuses a Recipient") {
  Fixture f;
  std::string kms_key = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(GenerateDataKeyPair, J({{"KeyId", kms_key}})), ErrorCode::kValidation,
                  Validation1("Value null at 'keyPairSpec' failed to satisfy constraint: Member "
                              "must not be null"));
  CHECK_AWS_ERROR(
      f.Call(GenerateDataKeyPair, PairBody(kms_key, "RSA_1024")), ErrorCode::kValidation,
      Validation1("Value 'RSA_1024' at 'keyPairSpec' failed to satisfy constraint: Member must "
                  "satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, "
                  "ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, ECC_NIST_EDWARDS25519]"));
  // SM2 only in the China Regions, as CreateKey's KeySpec.
  CHECK_AWS_ERROR(
      f.Call(GenerateDataKeyPair, PairBody(kms_key, "SM2")), ErrorCode::kValidation,
      Validation1("Value 'SM2' at 'keyPairSpec' failed to satisfy constraint: Member must "
                  "satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, "
                  "ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, ECC_NIST_EDWARDS25519]"));
  CHECK_AWS_ERROR(
      f.Call(GenerateDataKeyPair, J({{"KeyId", kms_key},
                                     {"KeyPairSpec", "RSA_2048"},
                                     {"Recipient", object{{"AttestationDocument", "AAAA"}}}})),
      ErrorCode::kUnsupportedOperation,
      "Recipient (attested Nitro Enclave or NitroTPM requests) is not supported by "
      "this emulator.");
}

TEST_CASE("GenerateDataKeyPair makes SM2 pairs in the China Regions") {
  Fixture f;
  auto ctx = f.Ctx(kAccount, "cn-north-1");
  std::string kms_key = Str(f.NewKey("{}", ctx).at("KeyId"));
  object r = f.Ok(GenerateDataKeyPair, PairBody(kms_key, "SM2"), ctx);
  CHECK(Str(r.at("KeyPairSpec")) == "SM2");
  auto private_key = ParsePrivateKey(Bytes(r.at("PrivateKeyPlaintext")));
  REQUIRE(private_key.has_value());
  CHECK(EVP_PKEY_is_a(private_key->get(), "SM2"));
  CHECK(EVP_PKEY_eq(ParsePublic(Bytes(r.at("PublicKey"))).get(), private_key->get()) == 1);
  CHECK_AWS_ERROR(
      f.Call(GenerateDataKeyPair, PairBody(kms_key, "RSA_1024"), ctx), ErrorCode::kValidation,
      Validation1("Value 'RSA_1024' at 'keyPairSpec' failed to satisfy constraint: Member must "
                  "satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, "
                  "ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SM2, ECC_NIST_EDWARDS25519]"));
}

TEST_CASE("GenerateDataKeyPair with DryRun reports the dry run") {
  Fixture f;
  // AWS: test_generate_data_key_pair_dry_run, ..._without_plaintext_dry_run.
  std::string kms_key = f.NewKeyId();
  std::string body = J({{"KeyId", kms_key}, {"KeyPairSpec", "RSA_2048"}, {"DryRun", true}});
  CHECK_AWS_ERROR(f.Call(GenerateDataKeyPair, body), ErrorCode::kDryRunOperation, kDryRunMessage);
  CHECK_AWS_ERROR(f.Call(GenerateDataKeyPairWithoutPlaintext, body), ErrorCode::kDryRunOperation,
                  kDryRunMessage);
}
