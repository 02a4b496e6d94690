// AWS KMS keyrings: strict (one key), discovery (any key ARN found in the message, optionally
// filtered by partition and account) and the multi-keyring helper.
#include <kms/envelope/kms_keyring.hpp>

#include "keyring_util.hpp"

namespace kms::envelope {
namespace {

// "<Type>: <message>", or just the type when KMS sent no message (as for
// InvalidCiphertextException).
std::string Quoted(const Error& e) {
  std::string text(TypeName(e.code));
  if (!e.message.empty()) text += ": " + e.message;
  return text;
}

std::string InfoText(const EncryptedDataKey& edk) {
  return std::string(edk.provider_info.begin(), edk.provider_info.end());
}

// Collects per-key failures; the code survives when all failures share it.
struct Failures {
  std::string text;
  std::optional<ErrorCode> code;
  bool mixed = false;
  size_t tried = 0;

  void Add(ErrorCode c, const std::string& why) {
    text += (text.empty() ? "" : "; ") + why;
    mixed = mixed || (code && *code != c);
    code = c;
  }
  Error ToError(const std::string& who) const {
    if (tried == 0) return detail::NothingDecrypted(who, 0, "");
    return MakeError(mixed ? ErrorCode::kIncorrectKey : code.value_or(ErrorCode::kIncorrectKey),
                     who + ": " + text);
  }
};

// KMS Decrypt of one EDK under `key_id`; checks the answer's key id and plaintext length.
bool TryDecrypt(const KmsClient& client, const std::string& key_id, const EncryptedDataKey& edk,
                const std::vector<std::string>& grant_tokens, DecryptionMaterials& materials,
                Failures& failures) {
  ++failures.tried;
  DecryptRequest request;
  request.CiphertextBlob = edk.ciphertext;
  request.EncryptionContext = materials.encryption_context;
  request.GrantTokens = grant_tokens;
  request.KeyId = key_id;
  auto response = client.Decrypt(request);
  if (!response) {
    failures.Add(response.error().code,
                 "Decrypt with " + key_id + " failed: " + Quoted(response.error()));
    return false;
  }
  if (response->KeyId != key_id) {
    failures.Add(ErrorCode::kIncorrectKey,
                 "KMS decrypted with " + response->KeyId + " instead of " + key_id);
    return false;
  }
  if (response->Plaintext.size() != materials.suite->key_length) {
    failures.Add(ErrorCode::kIncorrectKey, "KMS returned a " +
                                               std::to_string(response->Plaintext.size()) +
                                               "-byte data key for " + key_id);
    return false;
  }
  materials.plaintext_data_key = std::move(response->Plaintext);
  return true;
}

// The ARN in an "aws-kms" EDK; an error when the provider info is not a key ARN.
Result<KmsArn> EdkArn(const EncryptedDataKey& edk, const std::string& who) {
  auto arn = ParseKmsArn(InfoText(edk));
  if (!arn || arn->resource_type != "key") {
    return MakeError(ErrorCode::kInvalidCiphertext, who + ": encrypted data key provider info \"" +
                                                        InfoText(edk).substr(0, 256) +
                                                        "\" is not a KMS key ARN");
  }
  return *arn;
}

class KmsKeyring final : public Keyring {
 public:
  KmsKeyring(std::shared_ptr<const KmsClient> client, std::string key_id,
             std::vector<std::string> grant_tokens)
      : client_(std::move(client)), key_id_(std::move(key_id)), tokens_(std::move(grant_tokens)) {}

  Status OnEncrypt(EncryptionMaterials& materials) const override {
    if (materials.plaintext_data_key.empty()) return Generate(materials);
    return Wrap(materials);
  }

