// SHA-256 and HMAC-SHA256 over OpenSSL EVP, for SigV4 (and anything else needing a digest).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace kms::internal {

inline constexpr size_t kSha256Size = 32;
using Sha256Digest = std::array<uint8_t, kSha256Size>;

// SHA-256 of `data`. Aborts only if OpenSSL itself fails (out of memory). Thread-safe.
Sha256Digest Sha256(std::span<const uint8_t> data);
Sha256Digest Sha256(std::string_view data);

// Lower-case hex SHA-256 of `data`, e.g. "e3b0c442..." for "". Thread-safe.
std::string HexSha256(std::string_view data);

// HMAC-SHA256(key, data). Aborts only if OpenSSL itself fails. Thread-safe.
Sha256Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data);
Sha256Digest HmacSha256(std::span<const uint8_t> key, std::string_view data);

}  // namespace kms::internal
