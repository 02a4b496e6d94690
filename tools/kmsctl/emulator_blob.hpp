// The kms-emulator's CiphertextBlob layout, parsed for explanation only (`kmsctl inspect`).
// kmsctl links kms_sdk, never the emulator, so this is a second reading of the layout documented
// in emulator/src/domain/ciphertext_blob.hpp; tests/kmsctl/emulator_blob_test.cpp builds blobs
// with the emulator's own encoder and checks this parser against them, keeping the two in sync.
//
// Version 1 (integers big-endian):  magic 28 C4 9E | version 01 | uint16 L | key ARN (L bytes)
//   | key-material id (32) | IV (12) | AES-256-GCM ciphertext (N = plaintext size) | tag (16)
#pragma once

#include <cstdint>
#include <kms/envelope/message.hpp>
#include <kms/result.hpp>
#include <span>
#include <string>

namespace kms::cli {

inline constexpr uint8_t kEmulatorBlobMagic[] = {0x28, 0xC4, 0x9E};
inline constexpr uint8_t kEmulatorBlobVersion = 0x01;
inline constexpr size_t kEmulatorBlobMaterialIdSize = 32;

using envelope::ByteRange;

// Where each field of an emulator blob is, relative to the blob's first byte.
struct EmulatorBlobMap {
  ByteRange magic, version, arn_length, key_arn, material_id, iv, ciphertext, tag;
  std::string key_arn_text;
  std::string region, account, key_id;  // split out of the ARN (empty when it is not a key ARN)
};

// True when `bytes` start with the emulator blob magic. Pure.
bool LooksLikeEmulatorBlob(std::span<const uint8_t> bytes);

// The fields of a v1 blob. Checks the structure only (nothing is decrypted): magic, version, an
// ARN length of 1..2048 that leaves room for the material id, the IV, at least one ciphertext
// byte and the tag. kInvalidCiphertext "Not a kms-emulator ciphertext blob: <why>" otherwise.
// Pure, thread-safe.
Result<EmulatorBlobMap> ParseEmulatorBlob(std::span<const uint8_t> blob);

}  // namespace kms::cli
