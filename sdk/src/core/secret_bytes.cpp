// SecretBytes: zeroizing storage for key material and plaintext.
#include <openssl/crypto.h>

#include <cstring>
#include <kms/internal/secret_bytes.hpp>

namespace kms::internal {

SecretBytes::SecretBytes(size_t n) : bytes_(n, 0) {}

SecretBytes::SecretBytes(const uint8_t* data, size_t n) : bytes_(n) {
  if (n != 0) std::memcpy(bytes_.data(), data, n);
}

SecretBytes::~SecretBytes() { Wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

void SecretBytes::Wipe() {
  // Cleanse the whole capacity: earlier shrinking may have left secrets past size().
  if (bytes_.capacity() != 0) OPENSSL_cleanse(bytes_.data(), bytes_.capacity());
}

void SecretBytes::resize(size_t n) {
  if (n < bytes_.size()) {
    OPENSSL_cleanse(bytes_.data() + n, bytes_.size() - n);
    bytes_.resize(n);
    return;
  }
  if (n > bytes_.capacity()) {
    // Grow by hand so the old buffer is wiped before it is freed.
    std::vector<uint8_t> bigger(n, 0);
    if (!bytes_.empty()) std::memcpy(bigger.data(), bytes_.data(), bytes_.size());
    Wipe();
    bytes_.swap(bigger);
    return;
  }
  bytes_.resize(n, 0);
}

void SecretBytes::clear() {
  Wipe();
  bytes_.clear();
}

bool SecretBytes::Equals(std::span<const uint8_t> other) const {
  if (other.size() != bytes_.size()) return false;
  if (bytes_.empty()) return true;
  return CRYPTO_memcmp(bytes_.data(), other.data(), bytes_.size()) == 0;
}

}  // namespace kms::internal
