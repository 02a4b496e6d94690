// Tests for the dispatch table.
#include "api/operations.hpp"

#include <doctest/doctest.h>

#include <string>

using kms::emulator::FindOperation;
using kms::emulator::Operations;

TEST_CASE("The operation table is sorted by name and has no duplicates") {
  auto ops = Operations();
  REQUIRE(ops.size() >= 21);
  for (size_t i = 1; i < ops.size(); ++i) {
    CHECK_MESSAGE(ops[i - 1].name < ops[i].name, ops[i - 1].name, " before ", ops[i].name);
  }
}

TEST_CASE("Every operation in the table has a handler and resolves to it") {
  for (const auto& op : Operations()) {
    bool has_handler = op.handler != nullptr;
    bool resolves = FindOperation(op.name) == op.handler;
    CHECK_MESSAGE(has_handler, op.name);
    CHECK_MESSAGE(resolves, op.name);
  }
}

TEST_CASE("The table holds the operations of the first release") {
  for (const char* name : {"CancelKeyDeletion",
                           "CreateAlias",
                           "CreateKey",
                           "Decrypt",
                           "DeleteAlias",
                           "DescribeKey",
                           "DisableKey",
                           "EnableKey",
                           "Encrypt",
                           "GenerateDataKey",
                           "GenerateDataKeyWithoutPlaintext",
                           "GenerateRandom",
                           "ListAliases",
                           "ListKeys",
                           "ListResourceTags",
                           "ReEncrypt",
                           "ScheduleKeyDeletion",
                           "TagResource",
                           "UntagResource",
                           "UpdateAlias",
                           "UpdateKeyDescription"}) {
    bool found = FindOperation(name) != nullptr;
    CHECK_MESSAGE(found, name);
  }
}

namespace {
bool Missing(std::string_view name) { return FindOperation(name) == nullptr; }
}  // namespace

TEST_CASE("FindOperation returns nullptr for names not in the table") {
  CHECK(Missing(""));
  CHECK(Missing("NoSuchOperation"));
  CHECK(Missing("createkey"));  // names are case-sensitive, as in AWS
  CHECK(Missing("CreateKey "));
  CHECK(Missing("TrentService.CreateKey"));
  CHECK(Missing("AAA"));  // before the first entry
  CHECK(Missing("ZZZ"));  // after the last entry
  CHECK(Missing("Decryp"));
}
