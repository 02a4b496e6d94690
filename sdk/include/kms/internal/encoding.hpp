// Base64 (RFC 4648, standard alphabet with padding) and lower-case hex.
#pragma once

#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kms::internal {

std::string Base64Encode(std::span<const uint8_t> bytes);

// Length of the base64 text of n bytes (with padding). Pure.
constexpr size_t Base64EncodedSize(size_t n) { return (n + 2) / 3 * 4; }

// Writes the base64 text of `bytes` to `out`, which has room for Base64EncodedSize(bytes.size())
// chars; no allocation, so callers can encode straight into a response buffer. Thread-safe.
void Base64EncodeInto(std::span<const uint8_t> bytes, char* out);
inline std::string Base64Encode(std::string_view s) {
  return Base64Encode({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

// Strict decoding: standard alphabet, '=' padding required to a multiple of 4, no whitespace.
// nullopt on any deviation.
std::optional<std::vector<uint8_t>> Base64Decode(std::string_view text);

// Same, into zeroizing memory (for plaintext fields).
std::optional<SecretBytes> Base64DecodeSecret(std::string_view text);

// Exact number of bytes `text` decodes to, or nullopt if it is not valid base64; no allocation.
std::optional<size_t> Base64DecodedSize(std::string_view text);

std::string HexEncode(std::span<const uint8_t> bytes);
std::optional<std::vector<uint8_t>> HexDecode(std::string_view text);

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace kms::internal
