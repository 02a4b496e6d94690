// Encryption-context helpers shared by the message code and the keyrings.
#pragma once

#include <kms/envelope/keyring.hpp>
#include <set>
#include <string>
#include <string_view>

namespace kms::envelope::detail {

// Strict UTF-8: no overlong forms, surrogates or code points above U+10FFFF. Pure.
bool IsValidUtf8(std::string_view text);

// kValidation when a key or value is not valid UTF-8.
Status CheckContextStrings(const EncryptionContext& context);

// The pairs whose key is (keep = true) or is not (keep = false) in `keys`.
EncryptionContext FilterContext(const EncryptionContext& context, const std::set<std::string>& keys,
                                bool keep);

}  // namespace kms::envelope::detail
