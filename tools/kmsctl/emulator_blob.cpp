// Parses the kms-emulator CiphertextBlob v1 layout (see emulator_blob.hpp) for `kmsctl inspect`.
#include "emulator_blob.hpp"

#include <algorithm>

namespace kms::cli {
namespace {

constexpr size_t kMaxArnSize = 2048;
constexpr size_t kIvSize = 12;
constexpr size_t kTagSize = 16;
constexpr size_t kArnOffset = 6;  // magic (3), version (1), ARN length (2)

Error NotABlob(const std::string& why) {
  return MakeError(ErrorCode::kInvalidCiphertext, "Not a kms-emulator ciphertext blob: " + why);
}

// arn:aws:kms:<region>:<account>:key/<id> -> region, account, key id; untouched otherwise.
void SplitArn(EmulatorBlobMap& map) {
  std::string_view arn = map.key_arn_text;
  constexpr std::string_view kPrefix = "arn:aws:kms:";
  if (!arn.starts_with(kPrefix)) return;
  arn.remove_prefix(kPrefix.size());
  size_t colon = arn.find(':');
  if (colon == std::string_view::npos) return;
  size_t second = arn.find(':', colon + 1);
  if (second == std::string_view::npos || !arn.substr(second + 1).starts_with("key/")) return;
  map.region = arn.substr(0, colon);
  map.account = arn.substr(colon + 1, second - colon - 1);
  map.key_id = arn.substr(second + 5);
}

}  // namespace

bool LooksLikeEmulatorBlob(std::span<const uint8_t> bytes) {
  return bytes.size() >= 3 &&
         std::equal(std::begin(kEmulatorBlobMagic), std::end(kEmulatorBlobMagic), bytes.begin());
}

Result<EmulatorBlobMap> ParseEmulatorBlob(std::span<const uint8_t> blob) {
  if (!LooksLikeEmulatorBlob(blob)) return NotABlob("it does not start with 28 C4 9E");
  if (blob.size() < kArnOffset) return NotABlob("it ends inside its first 6 bytes");
  if (blob[3] != kEmulatorBlobVersion) {
    return NotABlob("unknown format version " + std::to_string(blob[3]));
  }
  size_t arn_size = size_t{blob[4]} << 8 | blob[5];
  if (arn_size == 0 || arn_size > kMaxArnSize) {
    return NotABlob("key ARN length " + std::to_string(arn_size) + " is outside 1..2048");
  }
  size_t header = kArnOffset + arn_size + kEmulatorBlobMaterialIdSize + kIvSize;
  if (blob.size() < header + 1 + kTagSize) {
    return NotABlob("it is " + std::to_string(blob.size()) +
                    " bytes; this key ARN needs at least " + std::to_string(header + 1 + kTagSize));
  }
  EmulatorBlobMap map;
  map.magic = {0, 3};
  map.version = {3, 1};
  map.arn_length = {4, 2};
  map.key_arn = {kArnOffset, arn_size};
  map.material_id = {map.key_arn.end(), kEmulatorBlobMaterialIdSize};
  map.iv = {map.material_id.end(), kIvSize};
  map.ciphertext = {header, blob.size() - header - kTagSize};
  map.tag = {blob.size() - kTagSize, kTagSize};
  map.key_arn_text.assign(reinterpret_cast<const char*>(blob.data() + kArnOffset), arn_size);
  SplitArn(map);
  return map;
}

}  // namespace kms::cli
