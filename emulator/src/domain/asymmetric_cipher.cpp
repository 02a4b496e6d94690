// Public-key encryption (RSA-OAEP, SM2PKE) and ECDH key agreement (NIST curves over EVP, the SM2
// curve by EC point arithmetic) for asymmetric KMS keys.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <kms/internal/openssl_ptr.hpp>
#include <string>

#include "domain/asymmetric_key.hpp"

namespace kms::emulator {
namespace {

using internal::MdCtxPtr;
using internal::PkeyCtxPtr;
using internal::SecretBytes;

Error OpenSslError(std::string_view what) {
  return MakeError(ErrorCode::kInternal, "OpenSSL failed to " + std::string(what) + ".");
}

const EVP_MD* OaepDigest(EncryptionAlgorithm alg) {
  return alg == EncryptionAlgorithm::kRsaesOaepSha1 ? EVP_sha1() : EVP_sha256();
}

// A context for RSA-OAEP (or SM2PKE, whose defaults are AWS's: SM3, ASN.1 ciphertext).
Result<PkeyCtxPtr> CipherContext(EVP_PKEY* key, EncryptionAlgorithm alg, bool encrypt) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx) return OpenSslError("create an encryption context");
  int ok = encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get());
  if (alg == EncryptionAlgorithm::kSm2Pke) {
    if (ok <= 0) return OpenSslError("set up SM2PKE");
    return ctx;
  }
  if (ok > 0) ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING);
  if (ok > 0) ok = EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), OaepDigest(alg));
  if (ok > 0) ok = EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), OaepDigest(alg));
  if (ok <= 0) return OpenSslError("set up RSA-OAEP");
  return ctx;
}

// ECDH on the SM2 curve by hand: OpenSSL 3.0 has no key exchange for its SM2 key type and will
// not import the SM2 curve as an EC key. Z = x(d * Q), 32 bytes (the cofactor is 1).
std::optional<SecretBytes> Sm2Ecdh(EVP_PKEY* key, EVP_PKEY* peer) {
  using Group = std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)>;
  using Point = std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)>;
  using Bn = std::unique_ptr<BIGNUM, decltype(&BN_clear_free)>;
  Group group(EC_GROUP_new_by_curve_name(NID_sm2), EC_GROUP_free);
  unsigned char encoded[65];
  size_t encoded_size = 0;
  BIGNUM* d_raw = nullptr;
  if (!group || !EVP_PKEY_is_a(peer, "SM2") ||
      EVP_PKEY_get_octet_string_param(peer, OSSL_PKEY_PARAM_PUB_KEY, encoded, sizeof encoded,
                                      &encoded_size) != 1 ||
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d_raw) != 1) {
    return std::nullopt;
  }
  Bn d(d_raw, BN_clear_free), x(BN_new(), BN_clear_free);
  Point q(EC_POINT_new(group.get()), EC_POINT_free), z(EC_POINT_new(group.get()), EC_POINT_free);
  // oct2point refuses points off the curve.
  if (!x || !q || !z ||
      EC_POINT_oct2point(group.get(), q.get(), encoded, encoded_size, nullptr) != 1 ||
      EC_POINT_mul(group.get(), z.get(), nullptr, q.get(), d.get(), nullptr) != 1 ||
      EC_POINT_is_at_infinity(group.get(), z.get()) ||
      EC_POINT_get_affine_coordinates(group.get(), z.get(), x.get(), nullptr, nullptr) != 1) {
    return std::nullopt;
  }
  SecretBytes secret(32);
  if (BN_bn2binpad(x.get(), secret.data(), 32) != 32) return std::nullopt;
  return secret;
}

}  // namespace

Result<std::vector<uint8_t>> PublicKeyEncrypt(EVP_PKEY* key, EncryptionAlgorithm alg,
                                              std::span<const uint8_t> plaintext) {
  auto ctx = CipherContext(key, alg, /*encrypt=*/true);
  if (!ctx) return ctx.error();
  size_t size = 0;
  if (EVP_PKEY_encrypt(ctx->get(), nullptr, &size, plaintext.data(), plaintext.size()) <= 0) {
    return OpenSslError("encrypt");
  }
  std::vector<uint8_t> ciphertext(size);
  if (EVP_PKEY_encrypt(ctx->get(), ciphertext.data(), &size, plaintext.data(), plaintext.size()) <=
      0) {
    return OpenSslError("encrypt");
  }
  ciphertext.resize(size);
  return ciphertext;
}

std::optional<internal::SecretBytes> PrivateKeyDecrypt(EVP_PKEY* key, EncryptionAlgorithm alg,
                                                       std::span<const uint8_t> ciphertext) {
  auto ctx = CipherContext(key, alg, /*encrypt=*/false);
  if (!ctx) return std::nullopt;
  size_t size = 0;
  if (EVP_PKEY_decrypt(ctx->get(), nullptr, &size, ciphertext.data(), ciphertext.size()) <= 0) {
    return std::nullopt;
  }
  SecretBytes plaintext(size);
  if (EVP_PKEY_decrypt(ctx->get(), plaintext.data(), &size, ciphertext.data(), ciphertext.size()) <=
      0) {
    return std::nullopt;
  }
  plaintext.resize(size);
  return plaintext;
}

std::optional<internal::SecretBytes> DeriveEcdhSecret(EVP_PKEY* key,
                                                      std::span<const uint8_t> peer_spki) {
  const unsigned char* p = peer_spki.data();
  internal::PkeyPtr peer(d2i_PUBKEY(nullptr, &p, static_cast<long>(peer_spki.size())));
  // The whole blob must be the key: trailing bytes make it another encoding.
  if (!peer || p != peer_spki.data() + peer_spki.size()) return std::nullopt;
  if (EVP_PKEY_is_a(key, "SM2")) return Sm2Ecdh(key, peer.get());
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  size_t size = 0;
  // validate_peer = 1: the peer point must be on our curve (EVP_PKEY_public_check).
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 1) <= 0 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &size) <= 0) {
    return std::nullopt;
  }
  SecretBytes secret(size);
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &size) <= 0) return std::nullopt;
  secret.resize(size);
  return secret;
}

}  // namespace kms::emulator
