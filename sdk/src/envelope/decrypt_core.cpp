// Incremental message decryption and inspection (client-apis/decrypt.md): parse the header,
// get the data key, check the key commitment and header tag, then frames and footer.
#include "decrypt_core.hpp"

#include <openssl/crypto.h>

#include "bytes.hpp"
#include "encryption_context.hpp"
#include "materials.hpp"

namespace kms::envelope::detail {
namespace {

constexpr uint32_t kFinalFrameMarker = 0xFFFFFFFF;
constexpr uint64_t kMaxNonFramedContent = (uint64_t{1} << 36) - 32;
constexpr size_t kRegularHeadSize = 4 + kIvLength;        // sequence number, IV
constexpr size_t kFinalHeadSize = 4 + 4 + kIvLength + 4;  // marker, seq, IV, length
constexpr size_t kNonFramedHeadSize = kIvLength + 8;      // IV, content length

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidCiphertext, std::move(message));
}

}  // namespace

DecryptCore::DecryptCore(Mode mode, const Keyring* keyring, const DecryptOptions& options,
                         OutputBuffer<internal::SecretBytes>* out)
    : mode_(mode), keyring_(keyring), options_(options), out_(out) {}

Status DecryptCore::Fail(Error error) {
  if (!failed_) {
    failed_ = true;
    error_ = std::move(error);
    if (out_ != nullptr) out_->WipeAll();
  }
  return error_;
}

Status DecryptCore::Update(std::span<const uint8_t> data) {
  if (failed_) return error_;
  size_t pos = 0;
  hash_start_ = 0;
  while (pos < data.size()) {
    bool was_hashing = hashing_;
    if (auto st = Step(data, pos); !st) return Fail(st.error());
    if (!was_hashing && hashing_) hash_start_ = pos;  // the header was just hashed whole
    if (was_hashing && !hashing_) hash_.Update(data.subspan(hash_start_, pos - hash_start_));
  }
  if (hashing_) hash_.Update(data.subspan(hash_start_));
  consumed_ += data.size();
  return {};
}

Status DecryptCore::Finish() {
  if (failed_) return error_;
  if (state_ != State::kDone) return Fail(Truncated(Position()));
  return {};
}

std::string DecryptCore::Position() const {
  bool framed = header_done_ && info_.content_type == ContentType::kFramed;
  switch (state_) {
    case State::kHeader:
      return "in the header";
    case State::kFrameHead:
      if (field_len_ == 0) return "before the final frame";
      return "in frame " + std::to_string(expected_sequence_);
    case State::kContent:
    case State::kTag:
      if (framed) return "in frame " + std::to_string(sequence_);
      return "in the message body";
    case State::kNonFramedHead:
      return "in the message body";
    case State::kFooterLength:
    case State::kFooter:
      return "in the footer";
    case State::kDone:
      break;
  }
  return "after the message";
}

Status DecryptCore::Step(std::span<const uint8_t> data, size_t& pos) {
  switch (state_) {
    case State::kHeader:
      return StepHeader(data, pos);
    case State::kFrameHead:
      return Collect(data, pos) ? OnFrameHead() : Status();
    case State::kNonFramedHead:
      return Collect(data, pos) ? OnNonFramedHead() : Status();
    case State::kContent:
      return StepContent(data, pos);
    case State::kTag:
      return Collect(data, pos) ? OnTag() : Status();
    case State::kFooterLength:
    case State::kFooter:
      return StepFooter(data, pos);
    case State::kDone:
      break;
  }
  return Malformed("bytes follow the end of the message");
}

bool DecryptCore::Collect(std::span<const uint8_t> data, size_t& pos) {
  size_t n = std::min(field_need_ - field_len_, data.size() - pos);
  std::memcpy(field_.data() + field_len_, data.data() + pos, n);
  field_len_ += n;
  pos += n;
  return field_len_ == field_need_;
}

