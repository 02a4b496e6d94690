// Tests for the OpenSSL wrappers of asymmetric_key: enums and per-spec algorithm lists, key
// generation per spec, the parsed-key cache, signatures, RSA-OAEP, ECDH and HMAC (RFC 4231).
#include "domain/asymmetric_key.hpp"

#include <doctest/doctest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>

#include <kms/internal/encoding.hpp>
#include <kms/internal/openssl_ptr.hpp>
#include <memory>
#include <string>
#include <vector>

using kms::EncryptionAlgorithm;
using kms::ErrorCode;
using kms::KeySpec;
using namespace kms::emulator;

namespace {

std::vector<std::string> Strings(std::span<const std::string_view> names) {
  return {names.begin(), names.end()};
}

PrivateKey NewKey(KeySpec spec) {
  auto der = GenerateKeyMaterial(spec);
  REQUIRE(der.has_value());
  auto key = ParsePrivateKey(der->span());
  REQUIRE(key.has_value());
  return *key;
}

std::vector<uint8_t> Spki(EVP_PKEY* key) {
  auto der = PublicKeyDer(key);
  REQUIRE(der.has_value());
  return *der;
}

std::vector<uint8_t> Hex(std::string_view hex) {
  auto bytes = kms::internal::HexDecode(hex);
  REQUIRE(bytes.has_value());
  return *bytes;
}

std::span<const uint8_t> Text(std::string_view s) { return kms::internal::AsBytes(s); }

KeyMaterial MaterialOf(std::string id, kms::internal::SecretBytes bytes) {
  KeyMaterial material;
  material.id = std::move(id);
  material.bytes = std::make_shared<const kms::internal::SecretBytes>(std::move(bytes));
  return material;
}

}  // namespace

TEST_CASE("Signing and MAC algorithm names round-trip and unknown names are refused") {
  for (size_t i = 0; i < std::size(kSigningAlgorithmNames); ++i) {
    auto alg = ParseSigningAlgorithm(kSigningAlgorithmNames[i]);
    REQUIRE(alg.has_value());
    CHECK(ToString(*alg) == kSigningAlgorithmNames[i]);
  }
  for (std::string_view name : kMacAlgorithmNames) {
    CHECK(ToString(*ParseMacAlgorithm(name)) == name);
  }
  CHECK_FALSE(ParseSigningAlgorithm("ECDSA_SHA_1").has_value());
  CHECK_FALSE(ParseMacAlgorithm("hmac_sha_256").has_value());
}

