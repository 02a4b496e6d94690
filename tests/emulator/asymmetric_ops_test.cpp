// Tests for asymmetric keys: CreateKey for every KeySpec x KeyUsage AWS allows, their KeyMetadata,
// GetPublicKey, Sign, Verify and DeriveSharedSecret, with every error branch (code and message).
// Signatures are checked offline with EVP_DigestVerify, Ed25519 against RFC 8032.
#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "asymmetric_fixture.hpp"

using kms::ErrorCode;
using namespace kms::emulator;
using namespace kms::emulator::testing;

namespace {

const std::vector<std::string> kRsaSigning = {
    "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",        "RSASSA_PSS_SHA_384",        "RSASSA_PSS_SHA_512"};

std::string SignBody(const std::string& key_id, std::string_view message, std::string_view alg,
                     std::string_view type = "RAW") {
  return J({{"KeyId", key_id},
            {"Message", B64(message)},
            {"SigningAlgorithm", alg},
            {"MessageType", type}});
}

std::string SignBody(const std::string& key_id, std::span<const uint8_t> message,
                     std::string_view alg, std::string_view type) {
  return J({{"KeyId", key_id},
            {"Message", B64(message)},
            {"SigningAlgorithm", alg},
            {"MessageType", type}});
}

std::string VerifyBody(const std::string& key_id, std::span<const uint8_t> message,
                       std::span<const uint8_t> signature, std::string_view alg,
                       std::string_view type = "RAW") {
  return J({{"KeyId", key_id},
            {"Message", B64(message)},
            {"Signature", B64(signature)},
            {"SigningAlgorithm", alg},
            {"MessageType", type}});
}

std::string Validation1(const std::string& violation) {
  return "1 validation error detected: " + violation;
}

// A fresh ECC key pair of `curve` outside KMS, as DER SubjectPublicKeyInfo and the key.
struct PeerKey {
  kms::internal::PkeyPtr key;
  std::vector<uint8_t> spki;
};

PeerKey NewPeer(const char* type, const char* curve) {
  PeerKey peer;
  peer.key.reset(curve ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve)
                       : EVP_PKEY_Q_keygen(nullptr, nullptr, type, size_t{2048}));
  REQUIRE(peer.key != nullptr);
  int size = i2d_PUBKEY(peer.key.get(), nullptr);
  peer.spki.resize(static_cast<size_t>(size));
  unsigned char* out = peer.spki.data();
  REQUIRE(i2d_PUBKEY(peer.key.get(), &out) == size);
  return peer;
}

std::vector<uint8_t> Derive(EVP_PKEY* mine, EVP_PKEY* peer) {
  kms::internal::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine, nullptr));
  size_t size = 0;
  REQUIRE(EVP_PKEY_derive_init(ctx.get()) == 1);
  REQUIRE(EVP_PKEY_derive_set_peer(ctx.get(), peer) == 1);
  REQUIRE(EVP_PKEY_derive(ctx.get(), nullptr, &size) == 1);
  std::vector<uint8_t> out(size);
  REQUIRE(EVP_PKEY_derive(ctx.get(), out.data(), &size) == 1);
  out.resize(size);
  return out;
}

std::string DeriveBody(const std::string& key_id, std::span<const uint8_t> spki) {
  return J({{"KeyId", key_id}, {"KeyAgreementAlgorithm", "ECDH"}, {"PublicKey", B64(spki)}});
}

void Disable(Fixture& f, const std::string& key_id) { f.Ok(DisableKey, KeyIdJson(key_id)); }

}  // namespace

// ---- CreateKey and KeyMetadata ----

