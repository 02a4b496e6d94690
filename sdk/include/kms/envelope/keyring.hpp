// The keyring seam of envelope encryption (framework/keyring-interface.md): keyrings generate,
// wrap and unwrap the per-message data key. The raw AES, raw RSA and multi-keyrings live here;
// the AWS KMS keyrings are in kms_keyring.hpp. The message code depends only on this interface.
#pragma once

#include <cstdint>
#include <kms/envelope/algorithm_suite.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kms::envelope {

// Key-value pairs of UTF-8 strings, authenticated with the message. std::map orders keys by
// their bytes (char_traits compares as unsigned char), which is the order the format requires.
using EncryptionContext = std::map<std::string, std::string>;

// The canonical serialization (framework/structures.md): empty for an empty context, else
// uint16 count || per pair in key order: uint16 key length || key || uint16 value length ||
// value. kValidation when a key or value is longer than 65535 bytes, there are more than 65535
// pairs, the whole is longer than 65535 bytes (the header's length field), or a key or value is
// not valid UTF-8. Thread-safe (pure).
Result<std::vector<uint8_t>> SerializeEncryptionContext(const EncryptionContext& context);

// One wrapped copy of the data key, as stored in the message header.
struct EncryptedDataKey {
  std::string provider_id;             // key namespace; "aws-kms" for the KMS keyrings
  std::vector<uint8_t> provider_info;  // key name (raw AES: + tag length, IV length, IV)
  std::vector<uint8_t> ciphertext;     // the wrapped data key

  bool operator==(const EncryptedDataKey&) const = default;
};

// What keyrings receive and fill on encrypt.
struct EncryptionMaterials {
  const AlgorithmSuite* suite = nullptr;
  EncryptionContext encryption_context;         // full context, incl. aws-crypto-public-key
  std::set<std::string> required_context_keys;  // authenticated but not stored in the header
  internal::SecretBytes plaintext_data_key;     // empty until a keyring generates it
  std::vector<EncryptedDataKey> encrypted_data_keys;
};

// What keyrings receive and fill on decrypt.
struct DecryptionMaterials {
  const AlgorithmSuite* suite = nullptr;
  EncryptionContext encryption_context;  // header context + reproduced required pairs
  std::set<std::string> required_context_keys;
  internal::SecretBytes plaintext_data_key;  // empty until a keyring unwraps one
};

// A keyring. Implementations are immutable after construction, so one keyring may serve any
// number of threads at once; both calls are thread-safe in every keyring of this SDK.
class Keyring {
 public:
  virtual ~Keyring() = default;

  // Generates a data key if `materials` has none (suite->key_length random bytes), then wraps
  // it and appends the encrypted data key(s). On failure `materials` is left unchanged and the
  // error says which keyring failed and why.
  virtual Status OnEncrypt(EncryptionMaterials& materials) const = 0;

  // Tries the encrypted data keys in order and sets materials.plaintext_data_key from the first
  // one it can unwrap (its length checked against the suite). Fails, leaving `materials`
  // unchanged, when it already holds a data key or none of the keys could be unwrapped; the
  // error collects why (code kIncorrectKey when nothing matched or unwrapped, or the code of the
  // underlying failure, e.g. a KMS error).
  virtual Status OnDecrypt(DecryptionMaterials& materials,
                           std::span<const EncryptedDataKey> encrypted_data_keys) const = 0;
};

// Raw AES keyring (framework/raw-aes-keyring.md): AES-GCM wrapping under a local 128/192/256-bit
// key, IV random per data key, AAD = SerializeEncryptionContext(materials' context).
// Provider id = key_namespace, provider info = key_name || uint32 128 || uint32 12 || IV.
// Errors: kValidation for a wrapping key that is not 16, 24 or 32 bytes, an empty namespace or
// name, or a namespace starting with "aws-kms" (reserved for the KMS keyrings).
Result<std::shared_ptr<const Keyring>> MakeRawAesKeyring(std::string key_namespace,
                                                         std::string key_name,
                                                         internal::SecretBytes wrapping_key);

enum class RsaPadding : uint8_t {
  kPkcs1,           // PKCS #1 v1.5
  kOaepSha1Mgf1,    // OAEP, SHA-1 and MGF1-SHA-1
  kOaepSha256Mgf1,  // OAEP, SHA-256 and MGF1-SHA-256
  kOaepSha384Mgf1,
  kOaepSha512Mgf1,
};

// Raw RSA keyring (framework/raw-rsa-keyring.md). `public_key_pem` (X.509 SubjectPublicKeyInfo)
// is needed to encrypt, `private_key_pem` (PKCS #8 or traditional RSA) to decrypt; at least one.
// Provider id = key_namespace, provider info = key_name, ciphertext = RSA(data key).
// Errors: kValidation for a PEM that does not parse or is not an RSA key, both keys empty, an
// empty namespace or name, or a namespace starting with "aws-kms".
Result<std::shared_ptr<const Keyring>> MakeRawRsaKeyring(std::string key_namespace,
                                                         std::string key_name, RsaPadding padding,
                                                         std::string_view public_key_pem,
                                                         std::string_view private_key_pem);

// Multi-keyring (framework/multi-keyring.md): on encrypt the generator makes and wraps the data
// key and every child wraps it too; on decrypt the generator, then each child, is tried until
// one unwraps. `generator` may be null when `children` is not empty (then encrypt needs a data
// key already present). Errors: kValidation when both are empty, or a child is null.
Result<std::shared_ptr<const Keyring>> MakeMultiKeyring(
    std::shared_ptr<const Keyring> generator, std::vector<std::shared_ptr<const Keyring>> children);

}  // namespace kms::envelope
