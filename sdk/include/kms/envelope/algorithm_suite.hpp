// The AWS Encryption SDK algorithm suites (framework/algorithm-suites.md), commitment policies
// (framework/commitment-policy.md) and the per-message key derivation
// (framework/transitive-requirements.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kms::envelope {

// Suite ids as written (big-endian) in the message header.
enum class AlgorithmSuiteId : uint16_t {
  kAes128GcmIv12Tag16NoKdf = 0x0014,
  kAes192GcmIv12Tag16NoKdf = 0x0046,
  kAes256GcmIv12Tag16NoKdf = 0x0078,
  kAes128GcmIv12Tag16HkdfSha256 = 0x0114,
  kAes192GcmIv12Tag16HkdfSha256 = 0x0146,
  kAes256GcmIv12Tag16HkdfSha256 = 0x0178,
  kAes128GcmIv12Tag16HkdfSha256EcdsaP256 = 0x0214,
  kAes192GcmIv12Tag16HkdfSha384EcdsaP384 = 0x0346,
  kAes256GcmIv12Tag16HkdfSha384EcdsaP384 = 0x0378,
  kAes256GcmHkdfSha512CommitKey = 0x0478,
  kAes256GcmHkdfSha512CommitKeyEcdsaP384 = 0x0578,
};

enum class KdfHash : uint8_t { kNone, kSha256, kSha384, kSha512 };
enum class SignatureAlgorithm : uint8_t { kNone, kEcdsaP256Sha256, kEcdsaP384Sha384 };

// Every suite uses AES-GCM with 12-byte IVs and 16-byte tags.
inline constexpr size_t kIvLength = 12;
inline constexpr size_t kTagLength = 16;
// Bytes of the key commitment (algorithm suite data) of the committing suites.
inline constexpr size_t kCommitKeyLength = 32;
// Encryption-context key under which signed suites store the verification key.
inline constexpr std::string_view kPublicKeyContextKey = "aws-crypto-public-key";
// Encryption-context keys with this prefix are reserved for the SDK.
inline constexpr std::string_view kReservedContextPrefix = "aws-crypto-";

struct AlgorithmSuite {
  AlgorithmSuiteId id;
  std::string_view name;    // e.g. "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
  uint8_t message_version;  // 1 or 2
  size_t key_length;        // bytes of the data key and of the derived encryption key
  KdfHash kdf;              // kNone: the data key is the encryption key
  bool committing;          // key commitment in the header (message version 2)
  SignatureAlgorithm signature;

  bool is_signed() const { return signature != SignatureAlgorithm::kNone; }
  uint16_t id_value() const { return static_cast<uint16_t>(id); }
  size_t message_id_length() const { return message_version == 1 ? 16 : 32; }
};

// The 11 ESDK suites, in ascending id order. Thread-safe (static data).
std::span<const AlgorithmSuite> AllAlgorithmSuites();

// The suite with this id, or nullptr for an id that is not an ESDK suite. Thread-safe.
const AlgorithmSuite* FindAlgorithmSuite(uint16_t id);

// The suite of a known id (never fails for an AlgorithmSuiteId enumerator). Thread-safe.
const AlgorithmSuite& GetAlgorithmSuite(AlgorithmSuiteId id);

// "0x0578" for 0x0578. Thread-safe (pure).
std::string SuiteIdHex(uint16_t id);

// Parses "0x0578", "0578" or a suite name ("ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
// case-insensitive) for command lines. kValidation "Unknown algorithm suite '<text>'" otherwise.
// Thread-safe (pure).
Result<AlgorithmSuiteId> ParseAlgorithmSuiteId(std::string_view text);

enum class CommitmentPolicy : uint8_t {
  kForbidEncryptAllowDecrypt,
  kRequireEncryptAllowDecrypt,
  kRequireEncryptRequireDecrypt,  // the default, as in every official SDK
};

// "REQUIRE_ENCRYPT_REQUIRE_DECRYPT" etc. Thread-safe (pure).
std::string_view CommitmentPolicyName(CommitmentPolicy policy);

// Whether `policy` lets encrypt write / decrypt read messages under `suite`: FORBID_ENCRYPT
// encrypts only non-committing suites, REQUIRE_ENCRYPT only committing ones; REQUIRE_DECRYPT
// decrypts only committing suites, ALLOW_DECRYPT all. Thread-safe (pure).
bool PolicyAllowsEncrypt(CommitmentPolicy policy, const AlgorithmSuite& suite);
bool PolicyAllowsDecrypt(CommitmentPolicy policy, const AlgorithmSuite& suite);

// The suite encrypt uses when none is given: 0x0578 under the REQUIRE_ENCRYPT policies, 0x0378
// under FORBID_ENCRYPT_ALLOW_DECRYPT (what the official SDKs choose). Thread-safe (pure).
AlgorithmSuiteId DefaultAlgorithmSuite(CommitmentPolicy policy);

// The keys a message uses, derived from its plaintext data key.
struct MessageKeys {
  internal::SecretBytes encryption_key;  // AES-GCM key for the header tag and the body
  std::vector<uint8_t> commit_key;       // kCommitKeyLength bytes for committing suites, else empty
};

// Derives the encryption key (and for committing suites the commit key) from `data_key`
// (suite.key_length bytes) and the message id (suite.message_id_length() bytes):
// - no KDF: the data key itself;
// - HKDF-SHA256/384 (non-committing): salt empty (= zeros), info = suite id (2 bytes, big-endian)
//   || message id;
// - HKDF-SHA512 (committing): one extract with salt = message id, then expand with info =
//   suite id || "DERIVEKEY" (encryption key) and info = "COMMITKEY" (commit key).
// Errors: kValidation "Data key is N bytes; suite 0x.... needs M" / "Message id is N bytes; ...",
// kInternal when OpenSSL fails. Thread-safe.
Result<MessageKeys> DeriveMessageKeys(const AlgorithmSuite& suite,
                                      std::span<const uint8_t> data_key,
                                      std::span<const uint8_t> message_id);

}  // namespace kms::envelope
