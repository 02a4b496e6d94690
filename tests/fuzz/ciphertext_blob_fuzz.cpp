// Fuzz target: ParseCiphertextBlob and OpenCiphertextBlob on arbitrary bytes must never crash,
// read out of bounds or release plaintext from a blob that does not authenticate.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "domain/ciphertext_blob.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  auto view = kms::emulator::ParseCiphertextBlob(bytes);
  if (!view) return 0;
  // A fixed key: almost every input fails authentication; none may crash.
  static const uint8_t kKey[32] = {1, 2, 3};
  kms::emulator::EncryptionContext context;
  auto opened = kms::emulator::OpenCiphertextBlob(*view, kKey, context);
  if (opened && opened->size() != view->ciphertext.size()) std::abort();
  return 0;
}
