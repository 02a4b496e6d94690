// Wire names of the KMS enumerations, as in the botocore model.
#include <algorithm>
#include <array>
#include <kms/types.hpp>

namespace kms {
namespace {

template <class E, size_t N>
std::optional<E> Parse(const std::string_view (&names)[N], std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

// Each array is in the enum's declaration order.
constexpr std::string_view kKeyState[] = {"Creating",      "Enabled",
                                          "Disabled",      "PendingDeletion",
                                          "PendingImport", "PendingReplicaDeletion",
                                          "Unavailable",   "Updating"};
constexpr std::string_view kKeySpec[] = {"SYMMETRIC_DEFAULT",
                                         "RSA_2048",
                                         "RSA_3072",
                                         "RSA_4096",
                                         "ECC_NIST_P256",
                                         "ECC_NIST_P384",
                                         "ECC_NIST_P521",
                                         "ECC_SECG_P256K1",
                                         "ECC_NIST_EDWARDS25519",
                                         "HMAC_224",
                                         "HMAC_256",
                                         "HMAC_384",
                                         "HMAC_512",
                                         "SM2",
                                         "ML_DSA_44",
                                         "ML_DSA_65",
                                         "ML_DSA_87"};
constexpr std::string_view kKeyUsage[] = {"ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC",
                                          "KEY_AGREEMENT"};
constexpr std::string_view kOrigin[] = {"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM",
                                        "EXTERNAL_KEY_STORE"};
constexpr std::string_view kKeyManager[] = {"AWS", "CUSTOMER"};
constexpr std::string_view kEncryptionAlgorithm[] = {"SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1",
                                                     "RSAES_OAEP_SHA_256", "SM2PKE"};
constexpr std::string_view kDataKeySpec[] = {"AES_128", "AES_256"};
// botocore's CustomerMasterKeySpec enum, in KeySpec declaration order: the KeySpec names but
// the specs added after it was deprecated.
constexpr bool IsCustomerMasterKeySpec(std::string_view name) {
  return name != "ECC_NIST_EDWARDS25519" && !name.starts_with("ML_DSA_");
}
constexpr auto kCustomerMasterKeySpec = [] {
  std::array<std::string_view, std::ranges::count_if(kKeySpec, IsCustomerMasterKeySpec)> names{};
  std::ranges::copy_if(kKeySpec, names.begin(), IsCustomerMasterKeySpec);
  return names;
}();
static_assert(kCustomerMasterKeySpec.size() == 13);  // botocore's enum

}  // namespace

std::string_view ToString(KeyState v) { return kKeyState[static_cast<int>(v)]; }
std::string_view ToString(KeySpec v) { return kKeySpec[static_cast<int>(v)]; }
std::string_view ToString(KeyUsage v) { return kKeyUsage[static_cast<int>(v)]; }
std::string_view ToString(Origin v) { return kOrigin[static_cast<int>(v)]; }
std::string_view ToString(KeyManager v) { return kKeyManager[static_cast<int>(v)]; }
std::string_view ToString(EncryptionAlgorithm v) {
  return kEncryptionAlgorithm[static_cast<int>(v)];
}
std::string_view ToString(DataKeySpec v) { return kDataKeySpec[static_cast<int>(v)]; }

std::span<const std::string_view> KeySpecNames() { return kKeySpec; }
std::span<const std::string_view> KeyUsageNames() { return kKeyUsage; }
std::span<const std::string_view> OriginNames() { return kOrigin; }
std::span<const std::string_view> EncryptionAlgorithmNames() { return kEncryptionAlgorithm; }
std::span<const std::string_view> DataKeySpecNames() { return kDataKeySpec; }
std::span<const std::string_view> CustomerMasterKeySpecNames() { return kCustomerMasterKeySpec; }

std::optional<KeyState> ParseKeyState(std::string_view s) { return Parse<KeyState>(kKeyState, s); }
std::optional<KeySpec> ParseKeySpec(std::string_view s) { return Parse<KeySpec>(kKeySpec, s); }
std::optional<KeyUsage> ParseKeyUsage(std::string_view s) { return Parse<KeyUsage>(kKeyUsage, s); }
std::optional<Origin> ParseOrigin(std::string_view s) { return Parse<Origin>(kOrigin, s); }
std::optional<EncryptionAlgorithm> ParseEncryptionAlgorithm(std::string_view s) {
  return Parse<EncryptionAlgorithm>(kEncryptionAlgorithm, s);
}
std::optional<DataKeySpec> ParseDataKeySpec(std::string_view s) {
  return Parse<DataKeySpec>(kDataKeySpec, s);
}

}  // namespace kms
