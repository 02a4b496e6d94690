// The emulator's CiphertextBlob: the byte layout below is a public promise. Blobs written by one
// version decrypt in every later one (golden files in tests/data/ciphertext_blob_v1.json).
//
// Version 1 layout (integers unsigned big-endian):
//
//   offset      size  field
//   0           3     magic 28 C4 9E: base64 text of every blob starts "KMSe". No AWS KMS blob
//                     (01 02 02 00, "AQICAH...") nor AWS Encryption SDK message (01 80, or
//                     02 04 78 / 02 05 78) starts with 0x28.
//   3           1     format version, 01
//   4           2     L = length of the key ARN, 1..2048
//   6           L     key ARN, ASCII: arn:aws:kms:<region>:<12-digit account>:key/<key id>, the
//                     key id a lower-case UUID or mrk-<32 hex>. Carries account and region, so a
//                     blob from another account or region is recognised as such.
//   6+L         32    key-material id, raw (the API shows it as 64 lower-case hex chars,
//                     KeyMaterialId); selects the key version after rotation.
//   38+L        12    IV: 96 random bits, fresh for every blob.
//   50+L        N     AES-256-GCM ciphertext of the plaintext (N = plaintext size, 1..4096).
//   50+L+N      16    GCM tag.
//
//   The GCM key is the 32-byte key material named by (key ARN, material id). The additional
//   authenticated data is bytes [0, 50+L) (every header byte, IV included) followed by the
//   canonical encoding of the encryption context (encryption_context.hpp), so neither the header
//   nor the context can be changed without the tag failing. N is implied by the blob's size:
//   trailing or missing bytes move the tag and fail authentication. Overhead is 66+L bytes
//   (141 for a UUID key in us-east-1), so a 4096-byte plaintext fits the 6144-byte model limit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <kms/internal/aes_gcm.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/encryption_context.hpp"

namespace kms::emulator {

inline constexpr std::array<uint8_t, 3> kBlobMagic = {0x28, 0xC4, 0x9E};
inline constexpr uint8_t kBlobVersion1 = 0x01;
inline constexpr size_t kBlobMaterialIdSize = 32;
inline constexpr size_t kBlobMaxArnSize = 2048;
inline constexpr size_t kBlobMaxPlaintextSize = 4096;
// Bytes a v1 blob adds to its plaintext besides the ARN.
inline constexpr size_t kBlobFixedOverhead =
    kBlobMagic.size() + 1 + 2 + kBlobMaterialIdSize + internal::kGcmIvSize + internal::kGcmTagSize;

// The message Decrypt gives for an AWS Encryption SDK message passed as a CiphertextBlob: a very
// common mistake that AWS answers with an opaque, empty InvalidCiphertextException.
inline constexpr std::string_view kEncryptionSdkMessageHint =
    "This is an AWS Encryption SDK message, not a KMS ciphertext blob; decrypt it with an "
    "Encryption SDK (kmsctl envelope decrypt)";

// A parsed blob: views into the bytes given to ParseCiphertextBlob, valid while they live.
struct BlobView {
  uint8_t version = 0;
  std::string_view key_arn;
  std::string_view region;
  std::string_view account;
  std::string_view key_id;
  std::span<const uint8_t> material_id;  // kBlobMaterialIdSize raw bytes
  std::span<const uint8_t> header;       // bytes [0, 50+L): the AAD prefix, IV included
  std::span<const uint8_t> iv;           // 12 bytes
  std::span<const uint8_t> ciphertext;   // 1..4096 bytes
  std::span<const uint8_t> tag;          // 16 bytes

  // The material id as the API shows it: 64 lower-case hex chars.
  std::string MaterialIdHex() const;
};

// Parses the structure of a blob without decrypting it. Total: never reads out of bounds.
// Errors, all InvalidCiphertextException: message kEncryptionSdkMessageHint when the bytes look
// like an AWS Encryption SDK message, else empty (AWS's message for every other bad blob: too
// short, wrong magic or version, malformed ARN, AWS's own blobs, random bytes). Thread-safe.
Result<BlobView> ParseCiphertextBlob(std::span<const uint8_t> blob);

// Builds a v1 blob of `plaintext` (1..4096 bytes) under the 32-byte `key` whose material id is
// `material_id_hex` (64 lower-case hex chars), for the key `key_arn`, bound to `context`. One
// allocation for the blob; the IV is fresh from the DRBG. KMSInternalException when an argument
// breaks these rules (a bug of the caller) or OpenSSL fails. Thread-safe.
Result<std::vector<uint8_t>> SealCiphertextBlob(std::string_view key_arn,
                                                std::string_view material_id_hex,
                                                std::span<const uint8_t> key,
                                                const EncryptionContext& context,
                                                std::span<const uint8_t> plaintext);

// Authenticates and decrypts a parsed blob with the 32-byte `key` of its material, under
// `context`. InvalidCiphertextException with an empty message (as AWS) when the tag does not
// verify: wrong context, wrong key, any byte changed. Plaintext only ever in SecretBytes.
// Thread-safe.
Result<internal::SecretBytes> OpenCiphertextBlob(const BlobView& blob, std::span<const uint8_t> key,
                                                 const EncryptionContext& context);

// True when `bytes` start like an AWS Encryption SDK message: version 1 (01 80 <suite>) or
// version 2 (02 <suite 0478|0578>) with a known algorithm suite. Pure, thread-safe.
bool LooksLikeEncryptionSdkMessage(std::span<const uint8_t> bytes);

}  // namespace kms::emulator
