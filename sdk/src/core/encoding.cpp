// Strict base64 and hex codecs.
#include <array>
#include <kms/internal/encoding.hpp>

namespace kms::internal {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> MakeReverse() {
  std::array<int8_t, 256> r{};
  for (auto& v : r) v = -1;
  for (int i = 0; i < 64; ++i) r[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return r;
}
constexpr auto kReverse = MakeReverse();

// Decodes into `out` (sized by Base64DecodedSize). Returns false on any invalid input.
bool DecodeInto(std::string_view text, uint8_t* out) {
  size_t o = 0;
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (c == '=') {
        // Padding only in the last quantum, only at positions 2 and 3, and contiguous.
        if (i + 4 != text.size() || j < 2) return false;
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad != 0) return false;
      v[j] = kReverse[static_cast<uint8_t>(c)];
      if (v[j] < 0) return false;
    }
    uint32_t n =
        (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
    out[o++] = static_cast<uint8_t>(n >> 16);
    if (pad < 2) out[o++] = static_cast<uint8_t>(n >> 8);
    if (pad < 1) out[o++] = static_cast<uint8_t>(n);
  }
  return true;
}

}  // namespace

void Base64EncodeInto(std::span<const uint8_t> bytes, char* out) {
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (uint32_t(bytes[i]) << 16) | (uint32_t(bytes[i + 1]) << 8) | bytes[i + 2];
    *out++ = kAlphabet[n >> 18];
    *out++ = kAlphabet[(n >> 12) & 63];
    *out++ = kAlphabet[(n >> 6) & 63];
    *out++ = kAlphabet[n & 63];
  }
  if (size_t rest = bytes.size() - i; rest != 0) {
    uint32_t n = uint32_t(bytes[i]) << 16;
    if (rest == 2) n |= uint32_t(bytes[i + 1]) << 8;
    *out++ = kAlphabet[n >> 18];
    *out++ = kAlphabet[(n >> 12) & 63];
    *out++ = rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    *out++ = '=';
  }
}

std::string Base64Encode(std::span<const uint8_t> bytes) {
  std::string out(Base64EncodedSize(bytes.size()), '\0');
  Base64EncodeInto(bytes, out.data());
  return out;
}

std::optional<size_t> Base64DecodedSize(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t n = text.size() / 4 * 3;
  if (!text.empty() && text.back() == '=') --n;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --n;
  return n;
}

std::optional<std::vector<uint8_t>> Base64Decode(std::string_view text) {
  auto n = Base64DecodedSize(text);
  if (!n) return std::nullopt;
  std::vector<uint8_t> out(*n + 2);
  if (!DecodeInto(text, out.data())) return std::nullopt;
  out.resize(*n);
  return out;
}

std::optional<SecretBytes> Base64DecodeSecret(std::string_view text) {
  auto n = Base64DecodedSize(text);
  if (!n) return std::nullopt;
  SecretBytes out(*n + 2);
  if (!DecodeInto(text, out.data())) return std::nullopt;
  out.resize(*n);
  return out;
}

std::string HexEncode(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 15];
  }
  return out;
}

std::optional<std::vector<uint8_t>> HexDecode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<uint8_t> out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace kms::internal
