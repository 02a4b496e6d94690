// The ESDK algorithm suite table, commitment policies and HKDF key derivation (OpenSSL EVP_KDF).
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <kms/envelope/algorithm_suite.hpp>
#include <memory>

namespace kms::envelope {
namespace {

using Id = AlgorithmSuiteId;
using Sig = SignatureAlgorithm;

constexpr std::array<AlgorithmSuite, 11> kSuites = {{
    {Id::kAes128GcmIv12Tag16NoKdf, "ALG_AES_128_GCM_IV12_TAG16_NO_KDF", 1, 16, KdfHash::kNone,
     false, Sig::kNone},
    {Id::kAes192GcmIv12Tag16NoKdf, "ALG_AES_192_GCM_IV12_TAG16_NO_KDF", 1, 24, KdfHash::kNone,
     false, Sig::kNone},
    {Id::kAes256GcmIv12Tag16NoKdf, "ALG_AES_256_GCM_IV12_TAG16_NO_KDF", 1, 32, KdfHash::kNone,
     false, Sig::kNone},
    {Id::kAes128GcmIv12Tag16HkdfSha256, "ALG_AES_128_GCM_IV12_TAG16_HKDF_SHA256", 1, 16,
     KdfHash::kSha256, false, Sig::kNone},
    {Id::kAes192GcmIv12Tag16HkdfSha256, "ALG_AES_192_GCM_IV12_TAG16_HKDF_SHA256", 1, 24,
     KdfHash::kSha256, false, Sig::kNone},
    {Id::kAes256GcmIv12Tag16HkdfSha256, "ALG_AES_256_GCM_IV12_TAG16_HKDF_SHA256", 1, 32,
     KdfHash::kSha256, false, Sig::kNone},
    {Id::kAes128GcmIv12Tag16HkdfSha256EcdsaP256,
     "ALG_AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256", 1, 16, KdfHash::kSha256, false,
     Sig::kEcdsaP256Sha256},
    {Id::kAes192GcmIv12Tag16HkdfSha384EcdsaP384,
     "ALG_AES_192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384", 1, 24, KdfHash::kSha384, false,
     Sig::kEcdsaP384Sha384},
    {Id::kAes256GcmIv12Tag16HkdfSha384EcdsaP384,
     "ALG_AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384", 1, 32, KdfHash::kSha384, false,
     Sig::kEcdsaP384Sha384},
    {Id::kAes256GcmHkdfSha512CommitKey, "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY", 2, 32,
     KdfHash::kSha512, true, Sig::kNone},
    {Id::kAes256GcmHkdfSha512CommitKeyEcdsaP384,
     "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", 2, 32, KdfHash::kSha512, true,
     Sig::kEcdsaP384Sha384},
}};

const char* DigestName(KdfHash hash) {
  switch (hash) {
    case KdfHash::kSha256:
      return "SHA256";
    case KdfHash::kSha384:
      return "SHA384";
    case KdfHash::kSha512:
      return "SHA512";
    case KdfHash::kNone:
      break;
  }
  return nullptr;
}

struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
};
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, KdfCtxFree>;

// One HKDF call: mode is "EXTRACT_ONLY", "EXPAND_ONLY" or "EXTRACT_AND_EXPAND". `salt` empty
// means no salt (RFC 5869: HashLen zeros).
bool Hkdf(KdfHash hash, const char* mode, std::span<const uint8_t> key,
          std::span<const uint8_t> salt, std::span<const uint8_t> info, std::span<uint8_t> out) {
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (kdf == nullptr) return false;
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx) return false;
  OSSL_PARAM params[6];
  size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                                 const_cast<char*>(DigestName(hash)), 0);
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, const_cast<char*>(mode), 0);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                                  const_cast<uint8_t*>(key.data()), key.size());
  if (!salt.empty()) {
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                                    const_cast<uint8_t*>(salt.data()), salt.size());
  }
  if (!info.empty()) {
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                                    const_cast<uint8_t*>(info.data()), info.size());
  }
  params[n] = OSSL_PARAM_construct_end();
  return EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) == 1;
}

Error DerivationFailed() { return MakeError(ErrorCode::kInternal, "HKDF key derivation failed"); }

