// Helpers shared by the keyrings: data key generation, the common checks and error messages.
#pragma once

#include <kms/envelope/keyring.hpp>
#include <string>

namespace kms::envelope::detail {

// The data key to wrap: a copy of the one in `materials`, or suite->key_length fresh random
// bytes when there is none yet. kInternal when the random generator fails.
Result<internal::SecretBytes> DataKeyForEncrypt(const EncryptionMaterials& materials);

// kValidation "<who>: the decryption materials already hold a data key" when they do.
Status CheckNoDataKey(const DecryptionMaterials& materials, const std::string& who);

// kIncorrectKey "<who>: no encrypted data key matches" when `tried` is 0, else
// "<who>: <tried> matching encrypted data key(s) <why>".
Error NothingDecrypted(const std::string& who, size_t tried, const std::string& why);

// kValidation for an empty namespace or name, or a namespace starting with "aws-kms".
Status CheckNamespaceAndName(const std::string& key_namespace, const std::string& key_name);

}  // namespace kms::envelope::detail
