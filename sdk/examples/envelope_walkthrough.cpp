// Envelope encryption with AWS KMS or kms-emulator: KMS makes a data key, the data is encrypted
// locally with it (AES-256-GCM, OpenSSL EVP), and only the encrypted data key is kept. README
// shows main() (between the markers); ctest runs it against the emulator.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <iostream>
#include <kms/client.hpp>
#include <string>
#include <string_view>

namespace {

// AES-256-GCM over `data` in place. Encrypting writes the 16-byte `tag`; decrypting checks it
// and returns false when the data, the IV or the tag was altered.
bool AesGcm(bool encrypt, const uint8_t* key, const uint8_t* iv, std::string& data, uint8_t* tag) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  auto* bytes = reinterpret_cast<unsigned char*>(data.data());
  int len = 0;
  bool ok = ctx != nullptr &&
            EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key, iv, encrypt ? 1 : 0) == 1 &&
            (encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1) &&
            EVP_CipherUpdate(ctx, bytes, &len, bytes, static_cast<int>(data.size())) == 1 &&
            EVP_CipherFinal_ex(ctx, bytes + len, &len) == 1 &&
            (!encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1);
  EVP_CIPHER_CTX_free(ctx);
  return ok;
}

int Fail(std::string_view why) {
  std::cerr << why << "\n";
  return 1;
}
int Fail(const kms::Error& e) {
  return Fail(std::string(kms::TypeName(e.code)) + ": " + e.message);
}

}  // namespace

// [readme]
int main(int argc, char** argv) {
  if (argc != 2) return Fail("usage: envelope_walkthrough KEY_ID");
  // Endpoint, region and credentials as the aws CLI finds them (AWS_ENDPOINT_URL_KMS, ...).
  auto kms = kms::KmsClient::Create();
  if (!kms) return Fail(kms.error());

  // 1. KMS makes a 256-bit data key: once in plaintext, once encrypted under KEY_ID.
  kms::GenerateDataKeyRequest generate;
  generate.KeyId = argv[1];
  generate.KeySpec = kms::DataKeySpec::kAes256;
  auto data_key = kms->GenerateDataKey(generate);
  if (!data_key) return Fail(data_key.error());

  // 2. Encrypt locally with a fresh 96-bit IV, keep only the encrypted data key.
  std::string message = "attack at dawn";
  unsigned char iv[12], tag[16];
  if (RAND_bytes(iv, sizeof iv) != 1) return Fail("no random IV");
  if (!AesGcm(true, data_key->Plaintext.data(), iv, message, tag)) return Fail("AES-GCM failed");
  kms::DecryptRequest unwrap;
  unwrap.CiphertextBlob = std::move(data_key->CiphertextBlob);  // store with iv, tag, message
  data_key->Plaintext.clear();                                  // wipes the plaintext key

  // 3. Later: KMS decrypts the data key (the blob names its KMS key), then decrypt locally.
  auto key = kms->Decrypt(unwrap);
  if (!key) return Fail(key.error());
  if (!AesGcm(false, key->Plaintext.data(), iv, message, tag)) return Fail("tampered");
  std::cout << "data key from " << key->KeyId << " decrypted: " << message << "\n";
}
// [/readme]
