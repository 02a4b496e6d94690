// Per-message cryptography over OpenSSL 3 EVP: GCM frames, header tags, ECDSA signatures.
#include "crypto.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <climits>
#include <cstring>
#include <kms/internal/aes_gcm.hpp>
#include <kms/internal/encoding.hpp>

#include "bytes.hpp"
#include "hash_worker.hpp"
#include "header.hpp"

namespace kms::envelope::detail {
namespace {

const EVP_CIPHER* GcmCipher(size_t key_size) {
  static EVP_CIPHER* const k128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static EVP_CIPHER* const k192 = EVP_CIPHER_fetch(nullptr, "AES-192-GCM", nullptr);
  static EVP_CIPHER* const k256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return key_size == 16 ? k128 : key_size == 24 ? k192 : key_size == 32 ? k256 : nullptr;
}

const EVP_MD* SignatureDigest(SignatureAlgorithm algorithm) {
  static EVP_MD* const k256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* const k384 = EVP_MD_fetch(nullptr, "SHA384", nullptr);
  if (algorithm == SignatureAlgorithm::kEcdsaP256Sha256) return k256;
  if (algorithm == SignatureAlgorithm::kEcdsaP384Sha384) return k384;
  return nullptr;
}

const char* CurveName(SignatureAlgorithm algorithm) {
  return algorithm == SignatureAlgorithm::kEcdsaP256Sha256 ? "P-256" : "P-384";
}
size_t FieldBytes(SignatureAlgorithm algorithm) {
  return algorithm == SignatureAlgorithm::kEcdsaP256Sha256 ? 32 : 48;
}

Error OpenSslFailed(const char* what) {
  return MakeError(ErrorCode::kInternal, std::string(what) + " failed (OpenSSL)");
}

struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// SEC 1 compressed point: 02/03 (parity of y) || x.
Result<std::vector<uint8_t>> CompressedPoint(EVP_PKEY* key, SignatureAlgorithm algorithm) {
  BIGNUM* x_raw = nullptr;
  BIGNUM* y_raw = nullptr;
  bool ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x_raw) == 1;
  ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y_raw) == 1 && ok;
  BnPtr x(x_raw), y(y_raw);
  size_t field = FieldBytes(algorithm);
  std::vector<uint8_t> point(1 + field);
  if (!ok || BN_bn2binpad(x.get(), point.data() + 1, static_cast<int>(field)) < 0) {
    return OpenSslFailed("Encoding the signing public key");
  }
  point[0] = BN_is_odd(y.get()) ? 0x03 : 0x02;
  return point;
}

bool GcmTag(bool encrypt, std::span<const uint8_t> key, std::span<const uint8_t> iv,
            std::span<const uint8_t> body, std::span<const uint8_t> extra, uint8_t* tag) {
  FrameCipher cipher;
  if (!cipher.Init(key, encrypt) || !cipher.Begin(iv, body)) return false;
  if (!extra.empty() && !cipher.Update(extra, nullptr)) return false;
  if (encrypt) return cipher.FinishEncrypt(std::span<uint8_t, kTagLength>(tag, kTagLength));
  return cipher.FinishDecrypt(std::span<const uint8_t, kTagLength>(tag, kTagLength));
}

}  // namespace

Status FrameCipher::Init(std::span<const uint8_t> key, bool encrypt) {
  const EVP_CIPHER* cipher = GcmCipher(key.size());
  if (!ctx_) ctx_.reset(EVP_CIPHER_CTX_new());
  encrypt_ = encrypt;
  if (cipher == nullptr || !ctx_ ||
      EVP_CipherInit_ex2(ctx_.get(), cipher, key.data(), nullptr, encrypt ? 1 : 0, nullptr) != 1) {
    return OpenSslFailed("AES-GCM key setup");
  }
  return {};
}

bool FrameCipher::Begin(std::span<const uint8_t> iv, std::span<const uint8_t> aad) {
  return iv.size() == kIvLength &&
         EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, iv.data(), -1, nullptr) == 1 &&
         Update(aad, nullptr);
}

// `out` null feeds `in` as additional authenticated data.
bool FrameCipher::Update(std::span<const uint8_t> in, uint8_t* out) {
  constexpr size_t kChunk = size_t{1} << 30;
  for (size_t done = 0; done < in.size();) {
    size_t n = std::min(kChunk, in.size() - done);
    int len = 0;
    if (EVP_CipherUpdate(ctx_.get(), out == nullptr ? nullptr : out + done, &len, in.data() + done,
                         static_cast<int>(n)) != 1) {
      return false;
    }
    done += n;
  }
  return true;
}

bool FrameCipher::FinishEncrypt(std::span<uint8_t, kTagLength> tag) {
  uint8_t scratch[16];
  int len = 0;
  return encrypt_ && EVP_CipherFinal_ex(ctx_.get(), scratch, &len) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_GET_TAG, kTagLength, tag.data()) == 1;
}

bool FrameCipher::FinishDecrypt(std::span<const uint8_t, kTagLength> tag) {
  uint8_t scratch[16];
  int len = 0;
  return !encrypt_ &&
         EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_SET_TAG, kTagLength,
                             const_cast<uint8_t*>(tag.data())) == 1 &&
         EVP_CipherFinal_ex(ctx_.get(), scratch, &len) == 1;
}

