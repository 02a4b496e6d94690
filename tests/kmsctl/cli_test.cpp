// kmsctl's Run: exit statuses and the messages on stdout/stderr for help, usage errors and
// failures before any request (the integration test covers runs against the emulator).
#include "cli.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <vector>

#include "help.hpp"

namespace kms::cli {
namespace {

struct RunResult {
  int status;
  std::string out;
  std::string err;
};

RunResult RunKmsctl(std::vector<std::string_view> argv) {
  std::istringstream in;
  std::ostringstream out, err;
  int status = Run(argv, {in, out, err});
  return {status, out.str(), err.str()};
}

TEST_CASE("kmsctl --help prints the global help on stdout and exits 0") {
  RunResult r = RunKmsctl({"--help"});
  CHECK(r.status == kExitOk);
  CHECK(r.out == GlobalHelp());
  CHECK(r.err.empty());
}

TEST_CASE("kmsctl <command> --help prints that command's help and exits 0") {
  RunResult r = RunKmsctl({"decrypt", "--help"});
  CHECK(r.status == kExitOk);
  CHECK(r.out == CommandHelp(*FindCommand("decrypt")));
  CHECK(r.err.empty());
}

TEST_CASE("kmsctl --version prints the version") {
  RunResult r = RunKmsctl({"--version"});
  CHECK(r.status == kExitOk);
  CHECK(r.out.starts_with("kmsctl "));
  CHECK(r.out.ends_with("\n"));
}

TEST_CASE("A usage error exits 2 and points at the command's help") {
  RunResult r = RunKmsctl({"describe-key"});
  CHECK(r.status == kExitUsage);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "kmsctl: error: the following arguments are required: --key-id\n"
        "Run 'kmsctl describe-key --help' for its options.\n");
}

TEST_CASE("A usage error without a known command points at the global help") {
  RunResult r = RunKmsctl({"nothing-like-this"});
  CHECK(r.status == kExitUsage);
  CHECK(r.err ==
        "kmsctl: error: argument command: Invalid choice: 'nothing-like-this' (kmsctl --help "
        "lists the commands)\n"
        "Run 'kmsctl --help' for the commands and global options.\n");
}

TEST_CASE("Two outputs sent to standard output are refused before any request") {
  RunResult r = RunKmsctl(
      {"generate-data-key", "--key-id", "k", "--outfile", "-", "--plaintext-outfile", "-"});
  CHECK(r.status == kExitUsage);
  CHECK(r.err ==
        "kmsctl: error: only one output option can be - (standard output)\n"
        "Run 'kmsctl generate-data-key --help' for its options.\n");
}

TEST_CASE("A configuration error exits 255 with the SDK's message") {
  RunResult r = RunKmsctl({"list-keys", "--region", "not a region"});
  CHECK(r.status == kExitOther);
  CHECK(r.out.empty());
  CHECK(r.err == "kmsctl: Provided region_name 'not a region' doesn't match a supported format.\n");
}

TEST_CASE("A bad endpoint URL exits 255 before any request") {
  RunResult r = RunKmsctl({"list-keys", "--region", "us-east-1", "--endpoint-url", "ftp://x"});
  CHECK(r.status == kExitOther);
  CHECK(r.err.starts_with("kmsctl: Invalid endpoint URL: ftp://x ("));
}

TEST_CASE("kmsctl --help lists the envelope commands, inspect and audit") {
  RunResult r = RunKmsctl({"--help"});
  for (std::string_view name :
       {"\n  envelope encrypt ", "\n  envelope decrypt ", "\n  inspect ", "\n  audit "}) {
    CAPTURE(name);
    CHECK(r.out.find(name) != std::string::npos);
  }
  CHECK(r.out.find("\nEnvelope encryption:\n") != std::string::npos);
  CHECK(r.out.find("\nTools:\n") != std::string::npos);
}

TEST_CASE("kmsctl inspect takes the file as a bare argument and explains it as text by default") {
  std::string path = std::string(KMS_TEST_DATA_DIR) + "/../kmsctl/does-not-exist.bin";
  RunResult r = RunKmsctl({"inspect", path});
  CHECK(r.status == kExitOther);
  CHECK(r.err == "kmsctl: Cannot open " + path + ": No such file or directory\n");
  r = RunKmsctl({"inspect", path, "--in", path});
  CHECK(r.status == kExitUsage);
  CHECK(r.err.starts_with("kmsctl: error: argument --in: given more than once\n"));
  r = RunKmsctl({"inspect", "a", "b"});
  CHECK(r.status == kExitUsage);
  CHECK(r.err.starts_with("kmsctl: error: Unknown options: b\n"));
}

TEST_CASE("kmsctl inspect of unrecognised input exits 255 and says what it starts with") {
  std::string path = std::string(KMS_SOURCE_DIR) + "/tools/kmsctl/CMakeLists.txt";
  RunResult r = RunKmsctl({"inspect", "--output", "json", path});
  CHECK(r.status == kExitOther);
  CHECK(r.out.empty());
  CHECK(r.err == "kmsctl: Cannot inspect " + path +
                     ": Unrecognised input: neither an AWS Encryption SDK message nor a "
                     "kms-emulator ciphertext blob, raw or base64 (it starts 23 20 6b 6d 73 63 74 "
                     "6c)\n");
}

TEST_CASE("kmsctl audit refuses options that do not go together before any request") {
  RunResult r = RunKmsctl({"audit", "--follow", "--end-time", "1h"});
  CHECK(r.status == kExitUsage);
  CHECK(r.err ==
        "kmsctl: error: argument --end-time: not allowed with --follow\n"
        "Run 'kmsctl audit --help' for its options.\n");
  r = RunKmsctl({"audit", "--max-items", "0"});
  CHECK(r.status == kExitUsage);
  CHECK(r.err.starts_with("kmsctl: error: argument --max-items: must be at least 1\n"));
  r = RunKmsctl({"audit", "--start-time", "soon"});
  CHECK(r.status == kExitUsage);
  CHECK(r.err.starts_with("kmsctl: error: argument --start-time: invalid time 'soon' ("));
}

}  // namespace
}  // namespace kms::cli
