// The sorted dispatch table.
#include "api/operations.hpp"

#include <algorithm>

#include "api/handlers.hpp"

namespace kms::emulator {
namespace {

// Sorted by name (a test checks it); README's supported-operations list mirrors it.
constexpr Operation kOperations[] = {
    {"CancelKeyDeletion", CancelKeyDeletion},
    {"ConnectCustomKeyStore", ConnectCustomKeyStore},
    {"CreateAlias", CreateAlias},
    {"CreateCustomKeyStore", CreateCustomKeyStore},
    {"CreateGrant", CreateGrant},
    {"CreateKey", CreateKey},
    {"Decrypt", Decrypt},
    {"DeleteAlias", DeleteAlias},
    {"DeleteCustomKeyStore", DeleteCustomKeyStore},
    {"DeleteImportedKeyMaterial", DeleteImportedKeyMaterial},
    {"DeriveSharedSecret", DeriveSharedSecret},
    {"DescribeCustomKeyStores", DescribeCustomKeyStores},
    {"DescribeKey", DescribeKey},
    {"DisableKey", DisableKey},
    {"DisableKeyRotation", DisableKeyRotation},
    {"DisconnectCustomKeyStore", DisconnectCustomKeyStore},
    {"EnableKey", EnableKey},
    {"EnableKeyRotation", EnableKeyRotation},
    {"Encrypt", Encrypt},
    {"GenerateDataKey", GenerateDataKey},
    {"GenerateDataKeyPair", GenerateDataKeyPair},
    {"GenerateDataKeyPairWithoutPlaintext", GenerateDataKeyPairWithoutPlaintext},
    {"GenerateDataKeyWithoutPlaintext", GenerateDataKeyWithoutPlaintext},
    {"GenerateMac", GenerateMac},
    {"GenerateRandom", GenerateRandom},
    {"GetKeyLastUsage", GetKeyLastUsage},
    {"GetKeyPolicy", GetKeyPolicy},
    {"GetKeyRotationStatus", GetKeyRotationStatus},
    {"GetParametersForImport", GetParametersForImport},
    {"GetPublicKey", GetPublicKey},
    {"ImportKeyMaterial", ImportKeyMaterial},
    {"ListAliases", ListAliases},
    {"ListGrants", ListGrants},
    {"ListKeyPolicies", ListKeyPolicies},
    {"ListKeyRotations", ListKeyRotations},
    {"ListKeys", ListKeys},
    {"ListResourceTags", ListResourceTags},
    {"ListRetirableGrants", ListRetirableGrants},
    {"PutKeyPolicy", PutKeyPolicy},
    {"ReEncrypt", ReEncrypt},
    {"ReplicateKey", ReplicateKey},
    {"RetireGrant", RetireGrant},
    {"RevokeGrant", RevokeGrant},
    {"RotateKeyOnDemand", RotateKeyOnDemand},
    {"ScheduleKeyDeletion", ScheduleKeyDeletion},
    {"Sign", Sign},
    {"TagResource", TagResource},
    {"UntagResource", UntagResource},
    {"UpdateAlias", UpdateAlias},
    {"UpdateCustomKeyStore", UpdateCustomKeyStore},
    {"UpdateKeyDescription", UpdateKeyDescription},
    {"UpdatePrimaryRegion", UpdatePrimaryRegion},
    {"Verify", Verify},
    {"VerifyMac", VerifyMac},
};

}  // namespace

std::span<const Operation> Operations() { return kOperations; }

Handler FindOperation(std::string_view name) {
  auto it = std::lower_bound(std::begin(kOperations), std::end(kOperations), name,
                             [](const Operation& op, std::string_view n) { return op.name < n; });
  if (it == std::end(kOperations) || it->name != name) return nullptr;
  return it->handler;
}

}  // namespace kms::emulator
