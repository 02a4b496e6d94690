// The sorted dispatch table.
#include "api/operations.hpp"

#include <algorithm>

#include "api/handlers.hpp"

namespace kms::emulator {
namespace {

// Sorted by name (a test checks it); README's supported-operations list mirrors it.
constexpr Operation kOperations[] = {
    {"CancelKeyDeletion", CancelKeyDeletion},
    {"CreateAlias", CreateAlias},
    {"CreateKey", CreateKey},
    {"Decrypt", Decrypt},
    {"DeleteAlias", DeleteAlias},
    {"DescribeKey", DescribeKey},
    {"DisableKey", DisableKey},
    {"EnableKey", EnableKey},
    {"Encrypt", Encrypt},
    {"GenerateDataKey", GenerateDataKey},
    {"GenerateDataKeyWithoutPlaintext", GenerateDataKeyWithoutPlaintext},
    {"GenerateRandom", GenerateRandom},
    {"ListAliases", ListAliases},
    {"ListKeys", ListKeys},
    {"ListResourceTags", ListResourceTags},
    {"ReEncrypt", ReEncrypt},
    {"ScheduleKeyDeletion", ScheduleKeyDeletion},
    {"TagResource", TagResource},
    {"UntagResource", UntagResource},
    {"UpdateAlias", UpdateAlias},
    {"UpdateKeyDescription", UpdateKeyDescription},
};

}  // namespace

std::span<const Operation> Operations() { return kOperations; }

Handler FindOperation(std::string_view name) {
  auto it = std::lower_bound(std::begin(kOperations), std::end(kOperations), name,
                             [](const Operation& op, std::string_view n) { return op.name < n; });
  if (it == std::end(kOperations) || it->name != name) return nullptr;
  return it->handler;
}

}  // namespace kms::emulator