TEST_CASE("CreateKey makes every KeySpec and KeyUsage pair AWS allows, with AWS's metadata") {
  Fixture f;
  struct Case {
    std::string spec, usage, member;
    std::vector<std::string> algorithms;
    int openssl_type;
    int bits;
  };
  const std::vector<Case> cases = {
      {"RSA_2048", "SIGN_VERIFY", "SigningAlgorithms", kRsaSigning, EVP_PKEY_RSA, 2048},
      {"RSA_3072", "SIGN_VERIFY", "SigningAlgorithms", kRsaSigning, EVP_PKEY_RSA, 3072},
      {"RSA_4096",
       "ENCRYPT_DECRYPT",
       "EncryptionAlgorithms",
       {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"},
       EVP_PKEY_RSA,
       4096},
      {"RSA_2048",
       "ENCRYPT_DECRYPT",
       "EncryptionAlgorithms",
       {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"},
       EVP_PKEY_RSA,
       2048},
      {"ECC_NIST_P256", "SIGN_VERIFY", "SigningAlgorithms", {"ECDSA_SHA_256"}, EVP_PKEY_EC, 256},
      {"ECC_NIST_P384", "SIGN_VERIFY", "SigningAlgorithms", {"ECDSA_SHA_384"}, EVP_PKEY_EC, 384},
      {"ECC_NIST_P521", "SIGN_VERIFY", "SigningAlgorithms", {"ECDSA_SHA_512"}, EVP_PKEY_EC, 521},
      {"ECC_SECG_P256K1", "SIGN_VERIFY", "SigningAlgorithms", {"ECDSA_SHA_256"}, EVP_PKEY_EC, 256},
      {"ECC_NIST_P256", "KEY_AGREEMENT", "KeyAgreementAlgorithms", {"ECDH"}, EVP_PKEY_EC, 256},
      {"ECC_NIST_P384", "KEY_AGREEMENT", "KeyAgreementAlgorithms", {"ECDH"}, EVP_PKEY_EC, 384},
      {"ECC_NIST_P521", "KEY_AGREEMENT", "KeyAgreementAlgorithms", {"ECDH"}, EVP_PKEY_EC, 521},
      {"ECC_NIST_EDWARDS25519",
       "SIGN_VERIFY",
       "SigningAlgorithms",
       {"ED25519_SHA_512", "ED25519_PH_SHA_512"},
       EVP_PKEY_ED25519,
       256},
  };
  for (const Case& c : cases) {
    CAPTURE(c.spec);
    CAPTURE(c.usage);
    object m = NewKeyOf(f, c.spec, c.usage);
    CHECK(Str(m.at("KeySpec")) == c.spec);
    CHECK(Str(m.at("KeyUsage")) == c.usage);
    std::vector<std::string> listed;
    for (const auto& v : m.at(c.member).as_array()) listed.emplace_back(v.as_string());
    CHECK(listed == c.algorithms);
    for (const char* other :
         {"EncryptionAlgorithms", "SigningAlgorithms", "MacAlgorithms", "KeyAgreementAlgorithms"}) {
      if (other != c.member) CHECK_FALSE(m.contains(other));
    }
    // AWS: CurrentKeyMaterialId only for symmetric keys; no CustomerMasterKeySpec for Ed25519.
    CHECK_FALSE(m.contains("CurrentKeyMaterialId"));
    CHECK(m.contains("CustomerMasterKeySpec") == (c.spec != "ECC_NIST_EDWARDS25519"));
    PrivateKey key = StoredPrivateKey(f, Str(m.at("KeyId")));
    CHECK(EVP_PKEY_get_base_id(key.get()) == c.openssl_type);
    CHECK(EVP_PKEY_get_bits(key.get()) == c.bits);
  }
}

TEST_CASE("CreateKey stores PKCS#8 DER private keys in the key material") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  auto key = f.store().FindKey(kAccount, kRegion, id);
  auto der = key->CurrentMaterial()->bytes->span();
  const unsigned char* p = der.data();
  PKCS8_PRIV_KEY_INFO* p8 = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  CHECK(p8 != nullptr);
  CHECK(p == der.data() + der.size());
  PKCS8_PRIV_KEY_INFO_free(p8);
  // Every key gets its own pair.
  auto other = f.store().FindKey(kAccount, kRegion, NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY"));
  CHECK_FALSE(other->CurrentMaterial()->bytes->Equals(der));
}

TEST_CASE("CreateKey rejects the KeySpec and KeyUsage pairs AWS rejects, with AWS's wording") {
  Fixture f;
  const std::vector<std::pair<std::string, std::string>> invalid = {
      {"RSA_3072", "KEY_AGREEMENT"},
      {"RSA_4096", "GENERATE_VERIFY_MAC"},
      {"ECC_NIST_P256", "ENCRYPT_DECRYPT"},
      {"ECC_NIST_P521", "GENERATE_VERIFY_MAC"},
      {"ECC_SECG_P256K1", "ENCRYPT_DECRYPT"},
      {"ECC_NIST_EDWARDS25519", "KEY_AGREEMENT"},
      {"ECC_NIST_EDWARDS25519", "ENCRYPT_DECRYPT"},
      {"HMAC_384", "SIGN_VERIFY"},
      {"HMAC_224", "KEY_AGREEMENT"},
      {"ML_DSA_44", "ENCRYPT_DECRYPT"}};
  for (const auto& [spec, usage] : invalid) {
    CAPTURE(spec);
    CHECK_AWS_ERROR(f.Call(CreateKey, J({{"KeySpec", spec}, {"KeyUsage", usage}})),
                    ErrorCode::kValidation,
                    "KeyUsage " + usage + " is not compatible with KeySpec " + spec);
  }
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeySpec":"ECC_NIST_EDWARDS25519"})"),
                  ErrorCode::kValidation,
                  "You must specify a KeyUsage value for all KMS keys except for symmetric "
                  "encryption keys.");
  CHECK(f.store().ListKeys(kAccount, kRegion).empty());
}

TEST_CASE("CreateKey refuses ML-DSA keys because OpenSSL 3.0 has no ML-DSA") {
  Fixture f;
  for (std::string spec : {"ML_DSA_44", "ML_DSA_65", "ML_DSA_87"}) {
    CHECK_AWS_ERROR(
        f.Call(CreateKey, J({{"KeySpec", spec}, {"KeyUsage", "SIGN_VERIFY"}})),
        ErrorCode::kUnsupportedOperation,
        "KeySpec " + spec + " is not supported by this emulator: OpenSSL 3.0 has no ML-DSA.");
  }
  CHECK(f.store().ListKeys(kAccount, kRegion).empty());
}

TEST_CASE("DescribeKey of an asymmetric key lists the members AWS recorded, in AWS's order") {
  Fixture f;
  // AWS: test_import_key_asymmetric describe-key-after-import (less the import members).
  std::string id = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  object m = f.Ok(DescribeKey, KeyIdJson(id)).at("KeyMetadata").as_object();
  CHECK(Names(m) == std::vector<std::string>{
                        "AWSAccountId", "Arn", "CreationDate", "CustomerMasterKeySpec",
                        "Description", "Enabled", "KeyId", "KeyManager", "KeySpec", "KeyState",
                        "KeyUsage", "MultiRegion", "Origin", "SigningAlgorithms"});
}

// ---- GetPublicKey ----

