// Tests for Encrypt, Decrypt and ReEncrypt with RSA keys: raw RSA-OAEP ciphertexts that decrypt
// offline with the private key, offline ciphertexts made with GetPublicKey's key that decrypt in
// KMS, AWS's size limits, and every error branch.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <string>
#include <vector>

#include "asymmetric_fixture.hpp"

using kms::ErrorCode;
using namespace kms::emulator;
using namespace kms::emulator::testing;

namespace {

// RSA-OAEP with EVP directly, the way offline tools do it (MGF1 hash = OAEP hash, no label).
std::vector<uint8_t> OfflineOaep(EVP_PKEY* key, std::string_view alg,
                                 std::span<const uint8_t> input, bool encrypt) {
  const EVP_MD* md = alg == "RSAES_OAEP_SHA_1" ? EVP_sha1() : EVP_sha256();
  kms::internal::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  REQUIRE((encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get())) == 1);
  REQUIRE(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) == 1);
  REQUIRE(EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), md) == 1);
  REQUIRE(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md) == 1);
  size_t size = 0;
  auto run = [&](unsigned char* out) {
    return encrypt ? EVP_PKEY_encrypt(ctx.get(), out, &size, input.data(), input.size())
                   : EVP_PKEY_decrypt(ctx.get(), out, &size, input.data(), input.size());
  };
  REQUIRE(run(nullptr) == 1);
  std::vector<uint8_t> out(size);
  REQUIRE(run(out.data()) == 1);
  out.resize(size);
  return out;
}

std::string EncryptBody(const std::string& key_id, std::span<const uint8_t> plaintext,
                        std::string_view alg) {
  return J({{"KeyId", key_id}, {"Plaintext", B64(plaintext)}, {"EncryptionAlgorithm", alg}});
}

std::string DecryptBody(const std::string& key_id, std::span<const uint8_t> ciphertext,
                        std::string_view alg) {
  return J({{"KeyId", key_id}, {"CiphertextBlob", B64(ciphertext)}, {"EncryptionAlgorithm", alg}});
}

const std::vector<uint8_t> kMessage = TextBytes("test message 123 !%$@ 1234567890");

}  // namespace

TEST_CASE("Encrypt with an RSA key returns raw RSA-OAEP that the private key decrypts offline") {
  Fixture f;
  for (std::string spec : {"RSA_2048", "RSA_3072"}) {
    std::string id = NewKeyIdOf(f, spec, "ENCRYPT_DECRYPT");
    PrivateKey private_key = StoredPrivateKey(f, id);
    for (std::string alg : {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}) {
      CAPTURE(spec);
      CAPTURE(alg);
      object r = f.Ok(Encrypt, EncryptBody(id, kMessage, alg));
      CHECK(Names(r) == std::vector<std::string>{"CiphertextBlob", "KeyId", "EncryptionAlgorithm"});
      CHECK(Str(r.at("KeyId")) == ArnOf(id));
      CHECK(Str(r.at("EncryptionAlgorithm")) == alg);
      auto ciphertext = Bytes(r.at("CiphertextBlob"));
      CHECK(ciphertext.size() == (spec == "RSA_2048" ? 256u : 384u));
      CHECK(OfflineOaep(private_key.get(), alg, ciphertext, false) == kMessage);
      // And KMS decrypts it back.
      object d = f.Ok(Decrypt, DecryptBody(id, ciphertext, alg));
      CHECK(Names(d) == std::vector<std::string>{"KeyId", "Plaintext", "EncryptionAlgorithm"});
      CHECK(Bytes(d.at("Plaintext")) == kMessage);
      CHECK(Str(d.at("EncryptionAlgorithm")) == alg);
    }
  }
}

