// Wrapping keys, unwrapping (RSA-OAEP, RSA-AES key wrap, SM2PKE), the imported-material rules per
// key spec and imported material ids, over OpenSSL 3 EVP.
#include "domain/import_wrapping.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <kms/internal/encoding.hpp>
#include <kms/internal/openssl_ptr.hpp>
#include <kms/internal/random.hpp>
#include <string>
#include <utility>

#include "domain/asymmetric_key.hpp"

namespace kms::emulator {
namespace {

using internal::CipherCtxPtr;
using internal::SecretBytes;

constexpr std::string_view kMaterialIdLabel = "kms-emulator imported key material id v1:";

Error OpenSslError(std::string_view what) {
  return MakeError(ErrorCode::kInternal, "OpenSSL failed to " + std::string(what) + ".");
}

Error CannotUnwrap() { return MakeError(ErrorCode::kInvalidCiphertext, ""); }

Error IncorrectMaterial(std::string message) {
  return MakeError(ErrorCode::kIncorrectKeyMaterial, std::move(message));
}

template <class Enum, size_t N>
std::optional<Enum> ParseName(const std::string_view (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

bool IsRsaAes(WrappingAlgorithm alg) {
  return alg == WrappingAlgorithm::kRsaAesKeyWrapSha1 ||
         alg == WrappingAlgorithm::kRsaAesKeyWrapSha256;
}

// The EncryptionAlgorithm that encrypts (the AES key of) the material; nullopt for PKCS#1 v1.5.
std::optional<EncryptionAlgorithm> PublicKeyAlgorithm(WrappingAlgorithm alg) {
  switch (alg) {
    case WrappingAlgorithm::kRsaesOaepSha1:
    case WrappingAlgorithm::kRsaAesKeyWrapSha1:
      return EncryptionAlgorithm::kRsaesOaepSha1;
    case WrappingAlgorithm::kRsaesOaepSha256:
    case WrappingAlgorithm::kRsaAesKeyWrapSha256:
      return EncryptionAlgorithm::kRsaesOaepSha256;
    case WrappingAlgorithm::kSm2Pke:
      return EncryptionAlgorithm::kSm2Pke;
    default:
      return std::nullopt;
  }
}

const EVP_CIPHER* KeyWrapCipher(size_t aes_key_size) {
  switch (aes_key_size) {
    case 16:
      return EVP_aes_128_wrap_pad();
    case 24:
      return EVP_aes_192_wrap_pad();
    case 32:
      return EVP_aes_256_wrap_pad();
    default:
      return nullptr;
  }
}

// AES key wrap with padding (RFC 5649) in one direction; nullopt when unwrapping fails the
// integrity check or the sizes are wrong.
std::optional<SecretBytes> AesKeyWrap(std::span<const uint8_t> aes_key, std::span<const uint8_t> in,
                                      bool wrap) {
  const EVP_CIPHER* cipher = KeyWrapCipher(aes_key.size());
  if (cipher == nullptr || in.empty() || (!wrap && (in.size() < 16 || in.size() % 8 != 0))) {
    return std::nullopt;
  }
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return std::nullopt;
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, aes_key.data(), nullptr, wrap ? 1 : 0) != 1) {
    return std::nullopt;
  }
  SecretBytes out(in.size() + 16);
  int written = 0;
  int final_written = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &written, in.data(), static_cast<int>(in.size())) !=
          1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + written, &final_written) != 1) {
    return std::nullopt;
  }
  out.resize(static_cast<size_t>(written + final_written));
  return out;
}

Result<PrivateKey> ParsePublicKey(std::span<const uint8_t> spki) {
  const unsigned char* p = spki.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  if (key == nullptr) return MakeError(ErrorCode::kInternal, "The wrapping key is not a key.");
  return PrivateKey(key, EVP_PKEY_free);
}

