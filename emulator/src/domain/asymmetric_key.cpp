// The algorithm tables of each key spec, key generation as PKCS#8 DER, the parsed-key cache,
// public keys and HMAC (signing: asymmetric_signing.cpp; encryption and ECDH:
// asymmetric_cipher.cpp).
#include "domain/asymmetric_key.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include <array>
#include <kms/internal/encoding.hpp>
#include <kms/internal/openssl_ptr.hpp>
#include <kms/internal/random.hpp>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace kms::emulator {
namespace {

using internal::SecretBytes;

Error OpenSslError(std::string_view what) {
  return MakeError(ErrorCode::kInternal, "OpenSSL failed to " + std::string(what) + ".");
}

Error Unsupported(std::string message) {
  return MakeError(ErrorCode::kUnsupportedOperation, std::move(message));
}

PrivateKey Share(EVP_PKEY* key) { return PrivateKey(key, EVP_PKEY_free); }

template <class Enum, size_t N>
std::optional<Enum> ParseName(const std::string_view (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

// OpenSSL's key type name and generation parameter for a key-pair spec.
struct KeyGenParams {
  const char* type = nullptr;
  const char* curve = nullptr;  // EC group name
  size_t bits = 0;              // RSA modulus size
};

std::optional<KeyGenParams> KeyGenFor(KeySpec spec) {
  switch (spec) {
    case KeySpec::kRsa2048:
      return KeyGenParams{"RSA", nullptr, 2048};
    case KeySpec::kRsa3072:
      return KeyGenParams{"RSA", nullptr, 3072};
    case KeySpec::kRsa4096:
      return KeyGenParams{"RSA", nullptr, 4096};
    case KeySpec::kEccNistP256:
      return KeyGenParams{"EC", "P-256"};
    case KeySpec::kEccNistP384:
      return KeyGenParams{"EC", "P-384"};
    case KeySpec::kEccNistP521:
      return KeyGenParams{"EC", "P-521"};
    case KeySpec::kEccSecgP256k1:
      return KeyGenParams{"EC", "secp256k1"};
    case KeySpec::kEccNistEdwards25519:
      return KeyGenParams{"ED25519"};
    case KeySpec::kSm2:
      return KeyGenParams{"SM2"};
    default:
      return std::nullopt;
  }
}

Result<internal::PkeyPtr> GenerateKeyPair(const KeyGenParams& params) {
  EVP_PKEY* key = nullptr;
  if (params.bits != 0) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, params.type, params.bits);
  } else if (params.curve != nullptr) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, params.type, params.curve);
  } else {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, params.type);
  }
  if (key == nullptr) return OpenSslError("generate a key pair");
  return internal::PkeyPtr(key);
}

const EVP_MD* MacDigest(MacAlgorithm alg) {
  switch (alg) {
    case MacAlgorithm::kHmacSha224:
      return EVP_sha224();
    case MacAlgorithm::kHmacSha256:
      return EVP_sha256();
    case MacAlgorithm::kHmacSha384:
      return EVP_sha384();
    default:
      return EVP_sha512();
  }
}

// The private-key cache of PrivateKeyOf.
struct CacheEntry {
  std::weak_ptr<const SecretBytes> source;
  PrivateKey key;
};

class KeyCache {
 public:
  PrivateKey Find(const KeyMaterial& material) const {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(material.id);
    if (it == entries_.end() || it->second.source.lock() != material.bytes) return nullptr;
    return it->second.key;
  }

  void Put(const KeyMaterial& material, PrivateKey key) {
    std::unique_lock lock(mutex_);
    // A crude bound: parsing again is cheap next to keeping dead keys forever.
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_[material.id] = CacheEntry{material.bytes, std::move(key)};
  }

 private:
  static constexpr size_t kMaxEntries = 4096;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, CacheEntry> entries_;
};

KeyCache& Cache() {
  static KeyCache cache;
  return cache;
}

