// AES-GCM through OpenSSL EVP. Ciphers are fetched once; a context per thread is reused.
#include <openssl/crypto.h>

#include <climits>
#include <kms/internal/aes_gcm.hpp>
#include <kms/internal/openssl_ptr.hpp>

namespace kms::internal {
namespace {

const EVP_CIPHER* CipherFor(size_t key_size) {
  static EVP_CIPHER* const k128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static EVP_CIPHER* const k192 = EVP_CIPHER_fetch(nullptr, "AES-192-GCM", nullptr);
  static EVP_CIPHER* const k256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  switch (key_size) {
    case 16:
      return k128;
    case 24:
      return k192;
    case 32:
      return k256;
    default:
      return nullptr;
  }
}

// One context per thread: EVP_CIPHER_CTX allocation is measurable on the hot path.
EVP_CIPHER_CTX* ThreadCtx() {
  thread_local CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  return ctx.get();
}

bool Fits(std::span<const uint8_t> s) { return s.size() <= static_cast<size_t>(INT_MAX); }

}  // namespace

Status AesGcmEncrypt(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                     std::span<const uint8_t> aad, std::span<const uint8_t> plaintext,
                     std::span<uint8_t> out, std::span<uint8_t, kGcmTagSize> tag) {
  const EVP_CIPHER* cipher = CipherFor(key.size());
  EVP_CIPHER_CTX* ctx = ThreadCtx();
  int len = 0;
  bool ok = cipher != nullptr && ctx != nullptr && iv.size() == kGcmIvSize &&
            out.size() == plaintext.size() && Fits(aad) && Fits(plaintext) &&
            EVP_EncryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr) == 1 &&
            (aad.empty() || EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(),
                                              static_cast<int>(aad.size())) == 1) &&
            (plaintext.empty() || EVP_EncryptUpdate(ctx, out.data(), &len, plaintext.data(),
                                                    static_cast<int>(plaintext.size())) == 1) &&
            EVP_EncryptFinal_ex(ctx, out.data() + plaintext.size(), &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kGcmTagSize, tag.data()) == 1;
  if (!ok) {
    if (!out.empty()) OPENSSL_cleanse(out.data(), out.size());
    return MakeError(ErrorCode::kInternal, "AES-GCM encryption failed");
  }
  return {};
}

bool AesGcmDecrypt(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                   std::span<const uint8_t> aad, std::span<const uint8_t> ciphertext,
                   std::span<const uint8_t, kGcmTagSize> tag, std::span<uint8_t> out) {
  const EVP_CIPHER* cipher = CipherFor(key.size());
  EVP_CIPHER_CTX* ctx = ThreadCtx();
  int len = 0;
  bool ok = cipher != nullptr && ctx != nullptr && iv.size() == kGcmIvSize &&
            out.size() == ciphertext.size() && Fits(aad) && Fits(ciphertext) &&
            EVP_DecryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr) == 1 &&
            (aad.empty() || EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(),
                                              static_cast<int>(aad.size())) == 1) &&
            (ciphertext.empty() || EVP_DecryptUpdate(ctx, out.data(), &len, ciphertext.data(),
                                                     static_cast<int>(ciphertext.size())) == 1) &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kGcmTagSize,
                                const_cast<uint8_t*>(tag.data())) == 1 &&
            EVP_DecryptFinal_ex(ctx, out.data() + ciphertext.size(), &len) == 1;
  if (!ok && !out.empty()) OPENSSL_cleanse(out.data(), out.size());
  return ok;
}

}  // namespace kms::internal
