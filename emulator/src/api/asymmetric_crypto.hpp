// Rules shared by the asymmetric and HMAC operations (key usage, algorithm fit, DryRun) and the
// RSA-OAEP and SM2PKE halves of Encrypt, Decrypt and ReEncrypt, which crypto_ops.cpp routes here
// when the KMS key is asymmetric.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "domain/asymmetric_key.hpp"
#include "domain/key.hpp"

namespace kms::emulator {

// InvalidKeyUsageException "<ARN> key usage is <usage> which is not valid for <operation>." when
// the key's usage is not `usage`, else AWS's key-state rule (RequireEnabled). Pure.
Status RequireUsage(const Key& key, KeyUsage usage, std::string_view operation);

// InvalidKeyUsageException "Algorithm <alg> is incompatible with key spec <spec>." Pure.
Error AlgorithmIncompatible(std::string_view algorithm, KeySpec spec);

// DryRunOperationException "The request would have succeeded, but the DryRun option is set."
Error DryRunSucceeded();

// The response form of a blob member: base64 text. Pure.
boost::json::string Base64String(std::span<const uint8_t> bytes);

// The parsed private key of the key's current material. kInternal when the key has none or the
// material is no private key. Thread-safe.
Result<PrivateKey> CurrentPrivateKey(const Key& key);

// The Encrypt-side checks for an asymmetric KMS key, in AWS's order: key usage ENCRYPT_DECRYPT
// (named for `operation`), key state, `algorithm` one of the key spec's EncryptionAlgorithms, no
// encryption context, and the plaintext size limit of the spec and algorithm
// (ValidationException "Algorithm RSAES_OAEP_SHA_1 and key spec RSA_2048 cannot encrypt data
// larger than 214 bytes."; 1024 bytes for SM2PKE). Pure.
Status CheckAsymmetricEncrypt(const Key& key, std::string_view algorithm, bool has_context,
                              size_t plaintext_size, std::string_view operation);

// The Decrypt-side checks: usage, state, algorithm, no encryption context. Pure.
Status CheckAsymmetricDecrypt(const Key& key, std::string_view algorithm, bool has_context,
                              std::string_view operation);

// Encrypts with the key's public key (after CheckAsymmetricEncrypt). Raw RSA-OAEP (or SM2PKE)
// ciphertext, exactly what an offline encryption with GetPublicKey's key makes. Thread-safe.
Result<std::vector<uint8_t>> AsymmetricEncrypt(const Key& key, std::string_view algorithm,
                                               std::span<const uint8_t> plaintext);

// Decrypts a ciphertext made with the key's public key (after CheckAsymmetricDecrypt).
// InvalidCiphertextException with AWS's empty message when it does not decrypt. Thread-safe.
Result<internal::SecretBytes> AsymmetricDecrypt(const Key& key, std::string_view algorithm,
                                                std::span<const uint8_t> ciphertext);

// The Encrypt response for an asymmetric key (DryRun reported after every check). Thread-safe.
Result<boost::json::object> EncryptWithAsymmetricKey(const Key& key, std::string_view algorithm,
                                                     bool has_context,
                                                     std::span<const uint8_t> plaintext,
                                                     bool dry_run);

// The Decrypt response for an asymmetric key named by KeyId; `ciphertext` is empty for a DryRun
// with IGNORE_CIPHERTEXT. Thread-safe.
Result<boost::json::object> DecryptWithAsymmetricKey(const Key& key, std::string_view algorithm,
                                                     bool has_context,
                                                     std::span<const uint8_t> ciphertext,
                                                     bool dry_run);

}  // namespace kms::emulator
