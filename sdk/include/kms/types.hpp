// AWS KMS enumerations shared by the emulator and the SDK, with their wire names.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace kms {

enum class KeyState {
  kCreating,
  kEnabled,
  kDisabled,
  kPendingDeletion,
  kPendingImport,
  kPendingReplicaDeletion,
  kUnavailable,
  kUpdating
};
enum class KeySpec {
  kSymmetricDefault,
  kRsa2048,
  kRsa3072,
  kRsa4096,
  kEccNistP256,
  kEccNistP384,
  kEccNistP521,
  kEccSecgP256k1,
  kEccNistEdwards25519,
  kHmac224,
  kHmac256,
  kHmac384,
  kHmac512,
  kSm2,
  kMlDsa44,
  kMlDsa65,
  kMlDsa87
};
enum class KeyUsage { kEncryptDecrypt, kSignVerify, kGenerateVerifyMac, kKeyAgreement };
enum class Origin { kAwsKms, kExternal, kAwsCloudHsm, kExternalKeyStore };
enum class KeyManager { kAws, kCustomer };
enum class EncryptionAlgorithm { kSymmetricDefault, kRsaesOaepSha1, kRsaesOaepSha256, kSm2Pke };
enum class DataKeySpec { kAes128, kAes256 };

// Wire name of each value ("SYMMETRIC_DEFAULT", "PendingDeletion", ...). Pure, thread-safe.
std::string_view ToString(KeyState v);
std::string_view ToString(KeySpec v);
std::string_view ToString(KeyUsage v);
std::string_view ToString(Origin v);
std::string_view ToString(KeyManager v);
std::string_view ToString(EncryptionAlgorithm v);
std::string_view ToString(DataKeySpec v);

// Every wire name of the enum, in declaration order (index i names static_cast<E>(i)), e.g.
// for command-line choices. Pure, thread-safe (static data).
std::span<const std::string_view> KeySpecNames();
std::span<const std::string_view> KeyUsageNames();
std::span<const std::string_view> OriginNames();
std::span<const std::string_view> EncryptionAlgorithmNames();
std::span<const std::string_view> DataKeySpecNames();
// The KeySpec names the deprecated CustomerMasterKeySpec member accepts (botocore's
// CustomerMasterKeySpec enum: KeySpecNames() without ECC_NIST_EDWARDS25519 and ML_DSA_*).
std::span<const std::string_view> CustomerMasterKeySpecNames();

// Parses a wire name; nullopt when it is not one of the enum's values (exact, case-sensitive).
std::optional<KeyState> ParseKeyState(std::string_view s);
std::optional<KeySpec> ParseKeySpec(std::string_view s);
std::optional<KeyUsage> ParseKeyUsage(std::string_view s);
std::optional<Origin> ParseOrigin(std::string_view s);
std::optional<EncryptionAlgorithm> ParseEncryptionAlgorithm(std::string_view s);
std::optional<DataKeySpec> ParseDataKeySpec(std::string_view s);

}  // namespace kms
