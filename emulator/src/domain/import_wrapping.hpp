// Importing key material (BYOK): the wrapping key pairs of GetParametersForImport, unwrapping with
// each wrapping algorithm (RSAES-OAEP, CKM_RSA_AES_KEY_WRAP = RSA-OAEP + AES key wrap with padding,
// SM2PKE), the key material rules of each key spec and the ids of imported material.
#pragma once

#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <kms/types.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kms::emulator {

// AWS's AlgorithmSpec (GetParametersForImport's WrappingAlgorithm), in the model's order.
enum class WrappingAlgorithm {
  kRsaesPkcs1V15,
  kRsaesOaepSha1,
  kRsaesOaepSha256,
  kRsaAesKeyWrapSha1,
  kRsaAesKeyWrapSha256,
  kSm2Pke
};
inline constexpr std::string_view kWrappingAlgorithmNames[] = {
    "RSAES_PKCS1_V1_5",       "RSAES_OAEP_SHA_1",         "RSAES_OAEP_SHA_256",
    "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"};

// AWS's WrappingKeySpec, in the model's order.
enum class WrappingKeySpec { kRsa2048, kRsa3072, kRsa4096, kSm2 };
inline constexpr std::string_view kWrappingKeySpecNames[] = {"RSA_2048", "RSA_3072", "RSA_4096",
                                                             "SM2"};

// AWS: a public key and import token are valid for 24 hours.
inline constexpr int64_t kImportParametersLifetimeMs = 24LL * 3600 * 1000;
// AWS: ValidTo may be at most 365 days after the request.
inline constexpr int64_t kMaxValidToMs = 365LL * 86'400'000;

std::string_view ToString(WrappingAlgorithm alg);
std::string_view ToString(WrappingKeySpec spec);
// nullopt for a name outside the enum. Pure.
std::optional<WrappingAlgorithm> ParseWrappingAlgorithm(std::string_view name);
std::optional<WrappingKeySpec> ParseWrappingKeySpec(std::string_view name);

// One GetParametersForImport answer: the wrapping private key, bound to one KMS key, usable with
// the token until valid_to_ms.
struct ImportParameters {
  std::string token_id;  // lower-case hex of the ImportToken bytes
  std::string account;
  std::string region;
  std::string key_id;
  WrappingAlgorithm algorithm = WrappingAlgorithm::kRsaesOaepSha256;
  WrappingKeySpec key_spec = WrappingKeySpec::kRsa2048;
  std::shared_ptr<const internal::SecretBytes> private_key;  // PKCS#8 DER
  int64_t valid_to_ms = 0;
};

// A fresh wrapping key pair of `spec` as PKCS#8 DER. UnsupportedOperationException for SM2 when
// OpenSSL lacks it; kInternal on OpenSSL failure. Thread-safe.
Result<internal::SecretBytes> NewWrappingKey(WrappingKeySpec spec);

// The DER SubjectPublicKeyInfo of a wrapping private key (PKCS#8 DER). kInternal when the bytes
// are no private key. Thread-safe.
Result<std::vector<uint8_t>> WrappingPublicKey(std::span<const uint8_t> private_key);

// The key material in `wrapped`, decrypted with the wrapping private key as `alg` prescribes:
// RSAES_OAEP_SHA_1/256 (MGF1 over the same hash, no label) of the material; RSA_AES_KEY_WRAP_*:
// the RSA-OAEP encrypted ephemeral AES key (16, 24 or 32 bytes; ciphertext as long as the
// modulus) followed by the AES key wrap with padding (RFC 5649) of the material; SM2PKE of the
// material. InvalidCiphertextException (empty message) when it does not decrypt. Thread-safe.
Result<internal::SecretBytes> UnwrapKeyMaterial(std::span<const uint8_t> private_key,
                                                WrappingAlgorithm alg,
                                                std::span<const uint8_t> wrapped);

// The client side of UnwrapKeyMaterial, as AWS's documentation does it with OpenSSL (tests and
// tools; the RSA_AES algorithms use a fresh 32-byte AES key). kInternal when `public_key` is no
// SPKI or the material does not fit. Thread-safe.
Result<std::vector<uint8_t>> WrapKeyMaterial(std::span<const uint8_t> public_key,
                                             WrappingAlgorithm alg,
                                             std::span<const uint8_t> material);

// The material to store for a key of `spec`, or IncorrectKeyMaterialException with the reason:
// SYMMETRIC_DEFAULT 32 bytes; HMAC_224 28..64, HMAC_256 32..64, HMAC_384 48..128, HMAC_512
// 64..128 bytes; key pairs a PKCS#8 DER private key of the spec's type, size or curve, stored
// re-encoded (so the same key always gives the same bytes). Thread-safe.
Result<internal::SecretBytes> CheckImportedMaterial(KeySpec spec, internal::SecretBytes material);

// The KeyMaterialId of imported `material` in the key `key_id`: 64 lower-case hex characters
// derived from both (the same material gets the same id in the same key, as AWS's does; the id
// reveals nothing about the material). Pure.
std::string ImportedMaterialId(std::string_view key_id, std::span<const uint8_t> material);

}  // namespace kms::emulator