TEST_CASE("Decrypt takes a ciphertext made offline with GetPublicKey's public key") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  f.Ok(CreateAlias, J({{"AliasName", "alias/rsa"}, {"TargetKeyId", id}}));
  auto pub = PublicKeyFromKms(f, id);
  for (std::string alg : {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}) {
    auto ciphertext = OfflineOaep(pub.get(), alg, kMessage, true);
    object d = f.Ok(Decrypt, DecryptBody("alias/rsa", ciphertext, alg));
    CHECK(Bytes(d.at("Plaintext")) == kMessage);
    CHECK(Str(d.at("KeyId")) == ArnOf(id));
    // The other OAEP hash does not decrypt it.
    std::string other = alg == "RSAES_OAEP_SHA_1" ? "RSAES_OAEP_SHA_256" : "RSAES_OAEP_SHA_1";
    CHECK_AWS_ERROR(f.Call(Decrypt, DecryptBody(id, ciphertext, other)),
                    ErrorCode::kInvalidCiphertext, "");
  }
}

TEST_CASE("Encrypt enforces AWS's RSA plaintext limits per key spec and algorithm") {
  Fixture f;
  // AWS: test_encrypt_validate_plaintext_size_per_key_type.
  for (auto [spec, sha1, sha256] :
       {std::tuple{"RSA_2048", 214, 190}, std::tuple{"RSA_3072", 342, 318},
        std::tuple{"RSA_4096", 470, 446}}) {
    std::string id = NewKeyIdOf(f, spec, "ENCRYPT_DECRYPT");
    for (auto [alg, limit] :
         {std::pair{"RSAES_OAEP_SHA_1", sha1}, std::pair{"RSAES_OAEP_SHA_256", sha256}}) {
      CAPTURE(spec);
      CAPTURE(alg);
      std::vector<uint8_t> at_limit(static_cast<size_t>(limit), 'p');
      auto ciphertext = Bytes(f.Ok(Encrypt, EncryptBody(id, at_limit, alg)).at("CiphertextBlob"));
      CHECK(Bytes(f.Ok(Decrypt, DecryptBody(id, ciphertext, alg)).at("Plaintext")) == at_limit);
      at_limit.push_back('p');
      CHECK_AWS_ERROR(f.Call(Encrypt, EncryptBody(id, at_limit, alg)), ErrorCode::kValidation,
                      "Algorithm " + std::string(alg) + " and key spec " + spec +
                          " cannot encrypt data larger than " + std::to_string(limit) + " bytes.");
    }
  }
}

TEST_CASE("Encrypt with an RSA key refuses other algorithms, contexts and unusable keys") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  CHECK_AWS_ERROR(f.Call(Encrypt, J({{"KeyId", id}, {"Plaintext", B64("x")}})),
                  ErrorCode::kInvalidKeyUsage,
                  "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
  CHECK_AWS_ERROR(f.Call(Encrypt, EncryptBody(id, TextBytes("x"), "SM2PKE")),
                  ErrorCode::kInvalidKeyUsage,
                  "Algorithm SM2PKE is incompatible with key spec RSA_2048.");
  CHECK_AWS_ERROR(f.Call(Encrypt, J({{"KeyId", id},
                                     {"Plaintext", B64("x")},
                                     {"EncryptionAlgorithm", "RSAES_OAEP_SHA_256"},
                                     {"EncryptionContext", object{{"k", "v"}}}})),
                  ErrorCode::kValidation,
                  "EncryptionContext is not supported with asymmetric KMS keys.");
  // An empty context is no context.
  CHECK(f.Ok(Encrypt, J({{"KeyId", id},
                         {"Plaintext", B64("x")},
                         {"EncryptionAlgorithm", "RSAES_OAEP_SHA_256"},
                         {"EncryptionContext", object{}}}))
            .contains("CiphertextBlob"));
  CHECK_AWS_ERROR(f.Call(Encrypt, J({{"KeyId", id},
                                     {"Plaintext", B64("x")},
                                     {"EncryptionAlgorithm", "RSAES_OAEP_SHA_256"},
                                     {"DryRun", true}})),
                  ErrorCode::kDryRunOperation, kDryRunMessage);
  // AWS: test_invalid_key_usage, test_error_messaging_for_invalid_keys encrypt-invalid-key-id.
  std::string sign = NewKeyIdOf(f, "RSA_4096", "SIGN_VERIFY");
  CHECK_AWS_ERROR(f.Call(Encrypt, EncryptBody(sign, TextBytes("hello"), "RSAES_OAEP_SHA_256")),
                  ErrorCode::kInvalidKeyUsage,
                  ArnOf(sign) + " key usage is SIGN_VERIFY which is not valid for Encrypt.");
  f.Ok(DisableKey, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(Encrypt, EncryptBody(id, TextBytes("x"), "RSAES_OAEP_SHA_256")),
                  ErrorCode::kDisabled, ArnOf(id) + " is disabled.");
}