TEST_CASE("GetPublicKey returns the DER SubjectPublicKeyInfo of the key pair and its algorithms") {
  Fixture f;
  std::string sign = NewKeyIdOf(f, "RSA_2048", "SIGN_VERIFY");
  object r = f.Ok(GetPublicKey, KeyIdJson(sign));
  CHECK(Names(r) == std::vector<std::string>{"KeyId", "PublicKey", "CustomerMasterKeySpec",
                                             "KeySpec", "KeyUsage", "SigningAlgorithms"});
  CHECK(Str(r.at("KeyId")) == ArnOf(sign));
  CHECK(Str(r.at("KeySpec")) == "RSA_2048");
  CHECK(Str(r.at("CustomerMasterKeySpec")) == "RSA_2048");
  CHECK(Str(r.at("KeyUsage")) == "SIGN_VERIFY");
  CHECK(r.at("SigningAlgorithms").as_array().size() == 6);
  // The public key is the stored private key's public half.
  auto pub = PublicKeyFromKms(f, sign);
  CHECK(EVP_PKEY_eq(pub.get(), StoredPrivateKey(f, sign).get()) == 1);

  std::string encrypt = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  r = f.Ok(GetPublicKey, KeyIdJson(encrypt));
  CHECK(Names(r) == std::vector<std::string>{"KeyId", "PublicKey", "CustomerMasterKeySpec",
                                             "KeySpec", "KeyUsage", "EncryptionAlgorithms"});
  CHECK(J(object{{"a", r.at("EncryptionAlgorithms")}}) ==
        R"({"a":["RSAES_OAEP_SHA_1","RSAES_OAEP_SHA_256"]})");

  std::string agree = NewKeyIdOf(f, "ECC_NIST_P521", "KEY_AGREEMENT");
  r = f.Ok(GetPublicKey, KeyIdJson(agree));
  CHECK(Names(r) == std::vector<std::string>{"KeyId", "PublicKey", "CustomerMasterKeySpec",
                                             "KeySpec", "KeyUsage", "KeyAgreementAlgorithms"});
  CHECK(EVP_PKEY_eq(PublicKeyFromKms(f, agree).get(), StoredPrivateKey(f, agree).get()) == 1);

  std::string ed = NewKeyIdOf(f, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY");
  r = f.Ok(GetPublicKey, KeyIdJson(ed));
  // AWS: the deprecated CustomerMasterKeySpec enum has no Ed25519.
  CHECK(Names(r) ==
        std::vector<std::string>{"KeyId", "PublicKey", "KeySpec", "KeyUsage", "SigningAlgorithms"});
  CHECK(Bytes(r.at("PublicKey")).size() == 44);  // 12-byte SPKI header + 32-byte point
}

TEST_CASE("GetPublicKey accepts an alias and refuses keys without a public key or unusable") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "ECC_NIST_P384", "SIGN_VERIFY");
  f.Ok(CreateAlias, J({{"AliasName", "alias/signer"}, {"TargetKeyId", id}}));
  CHECK(Str(f.Ok(GetPublicKey, KeyIdJson("alias/signer")).at("KeyId")) == ArnOf(id));

  std::string symmetric = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(GetPublicKey, KeyIdJson(symmetric)), ErrorCode::kUnsupportedOperation,
                  ArnOf(symmetric) + " key spec SYMMETRIC_DEFAULT is not valid for GetPublicKey.");
  std::string mac = NewKeyIdOf(f, "HMAC_256", "GENERATE_VERIFY_MAC");
  CHECK_AWS_ERROR(f.Call(GetPublicKey, KeyIdJson(mac)), ErrorCode::kUnsupportedOperation,
                  ArnOf(mac) + " key spec HMAC_256 is not valid for GetPublicKey.");
  Disable(f, id);
  CHECK_AWS_ERROR(f.Call(GetPublicKey, KeyIdJson(id)), ErrorCode::kDisabled,
                  ArnOf(id) + " is disabled.");
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(GetPublicKey, KeyIdJson(id)), ErrorCode::kInvalidState,
                  ArnOf(id) + " is pending deletion.");
  CHECK_AWS_ERROR(f.Call(GetPublicKey, KeyIdJson("alias/none")), ErrorCode::kNotFound,
                  "Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.");
  CHECK_AWS_ERROR(f.Call(GetPublicKey, "{}"), ErrorCode::kValidation,
                  Validation1("Value null at 'keyId' failed to satisfy constraint: Member must "
                              "not be null"));
}

// ---- Sign and Verify ----

TEST_CASE("Sign with every RSA algorithm verifies offline, for RAW and DIGEST messages") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "RSA_2048", "SIGN_VERIFY");
  auto pub = PublicKeyFromKms(f, id);
  const auto message = TextBytes("test message !%$@ 1234567890");
  for (const std::string& alg : kRsaSigning) {
    CAPTURE(alg);
    object raw = f.Ok(Sign, SignBody(id, message, alg, "RAW"));
    CHECK(Names(raw) == std::vector<std::string>{"KeyId", "Signature", "SigningAlgorithm"});
    CHECK(Str(raw.at("KeyId")) == ArnOf(id));
    CHECK(Str(raw.at("SigningAlgorithm")) == alg);
    auto sig = Bytes(raw.at("Signature"));
    CHECK(sig.size() == 256);
    CHECK(OfflineVerify(pub.get(), alg, message, sig));
    // DIGEST is not hashed again: its signature verifies over the original message too.
    auto digest = DigestFor(alg, message);
    auto sig2 = Bytes(f.Ok(Sign, SignBody(id, digest, alg, "DIGEST")).at("Signature"));
    CHECK(OfflineVerify(pub.get(), alg, message, sig2));
    // And each verifies in KMS in either form.
    CHECK(f.Ok(Verify, VerifyBody(id, digest, sig, alg, "DIGEST")).at("SignatureValid").as_bool());
    CHECK(f.Ok(Verify, VerifyBody(id, message, sig2, alg, "RAW")).at("SignatureValid").as_bool());
  }
}

TEST_CASE("RSASSA-PSS signatures use a salt as long as the digest") {
  Fixture f;
  // AWS: test_verify_salt_length verifies with salt_length = digest length.
  std::string id = NewKeyIdOf(f, "RSA_3072", "SIGN_VERIFY");
  auto pub = PublicKeyFromKms(f, id);
  const auto message = TextBytes("salt");
  for (auto [alg, salt] : {std::pair{"RSASSA_PSS_SHA_256", 32}, std::pair{"RSASSA_PSS_SHA_384", 48},
                           std::pair{"RSASSA_PSS_SHA_512", 64}}) {
    auto sig = Bytes(f.Ok(Sign, SignBody(id, message, alg, "RAW")).at("Signature"));
    CHECK(OfflineVerify(pub.get(), alg, message, sig, salt));
    CHECK_FALSE(OfflineVerify(pub.get(), alg, message, sig, salt + 1));
  }
}

