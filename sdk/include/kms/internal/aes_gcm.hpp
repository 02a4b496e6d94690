// AES-GCM (128/192/256-bit keys) with 96-bit IVs and 128-bit tags, via OpenSSL EVP.
#pragma once

#include <cstdint>
#include <kms/result.hpp>
#include <span>

namespace kms::internal {

inline constexpr size_t kGcmIvSize = 12;
inline constexpr size_t kGcmTagSize = 16;

// Encrypts `plaintext` into `out` (same length) and writes the tag. `key` is 16, 24 or 32 bytes,
// `iv` 12 bytes. `out` may alias `plaintext` exactly. kInternal on OpenSSL failure. Thread-safe.
Status AesGcmEncrypt(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                     std::span<const uint8_t> aad, std::span<const uint8_t> plaintext,
                     std::span<uint8_t> out, std::span<uint8_t, kGcmTagSize> tag);

// Decrypts and authenticates. Returns false when the tag does not verify (then `out` is wiped);
// true on success. Never releases unauthenticated plaintext. Thread-safe.
bool AesGcmDecrypt(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                   std::span<const uint8_t> aad, std::span<const uint8_t> ciphertext,
                   std::span<const uint8_t, kGcmTagSize> tag, std::span<uint8_t> out);

}  // namespace kms::internal
