// Multi-keyring (framework/multi-keyring.md): one generator and any number of children.
#include "keyring_util.hpp"

namespace kms::envelope {
namespace {

class MultiKeyring final : public Keyring {
 public:
  MultiKeyring(std::shared_ptr<const Keyring> generator,
               std::vector<std::shared_ptr<const Keyring>> children)
      : generator_(std::move(generator)), children_(std::move(children)) {}

  // Works on a copy so a failing child leaves `materials` unchanged.
  Status OnEncrypt(EncryptionMaterials& materials) const override {
    EncryptionMaterials work{materials.suite, materials.encryption_context,
                             materials.required_context_keys, materials.plaintext_data_key.Clone(),
                             materials.encrypted_data_keys};
    if (generator_) {
      if (!work.plaintext_data_key.empty()) {
        return MakeError(ErrorCode::kValidation,
                         "Multi-keyring: the encryption materials already hold a data key, so "
                         "its generator cannot generate one");
      }
      if (auto st = generator_->OnEncrypt(work); !st) return st;
      if (work.plaintext_data_key.empty()) {
        return MakeError(ErrorCode::kInternal, "Multi-keyring: the generator made no data key");
      }
    } else if (work.plaintext_data_key.empty()) {
      return MakeError(ErrorCode::kValidation,
                       "Multi-keyring without a generator needs a data key in the materials");
    }
    for (const auto& child : children_) {
      if (auto st = child->OnEncrypt(work); !st) return st;
    }
    materials = std::move(work);
    return {};
  }

  Status OnDecrypt(DecryptionMaterials& materials,
                   std::span<const EncryptedDataKey> edks) const override {
    if (auto st = detail::CheckNoDataKey(materials, "Multi-keyring"); !st) return st;
    std::string reasons;
    std::optional<ErrorCode> code;
    bool mixed = false;
    auto attempt = [&](const Keyring& keyring) {
      auto st = keyring.OnDecrypt(materials, edks);
      if (st) return true;
      reasons += (reasons.empty() ? "" : "; ") + st.error().message;
      mixed = mixed || (code && *code != st.error().code);
      code = st.error().code;
      return false;
    };
    if (generator_ && attempt(*generator_)) return {};
    for (const auto& child : children_) {
      if (attempt(*child)) return {};
    }
    return MakeError(mixed ? ErrorCode::kIncorrectKey : code.value_or(ErrorCode::kIncorrectKey),
                     reasons);
  }

 private:
  std::shared_ptr<const Keyring> generator_;
  std::vector<std::shared_ptr<const Keyring>> children_;
};

}  // namespace

Result<std::shared_ptr<const Keyring>> MakeMultiKeyring(
    std::shared_ptr<const Keyring> generator,
    std::vector<std::shared_ptr<const Keyring>> children) {
  if (!generator && children.empty()) {
    return MakeError(ErrorCode::kValidation, "Multi-keyring needs a generator or child keyrings");
  }
  for (const auto& child : children) {
    if (!child) return MakeError(ErrorCode::kValidation, "Multi-keyring: a child keyring is null");
  }
  return std::shared_ptr<const Keyring>(
      std::make_shared<MultiKeyring>(std::move(generator), std::move(children)));
}

}  // namespace kms::envelope
