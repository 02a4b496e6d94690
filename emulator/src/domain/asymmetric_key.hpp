// Asymmetric and HMAC key material over OpenSSL 3 EVP: new key pairs as PKCS#8 DER, parsed keys
// cached per material, public keys as DER SubjectPublicKeyInfo, signatures, RSA-OAEP, ECDH and
// HMAC, and the algorithm lists AWS gives each key spec.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <kms/types.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "domain/key.hpp"

namespace kms::emulator {

// AWS's SigningAlgorithmSpec, in the model's order.
enum class SigningAlgorithm {
  kRsaPssSha256,
  kRsaPssSha384,
  kRsaPssSha512,
  kRsaPkcs1Sha256,
  kRsaPkcs1Sha384,
  kRsaPkcs1Sha512,
  kEcdsaSha256,
  kEcdsaSha384,
  kEcdsaSha512,
  kSm2Dsa,
  kMlDsaShake256,
  kEd25519Sha512,
  kEd25519PhSha512
};
// AWS's MacAlgorithmSpec.
enum class MacAlgorithm { kHmacSha224, kHmacSha256, kHmacSha384, kHmacSha512 };

// The wire names, index = enumerator (the model's order). Pure.
inline constexpr std::string_view kSigningAlgorithmNames[] = {"RSASSA_PSS_SHA_256",
                                                              "RSASSA_PSS_SHA_384",
                                                              "RSASSA_PSS_SHA_512",
                                                              "RSASSA_PKCS1_V1_5_SHA_256",
                                                              "RSASSA_PKCS1_V1_5_SHA_384",
                                                              "RSASSA_PKCS1_V1_5_SHA_512",
                                                              "ECDSA_SHA_256",
                                                              "ECDSA_SHA_384",
                                                              "ECDSA_SHA_512",
                                                              "SM2DSA",
                                                              "ML_DSA_SHAKE_256",
                                                              "ED25519_SHA_512",
                                                              "ED25519_PH_SHA_512"};
inline constexpr std::string_view kMacAlgorithmNames[] = {"HMAC_SHA_224", "HMAC_SHA_256",
                                                          "HMAC_SHA_384", "HMAC_SHA_512"};

std::string_view ToString(SigningAlgorithm alg);
std::string_view ToString(MacAlgorithm alg);
// nullopt for a name that is not in the enum. Pure.
std::optional<SigningAlgorithm> ParseSigningAlgorithm(std::string_view name);
std::optional<MacAlgorithm> ParseMacAlgorithm(std::string_view name);

bool IsRsaSpec(KeySpec spec);
bool IsHmacSpec(KeySpec spec);
bool IsMlDsaSpec(KeySpec spec);
// Bytes of the key of an HMAC spec: 28, 32, 48 or 64 (the digest size); 64 for any other spec.
// Pure.
size_t HmacKeySize(KeySpec spec);
// Every spec whose material is a key pair: RSA, ECC, Ed25519, SM2, ML-DSA. Pure.
bool IsAsymmetricSpec(KeySpec spec);
// AWS's KeySpec x KeyUsage rule: the usages CreateKey allows for each key spec. Pure.
bool UsageFitsSpec(KeySpec spec, KeyUsage usage);

// The algorithms AWS lists for a key spec (DescribeKey, GetPublicKey), in AWS's order; empty
// when the spec has none of that kind. Pure.
std::span<const std::string_view> EncryptionAlgorithmNames(KeySpec spec);
std::span<const std::string_view> SigningAlgorithmNames(KeySpec spec);
std::span<const std::string_view> MacAlgorithmNames(KeySpec spec);

// Bytes a MessageType DIGEST message must have for `alg`: 32, 48 or 64; 0 when the algorithm
// has no fixed digest (SM2DSA, ML-DSA). Pure.
size_t DigestSize(SigningAlgorithm alg);

// AWS's plaintext limit for asymmetric encryption: for RSA-OAEP modulus bytes - 2 * hash bytes
// - 2 (RSA_2048 with RSAES_OAEP_SHA_1: 214), for SM2PKE 1024. 0 for pairs that do not encrypt.
// Pure.
size_t MaxPlaintext(KeySpec spec, EncryptionAlgorithm alg);

// True in the Regions where AWS offers SM2 keys (the China Regions, cn-*). Pure.
bool Sm2Available(std::string_view region);

// Fresh material for a key of `spec`: a PKCS#8 DER private key for key pairs, random bytes of the
// digest size for HMAC keys. UnsupportedOperationException for specs OpenSSL 3.0 cannot make
// (ML-DSA, SM2 where the provider lacks it); kInternal on OpenSSL failure. Thread-safe.
Result<internal::SecretBytes> GenerateKeyMaterial(KeySpec spec);

// GenerateKeyMaterial's material for `spec` under a fresh random 64-hex-char material id, created
// at `now_ms`. Errors: GenerateKeyMaterial's, kInternal if the system RNG fails. Thread-safe.
Result<KeyMaterial> NewKeyMaterial(KeySpec spec, int64_t now_ms);

// The PKCS#8 PrivateKeyInfo DER of `key`, written straight into zeroizing memory. kInternal
// "OpenSSL failed to encode a private key." on OpenSSL failure. Thread-safe.
Result<internal::SecretBytes> Pkcs8Der(EVP_PKEY* key);

// A parsed private key, shared read-only between threads (OpenSSL allows concurrent use of an
// EVP_PKEY that nobody modifies).
using PrivateKey = std::shared_ptr<EVP_PKEY>;

// Parses PKCS#8 (or traditional) DER. kInternal when the bytes are no private key. Thread-safe.
Result<PrivateKey> ParsePrivateKey(std::span<const uint8_t> der);

// The private key in `material`, parsed once and cached by material id (a cache entry is reused
// only while it was made from the very same bytes object). Errors as ParsePrivateKey.
// Thread-safe.
Result<PrivateKey> PrivateKeyOf(const KeyMaterial& material);

// DER SubjectPublicKeyInfo of `key`'s public half. kInternal on OpenSSL failure. Thread-safe.
Result<std::vector<uint8_t>> PublicKeyDer(EVP_PKEY* key);

// UnsupportedOperationException for the signing algorithm OpenSSL 3.0 cannot compute
// (ML_DSA_SHAKE_256), else success. Pure.
Status CheckSigningSupported(SigningAlgorithm alg);

// Signs `message` (a digest of DigestSize(alg) bytes when `is_digest`, else the raw message that
// the algorithm hashes) the way AWS does: PKCS#1 v1.5 with DigestInfo, PSS with MGF1 over the
// same hash and salt = digest length, DER ECDSA, pure Ed25519 (ED25519_SHA_512), Ed25519ph
// (ED25519_PH_SHA_512, which prehashes even a DIGEST, as AWS does), SM2DSA over SM3 with the
// distinguishing ID 1234567812345678 (a DIGEST is SM3(ZA || message), signed as given). The caller
// has checked that `alg` fits the key and the digest length. UnsupportedOperationException for
// ML-DSA; kInternal on OpenSSL failure. Thread-safe.
Result<std::vector<uint8_t>> SignMessage(EVP_PKEY* key, SigningAlgorithm alg,
                                         std::span<const uint8_t> message, bool is_digest);

// True when `signature` is a valid signature of `message` (as SignMessage reads it); false for
// any invalid or malformed signature. Errors as SignMessage. Thread-safe.
Result<bool> VerifySignature(EVP_PKEY* key, SigningAlgorithm alg, std::span<const uint8_t> message,
                             bool is_digest, std::span<const uint8_t> signature);

// Encrypts with the public half of `key`: RSAES-OAEP with SHA-1 or SHA-256 and MGF1 over the
// same hash (no label), as AWS and every offline tool use it, or SM2PKE (SM3, the ASN.1
// ciphertext of GM/T 0009). The caller has checked the plaintext size. kInternal on failure.
// Thread-safe.
Result<std::vector<uint8_t>> PublicKeyEncrypt(EVP_PKEY* key, EncryptionAlgorithm alg,
                                              std::span<const uint8_t> plaintext);
// The plaintext, or nullopt when `ciphertext` does not decrypt under `key` and `alg`. Thread-safe.
std::optional<internal::SecretBytes> PrivateKeyDecrypt(EVP_PKEY* key, EncryptionAlgorithm alg,
                                                       std::span<const uint8_t> ciphertext);

// The raw ECDH shared secret (the x coordinate, field-size bytes) of `key` (a NIST or SM2 curve)
// and the peer's DER SubjectPublicKeyInfo. nullopt when the peer key is not a valid public key on
// the same curve.
// Thread-safe.
std::optional<internal::SecretBytes> DeriveEcdhSecret(EVP_PKEY* key,
                                                      std::span<const uint8_t> peer_spki);

// HMAC of `message` under `key` with the algorithm's hash. Pure, thread-safe.
std::vector<uint8_t> ComputeHmac(MacAlgorithm alg, std::span<const uint8_t> key,
                                 std::span<const uint8_t> message);

}  // namespace kms::emulator
