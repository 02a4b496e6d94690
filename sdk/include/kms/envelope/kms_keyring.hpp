// AWS KMS keyrings over kms::KmsClient (framework/aws-kms/aws-kms-keyring.md,
// aws-kms-discovery-keyring.md, aws-kms-multi-keyrings.md). Encrypted data keys carry provider
// id "aws-kms", the key ARN KMS answered with as provider info, and the KMS CiphertextBlob.
#pragma once

#include <kms/client.hpp>
#include <kms/envelope/keyring.hpp>
#include <kms/result.hpp>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kms::envelope {

inline constexpr std::string_view kKmsProviderId = "aws-kms";

// The parts of "arn:<partition>:kms:<region>:<account>:<type>/<id>".
struct KmsArn {
  std::string partition, region, account, resource_type, resource_id;
};

// Parses a KMS ARN (aws-kms-key-arn.md): 6 ':'-separated parts, "arn", non-empty partition,
// service "kms", non-empty region and account, resource "key/<id>" or "alias/<name>".
// nullopt otherwise. Thread-safe (pure).
std::optional<KmsArn> ParseKmsArn(std::string_view text);

// A KMS key identifier is valid for a keyring when it is a KMS ARN, "alias/<name>" or a bare
// key id. Thread-safe (pure).
bool IsValidKmsKeyIdentifier(std::string_view text);

// Strict KMS keyring for one key. Encrypt: GenerateDataKey (no data key yet) or Encrypt (to
// wrap an existing one) under `key_id`, which may be any identifier (key id, key ARN, alias
// name or alias ARN). Decrypt: only "aws-kms" keys whose provider info equals `key_id` are
// tried, with KMS Decrypt naming `key_id`; so for decryption `key_id` must be the key ARN.
// Requests carry the materials' encryption context and `grant_tokens`.
// Errors: kValidation for a null client or an invalid identifier.
Result<std::shared_ptr<const Keyring>> MakeKmsKeyring(std::shared_ptr<const KmsClient> client,
                                                      std::string key_id,
                                                      std::vector<std::string> grant_tokens = {});

// Restricts a discovery keyring to keys of these accounts in this partition ("aws", ...).
struct KmsDiscoveryFilter {
  std::string partition;
  std::set<std::string> accounts;
};

// Discovery keyring: decrypt only. Tries every "aws-kms" encrypted data key whose provider info
// is a key ARN (that passes `filter`, when given), calling KMS Decrypt with that ARN. OnEncrypt
// fails. Errors: kValidation for a null client, or a filter with an empty partition or no
// accounts.
Result<std::shared_ptr<const Keyring>> MakeKmsDiscoveryKeyring(
    std::shared_ptr<const KmsClient> client, std::optional<KmsDiscoveryFilter> filter = {},
    std::vector<std::string> grant_tokens = {});

// A multi-keyring of strict KMS keyrings: `generator_key_id` (may be empty when
// `additional_key_ids` is not, for decrypt-only use) generates, each additional key wraps too.
// All keyrings share `client` (one region). Errors: those of MakeKmsKeyring and
// MakeMultiKeyring.
Result<std::shared_ptr<const Keyring>> MakeKmsMultiKeyring(
    std::shared_ptr<const KmsClient> client, std::string generator_key_id,
    std::vector<std::string> additional_key_ids, std::vector<std::string> grant_tokens = {});

}  // namespace kms::envelope