TEST_CASE("Sign with each ECDSA key spec verifies offline and in KMS") {
  Fixture f;
  for (auto [spec, alg] :
       {std::pair{"ECC_NIST_P256", "ECDSA_SHA_256"}, std::pair{"ECC_NIST_P384", "ECDSA_SHA_384"},
        std::pair{"ECC_NIST_P521", "ECDSA_SHA_512"},
        std::pair{"ECC_SECG_P256K1", "ECDSA_SHA_256"}}) {
    CAPTURE(spec);
    std::string id = NewKeyIdOf(f, spec, "SIGN_VERIFY");
    auto pub = PublicKeyFromKms(f, id);
    const auto message = TextBytes("ecdsa message");
    auto sig = Bytes(f.Ok(Sign, SignBody(id, message, alg, "RAW")).at("Signature"));
    CHECK(sig.front() == 0x30);  // DER SEQUENCE of r and s
    CHECK(OfflineVerify(pub.get(), alg, message, sig));
    auto digest = DigestFor(alg, message);
    auto sig2 = Bytes(f.Ok(Sign, SignBody(id, digest, alg, "DIGEST")).at("Signature"));
    CHECK(OfflineVerify(pub.get(), alg, message, sig2));
    object v = f.Ok(Verify, VerifyBody(id, message, sig2, alg));
    CHECK(Names(v) == std::vector<std::string>{"KeyId", "SignatureValid", "SigningAlgorithm"});
    CHECK(Str(v.at("KeyId")) == ArnOf(id));
  }
}

TEST_CASE("Sign with Ed25519 is pure Ed25519 over the raw message (RFC 8032 test 2)") {
  Fixture f;
  // A key whose private key is RFC 8032 section 7.1 TEST 2's secret, as PKCS#8 DER.
  auto der = kms::internal::HexDecode(
      "302e020100300506032b657004220420"
      "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  REQUIRE(der.has_value());
  Key key;
  key.account = kAccount;
  key.region = kRegion;
  key.id = "0b0e6c3a-5d1e-4f5a-9c7e-2d1f00000001";
  key.spec = kms::KeySpec::kEccNistEdwards25519;
  key.usage = kms::KeyUsage::kSignVerify;
  KeyMaterial material;
  material.id = std::string(64, 'a');
  material.bytes = std::make_shared<const kms::internal::SecretBytes>(*der);
  key.materials.push_back(material);
  key.current_material_id = material.id;
  REQUIRE(f.store().CreateKey(key).has_value());
  const std::vector<uint8_t> message = {0x72};
  object r = f.Ok(Sign, SignBody(key.id, message, "ED25519_SHA_512", "RAW"));
  CHECK(kms::internal::HexEncode(Bytes(r.at("Signature"))) ==
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  auto spki = Bytes(f.Ok(GetPublicKey, KeyIdJson(key.id)).at("PublicKey"));
  CHECK(kms::internal::HexEncode(spki) ==
        "302a300506032b6570032100"
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  CHECK(f.Ok(Verify, VerifyBody(key.id, message, Bytes(r.at("Signature")), "ED25519_SHA_512"))
            .at("SignatureValid")
            .as_bool());
}

TEST_CASE("Ed25519 keys pair ED25519_SHA_512 with RAW and ED25519_PH_SHA_512 with DIGEST") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY");
  std::vector<uint8_t> digest(64, 7);
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(id, digest, "ED25519_SHA_512", "DIGEST")),
                  ErrorCode::kValidation,
                  "Message type DIGEST is incompatible with algorithm ED25519_SHA_512.");
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(id, "raw", "ED25519_PH_SHA_512")), ErrorCode::kValidation,
                  "Message type RAW is incompatible with algorithm ED25519_PH_SHA_512.");
  CHECK_AWS_ERROR(
      f.Call(Sign, SignBody(id, std::vector<uint8_t>(32, 1), "ED25519_PH_SHA_512", "DIGEST")),
      ErrorCode::kValidation, "Digest is invalid length for algorithm ED25519_PH_SHA_512.");
  // ED25519_PH_SHA_512 signs the 64-byte DIGEST as Ed25519ph's message (prehashed again).
  auto ph = Bytes(f.Ok(Sign, SignBody(id, digest, "ED25519_PH_SHA_512", "DIGEST")).at("Signature"));
  CHECK(ph.size() == 64);
  CHECK(f.Ok(Verify, VerifyBody(id, digest, ph, "ED25519_PH_SHA_512", "DIGEST"))
            .at("SignatureValid")
            .as_bool());
  auto other_digest = digest;
  other_digest[0] ^= 1;
  CHECK_AWS_ERROR(f.Call(Verify, VerifyBody(id, other_digest, ph, "ED25519_PH_SHA_512", "DIGEST")),
                  ErrorCode::kKmsInvalidSignature, "");
  // Pure Ed25519 and Ed25519ph signatures are not interchangeable.
  CHECK_AWS_ERROR(f.Call(Verify, VerifyBody(id, digest, ph, "ED25519_SHA_512", "RAW")),
                  ErrorCode::kKmsInvalidSignature, "");
  // A message of 4096 bytes is signed whole.
  std::vector<uint8_t> big(4096, 'b');
  auto sig = Bytes(f.Ok(Sign, SignBody(id, big, "ED25519_SHA_512", "RAW")).at("Signature"));
  CHECK(sig.size() == 64);
  CHECK(OfflineVerify(PublicKeyFromKms(f, id).get(), "ED25519_SHA_512", big, sig));
}

