// Fuzz target: the AWS Encryption SDK message parser and decryptor on arbitrary bytes must never
// crash or read out of bounds, one-shot and streaming decryption must agree, and a failing
// stream must leave nothing in its sink. Seeds are messages under the key below.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <kms/envelope/encryptor.hpp>
#include <kms/envelope/stream.hpp>
#include <span>

namespace env = kms::envelope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Raw AES-256 keyring, namespace "fuzz", key name "key", 32 zero bytes.
  static const auto keyring =
      *env::MakeRawAesKeyring("fuzz", "key", kms::internal::SecretBytes(32));
  std::span<const uint8_t> bytes(data, size);
  (void)env::InspectMessage(bytes);

  env::DecryptOptions options;
  options.commitment_policy = env::CommitmentPolicy::kRequireEncryptAllowDecrypt;
  options.max_encrypted_data_keys = 8;
  auto one_shot = env::Decrypt(*keyring, bytes, options);

  env::MemorySink sink;
  env::StreamDecryptor stream(*keyring, options, sink);
  bool ok = true;
  for (size_t i = 0; i < size && ok; i += 13) {
    ok = stream.Update(bytes.subspan(i, std::min<size_t>(13, size - i))).has_value();
  }
  ok = ok && stream.Finish().has_value();
  if (ok != one_shot.has_value()) std::abort();
  if (!ok && !sink.bytes().empty()) std::abort();
  if (ok) {
    auto a = sink.bytes();
    auto b = one_shot->plaintext.span();
    if (!std::equal(a.begin(), a.end(), b.begin(), b.end())) std::abort();
  }
  return 0;
}
