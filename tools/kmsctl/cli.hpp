// kmsctl's entry point as a function: parse, run the command, print, map failures to exit codes.
#pragma once

#include <istream>
#include <ostream>
#include <span>
#include <string_view>

namespace kms::cli {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// Runs kmsctl with `argv` (without the program name). Returns the exit status (help.hpp:
// kExitOk, kExitUsage, kExitService, kExitOther); messages go to io.err, results to io.out.
// Never throws for bad input. Not thread-safe (one run at a time per process: stdin, files).
int Run(std::span<const std::string_view> argv, Io io);

}  // namespace kms::cli
