// The kmsctl command table: aws CLI naming, one command per README operation, sound option specs,
// enum choices the SDK understands, and help texts that mention every option.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "args.hpp"
#include "command.hpp"
#include "help.hpp"

namespace kms::cli {
namespace {

// "GenerateDataKeyWithoutPlaintext" -> "generate-data-key-without-plaintext", as the aws CLI
// names operations.
std::string Kebab(std::string_view operation) {
  std::string out;
  for (char c : operation) {
    if (std::isupper(static_cast<unsigned char>(c)) && !out.empty()) out += '-';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// The operations README.md lists between its `operations` markers.
std::vector<std::string> ReadmeOperations() {
  std::ifstream readme(std::string(KMS_SOURCE_DIR) + "/README.md");
  REQUIRE(readme.good());
  std::vector<std::string> ops;
  bool inside = false;
  for (std::string line; std::getline(readme, line);) {
    if (line.starts_with("<!-- operations")) inside = true;
    if (line.starts_with("<!-- /operations")) inside = false;
    if (inside && line.starts_with("- ")) ops.push_back(line.substr(2));
  }
  return ops;
}

TEST_CASE("Every command is named like its aws kms operation, once") {
  std::set<std::string_view> names;
  for (const CommandSpec& command : Commands()) {
    CAPTURE(command.name);
    CHECK(command.name == Kebab(command.operation));
    CHECK(names.insert(command.name).second);
    CHECK(FindCommand(command.name) == &command);
    CHECK(static_cast<bool>(command.handler));
    CHECK_FALSE(command.summary.empty());
    CHECK_FALSE(command.details.empty());
    CHECK(command.example.starts_with(command.name));
  }
  CHECK(FindCommand("no-such-command") == nullptr);
}

// The operations KmsClient has a method for: "Name(const NameRequest&" in client.hpp.
std::set<std::string> SdkOperations() {
  std::ifstream header(std::string(KMS_SOURCE_DIR) + "/sdk/include/kms/client.hpp");
  REQUIRE(header.good());
  std::stringstream buffer;
  buffer << header.rdbuf();
  const std::string text = buffer.str();
  auto is_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  std::set<std::string> ops;
  for (size_t paren = text.find('('); paren != std::string::npos;
       paren = text.find('(', paren + 1)) {
    size_t begin = paren;
    while (begin > 0 && is_name(text[begin - 1])) --begin;
    std::string name = text.substr(begin, paren - begin);
    size_t arg = text.find_first_not_of(" \n", paren + 1);
    if (!name.empty() && text.compare(arg, name.size() + 14, "const " + name + "Request&") == 0) {
      ops.insert(name);
    }
  }
  return ops;
}

TEST_CASE("kmsctl has a command for every KmsClient operation, and only those") {
  std::set<std::string> sdk = SdkOperations();
  REQUIRE(sdk.size() >= 21);
  std::set<std::string> table;
  for (const CommandSpec& command : Commands()) table.emplace(command.operation);
  CHECK(table == sdk);
}

TEST_CASE("Every kmsctl command is an operation README lists as supported") {
  std::vector<std::string> ops = ReadmeOperations();
  std::set<std::string> readme(ops.begin(), ops.end());
  for (const CommandSpec& command : Commands()) {
    CAPTURE(command.operation);
    CHECK(readme.contains(std::string(command.operation)));
  }
}

TEST_CASE("Options are unique, kebab-case, distinct from global options, and well formed") {
  std::set<std::string_view> globals{"--help", "--version"};
  for (const GlobalOptionSpec& g : GlobalOptionSpecs()) globals.insert(g.name);
  for (const CommandSpec& command : Commands()) {
    std::set<std::string_view> seen;
    for (const OptionSpec& option : command.options) {
      CAPTURE(command.name);
      CAPTURE(option.name);
      CHECK(option.name.starts_with("--"));
      CHECK(option.name.find_first_not_of("-abcdefghijklmnopqrstuvwxyz", 2) ==
            std::string_view::npos);
      CHECK(seen.insert(option.name).second);
      CHECK_FALSE(globals.contains(option.name));
      CHECK(FindOption(command, option.name) == &option);
      CHECK((option.type == OptionType::kEnum) == !option.choices.empty());
      CHECK((option.type == OptionType::kOutfile) == !option.field.empty());
      if (option.type == OptionType::kOutfile) CHECK_FALSE(option.required);
      if (option.type != OptionType::kOutfile) CHECK_FALSE(option.help.empty());
    }
  }
}

// Each enum option's choices must convert with the SDK parser its handler uses.
TEST_CASE("Every enum choice is a value the SDK can send") {
  const std::map<std::string_view, bool (*)(std::string_view)> parsers = {
      {"--key-spec/create-key", [](std::string_view s) { return ParseKeySpec(s).has_value(); }},
      {"--customer-master-key-spec",
       [](std::string_view s) { return ParseKeySpec(s).has_value(); }},
      {"--key-usage", [](std::string_view s) { return ParseKeyUsage(s).has_value(); }},
      {"--origin", [](std::string_view s) { return ParseOrigin(s).has_value(); }},
      {"--key-spec", [](std::string_view s) { return ParseDataKeySpec(s).has_value(); }},
      {"algorithm", [](std::string_view s) { return ParseEncryptionAlgorithm(s).has_value(); }},
  };
  int checked = 0;
  for (const CommandSpec& command : Commands()) {
    for (const OptionSpec& option : command.options) {
      if (option.type != OptionType::kEnum) continue;
      std::string key(option.name);
      if (option.name == "--key-spec" && command.name == "create-key") key += "/create-key";
      if (option.name.ends_with("encryption-algorithm")) key = "algorithm";
      CAPTURE(command.name);
      CAPTURE(option.name);
      REQUIRE(parsers.contains(key));
      for (std::string_view choice : option.choices) {
        CAPTURE(choice);
        CHECK(parsers.at(key)(choice));
        ++checked;
      }
    }
  }
  CHECK(checked > 40);
}

TEST_CASE("Each command's help shows every option, its output and its example") {
  for (const CommandSpec& command : Commands()) {
    CAPTURE(command.name);
    std::string help = CommandHelp(command);
    CHECK(help.starts_with("usage: kmsctl [global options] " + std::string(command.name)));
    CHECK(help.find("\nCalls the AWS KMS " + std::string(command.operation) + " operation.\n") !=
          std::string::npos);
    for (const OptionSpec& option : command.options) {
      CAPTURE(option.name);
      size_t row = help.find("\n  " + std::string(option.name) + " ");
      REQUIRE(row != std::string::npos);
      size_t end = std::min(help.find("\n  -", row + 1), help.find("\n\n", row + 1));
      std::string row_text = help.substr(row, end - row);
      CHECK((row_text.find("(required)") != std::string::npos) == option.required);
    }
    CHECK(help.find("kmsctl " + std::string(command.example)) != std::string::npos);
  }
}

TEST_CASE("The help of a command with an outfile says which member it receives") {
  std::string help = CommandHelp(*FindCommand("generate-data-key"));
  CHECK(help.find("--outfile <path>                  Write the CiphertextBlob member's raw bytes "
                  "to PATH") != std::string::npos);
  CHECK(help.find("--plaintext-outfile <path>        Write the Plaintext member's raw bytes") !=
        std::string::npos);
  CHECK(help.find("<k=v,...>                         Shorthand key=value") != std::string::npos);
  CHECK(help.find("--dry-run | --no-dry-run") != std::string::npos);
}

TEST_CASE("The global help lists every command, every global option and the exit statuses") {
  std::string help = GlobalHelp();
  for (const CommandSpec& command : Commands()) {
    CHECK(help.find("\n  " + std::string(command.name)) != std::string::npos);
  }
  for (const GlobalOptionSpec& g : GlobalOptionSpecs()) {
    CHECK(help.find("\n  " + std::string(g.name)) != std::string::npos);
  }
  CHECK(help.find("254") != std::string::npos);
  std::string joined = help;
  std::replace(joined.begin(), joined.end(), '\n', ' ');
  CHECK(joined.find("An error occurred (<Code>) when calling the <Operation> operation: "
                    "<message>") != std::string::npos);
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    CAPTURE(line);
    CHECK(line.size() <= 100);
  }
}

TEST_CASE("The envelope and tool commands have helps naming every option and their calls") {
  size_t tools = 0;
  for (const CommandSpec* command : AllCommands()) {
    CAPTURE(command->name);
    CHECK(FindCommand(command->name) == command);
    if (command->group == "Keys" || command->group == "Cryptography" ||
        command->group == "Aliases" || command->group == "Tags") {
      continue;
    }
    ++tools;
    std::string help = CommandHelp(*command);
    CHECK_FALSE(command->calls.empty());
    CHECK(help.find(std::string(command->calls.substr(0, 30))) != std::string::npos);
    CHECK(help.find("Calls the AWS KMS ") == std::string::npos);
    for (const OptionSpec& option : command->options) {
      CAPTURE(option.name);
      CHECK(help.find("\n  " + std::string(option.name) + " ") != std::string::npos);
    }
    CHECK(help.find("kmsctl " + std::string(command->example)) != std::string::npos);
  }
  CHECK(tools == 4);
  CHECK(AllCommands().size() == Commands().size() + 4);
  CHECK(CommandHelp(*FindCommand("audit")).find("<time>  ") != std::string::npos);
  CHECK(SuggestCommand("inspekt") == "inspect");
}

}  // namespace
}  // namespace kms::cli