constexpr std::string_view kRsaEncryption[] = {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"};
constexpr std::string_view kSm2Encryption[] = {"SM2PKE"};
constexpr std::string_view kSymmetricEncryption[] = {"SYMMETRIC_DEFAULT"};
constexpr std::string_view kRsaSigning[] = {
    "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",        "RSASSA_PSS_SHA_384",        "RSASSA_PSS_SHA_512"};
constexpr std::string_view kEcdsa256[] = {"ECDSA_SHA_256"};
constexpr std::string_view kEcdsa384[] = {"ECDSA_SHA_384"};
constexpr std::string_view kEcdsa512[] = {"ECDSA_SHA_512"};
constexpr std::string_view kEd25519Signing[] = {"ED25519_SHA_512", "ED25519_PH_SHA_512"};
constexpr std::string_view kSm2Signing[] = {"SM2DSA"};
constexpr std::string_view kMlDsaSigning[] = {"ML_DSA_SHAKE_256"};

}  // namespace

std::string_view ToString(SigningAlgorithm alg) {
  return kSigningAlgorithmNames[static_cast<size_t>(alg)];
}

std::string_view ToString(MacAlgorithm alg) { return kMacAlgorithmNames[static_cast<size_t>(alg)]; }

std::optional<SigningAlgorithm> ParseSigningAlgorithm(std::string_view name) {
  return ParseName<SigningAlgorithm>(kSigningAlgorithmNames, name);
}

std::optional<MacAlgorithm> ParseMacAlgorithm(std::string_view name) {
  return ParseName<MacAlgorithm>(kMacAlgorithmNames, name);
}

Result<SecretBytes> Pkcs8Der(EVP_PKEY* key) {
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> p8(
      EVP_PKEY2PKCS8(key), PKCS8_PRIV_KEY_INFO_free);
  int size = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8.get(), nullptr) : -1;
  if (size <= 0) return OpenSslError("encode a private key");
  SecretBytes der(static_cast<size_t>(size));
  unsigned char* out = der.data();
  if (i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &out) != size) return OpenSslError("encode a private key");
  return der;
}

size_t HmacKeySize(KeySpec spec) {
  switch (spec) {
    case KeySpec::kHmac224:
      return 28;
    case KeySpec::kHmac256:
      return 32;
    case KeySpec::kHmac384:
      return 48;
    default:
      return 64;
  }
}

bool IsRsaSpec(KeySpec spec) {
  return spec == KeySpec::kRsa2048 || spec == KeySpec::kRsa3072 || spec == KeySpec::kRsa4096;
}

bool IsHmacSpec(KeySpec spec) {
  return spec == KeySpec::kHmac224 || spec == KeySpec::kHmac256 || spec == KeySpec::kHmac384 ||
         spec == KeySpec::kHmac512;
}

bool IsMlDsaSpec(KeySpec spec) {
  return spec == KeySpec::kMlDsa44 || spec == KeySpec::kMlDsa65 || spec == KeySpec::kMlDsa87;
}

bool IsAsymmetricSpec(KeySpec spec) {
  return spec != KeySpec::kSymmetricDefault && !IsHmacSpec(spec);
}

bool UsageFitsSpec(KeySpec spec, KeyUsage usage) {
  switch (spec) {
    case KeySpec::kSymmetricDefault:
      return usage == KeyUsage::kEncryptDecrypt;
    case KeySpec::kRsa2048:
    case KeySpec::kRsa3072:
    case KeySpec::kRsa4096:
      return usage == KeyUsage::kEncryptDecrypt || usage == KeyUsage::kSignVerify;
    case KeySpec::kEccNistP256:
    case KeySpec::kEccNistP384:
    case KeySpec::kEccNistP521:
      return usage == KeyUsage::kSignVerify || usage == KeyUsage::kKeyAgreement;
    case KeySpec::kSm2:
      return usage != KeyUsage::kGenerateVerifyMac;
    default:
      return IsHmacSpec(spec) ? usage == KeyUsage::kGenerateVerifyMac
                              : usage == KeyUsage::kSignVerify;
  }
}

std::span<const std::string_view> EncryptionAlgorithmNames(KeySpec spec) {
  if (IsRsaSpec(spec)) return kRsaEncryption;
  if (spec == KeySpec::kSm2) return kSm2Encryption;
  if (spec == KeySpec::kSymmetricDefault) return kSymmetricEncryption;
  return {};
}

std::span<const std::string_view> SigningAlgorithmNames(KeySpec spec) {
  switch (spec) {
    case KeySpec::kEccNistP256:
    case KeySpec::kEccSecgP256k1:
      return kEcdsa256;
    case KeySpec::kEccNistP384:
      return kEcdsa384;
    case KeySpec::kEccNistP521:
      return kEcdsa512;
    case KeySpec::kEccNistEdwards25519:
      return kEd25519Signing;
    case KeySpec::kSm2:
      return kSm2Signing;
    default:
      if (IsRsaSpec(spec)) return kRsaSigning;
      if (IsMlDsaSpec(spec)) return kMlDsaSigning;
      return {};
  }
}