TEST_CASE("Decrypt of an RSA ciphertext needs the KeyId, the algorithm and no context") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  auto ciphertext =
      Bytes(f.Ok(Encrypt, EncryptBody(id, kMessage, "RSAES_OAEP_SHA_256")).at("CiphertextBlob"));
  // Without KeyId the ciphertext is read as a symmetric blob, which it is not.
  CHECK_AWS_ERROR(f.Call(Decrypt, J({{"CiphertextBlob", B64(ciphertext)},
                                     {"EncryptionAlgorithm", "RSAES_OAEP_SHA_256"}})),
                  ErrorCode::kInvalidCiphertext, "");
  CHECK_AWS_ERROR(f.Call(Decrypt, J({{"KeyId", id}, {"CiphertextBlob", B64(ciphertext)}})),
                  ErrorCode::kInvalidKeyUsage,
                  "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
  CHECK_AWS_ERROR(f.Call(Decrypt, J({{"KeyId", id},
                                     {"CiphertextBlob", B64(ciphertext)},
                                     {"EncryptionAlgorithm", "RSAES_OAEP_SHA_256"},
                                     {"EncryptionContext", object{{"k", "v"}}}})),
                  ErrorCode::kValidation,
                  "EncryptionContext is not supported with asymmetric KMS keys.");
  // Tampered, truncated, or another key's ciphertext.
  auto tampered = ciphertext;
  tampered[100] ^= 0x01;
  CHECK_AWS_ERROR(f.Call(Decrypt, DecryptBody(id, tampered, "RSAES_OAEP_SHA_256")),
                  ErrorCode::kInvalidCiphertext, "");
  CHECK_AWS_ERROR(
      f.Call(Decrypt, DecryptBody(id, std::span(ciphertext).first(200), "RSAES_OAEP_SHA_256")),
      ErrorCode::kInvalidCiphertext, "");
  std::string other = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  CHECK_AWS_ERROR(f.Call(Decrypt, DecryptBody(other, ciphertext, "RSAES_OAEP_SHA_256")),
                  ErrorCode::kInvalidCiphertext, "");
  // A symmetric blob names its own key, which the RSA KeyId is not (as for an HMAC KeyId in
  // AWS's test_error_messaging_for_invalid_keys decrypt-invalid-key-id).
  std::string symmetric = f.NewKeyId();
  auto blob =
      Bytes(f.Ok(Encrypt, J({{"KeyId", symmetric}, {"Plaintext", B64("x")}})).at("CiphertextBlob"));
  CHECK_AWS_ERROR(f.Call(Decrypt, DecryptBody(id, blob, "RSAES_OAEP_SHA_256")),
                  ErrorCode::kIncorrectKey,
                  "The key ID in the request does not identify a CMK that can perform this "
                  "operation.");
}

