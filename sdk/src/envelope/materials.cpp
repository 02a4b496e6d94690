// Encryption and decryption materials: the default CMM plus required encryption context keys.
#include "materials.hpp"

#include "encryption_context.hpp"

namespace kms::envelope::detail {
namespace {

Error Invalid(std::string message) { return MakeError(ErrorCode::kValidation, std::move(message)); }

Result<const AlgorithmSuite*> ChooseSuite(const EncryptOptions& options) {
  AlgorithmSuiteId id =
      options.algorithm.value_or(DefaultAlgorithmSuite(options.commitment_policy));
  const AlgorithmSuite* suite = FindAlgorithmSuite(static_cast<uint16_t>(id));
  if (suite == nullptr) {
    return Invalid("Unknown algorithm suite " + SuiteIdHex(static_cast<uint16_t>(id)));
  }
  if (!PolicyAllowsEncrypt(options.commitment_policy, *suite)) {
    std::string policy(CommitmentPolicyName(options.commitment_policy));
    if (suite->committing) {
      return Invalid("Commitment policy " + policy + " forbids encrypting with committing suite " +
                     SuiteIdHex(suite->id_value()));
    }
    return Invalid("Commitment policy " + policy + " requires a committing suite (0x0478 or " +
                   "0x0578) to encrypt, not " + SuiteIdHex(suite->id_value()));
  }
  return suite;
}

Status CheckEncryptContext(const EncryptOptions& options) {
  for (const auto& [key, value] : options.encryption_context) {
    if (key.starts_with(kReservedContextPrefix)) {
      return Invalid("Encryption context key \"" + key + "\" uses the reserved prefix aws-crypto-");
    }
  }
  if (auto st = CheckContextStrings(options.encryption_context); !st) return st;
  for (const auto& key : options.required_context_keys) {
    if (options.encryption_context.count(key) == 0) {
      return Invalid("Required encryption context key \"" + key +
                     "\" is not in the encryption context");
    }
  }
  return {};
}

Status CheckEncryptResult(const EncryptionMaterials& m, const EncryptOptions& options) {
  if (m.plaintext_data_key.size() != m.suite->key_length) {
    return MakeError(ErrorCode::kInternal, "Keyring returned a data key of " +
                                               std::to_string(m.plaintext_data_key.size()) +
                                               " bytes; the suite needs " +
                                               std::to_string(m.suite->key_length));
  }
  if (m.encrypted_data_keys.empty()) {
    return MakeError(ErrorCode::kInternal, "Keyring returned no encrypted data key");
  }
  size_t n = m.encrypted_data_keys.size();
  if (options.max_encrypted_data_keys != 0 && n > options.max_encrypted_data_keys) {
    return Invalid("Keyring made " + std::to_string(n) +
                   " encrypted data keys; the configured maximum is " +
                   std::to_string(options.max_encrypted_data_keys));
  }
  return {};
}

// Header context + reproduced context; the reproduced-only keys become required.
Status MergeReproduced(const ParsedHeader& header, const DecryptOptions& options,
                       DecryptionMaterials& m) {
  for (const auto& key : options.required_context_keys) {
    if (options.encryption_context.count(key) == 0) {
      return Invalid("Required encryption context key \"" + key + "\" was not supplied");
    }
  }
  m.encryption_context = header.info.encryption_context;
  for (const auto& [key, value] : options.encryption_context) {
    auto it = m.encryption_context.find(key);
    if (it == m.encryption_context.end()) {
      m.encryption_context.emplace(key, value);
      m.required_context_keys.insert(key);
    } else if (it->second != value) {
      return MakeError(ErrorCode::kInvalidCiphertext,
                       "Encryption context does not match the message: the value of key \"" + key +
                           "\" differs");
    }
  }
  return {};
}

// When decryption was given context keys the message does not store, they were taken as required
// pairs (bound to the data keys without being stored), and are the likely reason no keyring
// could decrypt: says which. Empty otherwise.
std::string UnstoredKeysHint(const ParsedHeader& header, const DecryptOptions& options) {
  std::string keys;
  for (const auto& [key, value] : options.encryption_context) {
    if (header.info.encryption_context.count(key) != 0) continue;
    keys += (keys.empty() ? "\"" : ", \"") + key + "\"";
  }
  if (keys.empty()) return keys;
  return " (the message does not store the encryption context key(s) " + keys +
         " given for decryption; they can only be right if it was encrypted with them as required "
         "encryption context)";
}

}  // namespace

Result<internal::PkeyPtr> MessageVerificationKey(const ParsedHeader& header) {
  const auto& suite = *header.info.suite;
  const auto& context = header.info.encryption_context;
  auto it = context.find(std::string(kPublicKeyContextKey));
  if (!suite.is_signed()) {
    if (it != context.end()) {
      return Malformed("unsigned algorithm suite " + SuiteIdHex(suite.id_value()) +
                       " with an aws-crypto-public-key in the encryption context");
    }
    return internal::PkeyPtr();
  }
  if (it == context.end()) {
    return Malformed("signed algorithm suite " + SuiteIdHex(suite.id_value()) +
                     " without aws-crypto-public-key in the encryption context");
  }
  return LoadVerificationKey(suite.signature, it->second);
}

Result<PreparedEncryption> GetEncryptionMaterials(const Keyring& keyring,
                                                  const EncryptOptions& options) {
  if (options.frame_length == 0) {
    return Invalid("Frame length must be between 1 and 4294967295 bytes");
  }
  auto suite = ChooseSuite(options);
  if (!suite) return suite.error();
  if (auto st = CheckEncryptContext(options); !st) return st.error();
  PreparedEncryption out;
  auto& m = out.materials;
  m.suite = *suite;
  m.encryption_context = options.encryption_context;
  m.required_context_keys = options.required_context_keys;
  if (m.suite->is_signed()) {
    auto key = GenerateSigningKey(m.suite->signature);
    if (!key) return key.error();
    m.encryption_context.emplace(kPublicKeyContextKey, key->public_key_base64);
    out.signing_key = std::move(*key);
  }
  if (auto st = keyring.OnEncrypt(m); !st) return st.error();
  if (auto st = CheckEncryptResult(m, options); !st) return st.error();
  return out;
}

Result<PreparedDecryption> GetDecryptionMaterials(const Keyring& keyring,
                                                  const ParsedHeader& header,
                                                  const DecryptOptions& options) {
  PreparedDecryption out;
  auto& m = out.materials;
  m.suite = header.info.suite;
  if (auto st = MergeReproduced(header, options, m); !st) return st.error();
  auto key = MessageVerificationKey(header);
  if (!key) return key.error();
  out.verification_key = std::move(*key);
  if (auto st = keyring.OnDecrypt(m, header.info.encrypted_data_keys); !st) {
    return MakeError(st.error().code, "No keyring could decrypt a data key: " + st.error().message +
                                          UnstoredKeysHint(header, options));
  }
  if (m.plaintext_data_key.size() != m.suite->key_length) {
    return MakeError(ErrorCode::kInternal, "Keyring returned a data key of " +
                                               std::to_string(m.plaintext_data_key.size()) +
                                               " bytes; the suite needs " +
                                               std::to_string(m.suite->key_length));
  }
  return out;
}

}  // namespace kms::envelope::detail