TEST_CASE("Sign refuses a digest of the wrong length with AWS's message") {
  Fixture f;
  // AWS: test_sign_verify bad-digest.
  std::string rsa = NewKeyIdOf(f, "RSA_2048", "SIGN_VERIFY");
  CHECK_AWS_ERROR(
      f.Call(Sign, SignBody(rsa, "test message !%$@ 1234567890", "RSASSA_PSS_SHA_256", "DIGEST")),
      ErrorCode::kValidation, "Digest is invalid length for algorithm RSASSA_PSS_SHA_256.");
  CHECK_AWS_ERROR(
      f.Call(Sign,
             SignBody(rsa, std::vector<uint8_t>(32, 1), "RSASSA_PKCS1_V1_5_SHA_384", "DIGEST")),
      ErrorCode::kValidation, "Digest is invalid length for algorithm RSASSA_PKCS1_V1_5_SHA_384.");
  std::string ec = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  CHECK_AWS_ERROR(
      f.Call(Sign, SignBody(ec, std::vector<uint8_t>(33, 1), "ECDSA_SHA_256", "DIGEST")),
      ErrorCode::kValidation, "Digest is invalid length for algorithm ECDSA_SHA_256.");
  CHECK_AWS_ERROR(
      f.Call(Verify, VerifyBody(ec, std::vector<uint8_t>(31, 1), std::vector<uint8_t>(70, 1),
                                "ECDSA_SHA_256", "DIGEST")),
      ErrorCode::kValidation, "Digest is invalid length for algorithm ECDSA_SHA_256.");
}

TEST_CASE("Sign and Verify refuse an algorithm of another key spec") {
  Fixture f;
  std::string p256 = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(p256, "m", "ECDSA_SHA_384")), ErrorCode::kInvalidKeyUsage,
                  "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.");
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(p256, "m", "RSASSA_PSS_SHA_256")),
                  ErrorCode::kInvalidKeyUsage,
                  "Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256.");
  std::string rsa = NewKeyIdOf(f, "RSA_2048", "SIGN_VERIFY");
  CHECK_AWS_ERROR(f.Call(Verify, VerifyBody(rsa, TextBytes("m"), TextBytes("s"), "ECDSA_SHA_256")),
                  ErrorCode::kInvalidKeyUsage,
                  "Algorithm ECDSA_SHA_256 is incompatible with key spec RSA_2048.");
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(rsa, "m", "ED25519_SHA_512")), ErrorCode::kInvalidKeyUsage,
                  "Algorithm ED25519_SHA_512 is incompatible with key spec RSA_2048.");
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(rsa, "m", "SM2DSA")), ErrorCode::kInvalidKeyUsage,
                  "Algorithm SM2DSA is incompatible with key spec RSA_2048.");
  // EXTERNAL_MU belongs to ML-DSA.
  CHECK_AWS_ERROR(
      f.Call(Sign, SignBody(rsa, std::vector<uint8_t>(64, 1), "RSASSA_PSS_SHA_512", "EXTERNAL_MU")),
      ErrorCode::kValidation,
      "Message type EXTERNAL_MU is incompatible with algorithm RSASSA_PSS_SHA_512.");
}

TEST_CASE("Sign and Verify name the key usage when the key is not a signing key") {
  Fixture f;
  // AWS: test_error_messaging_for_invalid_keys sign-invalid-key-id, verify-invalid-key-id.
  std::string mac = NewKeyIdOf(f, "HMAC_256", "GENERATE_VERIFY_MAC");
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(mac, "m", "RSASSA_PSS_SHA_256")),
                  ErrorCode::kInvalidKeyUsage,
                  ArnOf(mac) + " key usage is GENERATE_VERIFY_MAC which is not valid for Sign.");
  std::string symmetric = f.NewKeyId();
  CHECK_AWS_ERROR(
      f.Call(Verify, VerifyBody(symmetric, TextBytes("m"), TextBytes("s"), "ECDSA_SHA_256")),
      ErrorCode::kInvalidKeyUsage,
      ArnOf(symmetric) + " key usage is ENCRYPT_DECRYPT which is not valid for Verify.");
  std::string rsa = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(rsa, "m", "RSASSA_PSS_SHA_256")),
                  ErrorCode::kInvalidKeyUsage,
                  ArnOf(rsa) + " key usage is ENCRYPT_DECRYPT which is not valid for Sign.");
  // The key usage is checked before the key state.
  Disable(f, rsa);
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(rsa, "m", "RSASSA_PSS_SHA_256")),
                  ErrorCode::kInvalidKeyUsage,
                  ArnOf(rsa) + " key usage is ENCRYPT_DECRYPT which is not valid for Sign.");
}

TEST_CASE("Sign and Verify refuse disabled and pending-deletion keys") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  auto sig = Bytes(f.Ok(Sign, SignBody(id, "m", "ECDSA_SHA_256")).at("Signature"));
  Disable(f, id);
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(id, "m", "ECDSA_SHA_256")), ErrorCode::kDisabled,
                  ArnOf(id) + " is disabled.");
  CHECK_AWS_ERROR(f.Call(Verify, VerifyBody(id, TextBytes("m"), sig, "ECDSA_SHA_256")),
                  ErrorCode::kDisabled, ArnOf(id) + " is disabled.");
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(id, "m", "ECDSA_SHA_256")), ErrorCode::kInvalidState,
                  ArnOf(id) + " is pending deletion.");
}

