// The cryptography of one message: AES-GCM frames under a key set once, header authentication,
// body AAD, and ECDSA footer signatures over an incrementally hashed message.
#pragma once

#include <array>
#include <cstdint>
#include <kms/envelope/algorithm_suite.hpp>
#include <kms/internal/openssl_ptr.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kms::envelope::detail {

class HashWorker;

// AES-GCM with the key scheduled once per message; each frame only sets its IV. Not
// thread-safe; one per message.
class FrameCipher {
 public:
  // kInternal when OpenSSL fails or the key is not 16/24/32 bytes.
  Status Init(std::span<const uint8_t> key, bool encrypt);
  // Starts a frame: IV (12 bytes) and its AAD. False on OpenSSL failure.
  bool Begin(std::span<const uint8_t> iv, std::span<const uint8_t> aad);
  // Encrypts or decrypts `in` into `out` (same size; may alias exactly).
  bool Update(std::span<const uint8_t> in, uint8_t* out);
  bool FinishEncrypt(std::span<uint8_t, kTagLength> tag);
  // False when the tag does not verify.
  bool FinishDecrypt(std::span<const uint8_t, kTagLength> tag);

 private:
  internal::CipherCtxPtr ctx_;
  bool encrypt_ = true;
};

enum class BodyAadKind { kFrame, kFinalFrame, kSingleBlock };

// Writes the body AAD (data-format/message-body-aad.md) into `out` (>= kMaxBodyAad bytes):
// message id || content string || uint32 sequence number || uint64 content length.
inline constexpr size_t kMaxBodyAad = 32 + 35 + 4 + 8;
size_t BuildBodyAad(uint8_t* out, std::span<const uint8_t> message_id, BodyAadKind kind,
                    uint32_t sequence_number, uint64_t content_length);

// The frame IV of the sequence number: 8 zero bytes || uint32 sequence number.
std::array<uint8_t, kIvLength> FrameIv(uint32_t sequence_number);

// Header authentication tag: AES-GCM over an empty plaintext with AAD = header body ||
// serialized required context pairs. kInternal on OpenSSL failure.
Status ComputeHeaderTag(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                        std::span<const uint8_t> header_body,
                        std::span<const uint8_t> required_context,
                        std::span<uint8_t, kTagLength> tag);
bool VerifyHeaderTag(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                     std::span<const uint8_t> header_body,
                     std::span<const uint8_t> required_context,
                     std::span<const uint8_t, kTagLength> tag);

// Incremental hash of the signed bytes (SHA-256 for P-256, SHA-384 for P-384). The first
// kInlineBytes are hashed in the caller's thread; the rest of a large message on a HashWorker
// thread (if one starts), so hashing overlaps encryption and I/O. Not thread-safe; not movable
// (the worker holds the digest context).
class SignatureHash {
 public:
  SignatureHash();
  ~SignatureHash();
  SignatureHash(const SignatureHash&) = delete;
  SignatureHash& operator=(const SignatureHash&) = delete;

  Status Init(SignatureAlgorithm algorithm);
  void Update(std::span<const uint8_t> bytes);
  // The digest; kInternal on OpenSSL failure.
  Result<std::vector<uint8_t>> Final();
  bool active() const { return ctx_ != nullptr; }

  static constexpr uint64_t kInlineBytes = uint64_t{4} << 20;

 private:
  internal::MdCtxPtr ctx_;
  std::unique_ptr<HashWorker> worker_;  // declared after ctx_: stopped before ctx_ is freed
  uint64_t inline_bytes_ = 0;
  bool inline_failed_ = false;
};

struct SigningKey {
  internal::PkeyPtr key;
  std::string public_key_base64;  // base64 of the SEC 1 compressed point
};

// A fresh ECDSA key on the suite's curve. kInternal on OpenSSL failure.
Result<SigningKey> GenerateSigningKey(SignatureAlgorithm algorithm);

// DER ECDSA-Sig-Value over a digest from SignatureHash. kInternal on OpenSSL failure.
Result<std::vector<uint8_t>> SignDigest(EVP_PKEY* key, SignatureAlgorithm algorithm,
                                        std::span<const uint8_t> digest);

// The verification key from the aws-crypto-public-key value: base64 of a point on the suite's
// curve (compressed, as written by every SDK). kInvalidCiphertext "Malformed message: ..." when
// it does not decode.
Result<internal::PkeyPtr> LoadVerificationKey(SignatureAlgorithm algorithm,
                                              std::string_view base64);

bool VerifyDigest(EVP_PKEY* key, SignatureAlgorithm algorithm, std::span<const uint8_t> digest,
                  std::span<const uint8_t> signature);

}  // namespace kms::envelope::detail