TEST_CASE("Decrypt with an RSA key checks usage and state, and reports DryRun") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  auto ciphertext =
      Bytes(f.Ok(Encrypt, EncryptBody(id, kMessage, "RSAES_OAEP_SHA_1")).at("CiphertextBlob"));
  object body = {{"KeyId", id},
                 {"CiphertextBlob", B64(ciphertext)},
                 {"EncryptionAlgorithm", "RSAES_OAEP_SHA_1"},
                 {"DryRun", true}};
  CHECK_AWS_ERROR(f.Call(Decrypt, J(body)), ErrorCode::kDryRunOperation, kDryRunMessage);
  // IGNORE_CIPHERTEXT: the blob is not needed.
  body.erase("CiphertextBlob");
  body["DryRunModifiers"] = boost::json::array{"IGNORE_CIPHERTEXT"};
  CHECK_AWS_ERROR(f.Call(Decrypt, J(body)), ErrorCode::kDryRunOperation, kDryRunMessage);
  body["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT";
  CHECK_AWS_ERROR(f.Call(Decrypt, J(body)), ErrorCode::kInvalidKeyUsage,
                  "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
  std::string sign = NewKeyIdOf(f, "RSA_2048", "SIGN_VERIFY");
  CHECK_AWS_ERROR(f.Call(Decrypt, DecryptBody(sign, ciphertext, "RSAES_OAEP_SHA_1")),
                  ErrorCode::kInvalidKeyUsage,
                  ArnOf(sign) + " key usage is SIGN_VERIFY which is not valid for Decrypt.");
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(Decrypt, DecryptBody(id, ciphertext, "RSAES_OAEP_SHA_1")),
                  ErrorCode::kInvalidState, ArnOf(id) + " is pending deletion.");
}

TEST_CASE("ReEncrypt moves data between RSA and symmetric keys in every direction") {
  Fixture f;
  // AWS: test_re_encrypt[RSA_2048-RSAES_OAEP_SHA_256].
  std::string source = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  std::string destination = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  auto ciphertext = Bytes(
      f.Ok(Encrypt, EncryptBody(source, kMessage, "RSAES_OAEP_SHA_256")).at("CiphertextBlob"));
  object r = f.Ok(ReEncrypt, J({{"CiphertextBlob", B64(ciphertext)},
                                {"SourceKeyId", source},
                                {"DestinationKeyId", destination},
                                {"SourceEncryptionAlgorithm", "RSAES_OAEP_SHA_256"},
                                {"DestinationEncryptionAlgorithm", "RSAES_OAEP_SHA_256"}}));
  CHECK(Names(r) == std::vector<std::string>{"CiphertextBlob", "SourceKeyId", "KeyId",
                                             "SourceEncryptionAlgorithm",
                                             "DestinationEncryptionAlgorithm"});
  CHECK(Str(r.at("SourceKeyId")) == ArnOf(source));
  CHECK(Str(r.at("KeyId")) == ArnOf(destination));
  auto moved = Bytes(r.at("CiphertextBlob"));
  CHECK(OfflineOaep(StoredPrivateKey(f, destination).get(), "RSAES_OAEP_SHA_256", moved, false) ==
        kMessage);

  // RSA to symmetric: the destination material id appears, the source one does not.
  std::string symmetric = f.NewKeyId();
  r = f.Ok(ReEncrypt, J({{"CiphertextBlob", B64(ciphertext)},
                         {"SourceKeyId", source},
                         {"DestinationKeyId", symmetric},
                         {"DestinationEncryptionContext", object{{"k", "v"}}},
                         {"SourceEncryptionAlgorithm", "RSAES_OAEP_SHA_256"}}));
  CHECK(r.contains("DestinationKeyMaterialId"));
  CHECK_FALSE(r.contains("SourceKeyMaterialId"));
  object d = f.Ok(Decrypt, J({{"CiphertextBlob", r.at("CiphertextBlob")},
                              {"EncryptionContext", object{{"k", "v"}}}}));
  CHECK(Bytes(d.at("Plaintext")) == kMessage);

  // Symmetric to RSA.
  r = f.Ok(ReEncrypt, J({{"CiphertextBlob", r.at("CiphertextBlob")},
                         {"SourceEncryptionContext", object{{"k", "v"}}},
                         {"DestinationKeyId", destination},
                         {"DestinationEncryptionAlgorithm", "RSAES_OAEP_SHA_1"}}));
  CHECK(r.contains("SourceKeyMaterialId"));
  CHECK_FALSE(r.contains("DestinationKeyMaterialId"));
  CHECK(Str(r.at("SourceEncryptionAlgorithm")) == "SYMMETRIC_DEFAULT");
  CHECK(Str(r.at("DestinationEncryptionAlgorithm")) == "RSAES_OAEP_SHA_1");
  CHECK(Bytes(f.Ok(Decrypt,
                   DecryptBody(destination, Bytes(r.at("CiphertextBlob")), "RSAES_OAEP_SHA_1"))
                  .at("Plaintext")) == kMessage);
}

