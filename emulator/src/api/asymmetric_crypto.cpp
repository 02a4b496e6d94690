// Shared rules of the asymmetric and HMAC operations, and RSA-OAEP/SM2PKE Encrypt/Decrypt.
#include "api/asymmetric_crypto.hpp"

#include <algorithm>
#include <kms/internal/encoding.hpp>
#include <string>

#include "api/key_resolver.hpp"

namespace kms::emulator {
namespace {

bool Lists(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Status RequireEncryptionAlgorithm(const Key& key, std::string_view algorithm) {
  if (!Lists(EncryptionAlgorithmNames(key.spec), algorithm)) {
    return AlgorithmIncompatible(algorithm, key.spec);
  }
  return {};
}

// AWS: asymmetric encryption takes no encryption context. AWS's wording is not recorded; this
// one names the rule.
Status RejectContext(bool has_context) {
  if (has_context) {
    return MakeError(ErrorCode::kValidation,
                     "EncryptionContext is not supported with asymmetric KMS keys.");
  }
  return {};
}

}  // namespace

Status RequireUsage(const Key& key, KeyUsage usage, std::string_view operation) {
  if (key.usage != usage) {
    return MakeError(ErrorCode::kInvalidKeyUsage,
                     key.Arn() + " key usage is " + std::string(ToString(key.usage)) +
                         " which is not valid for " + std::string(operation) + ".");
  }
  return RequireEnabled(key);
}

Error AlgorithmIncompatible(std::string_view algorithm, KeySpec spec) {
  return MakeError(ErrorCode::kInvalidKeyUsage, "Algorithm " + std::string(algorithm) +
                                                    " is incompatible with key spec " +
                                                    std::string(ToString(spec)) + ".");
}

Error DryRunSucceeded() {
  return MakeError(ErrorCode::kDryRunOperation,
                   "The request would have succeeded, but the DryRun option is set.");
}

boost::json::string Base64String(std::span<const uint8_t> bytes) {
  boost::json::string s;
  s.resize(internal::Base64EncodedSize(bytes.size()));
  internal::Base64EncodeInto(bytes, s.data());
  return s;
}

Result<PrivateKey> CurrentPrivateKey(const Key& key) {
  const KeyMaterial* material = key.CurrentMaterial();
  if (material == nullptr) {
    return MakeError(ErrorCode::kInternal, "The key has no current key material.");
  }
  return PrivateKeyOf(*material);
}

Status CheckAsymmetricEncrypt(const Key& key, std::string_view algorithm, bool has_context,
                              size_t plaintext_size, std::string_view operation) {
  if (auto st = CheckAsymmetricDecrypt(key, algorithm, has_context, operation); !st) return st;
  auto alg = ParseEncryptionAlgorithm(algorithm);
  size_t limit = alg ? MaxPlaintext(key.spec, *alg) : 0;
  if (plaintext_size > limit) {
    // AWS: test_encrypt_validate_plaintext_size_per_key_type
    return MakeError(ErrorCode::kValidation,
                     "Algorithm " + std::string(algorithm) + " and key spec " +
                         std::string(ToString(key.spec)) + " cannot encrypt data larger than " +
                         std::to_string(limit) + " bytes.");
  }
  return {};
}

Status CheckAsymmetricDecrypt(const Key& key, std::string_view algorithm, bool has_context,
                              std::string_view operation) {
  if (auto st = RequireUsage(key, KeyUsage::kEncryptDecrypt, operation); !st) return st;
  if (auto st = RequireEncryptionAlgorithm(key, algorithm); !st) return st;
  return RejectContext(has_context);
}

Result<std::vector<uint8_t>> AsymmetricEncrypt(const Key& key, std::string_view algorithm,
                                               std::span<const uint8_t> plaintext) {
  auto private_key = CurrentPrivateKey(key);
  if (!private_key) return private_key.error();
  auto alg = ParseEncryptionAlgorithm(algorithm);
  if (!alg) return AlgorithmIncompatible(algorithm, key.spec);
  return PublicKeyEncrypt(private_key->get(), *alg, plaintext);
}

Result<internal::SecretBytes> AsymmetricDecrypt(const Key& key, std::string_view algorithm,
                                                std::span<const uint8_t> ciphertext) {
  auto private_key = CurrentPrivateKey(key);
  if (!private_key) return private_key.error();
  auto alg = ParseEncryptionAlgorithm(algorithm);
  if (!alg) return AlgorithmIncompatible(algorithm, key.spec);
  auto plaintext = PrivateKeyDecrypt(private_key->get(), *alg, ciphertext);
  if (!plaintext) return MakeError(ErrorCode::kInvalidCiphertext, "");
  return std::move(*plaintext);
}

Result<boost::json::object> EncryptWithAsymmetricKey(const Key& key, std::string_view algorithm,
                                                     bool has_context,
                                                     std::span<const uint8_t> plaintext,
                                                     bool dry_run) {
  auto st = CheckAsymmetricEncrypt(key, algorithm, has_context, plaintext.size(), "Encrypt");
  if (!st) return st.error();
  if (dry_run) return DryRunSucceeded();
  auto ciphertext = AsymmetricEncrypt(key, algorithm, plaintext);
  if (!ciphertext) return ciphertext.error();
  boost::json::object out;
  out.reserve(3);
  out.emplace("CiphertextBlob", Base64String(*ciphertext));
  out.emplace("KeyId", key.Arn());
  out.emplace("EncryptionAlgorithm", algorithm);
  return out;
}

Result<boost::json::object> DecryptWithAsymmetricKey(const Key& key, std::string_view algorithm,
                                                     bool has_context,
                                                     std::span<const uint8_t> ciphertext,
                                                     bool dry_run) {
  if (auto st = CheckAsymmetricDecrypt(key, algorithm, has_context, "Decrypt"); !st) {
    return st.error();
  }
  if (ciphertext.empty()) return DryRunSucceeded();  // IGNORE_CIPHERTEXT
  auto plaintext = AsymmetricDecrypt(key, algorithm, ciphertext);
  if (!plaintext) return plaintext.error();
  if (dry_run) return DryRunSucceeded();
  // AWS: KeyMaterialId is present only for symmetric encryption keys.
  boost::json::object out;
  out.reserve(3);
  out.emplace("KeyId", key.Arn());
  out.emplace("Plaintext", Base64String(plaintext->span()));
  out.emplace("EncryptionAlgorithm", algorithm);
  return out;
}

}  // namespace kms::emulator
