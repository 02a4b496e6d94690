// Request and response types of the KMS operations KmsClient supports, one struct per botocore
// shape, members named exactly as in the botocore model (service-2.json, 2014-11-01).
//
// Conventions:
// - Requests: required members are plain values. Optional scalars, strings, enums and blobs
//   are std::optional and sent only when set; optional lists and maps are sent only when
//   non-empty.
// - Responses: strings, blobs, lists and maps are plain values, empty when the service left them
//   out; booleans, numbers, enums, timestamps and nested structures are std::optional. An enum
//   value this SDK does not know decodes as nullopt (in a list: is skipped), so a new AWS value
//   never breaks a call.
// - Plaintext and data keys are kms::internal::SecretBytes (zeroized, move-only); ciphertext
//   is std::vector<uint8_t>. Blobs travel base64-encoded; the structs hold raw bytes.
// - Timestamps are system_clock time points (the wire has epoch seconds, milliseconds kept).
// - Nitro Enclaves members (Recipient, CiphertextForRecipient) are not modelled.
#pragma once

#include <chrono>
#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/types.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kms {

using Timestamp = std::chrono::system_clock::time_point;
using Blob = std::vector<uint8_t>;
// EncryptionContextType: key -> value, both UTF-8 strings.
using EncryptionContextMap = std::map<std::string, std::string>;

struct Tag {
  std::string TagKey;
  std::string TagValue;
};

struct MultiRegionKey {
  std::string Arn;
  std::string Region;
};

struct MultiRegionConfiguration {
  std::string MultiRegionKeyType;  // "PRIMARY" or "REPLICA"
  std::optional<kms::MultiRegionKey> PrimaryKey;
  std::vector<kms::MultiRegionKey> ReplicaKeys;
};

struct XksKeyConfigurationType {
  std::string Id;
};

struct KeyMetadata {
  std::string AWSAccountId;
  std::string KeyId;
  std::string Arn;
  std::optional<Timestamp> CreationDate;
  std::optional<bool> Enabled;
  std::string Description;
  std::optional<kms::KeyUsage> KeyUsage;
  std::optional<kms::KeyState> KeyState;
  std::optional<Timestamp> DeletionDate;
  std::optional<Timestamp> ValidTo;
  std::optional<kms::Origin> Origin;
  std::string CustomKeyStoreId;
  std::string CloudHsmClusterId;
  std::string ExpirationModel;  // "KEY_MATERIAL_EXPIRES" or "KEY_MATERIAL_DOES_NOT_EXPIRE"
  std::optional<kms::KeyManager> KeyManager;
  std::optional<kms::KeySpec> CustomerMasterKeySpec;  // deprecated twin of KeySpec
  std::optional<kms::KeySpec> KeySpec;
  std::vector<kms::EncryptionAlgorithm> EncryptionAlgorithms;
  std::vector<std::string> SigningAlgorithms;
  std::vector<std::string> KeyAgreementAlgorithms;
  std::optional<bool> MultiRegion;
  std::optional<kms::MultiRegionConfiguration> MultiRegionConfiguration;
  std::optional<int> PendingDeletionWindowInDays;
  std::vector<std::string> MacAlgorithms;
  std::optional<kms::XksKeyConfigurationType> XksKeyConfiguration;
  std::string CurrentKeyMaterialId;
};

struct AliasListEntry {
  std::string AliasName;
  std::string AliasArn;
  std::string TargetKeyId;
  std::optional<Timestamp> CreationDate;
  std::optional<Timestamp> LastUpdatedDate;
};

struct KeyListEntry {
  std::string KeyId;
  std::string KeyArn;
};

// ---------------------------------------------------------------------------------------------
// Keys.

struct CreateKeyRequest {
  std::optional<std::string> Policy;
  std::optional<std::string> Description;
  std::optional<kms::KeyUsage> KeyUsage;
  std::optional<kms::KeySpec> CustomerMasterKeySpec;
  std::optional<kms::KeySpec> KeySpec;
  std::optional<kms::Origin> Origin;
  std::optional<std::string> CustomKeyStoreId;
  std::optional<bool> BypassPolicyLockoutSafetyCheck;
  std::vector<kms::Tag> Tags;
  std::optional<bool> MultiRegion;
  std::optional<std::string> XksKeyId;
};
struct CreateKeyResponse {
  std::optional<kms::KeyMetadata> KeyMetadata;
};

struct DescribeKeyRequest {
  std::string KeyId;
  std::vector<std::string> GrantTokens;
};
struct DescribeKeyResponse {
  std::optional<kms::KeyMetadata> KeyMetadata;
};

struct ListKeysRequest {
  std::optional<int> Limit;
  std::optional<std::string> Marker;
};
struct ListKeysResponse {
  std::vector<KeyListEntry> Keys;
  std::string NextMarker;
  std::optional<bool> Truncated;
};

struct EnableKeyRequest {
  std::string KeyId;
};
struct DisableKeyRequest {
  std::string KeyId;
};

struct UpdateKeyDescriptionRequest {
  std::string KeyId;
  std::string Description;
};

