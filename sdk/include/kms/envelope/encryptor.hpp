// One-shot envelope encryption in the AWS Encryption SDK message format (client-apis/encrypt.md,
// decrypt.md): a fresh data key per message from a keyring, AES-GCM frames, key commitment and
// ECDSA signatures as the suite says. For inputs that do not fit in memory use stream.hpp.
//
// Errors (kms::Error; the message always says what failed):
//   kValidation        bad options or input: reserved or non-UTF-8 encryption context, missing
//                      required context key, frame length 0, suite refused by the commitment
//                      policy, too many encrypted data keys, signed suite refused by the options.
//   kInvalidCiphertext the message: "Malformed message: <what>", "Message is truncated: ...",
//                      "Key commitment does not match the data key", "Header authentication
//                      failed", "Frame N failed authentication", "Message body failed
//                      authentication", "Signature verification failed", "Encryption context
//                      does not match the message: ...", trailing bytes, a KMS ciphertext blob or
//                      base64 text given instead of a message.
//   kIncorrectKey etc. "No keyring could decrypt a data key: <why, per keyring>" (the code is the
//                      keyring's: kIncorrectKey when nothing matched, or e.g. a KMS error).
//   kInternal          OpenSSL failures.
#pragma once

#include <cstdint>
#include <kms/envelope/algorithm_suite.hpp>
#include <kms/envelope/keyring.hpp>
#include <kms/envelope/message.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace kms::envelope {

inline constexpr uint32_t kDefaultFrameLength = 4096;

struct EncryptOptions {
  // nullopt: DefaultAlgorithmSuite(commitment_policy), i.e. 0x0578.
  std::optional<AlgorithmSuiteId> algorithm;
  uint32_t frame_length = kDefaultFrameLength;  // plaintext bytes per frame, 1 .. 2^32-1
  // Keys must not start with "aws-crypto-"; keys and values must be UTF-8.
  EncryptionContext encryption_context;
  // Keys of encryption_context to authenticate without storing them in the message (the
  // Required Encryption Context CMM): decrypt then needs them reproduced.
  std::set<std::string> required_context_keys;
  CommitmentPolicy commitment_policy = CommitmentPolicy::kRequireEncryptRequireDecrypt;
  // 0 = no limit; otherwise encrypt fails when the keyring makes more encrypted data keys.
  size_t max_encrypted_data_keys = 0;
};

struct DecryptOptions {
  // The reproduced encryption context: pairs also stored in the message must have equal
  // values; pairs not stored are authenticated as required (authenticate-only) pairs.
  EncryptionContext encryption_context;
  // Keys that must be present in `encryption_context` (the Required Encryption Context CMM).
  std::set<std::string> required_context_keys;
  CommitmentPolicy commitment_policy = CommitmentPolicy::kRequireEncryptRequireDecrypt;
  // 0 = no limit; otherwise a message with more encrypted data keys fails while its header is
  // parsed, before any keyring is called.
  size_t max_encrypted_data_keys = 0;
  // Refuse signed suites right after parsing the header (for streaming callers that must never
  // see plaintext before a signature is checked; ESDK "streaming-unsigned-only").
  bool refuse_signed_suites = false;
};

struct EncryptResult {
  std::vector<uint8_t> ciphertext;  // the whole message
  MessageInfo header;
};

struct DecryptResult {
  internal::SecretBytes plaintext;
  MessageInfo header;
};

// Encrypts `plaintext` into one message. The keyring is called once (OnEncrypt). Thread-safe
// if the keyring is (all of this SDK's are).
Result<EncryptResult> Encrypt(const Keyring& keyring, std::span<const uint8_t> plaintext,
                              const EncryptOptions& options = {});

// Decrypts a whole message. Nothing is returned unless every check passed: header
// authentication, key commitment, every frame tag and, for signed suites, the signature; on
// failure every decrypted byte has been wiped. Bytes after the end of the message are an error.
// Thread-safe if the keyring is.
Result<DecryptResult> Decrypt(const Keyring& keyring, std::span<const uint8_t> message,
                              const DecryptOptions& options = {});

}  // namespace kms::envelope
