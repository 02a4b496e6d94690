// Message header serialization and incremental, bounds-checked parsing.
#include "header.hpp"

#include <cstdio>

#include "bytes.hpp"
#include "encryption_context.hpp"

namespace kms::envelope::detail {
namespace {

std::string Hex2(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", v & 0xFF);
  return buf;
}

// A friendlier error for the usual wrong inputs: KMS ciphertext blobs and base64 text.
Error WrongFormat(std::span<const uint8_t> data) {
  if (data.size() >= 4 && data[0] == 0x01 && data[1] == 0x02 && data[2] == 0x02 &&
      data[3] == 0x00) {
    return Malformed(
        "this is an AWS KMS ciphertext blob, not an AWS Encryption SDK message; decrypt it with "
        "KMS Decrypt (kmsctl decrypt)");
  }
  if (data.size() >= 3 && data[0] == 0x28 && data[1] == 0xC4 && data[2] == 0x9E) {
    return Malformed(
        "this is a KMS ciphertext blob of the kms emulator, not an AWS Encryption SDK message; "
        "decrypt it with KMS Decrypt (kmsctl decrypt)");
  }
  if (data.size() >= 2 && data[0] == 'A' && (data[1] == 'Y' || data[1] == 'g')) {
    return Malformed("the message looks base64-encoded; decode it first");
  }
  if (data[0] == 1) return Malformed("unsupported message type " + Hex2(data[1]));
  return Malformed("unsupported message format version " + Hex2(data[0]));
}

// Key Value Pairs (non-empty slice): uint16 count > 0, then exactly that many pairs filling the
// slice, no duplicate keys, UTF-8 strings.
Result<EncryptionContext> ParseContextPairs(std::span<const uint8_t> slice) {
  Reader r(slice);
  auto count = r.U16();
  if (!count) return Malformed("encryption context is truncated");
  if (*count == 0) return Malformed("encryption context has a length but no pairs");
  EncryptionContext context;
  for (uint16_t i = 0; i < *count; ++i) {
    auto key_len = r.U16();
    auto key = key_len ? r.Bytes(*key_len) : std::nullopt;
    auto value_len = key ? r.U16() : std::nullopt;
    auto value = value_len ? r.Bytes(*value_len) : std::nullopt;
    if (!value)
      return Malformed("encryption context pair " + std::to_string(i + 1) +
                       " runs past the context length");
    std::string k = ToString(*key), v = ToString(*value);
    if (!IsValidUtf8(k) || !IsValidUtf8(v)) {
      return Malformed("encryption context holds a string that is not valid UTF-8");
    }
    if (!context.emplace(std::move(k), std::move(v)).second) {
      return Malformed("encryption context has a duplicate key");
    }
  }
  if (r.remaining() != 0) return Malformed("encryption context has bytes after its last pair");
  return context;
}

// The fields every version has after the message id: AAD and encrypted data keys. Returns
// false when the reader ran short (incomplete input).
Result<bool> ParseContextAndKeys(Reader& r, MessageInfo& info, size_t max_edks) {
  auto aad_len = r.U16();
  auto aad = aad_len ? r.Bytes(*aad_len) : std::nullopt;
  if (!aad) return false;
  if (!aad->empty()) {
    auto context = ParseContextPairs(*aad);
    if (!context) return context.error();
    info.encryption_context = std::move(*context);
  }
  auto count = r.U16();
  if (!count) return false;
  if (*count == 0) return Malformed("the header has no encrypted data keys");
  if (max_edks != 0 && *count > max_edks) {
    return MakeError(ErrorCode::kValidation,
                     "Message has " + std::to_string(*count) +
                         " encrypted data keys; the configured maximum is " +
                         std::to_string(max_edks));
  }
  for (uint16_t i = 0; i < *count; ++i) {
    auto id_len = r.U16();
    auto id = id_len ? r.Bytes(*id_len) : std::nullopt;
    auto info_len = id ? r.U16() : std::nullopt;
    auto provider_info = info_len ? r.Bytes(*info_len) : std::nullopt;
    auto ct_len = provider_info ? r.U16() : std::nullopt;
    auto ct = ct_len ? r.Bytes(*ct_len) : std::nullopt;
    if (!ct) return false;
    info.encrypted_data_keys.push_back(
        {ToString(*id), {provider_info->begin(), provider_info->end()}, {ct->begin(), ct->end()}});
  }
  return true;
}

// Content type and frame length must agree.
Status CheckContent(uint8_t content_type, uint32_t frame_length) {
  if (content_type != 1 && content_type != 2) {
    return Malformed("unsupported content type " + Hex2(content_type));
  }
  if (content_type == 1 && frame_length != 0) {
    return Malformed("non-framed message with frame length " + std::to_string(frame_length));
  }
  if (content_type == 2 && frame_length == 0)
    return Malformed("framed message with frame length 0");
  return {};
}

// Version, (type), suite, message id. Returns false when short.
Result<bool> ParsePrefix(Reader& r, MessageInfo& info) {
  auto version = r.U8();
  if (!version) return false;
  if (*version != 1 && *version != 2) {
    return Malformed("unsupported message format version " + Hex2(*version));
  }
  info.message_version = *version;
  if (*version == 1) {
    auto type = r.U8();
    if (!type) return false;
    if (*type != 0x80) return Malformed("unsupported message type " + Hex2(*type));
  }
  auto suite_id = r.U16();
  if (!suite_id) return false;
  info.suite = FindAlgorithmSuite(*suite_id);
  if (info.suite == nullptr) return Malformed("unknown algorithm suite " + SuiteIdHex(*suite_id));
  if (info.suite->message_version != *version) {
    return Malformed("algorithm suite " + SuiteIdHex(*suite_id) + " needs message format version " +
                     std::to_string(info.suite->message_version) + ", the header says " +
                     std::to_string(*version));
  }
  auto id = r.Bytes(info.suite->message_id_length());
  if (!id) return false;
  info.message_id.assign(id->begin(), id->end());
  return true;
}

// Content type .. end of the header body, per version. Returns false when short.
Result<bool> ParseTrailer(Reader& r, MessageInfo& info) {
  auto content_type = r.U8();
  if (!content_type) return false;
  if (info.message_version == 1) {
    auto reserved = r.U32();
    auto iv_len = reserved ? r.U8() : std::nullopt;
    if (!iv_len) return false;
    if (*reserved != 0) return Malformed("reserved header bytes are not zero");
    if (*iv_len != kIvLength) {
      return Malformed("header IV length is " + std::to_string(*iv_len) + "; the suite uses 12");
    }
  }
  auto frame_length = r.U32();
  if (!frame_length) return false;
  if (auto st = CheckContent(*content_type, *frame_length); !st) return st.error();
  info.content_type = static_cast<ContentType>(*content_type);
  info.frame_length = *frame_length;
  if (info.message_version == 2) {
    auto commit = r.Bytes(kCommitKeyLength);
    if (!commit) return false;
    info.commit_key.assign(commit->begin(), commit->end());
  }
  return true;
}

}  // namespace

Error Malformed(const std::string& what) {
  return MakeError(ErrorCode::kInvalidCiphertext, "Malformed message: " + what);
}

Error Truncated(const std::string& where) {
  return MakeError(ErrorCode::kInvalidCiphertext, "Message is truncated: it ends " + where);
}

Result<std::optional<ParsedHeader>> TryParseHeader(std::span<const uint8_t> data, size_t max_edks,
                                                   size_t& needed) {
  ParsedHeader header;
  Reader r(data);
  auto step = [&](Result<bool> ok) -> std::optional<Result<std::optional<ParsedHeader>>> {
    if (!ok) return Result<std::optional<ParsedHeader>>(ok.error());
    if (!*ok) {
      needed = r.needed();
      return Result<std::optional<ParsedHeader>>(std::optional<ParsedHeader>());
    }
    return std::nullopt;
  };
  if (!data.empty() && data[0] != 1 && data[0] != 2) return WrongFormat(data);
  if (data.size() >= 2 && data[0] == 1 && data[1] != 0x80) return WrongFormat(data);
  if (auto out = step(ParsePrefix(r, header.info))) return std::move(*out);
  if (auto out = step(ParseContextAndKeys(r, header.info, max_edks))) return std::move(*out);
  if (auto out = step(ParseTrailer(r, header.info))) return std::move(*out);
  header.body_length = r.pos();
  auto iv = header.info.message_version == 1
                ? r.Bytes(kIvLength)
                : std::optional<std::span<const uint8_t>>(std::span<const uint8_t>());
  auto tag = iv ? r.Bytes(kTagLength) : std::nullopt;
  if (auto out = step(tag.has_value())) return std::move(*out);
  std::copy(iv->begin(), iv->end(), header.header_iv.begin());
  std::copy(tag->begin(), tag->end(), header.header_tag.begin());
  header.info.header_length = r.pos();
  return std::optional<ParsedHeader>(std::move(header));
}

Result<std::vector<uint8_t>> SerializeHeaderBody(const MessageInfo& info,
                                                 std::span<const uint8_t> stored_context) {
  const auto& edks = info.encrypted_data_keys;
  if (edks.size() > 0xFFFF) {
    return MakeError(ErrorCode::kValidation, "More than 65535 encrypted data keys");
  }
  std::vector<uint8_t> out;
  out.push_back(info.message_version);
  if (info.message_version == 1) out.push_back(0x80);
  PutU16(out, info.suite->id_value());
  PutBytes(out, info.message_id);
  PutU16(out, static_cast<uint16_t>(stored_context.size()));
  PutBytes(out, stored_context);
  PutU16(out, static_cast<uint16_t>(edks.size()));
  for (const auto& edk : edks) {
    if (edk.provider_id.size() > 0xFFFF || edk.provider_info.size() > 0xFFFF ||
        edk.ciphertext.size() > 0xFFFF) {
      return MakeError(ErrorCode::kValidation, "Encrypted data key of provider \"" +
                                                   edk.provider_id.substr(0, 64) +
                                                   "\" has a field longer than 65535 bytes");
    }
    PutU16(out, static_cast<uint16_t>(edk.provider_id.size()));
    PutString(out, edk.provider_id);
    PutU16(out, static_cast<uint16_t>(edk.provider_info.size()));
    PutBytes(out, edk.provider_info);
    PutU16(out, static_cast<uint16_t>(edk.ciphertext.size()));
    PutBytes(out, edk.ciphertext);
  }
  out.push_back(static_cast<uint8_t>(ContentType::kFramed));
  if (info.message_version == 1) {
    PutU32(out, 0);
    out.push_back(static_cast<uint8_t>(kIvLength));
  }
  PutU32(out, info.frame_length);
  if (info.message_version == 2) PutBytes(out, info.commit_key);
  return out;
}

}  // namespace kms::envelope::detail
