// The default CMM with required-encryption-context semantics (framework/default-cmm.md,
// required-encryption-context-cmm.md, cmm-interface.md): builds the materials a message is
// encrypted or decrypted with, around one keyring call.
#pragma once

#include <kms/envelope/encryptor.hpp>
#include <kms/envelope/keyring.hpp>
#include <kms/internal/openssl_ptr.hpp>
#include <optional>

#include "crypto.hpp"
#include "header.hpp"

namespace kms::envelope::detail {

struct PreparedEncryption {
  EncryptionMaterials materials;
  std::optional<SigningKey> signing_key;  // signed suites
};

// Checks the options (frame length, suite vs commitment policy, context keys), creates the
// signing key and aws-crypto-public-key for signed suites, calls keyring.OnEncrypt and checks
// what it returned (data key length, at least one and at most max EDKs).
Result<PreparedEncryption> GetEncryptionMaterials(const Keyring& keyring,
                                                  const EncryptOptions& options);

// The verification key from the header's aws-crypto-public-key (signed suites; null otherwise).
// Malformed when a signed suite lacks the pair or an unsigned one has it, or it does not decode.
Result<internal::PkeyPtr> MessageVerificationKey(const ParsedHeader& header);

struct PreparedDecryption {
  DecryptionMaterials materials;
  internal::PkeyPtr verification_key;  // signed suites
};

// Merges the reproduced context into the header's (equal values for shared keys; the others
// become required, authenticate-only pairs), checks required keys and the public-key pair,
// calls keyring.OnDecrypt and checks the data key length.
Result<PreparedDecryption> GetDecryptionMaterials(const Keyring& keyring,
                                                  const ParsedHeader& header,
                                                  const DecryptOptions& options);

}  // namespace kms::envelope::detail