struct ScheduleKeyDeletionRequest {
  std::string KeyId;
  std::optional<int> PendingWindowInDays;
};
struct ScheduleKeyDeletionResponse {
  std::string KeyId;
  std::optional<Timestamp> DeletionDate;
  std::optional<kms::KeyState> KeyState;
  std::optional<int> PendingWindowInDays;
};

struct CancelKeyDeletionRequest {
  std::string KeyId;
};
struct CancelKeyDeletionResponse {
  std::string KeyId;
};

// ---------------------------------------------------------------------------------------------
// Aliases.

struct CreateAliasRequest {
  std::string AliasName;
  std::string TargetKeyId;
};
struct UpdateAliasRequest {
  std::string AliasName;
  std::string TargetKeyId;
};
struct DeleteAliasRequest {
  std::string AliasName;
};

struct ListAliasesRequest {
  std::optional<std::string> KeyId;
  std::optional<int> Limit;
  std::optional<std::string> Marker;
};
struct ListAliasesResponse {
  std::vector<AliasListEntry> Aliases;
  std::string NextMarker;
  std::optional<bool> Truncated;
};

// ---------------------------------------------------------------------------------------------
// Tags.

struct TagResourceRequest {
  std::string KeyId;
  std::vector<kms::Tag> Tags;
};
struct UntagResourceRequest {
  std::string KeyId;
  std::vector<std::string> TagKeys;
};

struct ListResourceTagsRequest {
  std::string KeyId;
  std::optional<int> Limit;
  std::optional<std::string> Marker;
};
struct ListResourceTagsResponse {
  std::vector<kms::Tag> Tags;
  std::string NextMarker;
  std::optional<bool> Truncated;
};

// ---------------------------------------------------------------------------------------------
// Cryptographic operations.

struct EncryptRequest {
  std::string KeyId;
  internal::SecretBytes Plaintext;
  EncryptionContextMap EncryptionContext;
  std::vector<std::string> GrantTokens;
  std::optional<kms::EncryptionAlgorithm> EncryptionAlgorithm;
  std::optional<bool> DryRun;
};
struct EncryptResponse {
  Blob CiphertextBlob;
  std::string KeyId;
  std::optional<kms::EncryptionAlgorithm> EncryptionAlgorithm;
};

struct DecryptRequest {
  std::optional<Blob> CiphertextBlob;  // optional in the model; KMS rejects a call without it
  EncryptionContextMap EncryptionContext;
  std::vector<std::string> GrantTokens;
  std::optional<std::string> KeyId;
  std::optional<kms::EncryptionAlgorithm> EncryptionAlgorithm;
  std::optional<bool> DryRun;
  std::vector<std::string> DryRunModifiers;
};
struct DecryptResponse {
  std::string KeyId;
  internal::SecretBytes Plaintext;
  std::optional<kms::EncryptionAlgorithm> EncryptionAlgorithm;
  std::string KeyMaterialId;
};

struct ReEncryptRequest {
  std::optional<Blob> CiphertextBlob;  // optional in the model; KMS rejects a call without it
  EncryptionContextMap SourceEncryptionContext;
  std::optional<std::string> SourceKeyId;
  std::string DestinationKeyId;
  EncryptionContextMap DestinationEncryptionContext;
  std::optional<kms::EncryptionAlgorithm> SourceEncryptionAlgorithm;
  std::optional<kms::EncryptionAlgorithm> DestinationEncryptionAlgorithm;
  std::vector<std::string> GrantTokens;
  std::optional<bool> DryRun;
  std::vector<std::string> DryRunModifiers;
};
struct ReEncryptResponse {
  Blob CiphertextBlob;
  std::string SourceKeyId;
  std::string KeyId;
  std::optional<kms::EncryptionAlgorithm> SourceEncryptionAlgorithm;
  std::optional<kms::EncryptionAlgorithm> DestinationEncryptionAlgorithm;
  std::string SourceKeyMaterialId;
  std::string DestinationKeyMaterialId;
};

struct GenerateDataKeyRequest {
  std::string KeyId;
  EncryptionContextMap EncryptionContext;
  std::optional<int> NumberOfBytes;
  std::optional<DataKeySpec> KeySpec;
  std::vector<std::string> GrantTokens;
  std::optional<bool> DryRun;
};
struct GenerateDataKeyResponse {
  Blob CiphertextBlob;
  internal::SecretBytes Plaintext;
  std::string KeyId;
  std::string KeyMaterialId;
};

struct GenerateDataKeyWithoutPlaintextRequest {
  std::string KeyId;
  EncryptionContextMap EncryptionContext;
  std::optional<DataKeySpec> KeySpec;
  std::optional<int> NumberOfBytes;
  std::vector<std::string> GrantTokens;
  std::optional<bool> DryRun;
};
struct GenerateDataKeyWithoutPlaintextResponse {
  Blob CiphertextBlob;
  std::string KeyId;
  std::string KeyMaterialId;
};

struct GenerateRandomRequest {
  std::optional<int> NumberOfBytes;
  std::optional<std::string> CustomKeyStoreId;
};
struct GenerateRandomResponse {
  internal::SecretBytes Plaintext;
};

}  // namespace kms
