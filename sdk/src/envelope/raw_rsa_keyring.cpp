// Raw RSA keyring (framework/raw-rsa-keyring.md): the data key RSA-encrypted with PKCS #1 v1.5
// or OAEP (SHA-1/256/384/512 with MGF1 of the same hash) under a local key pair.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <kms/internal/openssl_ptr.hpp>

#include "keyring_util.hpp"

namespace kms::envelope {
namespace {

struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};

const EVP_MD* OaepDigest(RsaPadding padding) {
  switch (padding) {
    case RsaPadding::kOaepSha1Mgf1:
      return EVP_sha1();
    case RsaPadding::kOaepSha256Mgf1:
      return EVP_sha256();
    case RsaPadding::kOaepSha384Mgf1:
      return EVP_sha384();
    case RsaPadding::kOaepSha512Mgf1:
      return EVP_sha512();
    case RsaPadding::kPkcs1:
      break;
  }
  return nullptr;
}

// Sets the padding (and OAEP hashes) on an initialised encrypt/decrypt context.
bool SetPadding(EVP_PKEY_CTX* ctx, RsaPadding padding) {
  if (padding == RsaPadding::kPkcs1)
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
  const EVP_MD* md = OaepDigest(padding);
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1;
}

Result<internal::PkeyPtr> LoadPem(std::string_view pem, bool is_private) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  internal::PkeyPtr key(bio == nullptr ? nullptr
                        : is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                                     : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  const char* what = is_private ? "private" : "public";
  if (!key) {
    return MakeError(ErrorCode::kValidation, std::string("Raw RSA keyring: the ") + what +
                                                 " key is not a PEM key OpenSSL can read");
  }
  if (EVP_PKEY_is_a(key.get(), "RSA") != 1) {
    return MakeError(ErrorCode::kValidation,
                     std::string("Raw RSA keyring: the ") + what + " key is not an RSA key");
  }
  return key;
}

class RawRsaKeyring final : public Keyring {
 public:
  RawRsaKeyring(std::string key_namespace, std::string key_name, RsaPadding padding,
                internal::PkeyPtr public_key, internal::PkeyPtr private_key)
      : namespace_(std::move(key_namespace)),
        name_(std::move(key_name)),
        padding_(padding),
        public_key_(std::move(public_key)),
        private_key_(std::move(private_key)) {}

  Status OnEncrypt(EncryptionMaterials& materials) const override;
  Status OnDecrypt(DecryptionMaterials& materials,
                   std::span<const EncryptedDataKey> edks) const override;

 private:
  std::string Describe() const {
    return "raw RSA keyring (namespace \"" + namespace_ + "\", key \"" + name_ + "\")";
  }
  // The unwrapped key, or nullopt when RSA decryption fails.
  std::optional<internal::SecretBytes> Unwrap(std::span<const uint8_t> ciphertext) const;

  std::string namespace_;
  std::string name_;
  RsaPadding padding_;
  internal::PkeyPtr public_key_;
  internal::PkeyPtr private_key_;
};

Status RawRsaKeyring::OnEncrypt(EncryptionMaterials& materials) const {
  if (!public_key_) {
    return MakeError(ErrorCode::kValidation, Describe() + ": no public key to encrypt with");
  }
  auto data_key = detail::DataKeyForEncrypt(materials);
  if (!data_key) return data_key.error();
  internal::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(public_key_.get(), nullptr));
  size_t len = 0;
  bool ok = ctx && EVP_PKEY_encrypt_init(ctx.get()) == 1 && SetPadding(ctx.get(), padding_) &&
            EVP_PKEY_encrypt(ctx.get(), nullptr, &len, data_key->data(), data_key->size()) == 1;
  std::vector<uint8_t> wrapped(len);
  ok = ok &&
       EVP_PKEY_encrypt(ctx.get(), wrapped.data(), &len, data_key->data(), data_key->size()) == 1;
  if (!ok) return MakeError(ErrorCode::kInternal, Describe() + ": RSA encryption failed");
  wrapped.resize(len);
  if (materials.plaintext_data_key.empty()) materials.plaintext_data_key = std::move(*data_key);
  materials.encrypted_data_keys.push_back(
      {namespace_, std::vector<uint8_t>(name_.begin(), name_.end()), std::move(wrapped)});
  return {};
}

std::optional<internal::SecretBytes> RawRsaKeyring::Unwrap(
    std::span<const uint8_t> ciphertext) const {
  internal::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(private_key_.get(), nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 || !SetPadding(ctx.get(), padding_) ||
      EVP_PKEY_decrypt(ctx.get(), nullptr, &len, ciphertext.data(), ciphertext.size()) != 1) {
    return std::nullopt;
  }
  internal::SecretBytes key(len);
  if (EVP_PKEY_decrypt(ctx.get(), key.data(), &len, ciphertext.data(), ciphertext.size()) != 1) {
    return std::nullopt;
  }
  key.resize(len);
  return key;
}

Status RawRsaKeyring::OnDecrypt(DecryptionMaterials& materials,
                                std::span<const EncryptedDataKey> edks) const {
  if (auto st = detail::CheckNoDataKey(materials, Describe()); !st) return st;
  if (!private_key_) {
    return MakeError(ErrorCode::kValidation, Describe() + ": no private key to decrypt with");
  }
  size_t tried = 0;
  for (const auto& edk : edks) {
    if (edk.provider_id != namespace_ ||
        std::string_view(reinterpret_cast<const char*>(edk.provider_info.data()),
                         edk.provider_info.size()) != name_) {
      continue;
    }
    ++tried;
    auto key = Unwrap(edk.ciphertext);
    if (!key || key->size() != materials.suite->key_length) continue;
    materials.plaintext_data_key = std::move(*key);
    return {};
  }
  return detail::NothingDecrypted(Describe(), tried, "did not decrypt with this private key");
}

}  // namespace

Result<std::shared_ptr<const Keyring>> MakeRawRsaKeyring(std::string key_namespace,
                                                         std::string key_name, RsaPadding padding,
                                                         std::string_view public_key_pem,
                                                         std::string_view private_key_pem) {
  if (auto st = detail::CheckNamespaceAndName(key_namespace, key_name); !st) return st.error();
  if (public_key_pem.empty() && private_key_pem.empty()) {
    return MakeError(ErrorCode::kValidation, "Raw RSA keyring needs a public or a private key");
  }
  internal::PkeyPtr public_key, private_key;
  if (!public_key_pem.empty()) {
    auto key = LoadPem(public_key_pem, false);
    if (!key) return key.error();
    public_key = std::move(*key);
  }
  if (!private_key_pem.empty()) {
    auto key = LoadPem(private_key_pem, true);
    if (!key) return key.error();
    private_key = std::move(*key);
  }
  return std::shared_ptr<const Keyring>(
      std::make_shared<RawRsaKeyring>(std::move(key_namespace), std::move(key_name), padding,
                                      std::move(public_key), std::move(private_key)));
}

}  // namespace kms::envelope
