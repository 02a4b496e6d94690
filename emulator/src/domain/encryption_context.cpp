// Canonical, length-prefixed encoding of an encryption context.
#include "domain/encryption_context.hpp"

#include <string_view>

namespace kms::emulator {
namespace {

void AppendU32(std::vector<uint8_t>& out, size_t n) {
  out.push_back(static_cast<uint8_t>(n >> 24));
  out.push_back(static_cast<uint8_t>(n >> 16));
  out.push_back(static_cast<uint8_t>(n >> 8));
  out.push_back(static_cast<uint8_t>(n));
}

void AppendString(std::vector<uint8_t>& out, std::string_view s) {
  AppendU32(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

// Reads a u32 then that many bytes; nullopt when `in` is too short.
std::optional<std::string> ReadString(std::span<const uint8_t>& in) {
  if (in.size() < 4) return std::nullopt;
  uint32_t n = uint32_t(in[0]) << 24 | uint32_t(in[1]) << 16 | uint32_t(in[2]) << 8 | in[3];
  in = in.subspan(4);
  if (in.size() < n) return std::nullopt;
  std::string s(reinterpret_cast<const char*>(in.data()), n);
  in = in.subspan(n);
  return s;
}

}  // namespace

size_t EncodedEncryptionContextSize(const EncryptionContext& context) {
  size_t n = 4;
  for (const auto& [key, value] : context) n += 8 + key.size() + value.size();
  return n;
}

void AppendEncryptionContext(const EncryptionContext& context, std::vector<uint8_t>& out) {
  out.reserve(out.size() + EncodedEncryptionContextSize(context));
  AppendU32(out, context.size());
  for (const auto& [key, value] : context) {
    AppendString(out, key);
    AppendString(out, value);
  }
}

std::vector<uint8_t> EncodeEncryptionContext(const EncryptionContext& context) {
  std::vector<uint8_t> out;
  AppendEncryptionContext(context, out);
  return out;
}

std::optional<EncryptionContext> DecodeEncryptionContext(std::span<const uint8_t> bytes) {
  if (bytes.size() < 4) return std::nullopt;
  uint32_t count =
      uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 | uint32_t(bytes[2]) << 8 | bytes[3];
  bytes = bytes.subspan(4);
  EncryptionContext context;
  for (uint32_t i = 0; i < count; ++i) {
    auto key = ReadString(bytes);
    if (!key) return std::nullopt;
    auto value = ReadString(bytes);
    if (!value) return std::nullopt;
    // Canonical means strictly ascending keys: anything else has another, canonical, encoding.
    if (!context.empty() && !(context.rbegin()->first < *key)) return std::nullopt;
    context.emplace_hint(context.end(), std::move(*key), std::move(*value));
  }
  if (!bytes.empty()) return std::nullopt;
  return context;
}

}  // namespace kms::emulator
