// The incremental message decryptor behind Decrypt, StreamDecryptor and InspectMessage: a state
// machine over header, frames (or the non-framed body) and footer that accepts bytes in chunks
// of any size, buffering only partial fields, and never commits unauthenticated plaintext.
#pragma once

#include <array>
#include <cstdint>
#include <kms/envelope/encryptor.hpp>
#include <kms/internal/openssl_ptr.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <optional>
#include <span>
#include <vector>

#include "crypto.hpp"
#include "header.hpp"
#include "output_buffer.hpp"

namespace kms::envelope::detail {

class DecryptCore {
 public:
  enum class Mode { kDecrypt, kInspect };

  // kDecrypt: `keyring` and `out` must outlive the core; plaintext is appended to `out` as
  // pending and committed once it may be released. kInspect: no keyring, no output; only the
  // structure and the signature are checked.
  DecryptCore(Mode mode, const Keyring* keyring, const DecryptOptions& options,
              OutputBuffer<internal::SecretBytes>* out);

  // Consumes bytes; the first error is sticky (every later call returns it) and wipes `out`.
  Status Update(std::span<const uint8_t> data);
  // Fails unless the whole message was consumed and verified.
  Status Finish();

  // The header, once authenticated (kDecrypt) or parsed (kInspect); else nullptr.
  const MessageInfo* header() const { return header_done_ ? &info_ : nullptr; }
  bool done() const { return state_ == State::kDone; }
  uint64_t frame_count() const { return frame_count_; }
  uint64_t content_length() const { return content_length_; }
  size_t message_length() const { return consumed_; }
  size_t buffered_bytes() const { return header_buf_.capacity() + footer_.capacity(); }

 private:
  enum class State {
    kHeader,
    kFrameHead,
    kNonFramedHead,
    kContent,
    kTag,
    kFooterLength,
    kFooter,
    kDone
  };

  Status Fail(Error error);
  Status Step(std::span<const uint8_t> data, size_t& pos);
  Status StepHeader(std::span<const uint8_t> data, size_t& pos);
  Status OnHeader(ParsedHeader header, std::span<const uint8_t> bytes);
  Status AuthenticateHeader(const ParsedHeader& header, std::span<const uint8_t> bytes);
  bool Collect(std::span<const uint8_t> data, size_t& pos);
  Status OnFrameHead();
  Status OnNonFramedHead();
  Status StartContent(uint32_t sequence_number, uint64_t length, const uint8_t* iv);
  Status StepContent(std::span<const uint8_t> data, size_t& pos);
  Status OnTag();
  Status OnBodyEnd();
  Status StepFooter(std::span<const uint8_t> data, size_t& pos);
  Status OnSignature();
  std::string Position() const;

  Mode mode_;
  const Keyring* keyring_;
  DecryptOptions options_;
  OutputBuffer<internal::SecretBytes>* out_;

  State state_ = State::kHeader;
  bool failed_ = false;
  Error error_;
  std::vector<uint8_t> header_buf_;
  size_t header_need_ = 1;
  bool header_done_ = false;
  MessageInfo info_;

  FrameCipher cipher_;
  SignatureHash hash_;
  internal::PkeyPtr verification_key_;
  bool hashing_ = false;  // body bytes still go into the signature hash
  size_t hash_start_ = 0;

  std::array<uint8_t, 24> field_{};
  size_t field_len_ = 0;
  size_t field_need_ = 0;
  uint32_t expected_sequence_ = 1;
  uint32_t sequence_ = 0;
  bool final_frame_ = false;  // the current frame is the final one (or the non-framed body)
  uint64_t content_remaining_ = 0;
  uint64_t frame_count_ = 0;
  uint64_t content_length_ = 0;
  size_t consumed_ = 0;
  std::vector<uint8_t> footer_;
  size_t footer_need_ = 0;
};

}  // namespace kms::envelope::detail
