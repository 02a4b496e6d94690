// SignMessage and VerifySignature: RSA PKCS#1 v1.5 and PSS, ECDSA, Ed25519, Ed25519ph and SM2DSA
// over OpenSSL 3 EVP (Ed25519ph by ed25519ph.cpp).
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <array>
#include <kms/internal/openssl_ptr.hpp>
#include <string>

#include "domain/asymmetric_key.hpp"
#include "domain/ed25519ph.hpp"

namespace kms::emulator {
namespace {

using internal::MdCtxPtr;
using internal::PkeyCtxPtr;
using internal::SecretBytes;

Error OpenSslError(std::string_view what) {
  return MakeError(ErrorCode::kInternal, "OpenSSL failed to " + std::string(what) + ".");
}

// The hash of a signing algorithm (nullptr for Ed25519 and ML-DSA).
const EVP_MD* SigningDigest(SigningAlgorithm alg) {
  switch (alg) {
    case SigningAlgorithm::kRsaPssSha256:
    case SigningAlgorithm::kRsaPkcs1Sha256:
    case SigningAlgorithm::kEcdsaSha256:
      return EVP_sha256();
    case SigningAlgorithm::kRsaPssSha384:
    case SigningAlgorithm::kRsaPkcs1Sha384:
    case SigningAlgorithm::kEcdsaSha384:
      return EVP_sha384();
    case SigningAlgorithm::kRsaPssSha512:
    case SigningAlgorithm::kRsaPkcs1Sha512:
    case SigningAlgorithm::kEcdsaSha512:
      return EVP_sha512();
    case SigningAlgorithm::kSm2Dsa:
      return EVP_sm3();
    default:
      return nullptr;
  }
}

bool IsPss(SigningAlgorithm alg) {
  return alg == SigningAlgorithm::kRsaPssSha256 || alg == SigningAlgorithm::kRsaPssSha384 ||
         alg == SigningAlgorithm::kRsaPssSha512;
}

bool IsPkcs1(SigningAlgorithm alg) {
  return alg == SigningAlgorithm::kRsaPkcs1Sha256 || alg == SigningAlgorithm::kRsaPkcs1Sha384 ||
         alg == SigningAlgorithm::kRsaPkcs1Sha512;
}

Error Unsupported(std::string message) {
  return MakeError(ErrorCode::kUnsupportedOperation, std::move(message));
}

}  // namespace

Status CheckSigningSupported(SigningAlgorithm alg) {
  switch (alg) {
    case SigningAlgorithm::kMlDsaShake256:
      return Unsupported(
          "ML_DSA_SHAKE_256 is not supported by this emulator: OpenSSL 3.0 has no ML-DSA.");
    default:
      return {};
  }
}

namespace {

// A context for a one-shot sign or verify of a digest with `alg`'s padding and hash.
Result<PkeyCtxPtr> DigestSignContext(EVP_PKEY* key, SigningAlgorithm alg, bool sign) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx) return OpenSslError("create a signing context");
  int ok = sign ? EVP_PKEY_sign_init(ctx.get()) : EVP_PKEY_verify_init(ctx.get());
  const EVP_MD* md = SigningDigest(alg);
  if (ok > 0) ok = EVP_PKEY_CTX_set_signature_md(ctx.get(), md);
  if (ok > 0 && IsPkcs1(alg)) ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING);
  if (ok > 0 && IsPss(alg)) {
    ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING);
    if (ok > 0) ok = EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md);
    // AWS: the salt is as long as the digest (RFC 7518 PS256 requires the same).
    if (ok > 0) ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST);
  }
  if (ok <= 0) return OpenSslError("set up the signature");
  return ctx;
}

// The digest a signature covers: `message` itself for DIGEST, else its hash.
Result<std::vector<uint8_t>> DigestOf(SigningAlgorithm alg, std::span<const uint8_t> message,
                                      bool is_digest) {
  if (is_digest) return std::vector<uint8_t>(message.begin(), message.end());
  const EVP_MD* md = SigningDigest(alg);
  std::vector<uint8_t> digest(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (EVP_Digest(message.data(), message.size(), digest.data(), &size, md, nullptr) != 1) {
    return OpenSslError("hash the message");
  }
  digest.resize(size);
  return digest;
}

Result<std::vector<uint8_t>> SignEd25519(EVP_PKEY* key, std::span<const uint8_t> message) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()) != 1) {
    return OpenSslError("sign with Ed25519");
  }
  std::vector<uint8_t> signature(size);
  if (EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()) != 1) {
    return OpenSslError("sign with Ed25519");
  }
  signature.resize(size);
  return signature;
}

// Ed25519ph (ED25519_PH_SHA_512) by our own arithmetic: OpenSSL 3.0 has only pure Ed25519.
// AWS: the DIGEST the caller sends is prehashed again (PH(M) = SHA-512(M) with M the digest).
Result<std::vector<uint8_t>> SignEd25519ph(EVP_PKEY* key, std::span<const uint8_t> message) {
  std::array<uint8_t, kEd25519KeySize> seed{};
  size_t size = seed.size();
  if (EVP_PKEY_get_raw_private_key(key, seed.data(), &size) != 1 || size != seed.size()) {
    return OpenSslError("read an Ed25519 key");
  }
  auto signature = Ed25519phSign(seed, message);
  OPENSSL_cleanse(seed.data(), seed.size());
  if (!signature) return OpenSslError("sign with Ed25519ph");
  return std::vector<uint8_t>(signature->begin(), signature->end());
}