// Size of the RSA modulus in bytes; 0 for other key types.
size_t ModulusBytes(EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "RSA") ? static_cast<size_t>(EVP_PKEY_get_size(key)) : 0;
}

// ---- Material rules ----

struct ByteRange {
  size_t min = 0;
  size_t max = 0;
};

// AWS: the accepted sizes of symmetric and HMAC key material (n/v: HMAC ranges from the
// "Requirements for imported key material" page as remembered, not re-read).
std::optional<ByteRange> SecretSize(KeySpec spec) {
  switch (spec) {
    case KeySpec::kSymmetricDefault:
      return ByteRange{32, 32};
    case KeySpec::kHmac224:
      return ByteRange{28, 64};
    case KeySpec::kHmac256:
      return ByteRange{32, 64};
    case KeySpec::kHmac384:
      return ByteRange{48, 128};
    case KeySpec::kHmac512:
      return ByteRange{64, 128};
    default:
      return std::nullopt;
  }
}

std::string GroupName(EVP_PKEY* key) {
  char name[64] = {};
  size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &length) !=
      1) {
    return {};
  }
  return std::string(name, length);
}

// True when the parsed private key is of the type, size or curve of `spec`.
bool KeyFitsSpec(EVP_PKEY* key, KeySpec spec) {
  auto rsa = [key](int bits) {
    return EVP_PKEY_is_a(key, "RSA") && EVP_PKEY_get_bits(key) == bits;
  };
  auto ec = [key](std::string_view a, std::string_view b) {
    if (!EVP_PKEY_is_a(key, "EC")) return false;
    std::string group = GroupName(key);
    return group == a || group == b;
  };
  switch (spec) {
    case KeySpec::kRsa2048:
      return rsa(2048);
    case KeySpec::kRsa3072:
      return rsa(3072);
    case KeySpec::kRsa4096:
      return rsa(4096);
    case KeySpec::kEccNistP256:
      return ec("prime256v1", "P-256");
    case KeySpec::kEccNistP384:
      return ec("secp384r1", "P-384");
    case KeySpec::kEccNistP521:
      return ec("secp521r1", "P-521");
    case KeySpec::kEccSecgP256k1:
      return ec("secp256k1", "secp256k1");
    case KeySpec::kEccNistEdwards25519:
      return EVP_PKEY_is_a(key, "ED25519") != 0;
    case KeySpec::kSm2:
      return EVP_PKEY_is_a(key, "SM2") != 0 || ec("SM2", "sm2");
    default:
      return false;
  }
}

// A PKCS#8 PrivateKeyInfo (exactly, nothing after it) of `spec`, re-encoded.
Result<SecretBytes> CheckPrivateKey(KeySpec spec, const SecretBytes& material) {
  const unsigned char* p = material.data();
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> p8(
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(material.size())),
      PKCS8_PRIV_KEY_INFO_free);
  internal::PkeyPtr key(p8 && p == material.data() + material.size() ? EVP_PKCS82PKEY(p8.get())
                                                                     : nullptr);
  if (!key) {
    return IncorrectMaterial("The key material is not a DER-encoded PKCS#8 private key.");
  }
  if (!KeyFitsSpec(key.get(), spec)) {
    return IncorrectMaterial("The key material does not match the key spec " +
                             std::string(ToString(spec)) + " of the KMS key.");
  }
  return Pkcs8Der(key.get());
}

}  // namespace

std::string_view ToString(WrappingAlgorithm alg) {
  return kWrappingAlgorithmNames[static_cast<size_t>(alg)];
}

std::string_view ToString(WrappingKeySpec spec) {
  return kWrappingKeySpecNames[static_cast<size_t>(spec)];
}

std::optional<WrappingAlgorithm> ParseWrappingAlgorithm(std::string_view name) {
  return ParseName<WrappingAlgorithm>(kWrappingAlgorithmNames, name);
}

std::optional<WrappingKeySpec> ParseWrappingKeySpec(std::string_view name) {
  return ParseName<WrappingKeySpec>(kWrappingKeySpecNames, name);
}