TEST_CASE("Verify of a signature that does not match is KMSInvalidSignatureException") {
  Fixture f;
  // AWS: test_sign_verify bad-signature (empty message), never SignatureValid false.
  std::string id = NewKeyIdOf(f, "RSA_2048", "SIGN_VERIFY");
  const auto message = TextBytes("test message !%$@ 1234567890");
  auto bad = Bytes(f.Ok(Sign, SignBody(id, "bad", "RSASSA_PSS_SHA_256")).at("Signature"));
  auto good = Bytes(f.Ok(Sign, SignBody(id, message, "RSASSA_PSS_SHA_256", "RAW")).at("Signature"));
  CHECK_AWS_ERROR(f.Call(Verify, VerifyBody(id, message, bad, "RSASSA_PSS_SHA_256")),
                  ErrorCode::kKmsInvalidSignature, "");
  CHECK_AWS_ERROR(
      f.Call(Verify, VerifyBody(id, TextBytes("bad message 321"), good, "RSASSA_PSS_SHA_256")),
      ErrorCode::kKmsInvalidSignature, "");
  // Another algorithm of the same key, a truncated signature, and bytes that are no signature.
  CHECK_AWS_ERROR(f.Call(Verify, VerifyBody(id, message, good, "RSASSA_PSS_SHA_384")),
                  ErrorCode::kKmsInvalidSignature, "");
  CHECK_AWS_ERROR(
      f.Call(Verify, VerifyBody(id, message, std::span(good).first(255), "RSASSA_PSS_SHA_256")),
      ErrorCode::kKmsInvalidSignature, "");
  std::string ec = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  CHECK_AWS_ERROR(f.Call(Verify, VerifyBody(ec, message, TextBytes("not DER"), "ECDSA_SHA_256")),
                  ErrorCode::kKmsInvalidSignature, "");
  // A signature by another key of the same spec.
  std::string other = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  auto foreign =
      Bytes(f.Ok(Sign, SignBody(other, message, "ECDSA_SHA_256", "RAW")).at("Signature"));
  CHECK_AWS_ERROR(f.Call(Verify, VerifyBody(ec, message, foreign, "ECDSA_SHA_256")),
                  ErrorCode::kKmsInvalidSignature, "");
}

TEST_CASE("Sign and Verify validate their members against the model") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  CHECK_AWS_ERROR(f.Call(Sign, J({{"KeyId", id}, {"Message", B64("m")}})), ErrorCode::kValidation,
                  Validation1("Value null at 'signingAlgorithm' failed to satisfy constraint: "
                              "Member must not be null"));
  CHECK_AWS_ERROR(
      f.Call(Sign, SignBody(id, "m", "FOO")), ErrorCode::kValidation,
      Validation1("Value 'FOO' at 'signingAlgorithm' failed to satisfy constraint: Member must "
                  "satisfy enum value set: [RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, "
                  "RSASSA_PSS_SHA_512, RSASSA_PKCS1_V1_5_SHA_256, RSASSA_PKCS1_V1_5_SHA_384, "
                  "RSASSA_PKCS1_V1_5_SHA_512, ECDSA_SHA_256, ECDSA_SHA_384, ECDSA_SHA_512, SM2DSA, "
                  "ML_DSA_SHAKE_256, ED25519_SHA_512, ED25519_PH_SHA_512]"));
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(id, "m", "ECDSA_SHA_256", "HASHED")),
                  ErrorCode::kValidation,
                  Validation1("Value 'HASHED' at 'messageType' failed to satisfy constraint: "
                              "Member must satisfy enum value set: [RAW, DIGEST, EXTERNAL_MU]"));
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(id, std::string(4097, 'm'), "ECDSA_SHA_256")),
                  ErrorCode::kValidation,
                  Validation1("Value at 'message' failed to satisfy constraint: Member must have "
                              "length less than or equal to 4096"));
  CHECK_AWS_ERROR(f.Call(Verify, SignBody(id, "m", "ECDSA_SHA_256")), ErrorCode::kValidation,
                  Validation1("Value null at 'signature' failed to satisfy constraint: Member "
                              "must not be null"));
  CHECK_AWS_ERROR(
      f.Call(Verify,
             VerifyBody(id, TextBytes("m"), std::vector<uint8_t>(6145, 1), "ECDSA_SHA_256")),
      ErrorCode::kValidation,
      Validation1("Value at 'signature' failed to satisfy constraint: Member must have length "
                  "less than or equal to 6144"));
  // MessageType defaults to RAW.
  auto sig = Bytes(
      f.Ok(Sign, J({{"KeyId", id}, {"Message", B64("m")}, {"SigningAlgorithm", "ECDSA_SHA_256"}}))
          .at("Signature"));
  CHECK(OfflineVerify(PublicKeyFromKms(f, id).get(), "ECDSA_SHA_256", TextBytes("m"), sig));
}

TEST_CASE("Sign and Verify with DryRun check everything and report the dry run") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  object body = {{"KeyId", id},
                 {"Message", B64("m")},
                 {"SigningAlgorithm", "ECDSA_SHA_256"},
                 {"DryRun", true}};
  CHECK_AWS_ERROR(f.Call(Sign, J(body)), ErrorCode::kDryRunOperation, kDryRunMessage);
  body["Signature"] = B64("not a signature");
  CHECK_AWS_ERROR(f.Call(Verify, J(body)), ErrorCode::kDryRunOperation, kDryRunMessage);
  body["SigningAlgorithm"] = "ECDSA_SHA_512";
  CHECK_AWS_ERROR(f.Call(Sign, J(body)), ErrorCode::kInvalidKeyUsage,
                  "Algorithm ECDSA_SHA_512 is incompatible with key spec ECC_NIST_P256.");
}

// ---- DeriveSharedSecret ----

