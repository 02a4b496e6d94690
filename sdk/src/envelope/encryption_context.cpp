// Encryption context serialization (framework/structures.md) and UTF-8 validation.
#include "encryption_context.hpp"

#include "bytes.hpp"

namespace kms::envelope {
namespace detail {

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    unsigned c = *p++;
    if (c < 0x80) continue;
    size_t extra;
    unsigned min, cp;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < extra) return false;
    for (size_t i = 0; i < extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    p += extra;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  }
  return true;
}

Status CheckContextStrings(const EncryptionContext& context) {
  for (const auto& [key, value] : context) {
    if (!IsValidUtf8(key)) {
      return MakeError(ErrorCode::kValidation, "Encryption context key is not valid UTF-8");
    }
    if (!IsValidUtf8(value)) {
      return MakeError(ErrorCode::kValidation,
                       "Encryption context value of key \"" + key + "\" is not valid UTF-8");
    }
  }
  return {};
}

EncryptionContext FilterContext(const EncryptionContext& context, const std::set<std::string>& keys,
                                bool keep) {
  EncryptionContext out;
  for (const auto& [key, value] : context) {
    if ((keys.count(key) != 0) == keep) out.emplace(key, value);
  }
  return out;
}

}  // namespace detail

Result<std::vector<uint8_t>> SerializeEncryptionContext(const EncryptionContext& context) {
  std::vector<uint8_t> out;
  if (context.empty()) return out;
  if (auto st = detail::CheckContextStrings(context); !st) return st.error();
  if (context.size() > 0xFFFF) {
    return MakeError(ErrorCode::kValidation, "Encryption context has more than 65535 pairs");
  }
  detail::PutU16(out, static_cast<uint16_t>(context.size()));
  for (const auto& [key, value] : context) {
    if (key.size() > 0xFFFF || value.size() > 0xFFFF) {
      return MakeError(ErrorCode::kValidation, "Encryption context key or value of \"" +
                                                   key.substr(0, 64) +
                                                   "\" is longer than 65535 bytes");
    }
    detail::PutU16(out, static_cast<uint16_t>(key.size()));
    detail::PutString(out, key);
    detail::PutU16(out, static_cast<uint16_t>(value.size()));
    detail::PutString(out, value);
  }
  if (out.size() > 0xFFFF) {
    return MakeError(ErrorCode::kValidation, "Serialized encryption context is " +
                                                 std::to_string(out.size()) +
                                                 " bytes; the message format allows 65535");
  }
  return out;
}

}  // namespace kms::envelope
