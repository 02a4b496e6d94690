// The encryption context of the symmetric operations and its canonical byte encoding, which every
// ciphertext blob binds as AES-GCM additional authenticated data (see ciphertext_blob.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kms::emulator {

// Keys are unique and std::map orders them by their bytes (char_traits<char> compares as unsigned
// char), which is the canonical order. AWS: keys and values are case-sensitive, and an empty map
// is the same context as none.
using EncryptionContext = std::map<std::string, std::string>;

// Canonical encoding, version 1 (a public promise: blobs depend on it):
//
//   u32 count
//   count times, keys in ascending byte order:  u32 key_len || key || u32 value_len || value
//
// All integers are unsigned big-endian. Every key and value carries its length, so the encoding
// is injective: {"a":"b"} and {"ab":""} encode differently (key||value concatenation, which other
// emulators use, makes them collide). The empty context encodes as 00 00 00 00.

// Exact size of the encoding. Pure, thread-safe.
size_t EncodedEncryptionContextSize(const EncryptionContext& context);

// Appends the encoding to `out` (one reserve, no other allocation). Thread-safe for distinct
// `out`.
void AppendEncryptionContext(const EncryptionContext& context, std::vector<uint8_t>& out);

// The encoding in a new buffer. Thread-safe.
std::vector<uint8_t> EncodeEncryptionContext(const EncryptionContext& context);

// The inverse of EncodeEncryptionContext: nullopt unless `bytes` is exactly the canonical encoding
// of some context (keys strictly ascending, no trailing bytes). Thread-safe.
std::optional<EncryptionContext> DecodeEncryptionContext(std::span<const uint8_t> bytes);

}  // namespace kms::emulator
