// kmsctl's help texts, generated from the command table and the global options.
#pragma once

#include <string>

#include "command.hpp"

namespace kms::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;      // bad command line or unreadable parameter file
inline constexpr int kExitService = 254;  // the service answered with an error (aws CLI v2)
inline constexpr int kExitOther = 255;    // configuration, connection, output file (aws CLI)

// `kmsctl --help`: commands by group, global options, environment, exit statuses. Pure.
std::string GlobalHelp();

// Word-wraps `text` at 100 columns for a line where it starts at `first_column`; continuation
// lines are indented by `indent` spaces. Pure.
std::string WrapText(std::string_view text, size_t first_column, size_t indent);

// `kmsctl <command> --help`: usage line, options with their formats, output, example. Pure.
std::string CommandHelp(const CommandSpec& command);

}  // namespace kms::cli