TEST_CASE("DeriveSharedSecret returns the raw ECDH secret both sides compute") {
  Fixture f;
  // AWS: test_derive_shared_secret, test_derive_shared_secret_matches_openssl.
  for (auto [spec, curve, size] :
       {std::tuple{"ECC_NIST_P256", "P-256", 32}, std::tuple{"ECC_NIST_P384", "P-384", 48},
        std::tuple{"ECC_NIST_P521", "P-521", 66}}) {
    CAPTURE(spec);
    std::string a = NewKeyIdOf(f, spec, "KEY_AGREEMENT");
    std::string b = NewKeyIdOf(f, spec, "KEY_AGREEMENT");
    auto pub_a = Bytes(f.Ok(GetPublicKey, KeyIdJson(a)).at("PublicKey"));
    auto pub_b = Bytes(f.Ok(GetPublicKey, KeyIdJson(b)).at("PublicKey"));
    object r = f.Ok(DeriveSharedSecret, DeriveBody(a, pub_b));
    CHECK(Names(r) ==
          std::vector<std::string>{"KeyId", "SharedSecret", "KeyAgreementAlgorithm", "KeyOrigin"});
    CHECK(Str(r.at("KeyId")) == ArnOf(a));
    CHECK(Str(r.at("KeyAgreementAlgorithm")) == "ECDH");
    CHECK(Str(r.at("KeyOrigin")) == "AWS_KMS");
    auto secret = Bytes(r.at("SharedSecret"));
    CHECK(secret.size() == static_cast<size_t>(size));
    CHECK(Bytes(f.Ok(DeriveSharedSecret, DeriveBody(b, pub_a)).at("SharedSecret")) == secret);
    // A peer outside KMS computes the same secret with its private key and our public key.
    PeerKey peer = NewPeer("EC", curve);
    auto kms_secret = Bytes(f.Ok(DeriveSharedSecret, DeriveBody(a, peer.spki)).at("SharedSecret"));
    CHECK(kms_secret == Derive(peer.key.get(), PublicKeyFromKms(f, a).get()));
  }
}

TEST_CASE("DeriveSharedSecret refuses a public key that is not on the key's curve") {
  Fixture f;
  // AWS: test_derive_shared_secret response-invalid-public-key (empty message).
  std::string id = NewKeyIdOf(f, "ECC_NIST_P256", "KEY_AGREEMENT");
  CHECK_AWS_ERROR(f.Call(DeriveSharedSecret, DeriveBody(id, TextBytes("InvalidPublicKey"))),
                  ErrorCode::kValidation, "");
  CHECK_AWS_ERROR(f.Call(DeriveSharedSecret, DeriveBody(id, NewPeer("EC", "P-384").spki)),
                  ErrorCode::kValidation, "");
  CHECK_AWS_ERROR(f.Call(DeriveSharedSecret, DeriveBody(id, NewPeer("RSA", nullptr).spki)),
                  ErrorCode::kValidation, "");
  auto spki = NewPeer("EC", "P-256").spki;
  spki.push_back(0);  // trailing garbage
  CHECK_AWS_ERROR(f.Call(DeriveSharedSecret, DeriveBody(id, spki)), ErrorCode::kValidation, "");
}

TEST_CASE("DeriveSharedSecret names the key usage of keys that are not key-agreement keys") {
  Fixture f;
  std::string agree = NewKeyIdOf(f, "ECC_NIST_P256", "KEY_AGREEMENT");
  auto pub = Bytes(f.Ok(GetPublicKey, KeyIdJson(agree)).at("PublicKey"));
  // AWS: test_derive_shared_secret response-invalid-key-usage and response-invalid-key.
  std::string sign = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  CHECK_AWS_ERROR(
      f.Call(DeriveSharedSecret, DeriveBody(sign, pub)), ErrorCode::kInvalidKeyUsage,
      ArnOf(sign) + " key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.");
  std::string symmetric = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(DeriveSharedSecret, DeriveBody(symmetric, pub)),
                  ErrorCode::kInvalidKeyUsage,
                  ArnOf(symmetric) +
                      " key usage is ENCRYPT_DECRYPT which is not valid for DeriveSharedSecret.");
  Disable(f, agree);
  CHECK_AWS_ERROR(f.Call(DeriveSharedSecret, DeriveBody(agree, pub)), ErrorCode::kDisabled,
                  ArnOf(agree) + " is disabled.");
}

TEST_CASE("DeriveSharedSecret validates its members, DryRun and Recipient") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "ECC_NIST_P256", "KEY_AGREEMENT");
  auto pub = Bytes(f.Ok(GetPublicKey, KeyIdJson(id)).at("PublicKey"));
  // AWS: test_derive_shared_secret response-invalid-key-agreement-algo.
  CHECK_AWS_ERROR(
      f.Call(DeriveSharedSecret,
             J({{"KeyId", id}, {"KeyAgreementAlgorithm", "INVALID"}, {"PublicKey", B64(pub)}})),
      ErrorCode::kValidation,
      Validation1("Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy "
                  "constraint: Member must satisfy enum value set: [ECDH]"));
  CHECK_AWS_ERROR(f.Call(DeriveSharedSecret, J({{"KeyId", id}, {"PublicKey", B64(pub)}})),
                  ErrorCode::kValidation,
                  Validation1("Value null at 'keyAgreementAlgorithm' failed to satisfy "
                              "constraint: Member must not be null"));
  CHECK_AWS_ERROR(
      f.Call(DeriveSharedSecret, DeriveBody(id, std::vector<uint8_t>(8193, 1))),
      ErrorCode::kValidation,
      Validation1("Value at 'publicKey' failed to satisfy constraint: Member must have length "
                  "less than or equal to 8192"));
  object body = {
      {"KeyId", id}, {"KeyAgreementAlgorithm", "ECDH"}, {"PublicKey", B64(pub)}, {"DryRun", true}};
  CHECK_AWS_ERROR(f.Call(DeriveSharedSecret, J(body)), ErrorCode::kDryRunOperation, kDryRunMessage);
  body.erase("DryRun");
  body["Recipient"] = object{{"AttestationDocument", "AAAA"}};
  CHECK_AWS_ERROR(f.Call(DeriveSharedSecret, J(body)), ErrorCode::kUnsupportedOperation,
                  "Recipient (attested Nitro Enclave or NitroTPM requests) is not supported by "
                  "this emulator.");
}

// ---- SM2 (China Regions) ----

namespace {

const std::string kChina = "cn-north-1";

std::string NewSm2Key(Fixture& f, std::string_view usage) {
  return Str(
      f.NewKey(J({{"KeySpec", "SM2"}, {"KeyUsage", usage}}), f.Ctx(kAccount, kChina)).at("KeyId"));
}

}  // namespace