TEST_CASE("ReEncrypt to an RSA key enforces its size limit, context rule and DryRun") {
  Fixture f;
  std::string symmetric = f.NewKeyId();
  std::string rsa = NewKeyIdOf(f, "RSA_2048", "ENCRYPT_DECRYPT");
  std::vector<uint8_t> big(215, 'b');
  auto blob =
      f.Ok(Encrypt, J({{"KeyId", symmetric}, {"Plaintext", B64(big)}})).at("CiphertextBlob");
  object body = {{"CiphertextBlob", blob},
                 {"DestinationKeyId", rsa},
                 {"DestinationEncryptionAlgorithm", "RSAES_OAEP_SHA_1"}};
  CHECK_AWS_ERROR(f.Call(ReEncrypt, J(body)), ErrorCode::kValidation,
                  "Algorithm RSAES_OAEP_SHA_1 and key spec RSA_2048 cannot encrypt data larger "
                  "than 214 bytes.");
  blob = f.Ok(Encrypt, J({{"KeyId", symmetric}, {"Plaintext", B64("small")}})).at("CiphertextBlob");
  body["CiphertextBlob"] = blob;
  body["DestinationEncryptionContext"] = object{{"k", "v"}};
  CHECK_AWS_ERROR(f.Call(ReEncrypt, J(body)), ErrorCode::kValidation,
                  "EncryptionContext is not supported with asymmetric KMS keys.");
  body.erase("DestinationEncryptionContext");
  body["DryRun"] = true;
  CHECK_AWS_ERROR(f.Call(ReEncrypt, J(body)), ErrorCode::kDryRunOperation, kDryRunMessage);
  // IGNORE_CIPHERTEXT with an RSA source named by SourceKeyId.
  object ignore = {{"SourceKeyId", rsa},
                   {"SourceEncryptionAlgorithm", "RSAES_OAEP_SHA_256"},
                   {"DestinationKeyId", symmetric},
                   {"DryRun", true},
                   {"DryRunModifiers", boost::json::array{"IGNORE_CIPHERTEXT"}}};
  CHECK_AWS_ERROR(f.Call(ReEncrypt, J(ignore)), ErrorCode::kDryRunOperation, kDryRunMessage);
  ignore["SourceEncryptionAlgorithm"] = "SYMMETRIC_DEFAULT";
  CHECK_AWS_ERROR(f.Call(ReEncrypt, J(ignore)), ErrorCode::kInvalidKeyUsage,
                  "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
  ignore["SourceKeyId"] = symmetric;
  ignore["SourceEncryptionAlgorithm"] = "SYMMETRIC_DEFAULT";
  ignore["DestinationKeyId"] = rsa;
  CHECK_AWS_ERROR(f.Call(ReEncrypt, J(ignore)), ErrorCode::kInvalidKeyUsage,
                  "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
  ignore["DestinationEncryptionAlgorithm"] = "RSAES_OAEP_SHA_256";
  CHECK_AWS_ERROR(f.Call(ReEncrypt, J(ignore)), ErrorCode::kDryRunOperation, kDryRunMessage);
}
