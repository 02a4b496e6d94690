// One-shot Encrypt/Decrypt: round trips for every suite and the frame-boundary sizes, the
// message layout they produce, and every option and error branch with its exact message.
#include <kms/envelope/encryptor.hpp>
#include <kms/envelope/message.hpp>

#include "envelope/envelope_support.hpp"

namespace kms::envelope::test {
namespace {

void RoundTrip(AlgorithmSuiteId id, uint32_t frame, size_t size, const EncryptionContext& ec = {}) {
  auto keyring = AesKeyring();
  auto plaintext = Pattern(size, static_cast<uint32_t>(size));
  EncryptOptions options = OptionsFor(id, frame);
  options.encryption_context = ec;
  auto encrypted = Encrypt(*keyring, plaintext, options);
  REQUIRE_MESSAGE(encrypted.has_value(), encrypted.error().message);
  const auto& suite = GetAlgorithmSuite(id);
  CHECK(encrypted->header.suite == &suite);
  CHECK(encrypted->header.frame_length == frame);
  CHECK(encrypted->header.encryption_context.count("aws-crypto-public-key") ==
        (suite.is_signed() ? 1u : 0u));

  auto layout = InspectMessage(encrypted->ciphertext);
  REQUIRE_MESSAGE(layout.has_value(), layout.error().message);
  CHECK(layout->header.message_version == suite.message_version);
  CHECK(layout->header.content_type == ContentType::kFramed);
  CHECK(layout->frame_count == size / frame + 1);  // full frames + a (maybe empty) final frame
  CHECK(layout->content_length == size);
  CHECK(layout->message_length == encrypted->ciphertext.size());
  CHECK(layout->header.message_id == encrypted->header.message_id);

  auto decrypted = Decrypt(*keyring, encrypted->ciphertext, DecryptFor(id));
  REQUIRE_MESSAGE(decrypted.has_value(), decrypted.error().message);
  CHECK(Same(decrypted->plaintext.span(), plaintext));
  CHECK(decrypted->header.encryption_context == encrypted->header.encryption_context);
}

Error EncryptError(const EncryptOptions& options, const Keyring* keyring = nullptr) {
  auto fallback = AesKeyring();
  auto result = Encrypt(keyring ? *keyring : *fallback, Pattern(10), options);
  REQUIRE(!result.has_value());
  return result.error();
}

Error DecryptError(const Keyring& keyring, std::span<const uint8_t> message,
                   const DecryptOptions& options = {}) {
  auto result = Decrypt(keyring, message, options);
  REQUIRE(!result.has_value());
  return result.error();
}

}  // namespace

TEST_CASE("Every suite round-trips 0, 1, frame-1, frame, frame+1 and several frames of bytes") {
  for (const auto& suite : AllAlgorithmSuites()) {
    CAPTURE(suite.name);
    for (size_t size : {0, 1, 63, 64, 65, 128, 200}) {
      CAPTURE(size);
      RoundTrip(suite.id, 64, size, {{"purpose", "test"}, {"ä", "€"}});
    }
  }
}

TEST_CASE("The default frame length of 4096 bytes round-trips around its boundary") {
  for (auto id : {AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384,
                  AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey}) {
    for (size_t size : {0, 1, 4095, 4096, 4097}) {
      CAPTURE(size);
      RoundTrip(id, kDefaultFrameLength, size);
    }
  }
}

TEST_CASE("Multi-MiB plaintexts round-trip under the suites we encrypt with") {
  for (auto id : {AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384,
                  AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey}) {
    RoundTrip(id, kDefaultFrameLength, (5 << 20) + 3);
    RoundTrip(id, 1 << 20, (3 << 20) + 17);
  }
}

TEST_CASE("Encrypt defaults to suite 0x0578 with a v2 header and 4096-byte frames") {
  auto keyring = AesKeyring();
  auto result = Encrypt(*keyring, Pattern(5000));
  REQUIRE(result.has_value());
  CHECK(result->header.suite->id == AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384);
  CHECK(result->header.message_version == 2);
  CHECK(result->header.message_id.size() == 32);
  CHECK(result->header.commit_key.size() == 32);
  CHECK(result->header.frame_length == 4096);
  CHECK(result->ciphertext[0] == 0x02);
  CHECK(result->ciphertext[1] == 0x05);
  CHECK(result->ciphertext[2] == 0x78);
  auto again = Encrypt(*keyring, Pattern(5000));
  REQUIRE(again.has_value());
  CHECK(again->header.message_id != result->header.message_id);  // fresh per message
}

TEST_CASE("Decrypt returns the header's context, required keys and encrypted data keys") {
  auto keyring = AesKeyring();
  EncryptOptions options;
  options.encryption_context = {{"tenant", "a"}, {"secret-ish", "b"}};
  options.required_context_keys = {"secret-ish"};
  auto encrypted = Encrypt(*keyring, Pattern(10), options);
  REQUIRE(encrypted.has_value());
  DecryptOptions d;
  d.encryption_context = {{"secret-ish", "b"}};
  auto decrypted = Decrypt(*keyring, encrypted->ciphertext, d);
  REQUIRE_MESSAGE(decrypted.has_value(), decrypted.error().message);
  CHECK(decrypted->header.encryption_context.at("tenant") == "a");
  CHECK(decrypted->header.encryption_context.at("secret-ish") == "b");
  CHECK(decrypted->header.required_context_keys == std::set<std::string>{"secret-ish"});
  REQUIRE(decrypted->header.encrypted_data_keys.size() == 1);
  CHECK(decrypted->header.encrypted_data_keys[0].provider_id == "test-namespace");
}

TEST_CASE("Required context keys are authenticated but not stored, and must be reproduced") {
  auto keyring = AesKeyring();
  EncryptOptions options;
  options.encryption_context = {{"stored", "1"}, {"required", "2"}};
  options.required_context_keys = {"required"};
  auto message = EncryptOrDie(*keyring, Pattern(10), options);
  auto layout = InspectMessage(message);
  REQUIRE(layout.has_value());
  CHECK(layout->header.encryption_context.count("stored") == 1);
  CHECK(layout->header.encryption_context.count("required") == 0);

  // Not reproduced: the raw AES keyring's AAD lacks the pair, so no data key opens.
  Error missing = DecryptError(*keyring, message);
  CHECK(missing.code == ErrorCode::kIncorrectKey);
  CHECK(missing.message ==
        "No keyring could decrypt a data key: raw AES keyring (namespace \"test-namespace\", key "
        "\"key-1\"): 1 matching encrypted data key did not authenticate under this key and "
        "encryption context");

  DecryptOptions wrong;
  wrong.encryption_context = {{"required", "other"}};
  Error wrong_value = DecryptError(*keyring, message, wrong);
  CHECK(wrong_value.code == ErrorCode::kIncorrectKey);
  // A key the message does not store is named, as the likely reason.
  CHECK(wrong_value.message ==
        "No keyring could decrypt a data key: raw AES keyring (namespace \"test-namespace\", key "
        "\"key-1\"): 1 matching encrypted data key did not authenticate under this key and "
        "encryption context (the message does not store the encryption context key(s) "
        "\"required\" given for decryption; they can only be right if it was encrypted with them "
        "as required encryption context)");

  DecryptOptions right;
  right.encryption_context = {{"required", "2"}, {"stored", "1"}};
  right.required_context_keys = {"required"};
  CHECK(Decrypt(*keyring, message, right).has_value());

  DecryptOptions unsupplied;
  unsupplied.required_context_keys = {"required"};
  Error e = DecryptError(*keyring, message, unsupplied);
  CHECK(e.code == ErrorCode::kValidation);
  CHECK(e.message == "Required encryption context key \"required\" was not supplied");
}

TEST_CASE("A reproduced context must agree with the stored one") {
  auto keyring = AesKeyring();
  EncryptOptions options;
  options.encryption_context = {{"a", "1"}};
  auto message = EncryptOrDie(*keyring, Pattern(10), options);
  DecryptOptions same;
  same.encryption_context = {{"a", "1"}};
  CHECK(Decrypt(*keyring, message, same).has_value());
  DecryptOptions differs;
  differs.encryption_context = {{"a", "2"}};
  Error e = DecryptError(*keyring, message, differs);
  CHECK(e.code == ErrorCode::kInvalidCiphertext);
  CHECK(e.message ==
        "Encryption context does not match the message: the value of key \"a\" differs");
  // A reproduced pair the message never had is authenticated as required: the tag fails.
  DecryptOptions extra;
  extra.encryption_context = {{"a", "1"}, {"b", "2"}};
  CHECK(DecryptError(*keyring, message, extra).code == ErrorCode::kIncorrectKey);
}

TEST_CASE("Encrypt rejects bad options with exact messages") {
  EncryptOptions zero_frame;
  zero_frame.frame_length = 0;
  CHECK(EncryptError(zero_frame).message == "Frame length must be between 1 and 4294967295 bytes");

  EncryptOptions legacy;
  legacy.algorithm = AlgorithmSuiteId::kAes256GcmIv12Tag16HkdfSha256;
  Error e = EncryptError(legacy);
  CHECK(e.code == ErrorCode::kValidation);
  CHECK(e.message ==
        "Commitment policy REQUIRE_ENCRYPT_REQUIRE_DECRYPT requires a committing suite (0x0478 or "
        "0x0578) to encrypt, not 0x0178");
  legacy.commitment_policy = CommitmentPolicy::kRequireEncryptAllowDecrypt;
  CHECK(EncryptError(legacy).message ==
        "Commitment policy REQUIRE_ENCRYPT_ALLOW_DECRYPT requires a committing suite (0x0478 or "
        "0x0578) to encrypt, not 0x0178");

  EncryptOptions forbid;
  forbid.commitment_policy = CommitmentPolicy::kForbidEncryptAllowDecrypt;
  forbid.algorithm = AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey;
  CHECK(EncryptError(forbid).message ==
        "Commitment policy FORBID_ENCRYPT_ALLOW_DECRYPT forbids encrypting with committing suite "
        "0x0478");

  EncryptOptions unknown;
  unknown.algorithm = static_cast<AlgorithmSuiteId>(0x1234);
  CHECK(EncryptError(unknown).message == "Unknown algorithm suite 0x1234");

  EncryptOptions reserved;
  reserved.encryption_context = {{"aws-crypto-public-key", "x"}};
  CHECK(EncryptError(reserved).message ==
        "Encryption context key \"aws-crypto-public-key\" uses the reserved prefix aws-crypto-");

  EncryptOptions bad_utf8;
  bad_utf8.encryption_context = {{"k", "\xC3\x28"}};
  CHECK(EncryptError(bad_utf8).message ==
        "Encryption context value of key \"k\" is not valid UTF-8");
  bad_utf8.encryption_context = {{"\xED\xA0\x80", "v"}};  // a UTF-16 surrogate
  CHECK(EncryptError(bad_utf8).message == "Encryption context key is not valid UTF-8");

  EncryptOptions required;
  required.required_context_keys = {"r"};
  CHECK(EncryptError(required).message ==
        "Required encryption context key \"r\" is not in the encryption context");
}

TEST_CASE("Under FORBID_ENCRYPT_ALLOW_DECRYPT encrypt defaults to suite 0x0378") {
  auto keyring = AesKeyring();
  EncryptOptions options;
  options.commitment_policy = CommitmentPolicy::kForbidEncryptAllowDecrypt;
  auto result = Encrypt(*keyring, Pattern(3), options);
  REQUIRE(result.has_value());
  CHECK(result->header.suite->id == AlgorithmSuiteId::kAes256GcmIv12Tag16HkdfSha384EcdsaP384);
  CHECK(result->header.message_version == 1);
}

TEST_CASE("The maximum number of encrypted data keys applies to encrypt and decrypt") {
  auto a = AesKeyring("a"), b = AesKeyring("b"), c = AesKeyring("c");
  auto multi = MakeMultiKeyring(a, {b, c});
  REQUIRE(multi.has_value());
  EncryptOptions options;
  options.max_encrypted_data_keys = 2;
  Error e = EncryptError(options, multi->get());
  CHECK(e.code == ErrorCode::kValidation);
  CHECK(e.message == "Keyring made 3 encrypted data keys; the configured maximum is 2");

  options.max_encrypted_data_keys = 3;
  auto message = EncryptOrDie(**multi, Pattern(10), options);
  DecryptOptions d;
  d.max_encrypted_data_keys = 2;
  Error too_many = DecryptError(*c, message, d);
  CHECK(too_many.code == ErrorCode::kValidation);
  CHECK(too_many.message == "Message has 3 encrypted data keys; the configured maximum is 2");
  d.max_encrypted_data_keys = 3;
  CHECK(Decrypt(*c, message, d).has_value());
}

TEST_CASE("Decrypt refuses non-committing suites under REQUIRE_ENCRYPT_REQUIRE_DECRYPT") {
  auto keyring = AesKeyring();
  auto id = AlgorithmSuiteId::kAes256GcmIv12Tag16HkdfSha256;
  auto message = EncryptOrDie(*keyring, Pattern(10), OptionsFor(id));
  Error e = DecryptError(*keyring, message);
  CHECK(e.code == ErrorCode::kValidation);
  CHECK(e.message ==
        "Commitment policy REQUIRE_ENCRYPT_REQUIRE_DECRYPT forbids decrypting non-committing "
        "algorithm suite 0x0178");
  DecryptOptions allow;
  allow.commitment_policy = CommitmentPolicy::kRequireEncryptAllowDecrypt;
  CHECK(Decrypt(*keyring, message, allow).has_value());
}

TEST_CASE("Decrypt with a keyring that has no matching key says which keyring failed") {
  auto message = EncryptOrDie(*AesKeyring("key-1"), Pattern(10), {});
  Error other_name = DecryptError(*AesKeyring("other"), message);
  CHECK(other_name.code == ErrorCode::kIncorrectKey);
  CHECK(other_name.message ==
        "No keyring could decrypt a data key: raw AES keyring (namespace \"test-namespace\", key "
        "\"other\"): no encrypted data key matches");
  Error other_key = DecryptError(*AesKeyring("key-1", 9), message);
  CHECK(other_key.message ==
        "No keyring could decrypt a data key: raw AES keyring (namespace \"test-namespace\", key "
        "\"key-1\"): 1 matching encrypted data key did not authenticate under this key and "
        "encryption context");
}

TEST_CASE("Decrypt names the check that failed: commitment, header, frame, signature") {
  auto keyring = AesKeyring();
  auto id = AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384;
  auto message = EncryptOrDie(*keyring, Pattern(100), OptionsFor(id, 64));
  auto layout = InspectMessage(message);
  REQUIRE(layout.has_value());
  const size_t header = layout->header.header_length;
  auto flipped = [&](size_t at) {
    auto copy = message;
    copy.at(at) ^= 0x01;
    return DecryptError(*keyring, copy);
  };
  // v2 header ends: frame length (4), commit key (32), tag (16).
  Error commit = flipped(header - 16 - 1);
  CHECK(commit.code == ErrorCode::kInvalidCiphertext);
  CHECK(commit.message == "Key commitment does not match the data key");
  CHECK(flipped(header - 16 - 32 - 1).message == "Header authentication failed");
  CHECK(flipped(header - 1).message == "Header authentication failed");
  CHECK(flipped(header + 4 + 12).message == "Frame 1 failed authentication");       // content
  CHECK(flipped(header + 4 + 12 + 64).message == "Frame 1 failed authentication");  // tag
  size_t frame2 = header + 4 + 12 + 64 + 16;
  CHECK(flipped(frame2 + 8 + 12 + 4).message == "Frame 2 failed authentication");  // final
  CHECK(flipped(message.size() - 1).message == "Signature verification failed");
  CHECK(flipped(frame2 + 7).message ==
        "Malformed message: frame sequence number 3 where 2 was expected");
}

TEST_CASE("Decrypt says where a truncated message ends") {
  auto keyring = AesKeyring();
  auto message =
      EncryptOrDie(*keyring, Pattern(100),
                   OptionsFor(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384, 64));
  auto layout = InspectMessage(message);
  REQUIRE(layout.has_value());
  const size_t header = layout->header.header_length;
  auto cut = [&](size_t n) {
    return DecryptError(*keyring, std::span<const uint8_t>(message).first(n)).message;
  };
  CHECK(cut(0) == "Message is truncated: it ends in the header");
  CHECK(cut(header - 1) == "Message is truncated: it ends in the header");
  CHECK(cut(header) == "Message is truncated: it ends before the final frame");
  CHECK(cut(header + 10) == "Message is truncated: it ends in frame 1");
  CHECK(cut(header + 4 + 12 + 64 + 16) == "Message is truncated: it ends before the final frame");
  CHECK(cut(message.size() - 1) == "Message is truncated: it ends in the footer");
  auto trailing = message;
  trailing.push_back(0);
  CHECK(DecryptError(*keyring, trailing).message ==
        "Malformed message: bytes follow the end of the message");
}

TEST_CASE("Decrypt recognises KMS ciphertext blobs and base64 text") {
  auto keyring = AesKeyring();
  std::vector<uint8_t> kms_blob = {0x01, 0x02, 0x02, 0x00, 0x78, 0x11};
  Error e = DecryptError(*keyring, kms_blob);
  CHECK(e.code == ErrorCode::kInvalidCiphertext);
  CHECK(e.message ==
        "Malformed message: this is an AWS KMS ciphertext blob, not an AWS Encryption SDK "
        "message; decrypt it with KMS Decrypt (kmsctl decrypt)");
  std::vector<uint8_t> emulator_blob = {0x28, 0xC4, 0x9E, 0x01, 0x00};
  CHECK(DecryptError(*keyring, emulator_blob).message ==
        "Malformed message: this is a KMS ciphertext blob of the kms emulator, not an AWS "
        "Encryption SDK message; decrypt it with KMS Decrypt (kmsctl decrypt)");
  std::string base64 = "AgV4abcd";
  CHECK(DecryptError(*keyring, {reinterpret_cast<const uint8_t*>(base64.data()), base64.size()})
            .message == "Malformed message: the message looks base64-encoded; decode it first");
  std::vector<uint8_t> junk = {0x07, 0x00};
  CHECK(DecryptError(*keyring, junk).message ==
        "Malformed message: unsupported message format version 0x07");
}

}  // namespace kms::envelope::test
