// README's supported-operations list must be exactly the emulator's dispatch table.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "api/operations.hpp"

TEST_CASE("README lists exactly the operations of the dispatch table, in order") {
  std::ifstream in(std::string(KMS_SOURCE_DIR) + "/README.md");
  REQUIRE(in.good());
  std::vector<std::string> listed;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("<!-- operations"))
      inside = true;
    else if (line.starts_with("<!-- /operations"))
      inside = false;
    else if (inside && line.starts_with("- "))
      listed.push_back(line.substr(2));
  }
  std::vector<std::string> table;
  for (const auto& op : kms::emulator::Operations()) table.emplace_back(op.name);
  CHECK(listed == table);
}
