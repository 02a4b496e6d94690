// kmsctl: the aws-CLI-style command line for AWS KMS and kms-emulator (see `kmsctl --help`).
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "help.hpp"

int main(int argc, char** argv) {
  try {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    return kms::cli::Run(args, {std::cin, std::cout, std::cerr});
  } catch (const std::exception& e) {
    std::cerr << "kmsctl: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "kmsctl: internal error\n";
  }
  return kms::cli::kExitOther;
}
