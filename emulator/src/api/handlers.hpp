// Every operation handler, by family. Each reads its members with InputReader, resolves keys
// with key_resolver, and returns the response members exactly as AWS names them.
#pragma once

#include "api/context.hpp"

namespace kms::emulator {

#define KMS_HANDLER(name)                                                         \
  Result<boost::json::object> name(Services& services, const RequestContext& ctx, \
                                   const boost::json::object& input)

// key_ops.cpp
KMS_HANDLER(CreateKey);
KMS_HANDLER(DescribeKey);
KMS_HANDLER(ListKeys);
KMS_HANDLER(UpdateKeyDescription);
KMS_HANDLER(EnableKey);
KMS_HANDLER(DisableKey);
KMS_HANDLER(ScheduleKeyDeletion);
KMS_HANDLER(CancelKeyDeletion);
// crypto_ops.cpp
KMS_HANDLER(Encrypt);
KMS_HANDLER(Decrypt);
KMS_HANDLER(ReEncrypt);
KMS_HANDLER(GenerateDataKey);
KMS_HANDLER(GenerateDataKeyWithoutPlaintext);
KMS_HANDLER(GenerateRandom);
// alias_ops.cpp
KMS_HANDLER(CreateAlias);
KMS_HANDLER(UpdateAlias);
KMS_HANDLER(DeleteAlias);
KMS_HANDLER(ListAliases);
// tag_ops.cpp
KMS_HANDLER(TagResource);
KMS_HANDLER(UntagResource);
KMS_HANDLER(ListResourceTags);

// asymmetric_ops.cpp
KMS_HANDLER(GetPublicKey);
KMS_HANDLER(Sign);
KMS_HANDLER(Verify);
KMS_HANDLER(DeriveSharedSecret);
// mac_ops.cpp
KMS_HANDLER(GenerateMac);
KMS_HANDLER(VerifyMac);
// key_pair_ops.cpp
KMS_HANDLER(GenerateDataKeyPair);
KMS_HANDLER(GenerateDataKeyPairWithoutPlaintext);

// rotation_ops.cpp
KMS_HANDLER(EnableKeyRotation);
KMS_HANDLER(DisableKeyRotation);
KMS_HANDLER(GetKeyRotationStatus);
KMS_HANDLER(RotateKeyOnDemand);
KMS_HANDLER(ListKeyRotations);
// policy_ops.cpp
KMS_HANDLER(GetKeyPolicy);
KMS_HANDLER(PutKeyPolicy);
KMS_HANDLER(ListKeyPolicies);
// grant_ops.cpp
KMS_HANDLER(CreateGrant);
KMS_HANDLER(ListGrants);
KMS_HANDLER(ListRetirableGrants);
KMS_HANDLER(RetireGrant);
KMS_HANDLER(RevokeGrant);
// key_usage_ops.cpp
KMS_HANDLER(GetKeyLastUsage);
// multi_region_ops.cpp
KMS_HANDLER(ReplicateKey);
KMS_HANDLER(UpdatePrimaryRegion);
// custom_key_store_ops.cpp (not emulated: AWS's answers for stores that do not exist)
KMS_HANDLER(ConnectCustomKeyStore);
KMS_HANDLER(CreateCustomKeyStore);
KMS_HANDLER(DeleteCustomKeyStore);
KMS_HANDLER(DescribeCustomKeyStores);
KMS_HANDLER(DisconnectCustomKeyStore);
KMS_HANDLER(UpdateCustomKeyStore);
// import_ops.cpp
KMS_HANDLER(GetParametersForImport);
KMS_HANDLER(ImportKeyMaterial);
KMS_HANDLER(DeleteImportedKeyMaterial);

}  // namespace kms::emulator
