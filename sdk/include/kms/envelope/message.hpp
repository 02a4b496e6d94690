// The AWS Encryption SDK message as data (data-format/*.md): the header fields a caller may look
// at, and unauthenticated inspection of a message for tools (`kmsctl inspect`).
#pragma once

#include <cstdint>
#include <kms/envelope/algorithm_suite.hpp>
#include <kms/envelope/keyring.hpp>
#include <kms/result.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kms::envelope {

enum class ContentType : uint8_t { kNonFramed = 1, kFramed = 2 };

// Header fields of a message. From Encrypt/Decrypt these are authenticated; from
// InspectMessage they are not.
struct MessageInfo {
  const AlgorithmSuite* suite = nullptr;
  uint8_t message_version = 0;      // 1 or 2
  std::vector<uint8_t> message_id;  // 16 (v1) or 32 (v2) bytes
  // Decrypt/Encrypt: the whole context the message is bound to, i.e. the stored pairs plus the
  // required (authenticated-only) pairs. InspectMessage: the stored pairs only.
  EncryptionContext encryption_context;
  // Keys of encryption_context that are not stored in the header.
  std::set<std::string> required_context_keys;
  std::vector<EncryptedDataKey> encrypted_data_keys;
  ContentType content_type = ContentType::kFramed;
  uint32_t frame_length = 0;        // 0 for non-framed bodies
  std::vector<uint8_t> commit_key;  // v2: the header's key commitment
  size_t header_length = 0;         // bytes of the serialized header, authentication included
};

// The result of walking a message without keys.
struct MessageLayout {
  MessageInfo header;
  uint64_t frame_count = 0;     // framed: regular frames + 1 final frame; non-framed: 0
  uint64_t content_length = 0;  // bytes of encrypted content = plaintext length
  size_t message_length = 0;    // bytes through the footer
  bool has_signature = false;   // the suite signs; then the signature was verified
};

// Parses the whole message structure (header, every frame or the non-framed body, footer)
// without any key: checks lengths, sequence numbers and, for signed suites, the ECDSA footer
// signature with the header's aws-crypto-public-key. Nothing is authenticated by GCM (no data
// key), so only the structure and, for signed suites, the signature are vouched for.
// Errors as Decrypt's for malformed messages and bad signatures (kInvalidCiphertext).
// Thread-safe (pure).
Result<MessageLayout> InspectMessage(std::span<const uint8_t> message);

}  // namespace kms::envelope