  Status OnDecrypt(DecryptionMaterials& materials,
                   std::span<const EncryptedDataKey> edks) const override {
    if (auto st = detail::CheckNoDataKey(materials, Describe()); !st) return st;
    Failures failures;
    for (const auto& edk : edks) {
      if (edk.provider_id != kKmsProviderId) continue;
      if (auto arn = EdkArn(edk, Describe()); !arn) return arn.error();
      if (InfoText(edk) != key_id_) continue;
      if (TryDecrypt(*client_, key_id_, edk, tokens_, materials, failures)) return {};
    }
    Error error = failures.ToError(Describe());
    auto arn = ParseKmsArn(key_id_);
    if (failures.tried == 0 && !(arn && arn->resource_type == "key")) {
      error.message +=
          " (messages name their KMS keys by key ARN: decrypt with the key ARN or a "
          "discovery keyring)";
    }
    return error;
  }

 private:
  std::string Describe() const { return "AWS KMS keyring (key \"" + key_id_ + "\")"; }

  Status CheckArn(const std::string& key_id) const {
    auto arn = ParseKmsArn(key_id);
    if (arn && arn->resource_type == "key") return {};
    return MakeError(ErrorCode::kInternal,
                     Describe() + ": KMS answered with key id \"" + key_id + "\", not a key ARN");
  }

  Status Generate(EncryptionMaterials& materials) const {
    GenerateDataKeyRequest request;
    request.KeyId = key_id_;
    request.NumberOfBytes = static_cast<int>(materials.suite->key_length);
    request.EncryptionContext = materials.encryption_context;
    request.GrantTokens = tokens_;
    auto response = client_->GenerateDataKey(request);
    if (!response) {
      return MakeError(response.error().code,
                       Describe() + ": GenerateDataKey failed: " + Quoted(response.error()));
    }
    if (response->Plaintext.size() != materials.suite->key_length) {
      return MakeError(ErrorCode::kInternal, Describe() + ": GenerateDataKey returned " +
                                                 std::to_string(response->Plaintext.size()) +
                                                 " bytes");
    }
    if (auto st = CheckArn(response->KeyId); !st) return st;
    materials.plaintext_data_key = std::move(response->Plaintext);
    materials.encrypted_data_keys.push_back(
        {std::string(kKmsProviderId),
         std::vector<uint8_t>(response->KeyId.begin(), response->KeyId.end()),
         std::move(response->CiphertextBlob)});
    return {};
  }

  Status Wrap(EncryptionMaterials& materials) const {
    EncryptRequest request;
    request.KeyId = key_id_;
    request.Plaintext = materials.plaintext_data_key.Clone();
    request.EncryptionContext = materials.encryption_context;
    request.GrantTokens = tokens_;
    auto response = client_->Encrypt(request);
    if (!response) {
      return MakeError(response.error().code,
                       Describe() + ": Encrypt failed: " + Quoted(response.error()));
    }
    if (auto st = CheckArn(response->KeyId); !st) return st;
    materials.encrypted_data_keys.push_back(
        {std::string(kKmsProviderId),
         std::vector<uint8_t>(response->KeyId.begin(), response->KeyId.end()),
         std::move(response->CiphertextBlob)});
    return {};
  }

  std::shared_ptr<const KmsClient> client_;
  std::string key_id_;
  std::vector<std::string> tokens_;
};

class KmsDiscoveryKeyring final : public Keyring {
 public:
  KmsDiscoveryKeyring(std::shared_ptr<const KmsClient> client,
                      std::optional<KmsDiscoveryFilter> filter,
                      std::vector<std::string> grant_tokens)
      : client_(std::move(client)), filter_(std::move(filter)), tokens_(std::move(grant_tokens)) {}

  Status OnEncrypt(EncryptionMaterials&) const override {
    return MakeError(ErrorCode::kValidation,
                     "AWS KMS discovery keyring cannot encrypt: it names no key");
  }

  Status OnDecrypt(DecryptionMaterials& materials,
                   std::span<const EncryptedDataKey> edks) const override {
    const std::string who = "AWS KMS discovery keyring";
    if (auto st = detail::CheckNoDataKey(materials, who); !st) return st;
    Failures failures;
    for (const auto& edk : edks) {
      if (edk.provider_id != kKmsProviderId) continue;
      auto arn = EdkArn(edk, who);
      if (!arn) return arn.error();
      if (filter_ &&
          (arn->partition != filter_->partition || filter_->accounts.count(arn->account) == 0)) {
        continue;
      }
      if (TryDecrypt(*client_, InfoText(edk), edk, tokens_, materials, failures)) return {};
    }
    return failures.ToError(who);
  }

