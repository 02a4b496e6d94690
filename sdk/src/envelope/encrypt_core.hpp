// The incremental message encryptor behind Encrypt and StreamEncryptor (client-apis/encrypt.md):
// header from the materials, then regular frames as plaintext arrives, then the final frame and
// the footer signature.
#pragma once

#include <cstdint>
#include <kms/envelope/encryptor.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <optional>
#include <span>
#include <vector>

#include "crypto.hpp"
#include "output_buffer.hpp"

namespace kms::envelope::detail {

class EncryptCore {
 public:
  explicit EncryptCore(OutputBuffer<std::vector<uint8_t>>* out) : out_(out) {}

  // Gets the materials from `keyring` and appends the header to the output. Errors as Encrypt's.
  Status Start(const Keyring& keyring, const EncryptOptions& options);
  // Appends a regular frame for every frame's worth of plaintext; keeps the rest.
  Status Update(std::span<const uint8_t> plaintext);
  // Appends the final frame (with the kept plaintext) and the footer.
  Status Finish();

  const MessageInfo& header() const { return info_; }
  size_t buffered_bytes() const { return partial_.size(); }
  // Bytes of the message for `plaintext_size` bytes after a header of `header_size`, signature
  // at its largest.
  uint64_t MessageSizeBound(uint64_t header_size, uint64_t plaintext_size) const;

 private:
  Status AppendHeader(const EncryptionMaterials& materials, std::span<const uint8_t> key);
  Status EmitFrame(std::span<const uint8_t> plaintext, bool final);

  OutputBuffer<std::vector<uint8_t>>* out_;
  MessageInfo info_;
  FrameCipher cipher_;
  SignatureHash hash_;
  std::optional<SigningKey> signing_key_;
  internal::SecretBytes partial_;  // plaintext of the current frame, when split across Updates
  size_t partial_len_ = 0;
  uint32_t sequence_ = 1;
  bool finished_ = false;
};

}  // namespace kms::envelope::detail