std::span<const std::string_view> MacAlgorithmNames(KeySpec spec) {
  switch (spec) {
    case KeySpec::kHmac224:
      return {&kMacAlgorithmNames[0], 1};
    case KeySpec::kHmac256:
      return {&kMacAlgorithmNames[1], 1};
    case KeySpec::kHmac384:
      return {&kMacAlgorithmNames[2], 1};
    case KeySpec::kHmac512:
      return {&kMacAlgorithmNames[3], 1};
    default:
      return {};
  }
}

size_t MaxPlaintext(KeySpec spec, EncryptionAlgorithm alg) {
  if (spec == KeySpec::kSm2) return alg == EncryptionAlgorithm::kSm2Pke ? 1024 : 0;
  size_t modulus = spec == KeySpec::kRsa2048   ? 256
                   : spec == KeySpec::kRsa3072 ? 384
                   : spec == KeySpec::kRsa4096 ? 512
                                               : 0;
  size_t hash = alg == EncryptionAlgorithm::kRsaesOaepSha1     ? 20
                : alg == EncryptionAlgorithm::kRsaesOaepSha256 ? 32
                                                               : 0;
  if (modulus == 0 || hash == 0) return 0;
  return modulus - 2 * hash - 2;
}

Result<internal::SecretBytes> GenerateKeyMaterial(KeySpec spec) {
  if (spec == KeySpec::kSymmetricDefault) return internal::RandomSecret(32);
  if (IsHmacSpec(spec)) return internal::RandomSecret(HmacKeySize(spec));
  if (IsMlDsaSpec(spec)) {
    return Unsupported("KeySpec " + std::string(ToString(spec)) +
                       " is not supported by this emulator: OpenSSL 3.0 has no ML-DSA.");
  }
  auto params = KeyGenFor(spec);
  if (!params) {
    return Unsupported("KeySpec " + std::string(ToString(spec)) +
                       " is not supported by this emulator.");
  }
  auto key = GenerateKeyPair(*params);
  if (!key) return key.error();
  return Pkcs8Der(key->get());
}

Result<KeyMaterial> NewKeyMaterial(KeySpec spec, int64_t now_ms) {
  auto bytes = GenerateKeyMaterial(spec);
  if (!bytes) return bytes.error();
  std::array<uint8_t, 32> id{};
  if (Status filled = internal::RandomFill(id); !filled) return filled.error();
  KeyMaterial material;
  material.id = internal::HexEncode(id);
  material.bytes = std::make_shared<const SecretBytes>(std::move(*bytes));
  material.created_ms = now_ms;
  return material;
}

bool Sm2Available(std::string_view region) { return region.starts_with("cn-"); }

Result<PrivateKey> ParsePrivateKey(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  if (key == nullptr) {
    return MakeError(ErrorCode::kInternal, "The key material is not a private key.");
  }
  return Share(key);
}

Result<PrivateKey> PrivateKeyOf(const KeyMaterial& material) {
  if (material.bytes == nullptr) {
    return MakeError(ErrorCode::kInternal, "The key has no key material.");
  }
  if (PrivateKey cached = Cache().Find(material)) return cached;
  auto key = ParsePrivateKey(material.bytes->span());
  if (!key) return key.error();
  Cache().Put(material, *key);
  return key;
}

Result<std::vector<uint8_t>> PublicKeyDer(EVP_PKEY* key) {
  int size = i2d_PUBKEY(key, nullptr);
  if (size <= 0) return OpenSslError("encode a public key");
  std::vector<uint8_t> der(static_cast<size_t>(size));
  unsigned char* out = der.data();
  if (i2d_PUBKEY(key, &out) != size) return OpenSslError("encode a public key");
  return der;
}

std::vector<uint8_t> ComputeHmac(MacAlgorithm alg, std::span<const uint8_t> key,
                                 std::span<const uint8_t> message) {
  std::vector<uint8_t> mac(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  HMAC(MacDigest(alg), key.data(), static_cast<int>(key.size()), message.data(), message.size(),
       mac.data(), &size);
  mac.resize(size);
  return mac;
}

}  // namespace kms::emulator
