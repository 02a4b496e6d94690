// Ed25519ph (RFC 8032 section 5.1, pre-hashed with SHA-512, empty context), which OpenSSL 3.0
// lacks: curve arithmetic over OpenSSL BIGNUMs. Not constant-time: an emulator signs test data.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace kms::emulator {

inline constexpr size_t kEd25519KeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

// The Ed25519ph signature of `message` (PH(M) = SHA-512(M)) under the 32-byte private key `seed`
// (RFC 8032's secret key). nullopt only if OpenSSL fails (out of memory). Thread-safe.
std::optional<std::array<uint8_t, kEd25519SignatureSize>> Ed25519phSign(
    std::span<const uint8_t, kEd25519KeySize> seed, std::span<const uint8_t> message);

// True when `signature` is a valid Ed25519ph signature of `message` under the 32-byte encoded
// public key; false for any malformed key or signature. Thread-safe.
bool Ed25519phVerify(std::span<const uint8_t, kEd25519KeySize> public_key,
                     std::span<const uint8_t> message, std::span<const uint8_t> signature);

}  // namespace kms::emulator