Result<SecretBytes> NewWrappingKey(WrappingKeySpec spec) {
  switch (spec) {
    case WrappingKeySpec::kRsa2048:
      return GenerateKeyMaterial(KeySpec::kRsa2048);
    case WrappingKeySpec::kRsa3072:
      return GenerateKeyMaterial(KeySpec::kRsa3072);
    case WrappingKeySpec::kRsa4096:
      return GenerateKeyMaterial(KeySpec::kRsa4096);
    default:
      return GenerateKeyMaterial(KeySpec::kSm2);
  }
}

Result<std::vector<uint8_t>> WrappingPublicKey(std::span<const uint8_t> private_key) {
  auto key = ParsePrivateKey(private_key);
  if (!key) return key.error();
  return PublicKeyDer(key->get());
}

Result<SecretBytes> UnwrapKeyMaterial(std::span<const uint8_t> private_key, WrappingAlgorithm alg,
                                      std::span<const uint8_t> wrapped) {
  auto key = ParsePrivateKey(private_key);
  if (!key) return key.error();
  auto public_alg = PublicKeyAlgorithm(alg);
  if (!public_alg) return CannotUnwrap();
  if (!IsRsaAes(alg)) {
    auto material = PrivateKeyDecrypt(key->get(), *public_alg, wrapped);
    if (!material || material->empty()) return CannotUnwrap();
    return std::move(*material);
  }
  size_t head = ModulusBytes(key->get());
  if (head == 0 || wrapped.size() <= head) return CannotUnwrap();
  auto aes_key = PrivateKeyDecrypt(key->get(), *public_alg, wrapped.first(head));
  if (!aes_key) return CannotUnwrap();
  auto material = AesKeyWrap(aes_key->span(), wrapped.subspan(head), /*wrap=*/false);
  if (!material) return CannotUnwrap();
  return std::move(*material);
}

Result<std::vector<uint8_t>> WrapKeyMaterial(std::span<const uint8_t> public_key,
                                             WrappingAlgorithm alg,
                                             std::span<const uint8_t> material) {
  auto key = ParsePublicKey(public_key);
  if (!key) return key.error();
  auto public_alg = PublicKeyAlgorithm(alg);
  if (!public_alg) return MakeError(ErrorCode::kInternal, "RSAES_PKCS1_V1_5 is not supported.");
  if (!IsRsaAes(alg)) return PublicKeyEncrypt(key->get(), *public_alg, material);
  auto aes_key = internal::RandomSecret(32);
  if (!aes_key) return aes_key.error();
  auto head = PublicKeyEncrypt(key->get(), *public_alg, aes_key->span());
  if (!head) return head.error();
  auto tail = AesKeyWrap(aes_key->span(), material, /*wrap=*/true);
  if (!tail) return OpenSslError("wrap key material");
  head->insert(head->end(), tail->data(), tail->data() + tail->size());
  return head;
}

Result<SecretBytes> CheckImportedMaterial(KeySpec spec, SecretBytes material) {
  if (auto range = SecretSize(spec)) {
    if (material.size() < range->min || material.size() > range->max) {
      std::string sizes = range->min == range->max
                              ? std::to_string(range->min)
                              : std::to_string(range->min) + " to " + std::to_string(range->max);
      return IncorrectMaterial("Key material for a " + std::string(ToString(spec)) +
                               " KMS key must be " + sizes + " bytes long.");
    }
    return material;
  }
  return CheckPrivateKey(spec, material);
}

std::string ImportedMaterialId(std::string_view key_id, std::span<const uint8_t> material) {
  std::string label(kMaterialIdLabel);
  label.append(key_id);
  auto mac = ComputeHmac(MacAlgorithm::kHmacSha256, material,
                         {reinterpret_cast<const uint8_t*>(label.data()), label.size()});
  return internal::HexEncode(mac);
}

}  // namespace kms::emulator