std::string Upper(std::string_view text) {
  std::string s(text);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Non-committing HKDF: info = suite id || message id.
Result<MessageKeys> DeriveLegacy(const AlgorithmSuite& suite, std::span<const uint8_t> data_key,
                                 std::span<const uint8_t> message_id) {
  std::vector<uint8_t> info = {static_cast<uint8_t>(suite.id_value() >> 8),
                               static_cast<uint8_t>(suite.id_value())};
  info.insert(info.end(), message_id.begin(), message_id.end());
  MessageKeys keys{internal::SecretBytes(suite.key_length), {}};
  if (!Hkdf(suite.kdf, "EXTRACT_AND_EXPAND", data_key, {}, info, keys.encryption_key.span())) {
    return DerivationFailed();
  }
  return keys;
}

// Committing HKDF-SHA512: one extract (salt = message id), two expands.
Result<MessageKeys> DeriveCommitting(const AlgorithmSuite& suite, std::span<const uint8_t> data_key,
                                     std::span<const uint8_t> message_id) {
  internal::SecretBytes prk(64);
  if (!Hkdf(suite.kdf, "EXTRACT_ONLY", data_key, message_id, {}, prk.span())) {
    return DerivationFailed();
  }
  static constexpr std::string_view kDeriveKey = "DERIVEKEY";
  static constexpr std::string_view kCommitKey = "COMMITKEY";
  std::vector<uint8_t> info = {static_cast<uint8_t>(suite.id_value() >> 8),
                               static_cast<uint8_t>(suite.id_value())};
  info.insert(info.end(), kDeriveKey.begin(), kDeriveKey.end());
  MessageKeys keys{internal::SecretBytes(suite.key_length), std::vector<uint8_t>(kCommitKeyLength)};
  std::span<const uint8_t> commit_info(reinterpret_cast<const uint8_t*>(kCommitKey.data()),
                                       kCommitKey.size());
  if (!Hkdf(suite.kdf, "EXPAND_ONLY", prk.span(), {}, info, keys.encryption_key.span()) ||
      !Hkdf(suite.kdf, "EXPAND_ONLY", prk.span(), {}, commit_info, keys.commit_key)) {
    return DerivationFailed();
  }
  return keys;
}

}  // namespace

std::span<const AlgorithmSuite> AllAlgorithmSuites() { return kSuites; }

const AlgorithmSuite* FindAlgorithmSuite(uint16_t id) {
  for (const auto& suite : kSuites) {
    if (suite.id_value() == id) return &suite;
  }
  return nullptr;
}

const AlgorithmSuite& GetAlgorithmSuite(AlgorithmSuiteId id) {
  return *FindAlgorithmSuite(static_cast<uint16_t>(id));
}

std::string SuiteIdHex(uint16_t id) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", id);
  return buf;
}

Result<AlgorithmSuiteId> ParseAlgorithmSuiteId(std::string_view text) {
  std::string upper = Upper(text);
  for (const auto& suite : kSuites) {
    std::string digits = SuiteIdHex(suite.id_value()).substr(2);
    if (upper == digits || upper == "0X" + digits || upper == suite.name) {
      return suite.id;
    }
  }
  return MakeError(ErrorCode::kValidation, "Unknown algorithm suite '" + std::string(text) + "'");
}

std::string_view CommitmentPolicyName(CommitmentPolicy policy) {
  switch (policy) {
    case CommitmentPolicy::kForbidEncryptAllowDecrypt:
      return "FORBID_ENCRYPT_ALLOW_DECRYPT";
    case CommitmentPolicy::kRequireEncryptAllowDecrypt:
      return "REQUIRE_ENCRYPT_ALLOW_DECRYPT";
    case CommitmentPolicy::kRequireEncryptRequireDecrypt:
      break;
  }
  return "REQUIRE_ENCRYPT_REQUIRE_DECRYPT";
}

bool PolicyAllowsEncrypt(CommitmentPolicy policy, const AlgorithmSuite& suite) {
  return policy == CommitmentPolicy::kForbidEncryptAllowDecrypt ? !suite.committing
                                                                : suite.committing;
}

bool PolicyAllowsDecrypt(CommitmentPolicy policy, const AlgorithmSuite& suite) {
  return policy != CommitmentPolicy::kRequireEncryptRequireDecrypt || suite.committing;
}

AlgorithmSuiteId DefaultAlgorithmSuite(CommitmentPolicy policy) {
  return policy == CommitmentPolicy::kForbidEncryptAllowDecrypt
             ? AlgorithmSuiteId::kAes256GcmIv12Tag16HkdfSha384EcdsaP384
             : AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384;
}

Result<MessageKeys> DeriveMessageKeys(const AlgorithmSuite& suite,
                                      std::span<const uint8_t> data_key,
                                      std::span<const uint8_t> message_id) {
  std::string hex = SuiteIdHex(suite.id_value());
  if (data_key.size() != suite.key_length) {
    return MakeError(ErrorCode::kValidation, "Data key is " + std::to_string(data_key.size()) +
                                                 " bytes; suite " + hex + " needs " +
                                                 std::to_string(suite.key_length));
  }
  if (message_id.size() != suite.message_id_length()) {
    return MakeError(ErrorCode::kValidation, "Message id is " + std::to_string(message_id.size()) +
                                                 " bytes; suite " + hex + " needs " +
                                                 std::to_string(suite.message_id_length()));
  }
  if (suite.kdf == KdfHash::kNone) return MessageKeys{internal::SecretBytes(data_key), {}};
  if (suite.committing) return DeriveCommitting(suite, data_key, message_id);
  return DeriveLegacy(suite, data_key, message_id);
}

}  // namespace kms::envelope