bool VerifyEd25519ph(EVP_PKEY* key, std::span<const uint8_t> message,
                     std::span<const uint8_t> signature) {
  std::array<uint8_t, kEd25519KeySize> public_key{};
  size_t size = public_key.size();
  return EVP_PKEY_get_raw_public_key(key, public_key.data(), &size) == 1 &&
         size == public_key.size() && Ed25519phVerify(public_key, message, signature);
}

bool VerifyEd25519(EVP_PKEY* key, std::span<const uint8_t> message,
                   std::span<const uint8_t> signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

// AWS: SM2DSA uses the default distinguishing ID of GM/T 0009 (OpenSSL 3.0 defaults to none).
constexpr std::string_view kSm2DistinguishingId = "1234567812345678";

// A context for SM2DSA over a raw message: SM3 of ZA (from the ID and the public key) || message.
// The MD context borrows the key context (EVP_MD_CTX_set_pkey_ctx), so both live here; the MD
// context is declared last so it dies first.
struct Sm2Context {
  PkeyCtxPtr key_ctx;
  MdCtxPtr md_ctx;
};

Result<Sm2Context> Sm2MessageContext(EVP_PKEY* key, bool sign) {
  Sm2Context ctx{PkeyCtxPtr(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr)),
                 MdCtxPtr(EVP_MD_CTX_new())};
  if (!ctx.key_ctx || !ctx.md_ctx ||
      EVP_PKEY_CTX_set1_id(ctx.key_ctx.get(), kSm2DistinguishingId.data(),
                           kSm2DistinguishingId.size()) <= 0) {
    return OpenSslError("set up SM2DSA");
  }
  EVP_MD_CTX_set_pkey_ctx(ctx.md_ctx.get(), ctx.key_ctx.get());
  int ok = sign ? EVP_DigestSignInit(ctx.md_ctx.get(), nullptr, EVP_sm3(), nullptr, key)
                : EVP_DigestVerifyInit(ctx.md_ctx.get(), nullptr, EVP_sm3(), nullptr, key);
  if (ok != 1) return OpenSslError("set up SM2DSA");
  return ctx;
}

Result<std::vector<uint8_t>> SignSm2Message(EVP_PKEY* key, std::span<const uint8_t> message) {
  auto ctx = Sm2MessageContext(key, /*sign=*/true);
  if (!ctx) return ctx.error();
  size_t size = 0;
  if (EVP_DigestSign(ctx->md_ctx.get(), nullptr, &size, message.data(), message.size()) != 1) {
    return OpenSslError("sign with SM2DSA");
  }
  std::vector<uint8_t> signature(size);
  if (EVP_DigestSign(ctx->md_ctx.get(), signature.data(), &size, message.data(), message.size()) !=
      1) {
    return OpenSslError("sign with SM2DSA");
  }
  signature.resize(size);
  return signature;
}

bool VerifySm2Message(EVP_PKEY* key, std::span<const uint8_t> message,
                      std::span<const uint8_t> signature) {
  auto ctx = Sm2MessageContext(key, /*sign=*/false);
  return ctx && EVP_DigestVerify(ctx->md_ctx.get(), signature.data(), signature.size(),
                                 message.data(), message.size()) == 1;
}

}  // namespace

size_t DigestSize(SigningAlgorithm alg) {
  if (alg == SigningAlgorithm::kEd25519PhSha512) return 64;
  const EVP_MD* md = SigningDigest(alg);
  return md == nullptr ? 0 : static_cast<size_t>(EVP_MD_get_size(md));
}

Result<std::vector<uint8_t>> SignMessage(EVP_PKEY* key, SigningAlgorithm alg,
                                         std::span<const uint8_t> message, bool is_digest) {
  if (auto st = CheckSigningSupported(alg); !st) return st.error();
  if (alg == SigningAlgorithm::kEd25519Sha512) return SignEd25519(key, message);
  if (alg == SigningAlgorithm::kEd25519PhSha512) return SignEd25519ph(key, message);
  if (alg == SigningAlgorithm::kSm2Dsa && !is_digest) return SignSm2Message(key, message);
  auto digest = DigestOf(alg, message, is_digest);
  if (!digest) return digest.error();
  auto ctx = DigestSignContext(key, alg, /*sign=*/true);
  if (!ctx) return ctx.error();
  size_t size = 0;
  if (EVP_PKEY_sign(ctx->get(), nullptr, &size, digest->data(), digest->size()) <= 0) {
    return OpenSslError("sign");
  }
  std::vector<uint8_t> signature(size);
  if (EVP_PKEY_sign(ctx->get(), signature.data(), &size, digest->data(), digest->size()) <= 0) {
    return OpenSslError("sign");
  }
  signature.resize(size);
  return signature;
}

Result<bool> VerifySignature(EVP_PKEY* key, SigningAlgorithm alg, std::span<const uint8_t> message,
                             bool is_digest, std::span<const uint8_t> signature) {
  if (auto st = CheckSigningSupported(alg); !st) return st.error();
  if (alg == SigningAlgorithm::kEd25519Sha512) return VerifyEd25519(key, message, signature);
  if (alg == SigningAlgorithm::kEd25519PhSha512) return VerifyEd25519ph(key, message, signature);
  if (alg == SigningAlgorithm::kSm2Dsa && !is_digest) {
    return VerifySm2Message(key, message, signature);
  }
  auto digest = DigestOf(alg, message, is_digest);
  if (!digest) return digest.error();
  auto ctx = DigestSignContext(key, alg, /*sign=*/false);
  if (!ctx) return ctx.error();
  return EVP_PKEY_verify(ctx->get(), signature.data(), signature.size(), digest->data(),
                         digest->size()) == 1;
}

}  // namespace kms::emulator
