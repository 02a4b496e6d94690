// Incremental message encryption: header, frames of frame_length plaintext bytes encrypted
// straight from the caller's buffer into the output, final frame, footer.
#include "encrypt_core.hpp"

#include <cstring>
#include <kms/internal/random.hpp>

#include "bytes.hpp"
#include "encryption_context.hpp"
#include "header.hpp"
#include "materials.hpp"

namespace kms::envelope::detail {
namespace {

constexpr size_t kMaxFooterSize = 2 + 128;  // DER ECDSA P-384 signatures are at most 104 bytes

void AppendBytes(OutputBuffer<std::vector<uint8_t>>& out, std::span<const uint8_t> bytes) {
  if (!bytes.empty()) std::memcpy(out.Append(bytes.size()), bytes.data(), bytes.size());
}

}  // namespace

Status EncryptCore::Start(const Keyring& keyring, const EncryptOptions& options) {
  auto prepared = GetEncryptionMaterials(keyring, options);
  if (!prepared) return prepared.error();
  auto& m = prepared->materials;
  info_.suite = m.suite;
  info_.message_version = m.suite->message_version;
  info_.message_id.resize(m.suite->message_id_length());
  if (auto st = internal::RandomFill(info_.message_id); !st) return st;
  info_.encrypted_data_keys = std::move(m.encrypted_data_keys);
  info_.content_type = ContentType::kFramed;
  info_.frame_length = options.frame_length;
  auto keys = DeriveMessageKeys(*m.suite, m.plaintext_data_key.span(), info_.message_id);
  if (!keys) return keys.error();
  info_.commit_key = keys->commit_key;
  if (auto st = AppendHeader(m, keys->encryption_key.span()); !st) return st;
  info_.encryption_context = std::move(m.encryption_context);
  info_.required_context_keys = std::move(m.required_context_keys);
  if (auto st = cipher_.Init(keys->encryption_key.span(), true); !st) return st;
  if (m.suite->is_signed()) {
    if (auto st = hash_.Init(m.suite->signature); !st) return st;
    hash_.Update({out_->data(), out_->end()});
    signing_key_ = std::move(prepared->signing_key);
  }
  out_->Commit();
  return {};
}

// Header body (stored context only), then the tag over body || required pairs.
Status EncryptCore::AppendHeader(const EncryptionMaterials& m, std::span<const uint8_t> key) {
  auto stored = SerializeEncryptionContext(
      FilterContext(m.encryption_context, m.required_context_keys, false));
  if (!stored) return stored.error();
  auto required = SerializeEncryptionContext(
      FilterContext(m.encryption_context, m.required_context_keys, true));
  if (!required) return required.error();
  auto body = SerializeHeaderBody(info_, *stored);
  if (!body) return body.error();
  std::array<uint8_t, kIvLength> iv{};
  std::array<uint8_t, kTagLength> tag{};
  if (auto st = ComputeHeaderTag(key, iv, *body, *required, tag); !st) return st;
  AppendBytes(*out_, *body);
  if (info_.message_version == 1) AppendBytes(*out_, iv);
  AppendBytes(*out_, tag);
  info_.header_length = out_->end();
  return {};
}

Status EncryptCore::Update(std::span<const uint8_t> plaintext) {
  if (finished_) return MakeError(ErrorCode::kValidation, "The message is already finished");
  const size_t frame = info_.frame_length;
  while (!plaintext.empty()) {
    if (partial_len_ == 0 && plaintext.size() >= frame) {
      if (auto st = EmitFrame(plaintext.first(frame), false); !st) return st;
      plaintext = plaintext.subspan(frame);
      continue;
    }
    size_t take = std::min(frame - partial_len_, plaintext.size());
    if (partial_.size() < partial_len_ + take) {
      partial_.resize(std::min(frame, std::max(partial_len_ + take, 2 * partial_.size())));
    }
    std::memcpy(partial_.data() + partial_len_, plaintext.data(), take);
    partial_len_ += take;
    plaintext = plaintext.subspan(take);
    if (partial_len_ == frame) {
      if (auto st = EmitFrame(partial_.span().first(frame), false); !st) return st;
      partial_len_ = 0;
    }
  }
  return {};
}

Status EncryptCore::Finish() {
  if (finished_) return MakeError(ErrorCode::kValidation, "The message is already finished");
  if (auto st = EmitFrame(partial_.span().first(partial_len_), true); !st) return st;
  partial_.clear();
  partial_len_ = 0;
  finished_ = true;
  if (!signing_key_) return {};
  auto digest = hash_.Final();
  if (!digest) return digest.error();
  auto signature = SignDigest(signing_key_->key.get(), info_.suite->signature, *digest);
  if (!signature) return signature.error();
  uint8_t length[2] = {static_cast<uint8_t>(signature->size() >> 8),
                       static_cast<uint8_t>(signature->size())};
  AppendBytes(*out_, length);
  AppendBytes(*out_, *signature);
  out_->Commit();
  return {};
}

Status EncryptCore::EmitFrame(std::span<const uint8_t> plaintext, bool final) {
  if (!final && sequence_ == 0xFFFFFFFF) {
    return MakeError(ErrorCode::kValidation,
                     "Plaintext too long: a message holds at most 2^32 - 1 frames");
  }
  const size_t head = final ? 4 + 4 + kIvLength + 4 : 4 + kIvLength;
  const size_t start = out_->end();
  uint8_t* p = out_->Append(head + plaintext.size() + kTagLength);
  auto iv = FrameIv(sequence_);
  uint8_t* iv_at = p + (final ? 8 : 4);
  if (final) {
    StoreU32(p, 0xFFFFFFFF);
    StoreU32(p + 4, sequence_);
    StoreU32(p + 20, static_cast<uint32_t>(plaintext.size()));
  } else {
    StoreU32(p, sequence_);
  }
  std::memcpy(iv_at, iv.data(), iv.size());
  uint8_t aad[kMaxBodyAad];
  size_t aad_len =
      BuildBodyAad(aad, info_.message_id, final ? BodyAadKind::kFinalFrame : BodyAadKind::kFrame,
                   sequence_, plaintext.size());
  uint8_t* ct = p + head;
  if (!cipher_.Begin(iv, {aad, aad_len}) || !cipher_.Update(plaintext, ct) ||
      !cipher_.FinishEncrypt(std::span<uint8_t, kTagLength>(ct + plaintext.size(), kTagLength))) {
    return MakeError(ErrorCode::kInternal, "AES-GCM frame encryption failed (OpenSSL)");
  }
  if (hash_.active()) hash_.Update({out_->data() + start, out_->end() - start});
  out_->Commit();
  ++sequence_;
  return {};
}

uint64_t EncryptCore::MessageSizeBound(uint64_t header_size, uint64_t plaintext_size) const {
  const uint64_t frame = info_.frame_length;
  uint64_t regular = plaintext_size / frame;
  return header_size + regular * (4 + kIvLength + frame + kTagLength) + 4 + 4 + kIvLength + 4 +
         plaintext_size % frame + kTagLength + (info_.suite->is_signed() ? kMaxFooterSize : 0);
}

}  // namespace kms::envelope::detail
