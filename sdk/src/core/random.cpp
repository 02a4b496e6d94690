// Random bytes and UUIDs from OpenSSL's DRBG.
#include <openssl/rand.h>

#include <climits>
#include <cstdlib>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>

namespace kms::internal {

Status RandomFill(std::span<uint8_t> out) {
  if (out.empty()) return {};
  if (out.size() > INT_MAX || RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return MakeError(ErrorCode::kInternal, "random number generator failed");
  }
  return {};
}

Result<SecretBytes> RandomSecret(size_t n) {
  SecretBytes out(n);
  if (auto st = RandomFill(out.span()); !st) return st.error();
  return out;
}

std::string RandomUuid() {
  uint8_t b[16];
  if (RAND_bytes(b, sizeof b) != 1) std::abort();  // no safe way to go on without randomness
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  std::string hex = HexEncode(b);
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
         hex.substr(16, 4) + '-' + hex.substr(20, 12);
}

}  // namespace kms::internal
