// Envelope encryption with the SDK's KMS keyring, in the AWS Encryption SDK message format:
// encrypts a message under a KMS key (argv[1], or a new key), decrypts it, checks the round trip
// and prints a short report. Built against an installed SDK by tests/packaging/install_test.py.
#include <cstdint>
#include <iostream>
#include <kms/client.hpp>
#include <kms/envelope/encryptor.hpp>
#include <kms/envelope/kms_keyring.hpp>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace {

int Fail(std::string_view why) {
  std::cerr << why << "\n";
  return 1;
}
int Fail(const kms::Error& e) {
  return Fail(std::string(kms::TypeName(e.code)) + ": " + e.message);
}

std::span<const uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// The key ARN of `key_id` (decryption with a strict KMS keyring names the key by its ARN), or of
// a new symmetric key when `key_id` is empty.
kms::Result<std::string> KeyArn(const kms::KmsClient& kms, std::string_view key_id) {
  if (key_id.empty()) {
    kms::CreateKeyRequest create;
    create.Description = "kms SDK example: envelope_keyring";
    auto created = kms.CreateKey(create);
    if (!created) return created.error();
    return created->KeyMetadata->Arn;
  }
  kms::DescribeKeyRequest describe;
  describe.KeyId = std::string(key_id);
  auto described = kms.DescribeKey(describe);
  if (!described) return described.error();
  return described->KeyMetadata->Arn;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) return Fail("usage: envelope_keyring [KEY_ID]");
  // Endpoint, region and credentials as the aws CLI finds them (AWS_ENDPOINT_URL_KMS, ...).
  auto client = kms::KmsClient::Create();
  if (!client) return Fail(client.error());
  auto kms = std::make_shared<const kms::KmsClient>(std::move(*client));

  auto arn = KeyArn(*kms, argc == 2 ? argv[1] : "");
  if (!arn) return Fail(arn.error());
  auto keyring = kms::envelope::MakeKmsKeyring(kms, *arn);
  if (!keyring) return Fail(keyring.error());

  // Encrypt: KMS generates the data key; the message carries it encrypted under the KMS key.
  const std::string_view message = "attack at dawn";
  kms::envelope::EncryptOptions encrypt;
  encrypt.encryption_context = {{"purpose", "example"}};
  auto encrypted = kms::envelope::Encrypt(**keyring, Bytes(message), encrypt);
  if (!encrypted) return Fail(encrypted.error());

  // Decrypt: KMS decrypts the data key; the context must match the one the message is bound to.
  kms::envelope::DecryptOptions decrypt;
  decrypt.encryption_context = encrypt.encryption_context;
  auto decrypted = kms::envelope::Decrypt(**keyring, encrypted->ciphertext, decrypt);
  if (!decrypted) return Fail(decrypted.error());
  if (!decrypted->plaintext.Equals(Bytes(message))) return Fail("round trip changed the message");

  const auto& header = decrypted->header;
  std::cout << "key: " << *arn << (argc == 2 ? "" : " (created)") << "\n"
            << "suite: " << header.suite->name << "\n"
            << "message: " << message.size() << " bytes plaintext, " << encrypted->ciphertext.size()
            << " bytes encrypted, " << header.encrypted_data_keys.size() << " data key from "
            << header.encrypted_data_keys.front().provider_id << "\n"
            << "round trip: ok\n";
}
