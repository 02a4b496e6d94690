// The dispatch table: every supported KMS operation by name, sorted for binary search.
#pragma once

#include <span>
#include <string_view>

#include "api/context.hpp"

namespace kms::emulator {

struct Operation {
  std::string_view name;  // "CreateKey", as in X-Amz-Target "TrentService.CreateKey"
  Handler handler;
};

// The table, sorted by name and unique (a unit test checks both). Thread-safe.
std::span<const Operation> Operations();

// The handler for `name`, or nullptr. Thread-safe.
Handler FindOperation(std::string_view name);

}  // namespace kms::emulator
