// main for tests that read ../shared/vectors: when the folder is absent (a newcomer's clone)
// it says so loudly and exits 77, which ctest reports as "Skipped", never as passed.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>

int main(int argc, char** argv) {
  if (!std::filesystem::is_directory(KMS_VECTORS_DIR)) {
    std::fprintf(stderr,
                 "SKIPPED: test vectors not found at %s (set -DKMS_VECTORS_DIR=...). "
                 "These tests did NOT run.\n",
                 KMS_VECTORS_DIR);
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
