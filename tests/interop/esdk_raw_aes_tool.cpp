// Test-only: envelope encrypt/decrypt with a raw AES keyring, standard input to standard output,
// so interop tests can check messages against the official JS Encryption SDK's raw AES keyring.
// usage: esdk_raw_aes_tool encrypt|decrypt KEY_HEX NAMESPACE NAME [--algorithm ID] [k=v]...
#include <iostream>
#include <kms/envelope/stream.hpp>
#include <kms/internal/encoding.hpp>
#include <string>
#include <string_view>

namespace {

namespace env = kms::envelope;

int Fail(std::string_view message) {
  std::cerr << "esdk_raw_aes_tool: " << message << "\n";
  return 1;
}

int Run(int argc, char** argv) {
  if (argc < 5) {
    return Fail(
        "usage: esdk_raw_aes_tool encrypt|decrypt KEY_HEX NAMESPACE NAME "
        "[--algorithm ID] [k=v]...");
  }
  const std::string_view mode = argv[1];
  auto key = kms::internal::HexDecode(argv[2]);
  if (!key) return Fail("KEY_HEX is not hex");
  auto keyring = env::MakeRawAesKeyring(argv[3], argv[4], kms::internal::SecretBytes(*key));
  if (!keyring) return Fail(keyring.error().message);
  env::EncryptOptions encrypt_options;
  env::EncryptionContext context;
  for (int i = 5; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--algorithm" && i + 1 < argc) {
      auto id = env::ParseAlgorithmSuiteId(argv[++i]);
      if (!id) return Fail(id.error().message);
      encrypt_options.algorithm = *id;
      continue;
    }
    auto eq = arg.find('=');
    if (eq == std::string_view::npos) return Fail("expected k=v, got " + std::string(arg));
    context.emplace(std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1)));
  }
  env::OstreamSink sink(std::cout);
  if (mode == "encrypt") {
    encrypt_options.encryption_context = std::move(context);
    auto header = env::EncryptStream(**keyring, std::cin, sink, encrypt_options);
    if (!header) return Fail(header.error().message);
  } else if (mode == "decrypt") {
    env::DecryptOptions decrypt_options;
    decrypt_options.encryption_context = std::move(context);
    auto header = env::DecryptStream(**keyring, std::cin, sink, decrypt_options);
    if (!header) return Fail(header.error().message);
  } else {
    return Fail("mode must be encrypt or decrypt");
  }
  std::cout.flush();
  return std::cout ? 0 : Fail("cannot write standard output");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
}