// Parses straight from `data` when the header arrives whole; otherwise buffers it, retrying
// once the buffer reaches the size the last attempt asked for.
Status DecryptCore::StepHeader(std::span<const uint8_t> data, size_t& pos) {
  size_t need = 0;
  if (header_buf_.empty()) {
    auto rest = data.subspan(pos);
    auto parsed = TryParseHeader(rest, options_.max_encrypted_data_keys, need);
    if (!parsed) return parsed.error();
    if (*parsed) {
      auto bytes = rest.first((*parsed)->info.header_length);
      pos += bytes.size();
      return OnHeader(std::move(**parsed), bytes);
    }
    header_buf_.assign(rest.begin(), rest.end());
    header_need_ = need;
    pos = data.size();
    return {};
  }
  header_buf_.insert(header_buf_.end(), data.begin() + static_cast<ptrdiff_t>(pos), data.end());
  pos = data.size();
  if (header_buf_.size() < header_need_) return {};
  auto parsed = TryParseHeader(header_buf_, options_.max_encrypted_data_keys, need);
  if (!parsed) return parsed.error();
  if (!*parsed) {
    header_need_ = need;
    return {};
  }
  // Give back the body bytes appended past the header (all came from this call's `data`).
  size_t length = (*parsed)->info.header_length;
  pos -= header_buf_.size() - length;
  header_buf_.resize(length);
  auto st = OnHeader(std::move(**parsed), header_buf_);
  std::vector<uint8_t>().swap(header_buf_);
  return st;
}

Status DecryptCore::OnHeader(ParsedHeader header, std::span<const uint8_t> bytes) {
  const AlgorithmSuite& suite = *header.info.suite;
  if (mode_ == Mode::kInspect) {
    auto key = MessageVerificationKey(header);
    if (!key) return key.error();
    verification_key_ = std::move(*key);
    info_ = std::move(header.info);
  } else {
    if (!PolicyAllowsDecrypt(options_.commitment_policy, suite)) {
      return MakeError(
          ErrorCode::kValidation,
          "Commitment policy " + std::string(CommitmentPolicyName(options_.commitment_policy)) +
              " forbids decrypting non-committing algorithm suite " + SuiteIdHex(suite.id_value()));
    }
    if (options_.refuse_signed_suites && suite.is_signed()) {
      return MakeError(ErrorCode::kValidation, "Algorithm suite " + SuiteIdHex(suite.id_value()) +
                                                   " is signed; the options refuse signed suites");
    }
    if (auto st = AuthenticateHeader(header, bytes); !st) return st;
  }
  if (suite.is_signed()) {
    if (auto st = hash_.Init(suite.signature); !st) return st;
    hash_.Update(bytes);
    hashing_ = true;
  }
  header_done_ = true;
  bool framed = info_.content_type == ContentType::kFramed;
  state_ = framed ? State::kFrameHead : State::kNonFramedHead;
  final_frame_ = !framed;
  field_len_ = 0;
  field_need_ = framed ? 4 : kNonFramedHeadSize;
  return {};
}

Status DecryptCore::AuthenticateHeader(const ParsedHeader& header, std::span<const uint8_t> bytes) {
  auto prepared = GetDecryptionMaterials(*keyring_, header, options_);
  if (!prepared) return prepared.error();
  const auto& m = prepared->materials;
  auto keys = DeriveMessageKeys(*m.suite, m.plaintext_data_key.span(), header.info.message_id);
  if (!keys) return keys.error();
  if (m.suite->committing && CRYPTO_memcmp(keys->commit_key.data(), header.info.commit_key.data(),
                                           kCommitKeyLength) != 0) {
    return Invalid("Key commitment does not match the data key");
  }
  auto required = SerializeEncryptionContext(
      FilterContext(m.encryption_context, m.required_context_keys, true));
  if (!required) return required.error();
  std::array<uint8_t, kIvLength> zero_iv{};
  auto iv = header.info.message_version == 1 ? header.header_iv : zero_iv;
  if (!VerifyHeaderTag(keys->encryption_key.span(), iv, bytes.first(header.body_length), *required,
                       header.header_tag)) {
    return Invalid("Header authentication failed");
  }
  if (auto st = cipher_.Init(keys->encryption_key.span(), false); !st) return st;
  verification_key_ = std::move(prepared->verification_key);
  info_ = header.info;
  info_.encryption_context = m.encryption_context;
  info_.required_context_keys = m.required_context_keys;
  return {};
}

Status DecryptCore::OnFrameHead() {
  if (field_need_ == 4) {  // sequence number or final-frame marker read: now the rest
    final_frame_ = LoadU32(field_.data()) == kFinalFrameMarker;
    field_need_ = final_frame_ ? kFinalHeadSize : kRegularHeadSize;
    return {};
  }
  uint32_t sequence = LoadU32(field_.data() + (final_frame_ ? 4 : 0));
  if (sequence != expected_sequence_) {
    return Malformed("frame sequence number " + std::to_string(sequence) + " where " +
                     std::to_string(expected_sequence_) + " was expected");
  }
  if (!final_frame_) return StartContent(sequence, info_.frame_length, field_.data() + 4);
  uint32_t length = LoadU32(field_.data() + 20);
  if (length > info_.frame_length) {
    return Malformed("final frame content length " + std::to_string(length) +
                     " exceeds the frame length " + std::to_string(info_.frame_length));
  }
  return StartContent(sequence, length, field_.data() + 8);
}