TEST_CASE("CreateKey makes SM2 keys for each usage in the China Regions, with AWS's metadata") {
  Fixture f;
  auto ctx = f.Ctx(kAccount, kChina);
  for (auto [usage, member, algorithm] :
       {std::tuple{"SIGN_VERIFY", "SigningAlgorithms", "SM2DSA"},
        std::tuple{"ENCRYPT_DECRYPT", "EncryptionAlgorithms", "SM2PKE"},
        std::tuple{"KEY_AGREEMENT", "KeyAgreementAlgorithms", "ECDH"}}) {
    CAPTURE(usage);
    object m = f.NewKey(J({{"KeySpec", "SM2"}, {"KeyUsage", usage}}), ctx);
    CHECK(Str(m.at("CustomerMasterKeySpec")) == "SM2");
    CHECK(J(object{{"a", m.at(member)}}) == std::string(R"({"a":[")") + algorithm + "\"]}");
    CHECK(Str(m.at("Arn")).starts_with("arn:aws:kms:cn-north-1:"));
  }
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeySpec":"SM2","KeyUsage":"GENERATE_VERIFY_MAC"})", ctx),
                  ErrorCode::kValidation,
                  "KeyUsage GENERATE_VERIFY_MAC is not compatible with KeySpec SM2");
  // The deprecated member takes SM2 there too.
  CHECK(Str(f.NewKey(R"({"CustomerMasterKeySpec":"SM2","KeyUsage":"SIGN_VERIFY"})", ctx)
                .at("KeySpec")) == "SM2");
}

TEST_CASE("SM2DSA signatures verify for RAW messages, and DIGEST is SM3(ZA || message)") {
  Fixture f;
  auto ctx = f.Ctx(kAccount, kChina);
  std::string id = NewSm2Key(f, "SIGN_VERIFY");
  object r = f.Ok(Sign, SignBody(id, "sm2 message", "SM2DSA"), ctx);
  CHECK(Str(r.at("KeyId")) == ArnOf(id, kAccount, kChina));
  auto sig = Bytes(r.at("Signature"));
  CHECK(f.Ok(Verify, VerifyBody(id, TextBytes("sm2 message"), sig, "SM2DSA"), ctx)
            .at("SignatureValid")
            .as_bool());
  CHECK_AWS_ERROR(f.Call(Verify, VerifyBody(id, TextBytes("other"), sig, "SM2DSA"), ctx),
                  ErrorCode::kKmsInvalidSignature, "");
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(id, std::vector<uint8_t>(20, 1), "SM2DSA", "DIGEST"), ctx),
                  ErrorCode::kValidation, "Digest is invalid length for algorithm SM2DSA.");
  CHECK(
      f.Call(Sign, SignBody(id, std::vector<uint8_t>(32, 1), "SM2DSA", "DIGEST"), ctx).has_value());
  CHECK_AWS_ERROR(f.Call(Sign, SignBody(id, "m", "ECDSA_SHA_256"), ctx),
                  ErrorCode::kInvalidKeyUsage,
                  "Algorithm ECDSA_SHA_256 is incompatible with key spec SM2.");
}

TEST_CASE("SM2PKE encrypts up to 1024 bytes and decrypts with KeyId and algorithm") {
  Fixture f;
  auto ctx = f.Ctx(kAccount, kChina);
  std::string id = NewSm2Key(f, "ENCRYPT_DECRYPT");
  std::vector<uint8_t> plaintext(1024, 's');
  object r = f.Ok(
      Encrypt, J({{"KeyId", id}, {"Plaintext", B64(plaintext)}, {"EncryptionAlgorithm", "SM2PKE"}}),
      ctx);
  CHECK(Str(r.at("EncryptionAlgorithm")) == "SM2PKE");
  object d = f.Ok(Decrypt,
                  J({{"KeyId", id},
                     {"CiphertextBlob", r.at("CiphertextBlob")},
                     {"EncryptionAlgorithm", "SM2PKE"}}),
                  ctx);
  CHECK(Bytes(d.at("Plaintext")) == plaintext);
  plaintext.push_back('s');
  CHECK_AWS_ERROR(
      f.Call(Encrypt,
             J({{"KeyId", id}, {"Plaintext", B64(plaintext)}, {"EncryptionAlgorithm", "SM2PKE"}}),
             ctx),
      ErrorCode::kValidation,
      "Algorithm SM2PKE and key spec SM2 cannot encrypt data larger than 1024 bytes.");
  CHECK_AWS_ERROR(f.Call(Encrypt,
                         J({{"KeyId", id},
                            {"Plaintext", B64("x")},
                            {"EncryptionAlgorithm", "RSAES_OAEP_SHA_256"}}),
                         ctx),
                  ErrorCode::kInvalidKeyUsage,
                  "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SM2.");
}

TEST_CASE("DeriveSharedSecret with SM2 keys agrees on both sides") {
  Fixture f;
  auto ctx = f.Ctx(kAccount, kChina);
  std::string a = NewSm2Key(f, "KEY_AGREEMENT");
  std::string b = NewSm2Key(f, "KEY_AGREEMENT");
  auto pub_a = Bytes(f.Ok(GetPublicKey, KeyIdJson(a), ctx).at("PublicKey"));
  auto pub_b = Bytes(f.Ok(GetPublicKey, KeyIdJson(b), ctx).at("PublicKey"));
  auto ab = Bytes(f.Ok(DeriveSharedSecret, DeriveBody(a, pub_b), ctx).at("SharedSecret"));
  auto ba = Bytes(f.Ok(DeriveSharedSecret, DeriveBody(b, pub_a), ctx).at("SharedSecret"));
  CHECK(ab.size() == 32);
  CHECK(ab == ba);
  CHECK_AWS_ERROR(f.Call(DeriveSharedSecret, DeriveBody(a, NewPeer("EC", "P-256").spki), ctx),
                  ErrorCode::kValidation, "");
}
