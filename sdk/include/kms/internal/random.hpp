// Cryptographically secure random bytes from OpenSSL's DRBG.
#pragma once

#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <span>
#include <string>

namespace kms::internal {

// Fills `out` with RAND_bytes. kInternal error if the DRBG fails. Thread-safe.
Status RandomFill(std::span<uint8_t> out);

// n random bytes in a SecretBytes. Thread-safe.
Result<SecretBytes> RandomSecret(size_t n);

// A random RFC 4122 version-4 UUID in lower-case 8-4-4-4-12 form. Thread-safe.
std::string RandomUuid();

}  // namespace kms::internal