Status DecryptCore::OnNonFramedHead() {
  uint64_t length = LoadU64(field_.data() + kIvLength);
  if (length > kMaxNonFramedContent) {
    return Malformed("non-framed content length " + std::to_string(length) +
                     " exceeds 2^36 - 32 bytes");
  }
  return StartContent(1, length, field_.data());
}

Status DecryptCore::StartContent(uint32_t sequence_number, uint64_t length, const uint8_t* iv) {
  sequence_ = sequence_number;
  if (mode_ == Mode::kDecrypt) {
    BodyAadKind kind = info_.content_type == ContentType::kNonFramed ? BodyAadKind::kSingleBlock
                       : final_frame_                                ? BodyAadKind::kFinalFrame
                                                                     : BodyAadKind::kFrame;
    uint8_t aad[kMaxBodyAad];
    size_t aad_len = BuildBodyAad(aad, info_.message_id, kind, sequence_number, length);
    if (!cipher_.Begin({iv, kIvLength}, {aad, aad_len})) {
      return MakeError(ErrorCode::kInternal, "AES-GCM frame setup failed (OpenSSL)");
    }
  }
  content_remaining_ = length;
  field_len_ = 0;
  field_need_ = kTagLength;
  state_ = length == 0 ? State::kTag : State::kContent;
  return {};
}

Status DecryptCore::StepContent(std::span<const uint8_t> data, size_t& pos) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(content_remaining_, data.size() - pos));
  if (mode_ == Mode::kDecrypt) {
    uint8_t* dst = out_->Append(n);
    if (!cipher_.Update(data.subspan(pos, n), dst)) {
      return MakeError(ErrorCode::kInternal, "AES-GCM decryption failed (OpenSSL)");
    }
  }
  pos += n;
  content_remaining_ -= n;
  content_length_ += n;
  if (content_remaining_ == 0) state_ = State::kTag;
  return {};
}

Status DecryptCore::OnTag() {
  bool framed = info_.content_type == ContentType::kFramed;
  if (mode_ == Mode::kDecrypt &&
      !cipher_.FinishDecrypt(std::span<const uint8_t, kTagLength>(field_.data(), kTagLength))) {
    out_->DropPending();
    if (!framed) return Invalid("Message body failed authentication");
    return Invalid("Frame " + std::to_string(sequence_) + " failed authentication");
  }
  if (framed) ++frame_count_;
  field_len_ = 0;
  if (!final_frame_) {
    ++expected_sequence_;
    if (mode_ == Mode::kDecrypt) out_->Commit();
    state_ = State::kFrameHead;
    field_need_ = 4;
    return {};
  }
  return OnBodyEnd();
}

// Unsigned messages end with the body; signed ones keep the last plaintext pending until the
// footer signature verifies.
Status DecryptCore::OnBodyEnd() {
  hashing_ = false;
  if (info_.suite->is_signed()) {
    state_ = State::kFooterLength;
    field_need_ = 2;
    return {};
  }
  if (mode_ == Mode::kDecrypt) out_->Commit();
  state_ = State::kDone;
  return {};
}

Status DecryptCore::StepFooter(std::span<const uint8_t> data, size_t& pos) {
  if (state_ == State::kFooterLength) {
    if (!Collect(data, pos)) return {};
    footer_need_ = LoadU16(field_.data());
    state_ = State::kFooter;
    if (footer_need_ == 0) return OnSignature();
    return {};
  }
  size_t n = std::min(footer_need_ - footer_.size(), data.size() - pos);
  footer_.insert(footer_.end(), data.begin() + static_cast<ptrdiff_t>(pos),
                 data.begin() + static_cast<ptrdiff_t>(pos + n));
  pos += n;
  return footer_.size() == footer_need_ ? OnSignature() : Status();
}

Status DecryptCore::OnSignature() {
  auto digest = hash_.Final();
  if (!digest) return digest.error();
  if (!VerifyDigest(verification_key_.get(), info_.suite->signature, *digest, footer_)) {
    if (mode_ == Mode::kDecrypt) out_->DropPending();
    return Invalid("Signature verification failed");
  }
  if (mode_ == Mode::kDecrypt) out_->Commit();
  state_ = State::kDone;
  return {};
}

}  // namespace kms::envelope::detail