TEST_CASE("Each key spec lists AWS's algorithms in AWS's order") {
  CHECK(Strings(EncryptionAlgorithmNames(KeySpec::kSymmetricDefault)) ==
        std::vector<std::string>{"SYMMETRIC_DEFAULT"});
  CHECK(Strings(EncryptionAlgorithmNames(KeySpec::kRsa3072)) ==
        std::vector<std::string>{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"});
  CHECK(Strings(EncryptionAlgorithmNames(KeySpec::kSm2)) == std::vector<std::string>{"SM2PKE"});
  CHECK(EncryptionAlgorithmNames(KeySpec::kEccNistP256).empty());
  CHECK(Strings(SigningAlgorithmNames(KeySpec::kRsa4096)) ==
        std::vector<std::string>{"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
                                 "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256",
                                 "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"});
  CHECK(Strings(SigningAlgorithmNames(KeySpec::kEccSecgP256k1)) ==
        std::vector<std::string>{"ECDSA_SHA_256"});
  CHECK(Strings(SigningAlgorithmNames(KeySpec::kEccNistP521)) ==
        std::vector<std::string>{"ECDSA_SHA_512"});
  CHECK(Strings(SigningAlgorithmNames(KeySpec::kEccNistEdwards25519)) ==
        std::vector<std::string>{"ED25519_SHA_512", "ED25519_PH_SHA_512"});
  CHECK(Strings(SigningAlgorithmNames(KeySpec::kMlDsa65)) ==
        std::vector<std::string>{"ML_DSA_SHAKE_256"});
  CHECK(SigningAlgorithmNames(KeySpec::kHmac256).empty());
  CHECK(Strings(MacAlgorithmNames(KeySpec::kHmac384)) == std::vector<std::string>{"HMAC_SHA_384"});
  CHECK(MacAlgorithmNames(KeySpec::kRsa2048).empty());
}

TEST_CASE("Digest sizes and encryption limits follow the algorithms") {
  CHECK(DigestSize(SigningAlgorithm::kRsaPssSha256) == 32);
  CHECK(DigestSize(SigningAlgorithm::kRsaPkcs1Sha384) == 48);
  CHECK(DigestSize(SigningAlgorithm::kEcdsaSha512) == 64);
  CHECK(DigestSize(SigningAlgorithm::kEd25519PhSha512) == 64);
  CHECK(DigestSize(SigningAlgorithm::kEd25519Sha512) == 0);
  CHECK(DigestSize(SigningAlgorithm::kSm2Dsa) == 32);  // SM3
  CHECK(DigestSize(SigningAlgorithm::kMlDsaShake256) == 0);
  CHECK(MaxPlaintext(KeySpec::kRsa2048, EncryptionAlgorithm::kRsaesOaepSha1) == 214);
  CHECK(MaxPlaintext(KeySpec::kRsa2048, EncryptionAlgorithm::kRsaesOaepSha256) == 190);
  CHECK(MaxPlaintext(KeySpec::kRsa3072, EncryptionAlgorithm::kRsaesOaepSha1) == 342);
  CHECK(MaxPlaintext(KeySpec::kRsa4096, EncryptionAlgorithm::kRsaesOaepSha256) == 446);
  CHECK(MaxPlaintext(KeySpec::kEccNistP256, EncryptionAlgorithm::kRsaesOaepSha1) == 0);
  CHECK(MaxPlaintext(KeySpec::kRsa2048, EncryptionAlgorithm::kSymmetricDefault) == 0);
  CHECK(MaxPlaintext(KeySpec::kSm2, EncryptionAlgorithm::kSm2Pke) == 1024);
  CHECK(MaxPlaintext(KeySpec::kSm2, EncryptionAlgorithm::kRsaesOaepSha1) == 0);
  CHECK(MaxPlaintext(KeySpec::kRsa2048, EncryptionAlgorithm::kSm2Pke) == 0);
}

TEST_CASE("GenerateKeyMaterial makes the key of each spec and refuses ML-DSA") {
  CHECK(GenerateKeyMaterial(KeySpec::kSymmetricDefault)->size() == 32);
  CHECK(GenerateKeyMaterial(KeySpec::kHmac224)->size() == 28);
  CHECK(GenerateKeyMaterial(KeySpec::kHmac512)->size() == 64);
  PrivateKey ec = NewKey(KeySpec::kEccSecgP256k1);
  char curve[64] = {};
  REQUIRE(EVP_PKEY_get_group_name(ec.get(), curve, sizeof curve, nullptr) == 1);
  CHECK(std::string(curve) == "secp256k1");
  CHECK(EVP_PKEY_get_bits(NewKey(KeySpec::kRsa2048).get()) == 2048);
  CHECK(EVP_PKEY_get_base_id(NewKey(KeySpec::kEccNistEdwards25519).get()) == EVP_PKEY_ED25519);
  auto ml_dsa = GenerateKeyMaterial(KeySpec::kMlDsa44);
  REQUIRE_FALSE(ml_dsa.has_value());
  CHECK(ml_dsa.error().code == ErrorCode::kUnsupportedOperation);
  CHECK(ml_dsa.error().message ==
        "KeySpec ML_DSA_44 is not supported by this emulator: OpenSSL 3.0 has no ML-DSA.");
}

TEST_CASE("ParsePrivateKey refuses bytes that are no private key") {
  auto garbage = ParsePrivateKey(Text("definitely not DER"));
  REQUIRE_FALSE(garbage.has_value());
  CHECK(garbage.error().code == ErrorCode::kInternal);
  CHECK(garbage.error().message == "The key material is not a private key.");
  CHECK_FALSE(ParsePrivateKey({}).has_value());
}

TEST_CASE("PrivateKeyOf parses a material once and never serves another material's key") {
  auto der = GenerateKeyMaterial(KeySpec::kEccNistP256);
  REQUIRE(der.has_value());
  KeyMaterial material = MaterialOf("cache-test-1", std::move(*der));
  auto first = PrivateKeyOf(material);
  auto second = PrivateKeyOf(material);
  REQUIRE(first.has_value());
  CHECK(first->get() == second->get());
  // The same id with other bytes (a reloaded or replaced material) is parsed afresh.
  auto other_der = GenerateKeyMaterial(KeySpec::kEccNistP256);
  REQUIRE(other_der.has_value());
  KeyMaterial replaced = MaterialOf("cache-test-1", std::move(*other_der));
  auto third = PrivateKeyOf(replaced);
  REQUIRE(third.has_value());
  CHECK(third->get() != first->get());
  CHECK(EVP_PKEY_eq(third->get(), first->get()) != 1);
  KeyMaterial empty;
  empty.id = "cache-test-2";
  CHECK(PrivateKeyOf(empty).error().message == "The key has no key material.");
}

TEST_CASE("SignMessage and VerifySignature agree for RAW and DIGEST and reject changes") {
  PrivateKey rsa = NewKey(KeySpec::kRsa2048);
  PrivateKey ec = NewKey(KeySpec::kEccNistP384);
  auto message = Text("message");
  for (auto [key, alg] : {std::pair{rsa.get(), SigningAlgorithm::kRsaPssSha512},
                          std::pair{rsa.get(), SigningAlgorithm::kRsaPkcs1Sha256},
                          std::pair{ec.get(), SigningAlgorithm::kEcdsaSha384}}) {
    CAPTURE(ToString(alg));
    auto sig = SignMessage(key, alg, message, false);
    REQUIRE(sig.has_value());
    CHECK(*VerifySignature(key, alg, message, false, *sig));
    CHECK_FALSE(*VerifySignature(key, alg, Text("massage"), false, *sig));
    (*sig)[sig->size() / 2] ^= 0x80;
    CHECK_FALSE(*VerifySignature(key, alg, message, false, *sig));
  }
  // A DIGEST is the hash the RAW form would compute.
  std::vector<uint8_t> digest(32);
  unsigned int size = 0;
  REQUIRE(EVP_Digest(message.data(), message.size(), digest.data(), &size, EVP_sha256(), nullptr));
  auto sig = SignMessage(rsa.get(), SigningAlgorithm::kRsaPkcs1Sha256, digest, true);
  CHECK(*VerifySignature(rsa.get(), SigningAlgorithm::kRsaPkcs1Sha256, message, false, *sig));
  // PKCS#1 v1.5 is deterministic: RAW and DIGEST give the very same signature.
  CHECK(*sig == *SignMessage(rsa.get(), SigningAlgorithm::kRsaPkcs1Sha256, message, false));
}

TEST_CASE("SignMessage refuses ML-DSA, which OpenSSL 3.0 lacks") {
  PrivateKey ed = NewKey(KeySpec::kEccNistEdwards25519);
  std::vector<uint8_t> digest(64, 1);
  const std::string message =
      "ML_DSA_SHAKE_256 is not supported by this emulator: OpenSSL 3.0 has no ML-DSA.";
  auto sig = SignMessage(ed.get(), SigningAlgorithm::kMlDsaShake256, digest, true);
  REQUIRE_FALSE(sig.has_value());
  CHECK(sig.error().code == ErrorCode::kUnsupportedOperation);
  CHECK(sig.error().message == message);
  CHECK(VerifySignature(ed.get(), SigningAlgorithm::kMlDsaShake256, digest, true, digest)
            .error()
            .message == message);
}

TEST_CASE("Ed25519ph matches RFC 8032 section 7.3 (TEST abc) and rejects altered signatures") {
  // The RFC's secret key as PKCS#8 DER, so the EVP path (raw key extraction) is covered too.
  auto der =
      Hex("302e020100300506032b657004220420"
          "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42");
  auto key = ParsePrivateKey(der);
  REQUIRE(key.has_value());
  CHECK(Spki(key->get()) ==
        Hex("302a300506032b6570032100"
            "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"));
  auto sig = SignMessage(key->get(), SigningAlgorithm::kEd25519PhSha512, Text("abc"), true);
  REQUIRE(sig.has_value());
  CHECK(*sig == Hex("98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"
                    "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406"));
  CHECK(*VerifySignature(key->get(), SigningAlgorithm::kEd25519PhSha512, Text("abc"), true, *sig));
  CHECK_FALSE(
      *VerifySignature(key->get(), SigningAlgorithm::kEd25519PhSha512, Text("abd"), true, *sig));
  // Flipping any bit of R or S, a truncated signature, or S >= l fails.
  for (size_t i : {0u, 31u, 32u, 63u}) {
    auto bad = *sig;
    bad[i] ^= 0x01;
    CHECK_FALSE(
        *VerifySignature(key->get(), SigningAlgorithm::kEd25519PhSha512, Text("abc"), true, bad));
  }
  CHECK_FALSE(*VerifySignature(key->get(), SigningAlgorithm::kEd25519PhSha512, Text("abc"), true,
                               std::span(*sig).first(63)));
  auto big_s = *sig;
  std::fill(big_s.begin() + 32, big_s.end(), 0xFF);
  CHECK_FALSE(
      *VerifySignature(key->get(), SigningAlgorithm::kEd25519PhSha512, Text("abc"), true, big_s));
  // Pure Ed25519 of the same key and message is another signature.
  CHECK(*SignMessage(key->get(), SigningAlgorithm::kEd25519Sha512, Text("abc"), false) != *sig);
}

TEST_CASE("RSA-OAEP round-trips and refuses the wrong hash, key or bytes") {
  PrivateKey rsa = NewKey(KeySpec::kRsa2048);
  auto ciphertext = PublicKeyEncrypt(rsa.get(), EncryptionAlgorithm::kRsaesOaepSha256, Text("hi"));
  REQUIRE(ciphertext.has_value());
  CHECK(ciphertext->size() == 256);
  auto plaintext = PrivateKeyDecrypt(rsa.get(), EncryptionAlgorithm::kRsaesOaepSha256, *ciphertext);
  REQUIRE(plaintext.has_value());
  CHECK(plaintext->Equals(Text("hi")));
  CHECK_FALSE(PrivateKeyDecrypt(rsa.get(), EncryptionAlgorithm::kRsaesOaepSha1, *ciphertext));
  CHECK_FALSE(PrivateKeyDecrypt(NewKey(KeySpec::kRsa2048).get(),
                                EncryptionAlgorithm::kRsaesOaepSha256, *ciphertext));
  CHECK_FALSE(PrivateKeyDecrypt(rsa.get(), EncryptionAlgorithm::kRsaesOaepSha256, Text("short")));
  // Two encryptions of the same plaintext differ (OAEP is randomized).
  CHECK(*ciphertext !=
        *PublicKeyEncrypt(rsa.get(), EncryptionAlgorithm::kRsaesOaepSha256, Text("hi")));
}

TEST_CASE("DeriveEcdhSecret is symmetric and refuses keys off the curve or malformed") {
  PrivateKey a = NewKey(KeySpec::kEccNistP256);
  PrivateKey b = NewKey(KeySpec::kEccNistP256);
  auto ab = DeriveEcdhSecret(a.get(), Spki(b.get()));
  auto ba = DeriveEcdhSecret(b.get(), Spki(a.get()));
  REQUIRE(ab.has_value());
  REQUIRE(ba.has_value());
  CHECK(ab->size() == 32);
  CHECK(ab->Equals(ba->span()));
  CHECK_FALSE(DeriveEcdhSecret(a.get(), Spki(NewKey(KeySpec::kEccSecgP256k1).get())));
  CHECK_FALSE(DeriveEcdhSecret(a.get(), Spki(NewKey(KeySpec::kEccNistEdwards25519).get())));
  CHECK_FALSE(DeriveEcdhSecret(a.get(), Text("InvalidPublicKey")));
  auto spki = Spki(b.get());
  spki.back() ^= 0x01;  // the point leaves the curve
  CHECK_FALSE(DeriveEcdhSecret(a.get(), spki));
}

TEST_CASE("ComputeHmac matches RFC 4231 test case 2 for every MAC algorithm") {
  auto key = Text("Jefe");
  auto data = Text("what do ya want for nothing?");
  CHECK(ComputeHmac(MacAlgorithm::kHmacSha224, key, data) ==
        Hex("a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44"));
  CHECK(ComputeHmac(MacAlgorithm::kHmacSha256, key, data) ==
        Hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
  CHECK(ComputeHmac(MacAlgorithm::kHmacSha384, key, data) ==
        Hex("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
            "8e2240ca5e69e2c78b3239ecfab21649"));
  CHECK(ComputeHmac(MacAlgorithm::kHmacSha512, key, data) ==
        Hex("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"));
}

namespace {

// SM3 of `parts` concatenated.
std::vector<uint8_t> Sm3(std::initializer_list<std::span<const uint8_t>> parts) {
  kms::internal::MdCtxPtr ctx(EVP_MD_CTX_new());
  REQUIRE(EVP_DigestInit_ex(ctx.get(), EVP_sm3(), nullptr) == 1);
  for (auto part : parts) REQUIRE(EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1);
  std::vector<uint8_t> out(32);
  unsigned int size = 0;
  REQUIRE(EVP_DigestFinal_ex(ctx.get(), out.data(), &size) == 1);
  return out;
}

std::vector<uint8_t> Be32(const BIGNUM* n) {
  std::vector<uint8_t> out(32);
  REQUIRE(BN_bn2binpad(n, out.data(), 32) == 32);
  return out;
}

// ZA of GM/T 0003.2 for the ID 1234567812345678: SM3(ENTL || ID || a || b || xG || yG || xA ||
// yA), written out here from the curve parameters rather than taken from OpenSSL's SM2 code.
std::vector<uint8_t> Sm2Za(EVP_PKEY* key) {
  std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group(EC_GROUP_new_by_curve_name(NID_sm2),
                                                            EC_GROUP_free);
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> bn(BN_CTX_new(), BN_CTX_free);
  BN_CTX_start(bn.get());
  BIGNUM* p = BN_CTX_get(bn.get());
  BIGNUM* a = BN_CTX_get(bn.get());
  BIGNUM* b = BN_CTX_get(bn.get());
  BIGNUM* gx = BN_CTX_get(bn.get());
  BIGNUM* gy = BN_CTX_get(bn.get());
  REQUIRE(EC_GROUP_get_curve(group.get(), p, a, b, bn.get()) == 1);
  REQUIRE(EC_POINT_get_affine_coordinates(group.get(), EC_GROUP_get0_generator(group.get()), gx, gy,
                                          bn.get()) == 1);
  std::vector<uint8_t> pub(65);
  size_t size = 0;
  REQUIRE(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size(),
                                          &size) == 1);
  REQUIRE(size == 65);
  const std::vector<uint8_t> entl = {0x00, 0x80};  // the ID's length in bits: 128
  auto za = Sm3({entl, Text("1234567812345678"), Be32(a), Be32(b), Be32(gx), Be32(gy),
                 std::span<const uint8_t>(pub).subspan(1, 32),
                 std::span<const uint8_t>(pub).subspan(33, 32)});
  BN_CTX_end(bn.get());
  return za;
}

}  // namespace

TEST_CASE("SM2DSA signs SM3(ZA || message) with the ID 1234567812345678, RAW or as a DIGEST") {
  PrivateKey sm2 = NewKey(KeySpec::kSm2);
  CHECK(EVP_PKEY_is_a(sm2.get(), "SM2"));
  auto message = Text("message");
  auto raw = SignMessage(sm2.get(), SigningAlgorithm::kSm2Dsa, message, false);
  REQUIRE(raw.has_value());
  CHECK(*VerifySignature(sm2.get(), SigningAlgorithm::kSm2Dsa, message, false, *raw));
  CHECK_FALSE(*VerifySignature(sm2.get(), SigningAlgorithm::kSm2Dsa, Text("massage"), false, *raw));
  // The DIGEST form of the same message is e = SM3(ZA || M); signatures of either verify as both.
  auto e = Sm3({Sm2Za(sm2.get()), message});
  CHECK(*VerifySignature(sm2.get(), SigningAlgorithm::kSm2Dsa, e, true, *raw));
  auto digest_sig = SignMessage(sm2.get(), SigningAlgorithm::kSm2Dsa, e, true);
  REQUIRE(digest_sig.has_value());
  CHECK(*VerifySignature(sm2.get(), SigningAlgorithm::kSm2Dsa, message, false, *digest_sig));
  // Without ZA (plain SM3 of the message) it does not verify.
  CHECK_FALSE(*VerifySignature(sm2.get(), SigningAlgorithm::kSm2Dsa, Sm3({message}), true, *raw));
}

TEST_CASE("SM2PKE round-trips and SM2 ECDH agrees between two SM2 keys") {
  PrivateKey sm2 = NewKey(KeySpec::kSm2);
  auto ciphertext = PublicKeyEncrypt(sm2.get(), EncryptionAlgorithm::kSm2Pke, Text("secret"));
  REQUIRE(ciphertext.has_value());
  CHECK(ciphertext->front() == 0x30);  // ASN.1 SEQUENCE of C1.x, C1.y, C3, C2
  auto plaintext = PrivateKeyDecrypt(sm2.get(), EncryptionAlgorithm::kSm2Pke, *ciphertext);
  REQUIRE(plaintext.has_value());
  CHECK(plaintext->Equals(Text("secret")));
  CHECK_FALSE(
      PrivateKeyDecrypt(NewKey(KeySpec::kSm2).get(), EncryptionAlgorithm::kSm2Pke, *ciphertext));
  PrivateKey other = NewKey(KeySpec::kSm2);
  auto ab = DeriveEcdhSecret(sm2.get(), Spki(other.get()));
  auto ba = DeriveEcdhSecret(other.get(), Spki(sm2.get()));
  REQUIRE(ab.has_value());
  REQUIRE(ba.has_value());
  CHECK(ab->size() == 32);
  CHECK(ab->Equals(ba->span()));
  // An SM2 key does not agree with a NIST P-256 key, nor the other way round.
  PrivateKey p256 = NewKey(KeySpec::kEccNistP256);
  CHECK_FALSE(DeriveEcdhSecret(sm2.get(), Spki(p256.get())));
  CHECK_FALSE(DeriveEcdhSecret(p256.get(), Spki(sm2.get())));
}

TEST_CASE("SM2 is offered in the China Regions only") {
  CHECK(Sm2Available("cn-north-1"));
  CHECK(Sm2Available("cn-northwest-1"));
  CHECK_FALSE(Sm2Available("us-east-1"));
  CHECK_FALSE(Sm2Available("eu-central-1"));
}
