// SecretBytes: a byte buffer for key material and plaintext that is wiped when it dies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace kms::internal {

// Owns bytes; zeroizes them (OPENSSL_cleanse) on destruction, move-from, resize-down and clear.
// Not copyable implicitly: use Clone() so copies of secrets are visible in code.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t n);  // n zero bytes
  SecretBytes(const uint8_t* data, size_t n);
  explicit SecretBytes(std::span<const uint8_t> bytes) : SecretBytes(bytes.data(), bytes.size()) {}
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  SecretBytes Clone() const { return SecretBytes(data(), size()); }
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  std::span<const uint8_t> span() const { return {bytes_.data(), bytes_.size()}; }
  std::span<uint8_t> span() { return {bytes_.data(), bytes_.size()}; }
  void resize(size_t n);  // grows with zeros; shrinking wipes the cut tail
  void clear();           // wipes and empties

  // Constant-time equality (CRYPTO_memcmp); false when sizes differ.
  bool Equals(std::span<const uint8_t> other) const;

 private:
  void Wipe();
  std::vector<uint8_t> bytes_;
};

}  // namespace kms::internal
