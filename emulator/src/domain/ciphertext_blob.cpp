// CiphertextBlob v1: build, parse and open (layout in ciphertext_blob.hpp).
#include "domain/ciphertext_blob.hpp"

#include <algorithm>
#include <cstring>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>

#include "domain/key.hpp"

namespace kms::emulator {
namespace {

using internal::kGcmIvSize;
using internal::kGcmTagSize;

constexpr std::string_view kArnPrefix = "arn:aws:kms:";
constexpr size_t kArnLengthOffset = kBlobMagic.size() + 1;
constexpr size_t kArnOffset = kArnLengthOffset + 2;

Error InvalidCiphertext(std::string message = {}) {
  return MakeError(ErrorCode::kInvalidCiphertext, std::move(message));
}

Error Internal(std::string message) { return MakeError(ErrorCode::kInternal, std::move(message)); }

bool IsRegionChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// Splits arn:aws:kms:<region>:<account>:key/<id> into `view`; false unless exactly that shape.
bool ParseKeyArn(std::string_view arn, BlobView& view) {
  if (!arn.starts_with(kArnPrefix)) return false;
  std::string_view rest = arn.substr(kArnPrefix.size());
  size_t colon = rest.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  view.region = rest.substr(0, colon);
  if (!std::all_of(view.region.begin(), view.region.end(), IsRegionChar)) return false;
  rest.remove_prefix(colon + 1);
  if (rest.size() < 13 || rest[12] != ':') return false;
  view.account = rest.substr(0, 12);
  if (!std::all_of(view.account.begin(), view.account.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  rest.remove_prefix(13);
  if (!rest.starts_with("key/")) return false;
  view.key_id = rest.substr(4);
  return IsKeyUuid(view.key_id) || IsMultiRegionKeyId(view.key_id);
}

int LowerHexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Decodes exactly kBlobMaterialIdSize bytes of lower-case hex into `out`.
bool DecodeMaterialId(std::string_view hex, uint8_t* out) {
  if (hex.size() != 2 * kBlobMaterialIdSize) return false;
  for (size_t i = 0; i < kBlobMaterialIdSize; ++i) {
    int hi = LowerHexNibble(hex[2 * i]), lo = LowerHexNibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

// header || canonical context, in a per-thread buffer reused across requests (the context is not
// secret: AWS logs it in CloudTrail).
std::span<const uint8_t> BuildAad(std::span<const uint8_t> header,
                                  const EncryptionContext& context) {
  thread_local std::vector<uint8_t> aad;
  constexpr size_t kKeepCapacity = 64 * 1024;
  if (aad.capacity() > kKeepCapacity) std::vector<uint8_t>().swap(aad);
  aad.assign(header.begin(), header.end());
  AppendEncryptionContext(context, aad);
  return aad;
}

}  // namespace

std::string BlobView::MaterialIdHex() const { return internal::HexEncode(material_id); }

bool LooksLikeEncryptionSdkMessage(std::span<const uint8_t> bytes) {
  if (bytes.size() < 4) return false;
  if (bytes[0] == 0x01 && bytes[1] == 0x80) {
    // Version 1, type 128 (customer authenticated encrypted data), then a v1 algorithm suite.
    constexpr uint16_t kV1Suites[] = {0x0014, 0x0046, 0x0078, 0x0114, 0x0146,
                                      0x0178, 0x0214, 0x0346, 0x0378};
    uint16_t suite = static_cast<uint16_t>(bytes[2] << 8 | bytes[3]);
    return std::find(std::begin(kV1Suites), std::end(kV1Suites), suite) != std::end(kV1Suites);
  }
  // Version 2: the committing suites 0x0478 and 0x0578.
  return bytes[0] == 0x02 && (bytes[1] == 0x04 || bytes[1] == 0x05) && bytes[2] == 0x78;
}

Result<BlobView> ParseCiphertextBlob(std::span<const uint8_t> blob) {
  if (LooksLikeEncryptionSdkMessage(blob)) {
    return InvalidCiphertext(std::string(kEncryptionSdkMessageHint));
  }
  if (blob.size() < kArnOffset || !std::equal(kBlobMagic.begin(), kBlobMagic.end(), blob.begin()) ||
      blob[kBlobMagic.size()] != kBlobVersion1) {
    return InvalidCiphertext();
  }
  BlobView view;
  view.version = kBlobVersion1;
  size_t arn_size = size_t(blob[kArnLengthOffset]) << 8 | blob[kArnLengthOffset + 1];
  size_t header_size = kArnOffset + arn_size + kBlobMaterialIdSize + kGcmIvSize;
  // At least one byte of ciphertext and the tag after the header.
  if (arn_size == 0 || arn_size > kBlobMaxArnSize || blob.size() < header_size + 1 + kGcmTagSize ||
      blob.size() > header_size + kBlobMaxPlaintextSize + kGcmTagSize) {
    return InvalidCiphertext();
  }
  view.key_arn = {reinterpret_cast<const char*>(blob.data() + kArnOffset), arn_size};
  if (!ParseKeyArn(view.key_arn, view)) return InvalidCiphertext();
  view.material_id = blob.subspan(kArnOffset + arn_size, kBlobMaterialIdSize);
  view.iv = blob.subspan(kArnOffset + arn_size + kBlobMaterialIdSize, kGcmIvSize);
  view.header = blob.first(header_size);
  view.ciphertext = blob.subspan(header_size, blob.size() - header_size - kGcmTagSize);
  view.tag = blob.last(kGcmTagSize);
  return view;
}

Result<std::vector<uint8_t>> SealCiphertextBlob(std::string_view key_arn,
                                                std::string_view material_id_hex,
                                                std::span<const uint8_t> key,
                                                const EncryptionContext& context,
                                                std::span<const uint8_t> plaintext) {
  BlobView check;
  if (key.size() != 32 || !ParseKeyArn(key_arn, check) || key_arn.size() > kBlobMaxArnSize ||
      plaintext.empty() || plaintext.size() > kBlobMaxPlaintextSize) {
    return Internal("invalid arguments for a ciphertext blob");
  }
  size_t header_size = kArnOffset + key_arn.size() + kBlobMaterialIdSize + kGcmIvSize;
  std::vector<uint8_t> blob(header_size + plaintext.size() + kGcmTagSize);
  uint8_t* p = std::copy(kBlobMagic.begin(), kBlobMagic.end(), blob.data());
  *p++ = kBlobVersion1;
  *p++ = static_cast<uint8_t>(key_arn.size() >> 8);
  *p++ = static_cast<uint8_t>(key_arn.size());
  p = std::copy(key_arn.begin(), key_arn.end(), p);
  if (!DecodeMaterialId(material_id_hex, p)) return Internal("invalid key material id");
  p += kBlobMaterialIdSize;
  std::span<uint8_t> iv(p, kGcmIvSize);
  if (auto st = internal::RandomFill(iv); !st) return st.error();
  std::span<uint8_t> out(p + kGcmIvSize, plaintext.size());
  std::span<uint8_t, kGcmTagSize> tag(out.data() + out.size(), kGcmTagSize);
  auto aad = BuildAad(std::span<const uint8_t>(blob.data(), header_size), context);
  if (auto st = internal::AesGcmEncrypt(key, iv, aad, plaintext, out, tag); !st) {
    return st.error();
  }
  return blob;
}

Result<internal::SecretBytes> OpenCiphertextBlob(const BlobView& blob, std::span<const uint8_t> key,
                                                 const EncryptionContext& context) {
  if (blob.tag.size() != kGcmTagSize) return InvalidCiphertext();
  internal::SecretBytes plaintext(blob.ciphertext.size());
  auto aad = BuildAad(blob.header, context);
  std::span<const uint8_t, kGcmTagSize> tag(blob.tag.data(), kGcmTagSize);
  if (!internal::AesGcmDecrypt(key, blob.iv, aad, blob.ciphertext, tag, plaintext.span())) {
    return InvalidCiphertext();
  }
  return plaintext;
}

}  // namespace kms::emulator
