// One-shot Encrypt, Decrypt and InspectMessage over the incremental cores: the output buffer is
// the result itself, so plaintext and ciphertext are written once, in place.
#include <kms/envelope/encryptor.hpp>

#include "decrypt_core.hpp"
#include "encrypt_core.hpp"

namespace kms::envelope {

Result<EncryptResult> Encrypt(const Keyring& keyring, std::span<const uint8_t> plaintext,
                              const EncryptOptions& options) {
  detail::OutputBuffer<std::vector<uint8_t>> out(nullptr, 0);
  detail::EncryptCore core(&out);
  if (auto st = core.Start(keyring, options); !st) return st.error();
  out.Reserve(static_cast<size_t>(core.MessageSizeBound(out.end(), plaintext.size())));
  if (auto st = core.Update(plaintext); !st) return st.error();
  if (auto st = core.Finish(); !st) return st.error();
  return EncryptResult{out.TakeCommitted(), core.header()};
}

Result<DecryptResult> Decrypt(const Keyring& keyring, std::span<const uint8_t> message,
                              const DecryptOptions& options) {
  detail::OutputBuffer<internal::SecretBytes> out(nullptr, 0);
  out.Reserve(message.size());  // plaintext is never longer than its message
  detail::DecryptCore core(detail::DecryptCore::Mode::kDecrypt, &keyring, options, &out);
  if (auto st = core.Update(message); !st) return st.error();
  if (auto st = core.Finish(); !st) return st.error();
  return DecryptResult{out.TakeCommitted(), *core.header()};
}

Result<MessageLayout> InspectMessage(std::span<const uint8_t> message) {
  detail::DecryptCore core(detail::DecryptCore::Mode::kInspect, nullptr, DecryptOptions{}, nullptr);
  if (auto st = core.Update(message); !st) return st.error();
  if (auto st = core.Finish(); !st) return st.error();
  MessageLayout layout;
  layout.header = *core.header();
  layout.frame_count = core.frame_count();
  layout.content_length = core.content_length();
  layout.message_length = core.message_length();
  layout.has_signature = layout.header.suite->is_signed();
  return layout;
}

}  // namespace kms::envelope
