// Custom key stores are not emulated: they front an AWS CloudHSM cluster or an external key store
// proxy, which do not exist offline. The emulator has none, and answers every custom-key-store
// request as AWS would answer for a store that does not exist.
#pragma once

#include <kms/error.hpp>
#include <string>
#include <string_view>

namespace kms::emulator {

// UnsupportedOperationException message for CreateCustomKeyStore (and CreateKey's XksKeyId).
inline constexpr std::string_view kCustomKeyStoresNotEmulated =
    "Custom key stores are not emulated: they front an AWS CloudHSM cluster or an external key "
    "store proxy, which this emulator cannot reach.";

// CustomKeyStoreNotFoundException for the custom key store id `id`. n/v: AWS's wording is not
// recorded. Pure.
inline Error CustomKeyStoreNotFound(std::string_view id) {
  return MakeError(ErrorCode::kCustomKeyStoreNotFound,
                   "Custom key store '" + std::string(id) + "' does not exist.");
}

// CustomKeyStoreNotFoundException for the custom key store name `name`. n/v. Pure.
inline Error CustomKeyStoreNameNotFound(std::string_view name) {
  return MakeError(ErrorCode::kCustomKeyStoreNotFound,
                   "Custom key store named '" + std::string(name) + "' does not exist.");
}

}  // namespace kms::emulator
