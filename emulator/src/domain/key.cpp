// Key and alias helpers.
#include "domain/key.hpp"

namespace kms::emulator {

std::string KeyArn(std::string_view region, std::string_view account, std::string_view key_id) {
  std::string arn = "arn:aws:kms:";
  arn.append(region).append(":").append(account).append(":key/").append(key_id);
  return arn;
}

std::string Key::Arn() const { return KeyArn(region, account, id); }

std::string Alias::Arn() const {
  std::string arn = "arn:aws:kms:";
  arn.append(region).append(":").append(account).append(":").append(name);
  return arn;
}

const KeyMaterial* Key::FindMaterial(std::string_view material_id) const {
  for (const KeyMaterial& m : materials) {
    if (m.id == material_id) return &m;
  }
  return nullptr;
}

namespace {
bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
}  // namespace

bool IsKeyUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsLowerHex(s[i])) return false;
  }
  return true;
}

bool IsMultiRegionKeyId(std::string_view s) {
  if (s.size() != 36 || !s.starts_with("mrk-")) return false;
  for (size_t i = 4; i < s.size(); ++i) {
    if (!IsLowerHex(s[i])) return false;
  }
  return true;
}

}  // namespace kms::emulator
