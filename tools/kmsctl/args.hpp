// kmsctl's command line: global options (anywhere), the command, and its options, checked
// against the command table and converted to typed values.
#pragma once

#include <istream>
#include <kms/result.hpp>
#include <span>
#include <string_view>

#include "command.hpp"

namespace kms::cli {

enum class Action {
  kRun,      // run `command`
  kHelp,     // print the help of `command`, or the global help when it is null
  kVersion,  // print the version
};

struct Invocation {
  Action action = Action::kRun;
  GlobalOptions globals;
  const CommandSpec* command = nullptr;
  Args args;
};

// A global option (aws CLI names). `apply` stores the value (or, for flags, sets the flag) and
// fails with kValidation on a bad value.
struct GlobalOptionSpec {
  std::string_view name;
  std::string_view value_name;  // "" for flags
  std::string_view help;
  Status (*apply)(GlobalOptions& globals, std::string_view value);
};

// The global options, in --help order (--help and --version are handled apart). Thread-safe.
std::span<const GlobalOptionSpec> GlobalOptionSpecs();

// Parses `argv` (without the program name) the way the aws CLI does: global options may come
// anywhere, the command's options after the command, as "--name value" or "--name=value"; list
// options take every following value up to the next "--option". "--help", "-h" or "help"
// anywhere asks for help (no value is read then). Option values are converted (files and stdin
// read) only for a run. Errors, all kValidation (kmsctl exits 2): no command, an unknown command
// (with a suggestion) or option, a missing or repeated option or value, a value that does not
// parse (values.hpp). Not thread-safe (reads stdin through `in`).
Result<Invocation> ParseCommandLine(std::span<const std::string_view> argv, std::istream& in);

// The command name closest to `name` by edit distance, or "" when none is close. Pure.
std::string_view SuggestCommand(std::string_view name);

}  // namespace kms::cli