size_t BuildBodyAad(uint8_t* out, std::span<const uint8_t> message_id, BodyAadKind kind,
                    uint32_t sequence_number, uint64_t content_length) {
  static constexpr std::string_view kFrame = "AWSKMSEncryptionClient Frame";
  static constexpr std::string_view kFinal = "AWSKMSEncryptionClient Final Frame";
  static constexpr std::string_view kSingle = "AWSKMSEncryptionClient Single Block";
  std::string_view content = kind == BodyAadKind::kFrame        ? kFrame
                             : kind == BodyAadKind::kFinalFrame ? kFinal
                                                                : kSingle;
  size_t n = 0;
  std::memcpy(out, message_id.data(), message_id.size());
  n += message_id.size();
  std::memcpy(out + n, content.data(), content.size());
  n += content.size();
  StoreU32(out + n, sequence_number);
  StoreU64(out + n + 4, content_length);
  return n + 12;
}

std::array<uint8_t, kIvLength> FrameIv(uint32_t sequence_number) {
  std::array<uint8_t, kIvLength> iv{};
  StoreU32(iv.data() + 8, sequence_number);
  return iv;
}

Status ComputeHeaderTag(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                        std::span<const uint8_t> header_body,
                        std::span<const uint8_t> required_context,
                        std::span<uint8_t, kTagLength> tag) {
  if (!GcmTag(true, key, iv, header_body, required_context, tag.data())) {
    return OpenSslFailed("Header authentication");
  }
  return {};
}

bool VerifyHeaderTag(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                     std::span<const uint8_t> header_body,
                     std::span<const uint8_t> required_context,
                     std::span<const uint8_t, kTagLength> tag) {
  uint8_t copy[kTagLength];
  std::memcpy(copy, tag.data(), kTagLength);
  return GcmTag(false, key, iv, header_body, required_context, copy);
}

SignatureHash::SignatureHash() = default;
SignatureHash::~SignatureHash() = default;

Status SignatureHash::Init(SignatureAlgorithm algorithm) {
  const EVP_MD* md = SignatureDigest(algorithm);
  worker_.reset();
  ctx_.reset(EVP_MD_CTX_new());
  inline_bytes_ = 0;
  inline_failed_ = false;
  if (md == nullptr || !ctx_ || EVP_DigestInit_ex2(ctx_.get(), md, nullptr) != 1) {
    return OpenSslFailed("Signature hash setup");
  }
  return {};
}

// A worker is tried once, when the message turns out to be large: small messages (and the
// header) never pay for a thread.
void SignatureHash::Update(std::span<const uint8_t> bytes) {
  if (!ctx_ || bytes.empty()) return;
  if (worker_) {
    worker_->Update(bytes);  // a failed update comes back from Final
    return;
  }
  inline_failed_ = EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) != 1 || inline_failed_;
  bool was_small = inline_bytes_ < kInlineBytes;
  inline_bytes_ += bytes.size();
  if (was_small && inline_bytes_ >= kInlineBytes) worker_ = HashWorker::Start(ctx_.get());
}

Result<std::vector<uint8_t>> SignatureHash::Final() {
  bool ok = ctx_ != nullptr && !inline_failed_;
  if (worker_) {
    ok = worker_->Drain() && ok;
    worker_.reset();
  }
  std::vector<uint8_t> digest(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  if (!ok || EVP_DigestFinal_ex(ctx_.get(), digest.data(), &len) != 1) {
    return OpenSslFailed("Signature hash");
  }
  digest.resize(len);
  return digest;
}

Result<SigningKey> GenerateSigningKey(SignatureAlgorithm algorithm) {
  SigningKey out;
  out.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", CurveName(algorithm)));
  if (!out.key) return OpenSslFailed("ECDSA key generation");
  auto point = CompressedPoint(out.key.get(), algorithm);
  if (!point) return point.error();
  out.public_key_base64 = internal::Base64Encode(*point);
  return out;
}

Result<std::vector<uint8_t>> SignDigest(EVP_PKEY* key, SignatureAlgorithm algorithm,
                                        std::span<const uint8_t> digest) {
  internal::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), SignatureDigest(algorithm)) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &len, digest.data(), digest.size()) != 1) {
    return OpenSslFailed("ECDSA signing");
  }
  std::vector<uint8_t> signature(len);
  if (EVP_PKEY_sign(ctx.get(), signature.data(), &len, digest.data(), digest.size()) != 1) {
    return OpenSslFailed("ECDSA signing");
  }
  signature.resize(len);
  return signature;
}

Result<internal::PkeyPtr> LoadVerificationKey(SignatureAlgorithm algorithm,
                                              std::string_view base64) {
  auto point = internal::Base64Decode(base64);
  if (!point || point->empty()) return Malformed("aws-crypto-public-key is not valid base64");
  internal::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                       const_cast<char*>(CurveName(algorithm)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point->data(), point->size()),
      OSSL_PARAM_construct_end()};
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return Malformed(std::string("aws-crypto-public-key is not a point on ") +
                     CurveName(algorithm));
  }
  return internal::PkeyPtr(raw);
}

bool VerifyDigest(EVP_PKEY* key, SignatureAlgorithm algorithm, std::span<const uint8_t> digest,
                  std::span<const uint8_t> signature) {
  internal::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  return ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
         EVP_PKEY_CTX_set_signature_md(ctx.get(), SignatureDigest(algorithm)) == 1 &&
         EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(),
                         digest.size()) == 1;
}

}  // namespace kms::envelope::detail
