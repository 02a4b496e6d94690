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

// Where a field lies in a serialized message: `length` bytes from `offset` (length 0: the
// field is absent in this message, e.g. the v1-only header IV of a v2 message).
struct ByteRange {
  size_t offset = 0;
  size_t length = 0;

  size_t end() const { return offset + length; }
};

// The byte range of every field of a message, in the order of data-format/message-header.md,
// message-body.md and message-footer.md. Length prefixes have ranges of their own.
struct MessageFieldMap {
  struct ContextPair {
    std::string key, value;
    ByteRange key_length, key_bytes, value_length, value_bytes;
  };
  struct DataKey {
    ByteRange whole, provider_id_length, provider_id, provider_info_length, provider_info,
        ciphertext_length, ciphertext;
  };
  enum class FrameKind { kRegular, kFinal, kNonFramed };
  struct Frame {
    FrameKind kind = FrameKind::kRegular;
    uint32_t sequence_number = 0;  // 1-based; 1 for a non-framed body
    uint64_t content_bytes = 0;    // encrypted content = plaintext bytes of the frame
    ByteRange whole;
    ByteRange final_marker;    // kFinal: the FF FF FF FF sequence-number end marker
    ByteRange sequence;        // kRegular, kFinal
    ByteRange iv;              // 12 bytes
    ByteRange content_length;  // kFinal: uint32; kNonFramed: uint64
    ByteRange content, tag;
  };

  ByteRange header;  // [0, header length): everything through the header authentication tag
  ByteRange version, type, suite_id, message_id;  // type: v1 only
  ByteRange context_length;                       // AAD length (uint16)
  ByteRange context_count;                 // key-value pair count; absent when the context is empty
  std::vector<ContextPair> context_pairs;  // in stored order
  ByteRange data_key_count;
  std::vector<DataKey> data_keys;  // in stored order, as MessageInfo::encrypted_data_keys
  ByteRange content_type, reserved, iv_length;  // reserved, iv_length: v1 only
  ByteRange frame_length;
  ByteRange suite_data;  // v2: the key commitment
  ByteRange header_iv;   // v1 only (v2 uses an all-zero IV that is not stored)
  ByteRange header_tag;

  ByteRange body;
  // The first frames (up to the limit given to MapMessage) and always the final frame;
  // `frames_not_listed` regular frames between them are left out (same layout, consecutive).
  std::vector<Frame> frames;
  uint64_t frames_not_listed = 0;

  ByteRange footer;  // signed suites only, like the two below
  ByteRange signature_length, signature;
};

struct MessageMap {
  MessageLayout layout;    // as InspectMessage returns it
  MessageFieldMap fields;  // where each field is
};

// InspectMessage (the same checks and errors), plus the byte range of every field, for tools
// that explain a message byte by byte. Lists the first `max_listed_frames` regular frames and
// the final one. Thread-safe (pure).
Result<MessageMap> MapMessage(std::span<const uint8_t> message, size_t max_listed_frames = 2);

}  // namespace kms::envelope