 private:
  std::shared_ptr<const KmsClient> client_;
  std::optional<KmsDiscoveryFilter> filter_;
  std::vector<std::string> tokens_;
};

Status CheckClient(const std::shared_ptr<const KmsClient>& client) {
  if (client) return {};
  return MakeError(ErrorCode::kValidation, "AWS KMS keyring needs a KMS client");
}

}  // namespace

std::optional<KmsArn> ParseKmsArn(std::string_view text) {
  std::string_view parts[6];
  for (int i = 0; i < 5; ++i) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  parts[5] = text;
  size_t slash = parts[5].find('/');
  if (parts[0] != "arn" || parts[1].empty() || parts[2] != "kms" || parts[3].empty() ||
      parts[4].empty() || slash == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view type = parts[5].substr(0, slash), id = parts[5].substr(slash + 1);
  if ((type != "key" && type != "alias") || id.empty()) return std::nullopt;
  return KmsArn{std::string(parts[1]), std::string(parts[3]), std::string(parts[4]),
                std::string(type), std::string(id)};
}

bool IsValidKmsKeyIdentifier(std::string_view text) {
  if (text.starts_with("arn:")) return ParseKmsArn(text).has_value();
  if (text.starts_with("alias/")) return text.size() > 6;
  return !text.empty() && text.find_first_of(": \t\r\n/") == std::string_view::npos;
}

Result<std::shared_ptr<const Keyring>> MakeKmsKeyring(std::shared_ptr<const KmsClient> client,
                                                      std::string key_id,
                                                      std::vector<std::string> grant_tokens) {
  if (auto st = CheckClient(client); !st) return st.error();
  if (!IsValidKmsKeyIdentifier(key_id)) {
    return MakeError(ErrorCode::kValidation,
                     "\"" + key_id + "\" is not a KMS key id, key ARN, alias name or alias ARN");
  }
  return std::shared_ptr<const Keyring>(
      std::make_shared<KmsKeyring>(std::move(client), std::move(key_id), std::move(grant_tokens)));
}

Result<std::shared_ptr<const Keyring>> MakeKmsDiscoveryKeyring(
    std::shared_ptr<const KmsClient> client, std::optional<KmsDiscoveryFilter> filter,
    std::vector<std::string> grant_tokens) {
  if (auto st = CheckClient(client); !st) return st.error();
  if (filter && (filter->partition.empty() || filter->accounts.empty())) {
    return MakeError(ErrorCode::kValidation,
                     "A KMS discovery filter needs a partition and at least one account");
  }
  return std::shared_ptr<const Keyring>(std::make_shared<KmsDiscoveryKeyring>(
      std::move(client), std::move(filter), std::move(grant_tokens)));
}

Result<std::shared_ptr<const Keyring>> MakeKmsMultiKeyring(
    std::shared_ptr<const KmsClient> client, std::string generator_key_id,
    std::vector<std::string> additional_key_ids, std::vector<std::string> grant_tokens) {
  std::shared_ptr<const Keyring> generator;
  if (!generator_key_id.empty()) {
    auto keyring = MakeKmsKeyring(client, std::move(generator_key_id), grant_tokens);
    if (!keyring) return keyring.error();
    generator = std::move(*keyring);
  }
  std::vector<std::shared_ptr<const Keyring>> children;
  for (auto& key_id : additional_key_ids) {
    auto keyring = MakeKmsKeyring(client, std::move(key_id), grant_tokens);
    if (!keyring) return keyring.error();
    children.push_back(std::move(*keyring));
  }
  return MakeMultiKeyring(std::move(generator), std::move(children));
}

}  // namespace kms::envelope
