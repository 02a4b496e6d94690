// Shared keyring helpers.
#include "keyring_util.hpp"

#include <kms/internal/random.hpp>

namespace kms::envelope::detail {

Result<internal::SecretBytes> DataKeyForEncrypt(const EncryptionMaterials& materials) {
  if (materials.suite == nullptr) {
    return MakeError(ErrorCode::kValidation, "Encryption materials have no algorithm suite");
  }
  if (!materials.plaintext_data_key.empty()) return materials.plaintext_data_key.Clone();
  return internal::RandomSecret(materials.suite->key_length);
}

Status CheckNoDataKey(const DecryptionMaterials& materials, const std::string& who) {
  if (materials.plaintext_data_key.empty()) return {};
  return MakeError(ErrorCode::kValidation,
                   who + ": the decryption materials already hold a data key");
}

Error NothingDecrypted(const std::string& who, size_t tried, const std::string& why) {
  if (tried == 0)
    return MakeError(ErrorCode::kIncorrectKey, who + ": no encrypted data key matches");
  return MakeError(ErrorCode::kIncorrectKey, who + ": " + std::to_string(tried) +
                                                 " matching encrypted data key" +
                                                 (tried == 1 ? " " : "s ") + why);
}

Status CheckNamespaceAndName(const std::string& key_namespace, const std::string& key_name) {
  if (key_namespace.empty() || key_name.empty()) {
    return MakeError(ErrorCode::kValidation, "Key namespace and key name must not be empty");
  }
  if (key_namespace.starts_with("aws-kms")) {
    return MakeError(ErrorCode::kValidation, "Key namespace \"" + key_namespace +
                                                 "\" is reserved for the AWS KMS keyrings");
  }
  return {};
}

}  // namespace kms::envelope::detail
