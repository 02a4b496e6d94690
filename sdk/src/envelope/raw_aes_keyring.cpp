// Raw AES keyring (framework/raw-aes-keyring.md): AES-GCM key wrapping with a local key; the
// encryption context is the AAD, so a wrapped key only opens under the same context.
#include <kms/internal/aes_gcm.hpp>
#include <kms/internal/random.hpp>

#include "bytes.hpp"
#include "keyring_util.hpp"

namespace kms::envelope {
namespace {

constexpr uint32_t kTagBits = kTagLength * 8;

class RawAesKeyring final : public Keyring {
 public:
  RawAesKeyring(std::string key_namespace, std::string key_name, internal::SecretBytes key)
      : namespace_(std::move(key_namespace)), name_(std::move(key_name)), key_(std::move(key)) {}

  Status OnEncrypt(EncryptionMaterials& materials) const override;
  Status OnDecrypt(DecryptionMaterials& materials,
                   std::span<const EncryptedDataKey> edks) const override;

 private:
  std::string Describe() const {
    return "raw AES keyring (namespace \"" + namespace_ + "\", key \"" + name_ + "\")";
  }
  // Key name || uint32 tag bits || uint32 IV length || IV.
  std::vector<uint8_t> ProviderInfo(std::span<const uint8_t> iv) const;
  // The IV when `edk` was written by this keyring's key; nullopt otherwise.
  std::optional<std::span<const uint8_t>> MatchingIv(const EncryptedDataKey& edk) const;

  std::string namespace_;
  std::string name_;
  internal::SecretBytes key_;
};

std::vector<uint8_t> RawAesKeyring::ProviderInfo(std::span<const uint8_t> iv) const {
  std::vector<uint8_t> info;
  detail::PutString(info, name_);
  detail::PutU32(info, kTagBits);
  detail::PutU32(info, static_cast<uint32_t>(iv.size()));
  detail::PutBytes(info, iv);
  return info;
}

std::optional<std::span<const uint8_t>> RawAesKeyring::MatchingIv(
    const EncryptedDataKey& edk) const {
  const auto& info = edk.provider_info;
  if (edk.provider_id != namespace_ || info.size() != name_.size() + 8 + kIvLength ||
      std::memcmp(info.data(), name_.data(), name_.size()) != 0 ||
      detail::LoadU32(info.data() + name_.size()) != kTagBits ||
      detail::LoadU32(info.data() + name_.size() + 4) != kIvLength) {
    return std::nullopt;
  }
  return std::span<const uint8_t>(info).subspan(name_.size() + 8);
}

Status RawAesKeyring::OnEncrypt(EncryptionMaterials& materials) const {
  auto aad = SerializeEncryptionContext(materials.encryption_context);
  if (!aad) return aad.error();
  auto data_key = detail::DataKeyForEncrypt(materials);
  if (!data_key) return data_key.error();
  std::array<uint8_t, kIvLength> iv{};
  if (auto st = internal::RandomFill(iv); !st) return st;
  std::vector<uint8_t> wrapped(data_key->size() + kTagLength);
  auto tag = std::span<uint8_t, kTagLength>(wrapped.data() + data_key->size(), kTagLength);
  auto out = std::span<uint8_t>(wrapped.data(), data_key->size());
  if (auto st = internal::AesGcmEncrypt(key_.span(), iv, *aad, data_key->span(), out, tag); !st) {
    return st;
  }
  if (materials.plaintext_data_key.empty()) materials.plaintext_data_key = std::move(*data_key);
  materials.encrypted_data_keys.push_back({namespace_, ProviderInfo(iv), std::move(wrapped)});
  return {};
}

Status RawAesKeyring::OnDecrypt(DecryptionMaterials& materials,
                                std::span<const EncryptedDataKey> edks) const {
  if (auto st = detail::CheckNoDataKey(materials, Describe()); !st) return st;
  auto aad = SerializeEncryptionContext(materials.encryption_context);
  if (!aad) return aad.error();
  size_t tried = 0;
  for (const auto& edk : edks) {
    auto iv = MatchingIv(edk);
    if (!iv || edk.ciphertext.size() < kTagLength) continue;
    ++tried;
    size_t n = edk.ciphertext.size() - kTagLength;
    internal::SecretBytes key(n);
    auto tag = std::span<const uint8_t, kTagLength>(edk.ciphertext.data() + n, kTagLength);
    if (!internal::AesGcmDecrypt(key_.span(), *iv, *aad, {edk.ciphertext.data(), n}, tag,
                                 key.span())) {
      continue;
    }
    if (key.size() != materials.suite->key_length) continue;
    materials.plaintext_data_key = std::move(key);
    return {};
  }
  return detail::NothingDecrypted(Describe(), tried,
                                  "did not authenticate under this key and encryption context");
}

}  // namespace

Result<std::shared_ptr<const Keyring>> MakeRawAesKeyring(std::string key_namespace,
                                                         std::string key_name,
                                                         internal::SecretBytes wrapping_key) {
  if (auto st = detail::CheckNamespaceAndName(key_namespace, key_name); !st) return st.error();
  size_t n = wrapping_key.size();
  if (n != 16 && n != 24 && n != 32) {
    return MakeError(ErrorCode::kValidation,
                     "Raw AES wrapping key must be 16, 24 or 32 bytes, not " + std::to_string(n));
  }
  return std::shared_ptr<const Keyring>(std::make_shared<RawAesKeyring>(
      std::move(key_namespace), std::move(key_name), std::move(wrapping_key)));
}

}  // namespace kms::envelope
