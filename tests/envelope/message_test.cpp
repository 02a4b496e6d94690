// The message format: every corrupted byte and every truncation of small messages is rejected
// (one-shot and streaming, with nothing released), header parsing errors, and InspectMessage.
#include <kms/envelope/message.hpp>

#include "envelope/envelope_support.hpp"

namespace kms::envelope::test {
namespace {

struct Sample {
  AlgorithmSuiteId id;
  std::vector<uint8_t> message;
};

// Small messages with two EDKs, a context and three frames, for the suites worth covering.
std::vector<Sample> Samples(const Keyring& keyring) {
  std::vector<Sample> out;
  for (auto id : {AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384,
                  AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey,
                  AlgorithmSuiteId::kAes256GcmIv12Tag16HkdfSha384EcdsaP384,
                  AlgorithmSuiteId::kAes128GcmIv12Tag16HkdfSha256EcdsaP256,
                  AlgorithmSuiteId::kAes128GcmIv12Tag16NoKdf}) {
    EncryptOptions options = OptionsFor(id, 4);
    options.encryption_context = {{"a", "b"}};
    out.push_back({id, EncryptOrDie(keyring, Pattern(10), options)});
  }
  return out;
}

KeyringPtr TwoKeyKeyring() {
  auto multi = MakeMultiKeyring(AesKeyring("first"), {AesKeyring("second", 3)});
  REQUIRE(multi.has_value());
  return *multi;
}

DecryptOptions AllowAll() {
  DecryptOptions options;
  options.commitment_policy = CommitmentPolicy::kRequireEncryptAllowDecrypt;
  return options;
}

}  // namespace

TEST_CASE("Every single-bit flip of a small message is rejected, streaming releases nothing") {
  auto keyring = TwoKeyKeyring();
  for (const auto& sample : Samples(*keyring)) {
    CAPTURE(SuiteIdHex(static_cast<uint16_t>(sample.id)));
    REQUIRE(Decrypt(*keyring, sample.message, AllowAll()).has_value());
    for (size_t i = 0; i < sample.message.size(); ++i) {
      for (uint8_t bit : {0x01, 0x80}) {
        auto corrupt = sample.message;
        corrupt[i] ^= bit;
        CAPTURE(i);
        auto result = Decrypt(*keyring, corrupt, AllowAll());
        CHECK_FALSE(result.has_value());
        RecordingSink sink;
        CHECK_FALSE(StreamDecryptInto(*keyring, corrupt, AllowAll(), 5, sink).has_value());
        CHECK(sink.data.empty());
      }
    }
  }
}

TEST_CASE("Every truncation of a small message is rejected") {
  auto keyring = TwoKeyKeyring();
  for (const auto& sample : Samples(*keyring)) {
    for (size_t n = 0; n < sample.message.size(); ++n) {
      auto result =
          Decrypt(*keyring, std::span<const uint8_t>(sample.message).first(n), AllowAll());
      REQUIRE_FALSE(result.has_value());
      CHECK(result.error().code == ErrorCode::kInvalidCiphertext);
      CHECK(result.error().message.starts_with("Message is truncated: it ends "));
    }
  }
}

TEST_CASE("InspectMessage walks the structure and verifies signatures without keys") {
  auto keyring = TwoKeyKeyring();
  for (const auto& sample : Samples(*keyring)) {
    auto layout = InspectMessage(sample.message);
    REQUIRE_MESSAGE(layout.has_value(), layout.error().message);
    const auto& suite = GetAlgorithmSuite(sample.id);
    CHECK(layout->header.suite == &suite);
    CHECK(layout->header.encrypted_data_keys.size() == 2);
    CHECK(layout->header.encryption_context.at("a") == "b");
    CHECK(layout->frame_count == 3);  // 4 + 4 + final 2
    CHECK(layout->content_length == 10);
    CHECK(layout->has_signature == suite.is_signed());
    CHECK(layout->message_length == sample.message.size());
  }
}

TEST_CASE("Header parsing rejects malformed fields with exact messages") {
  auto keyring = AesKeyring();
  // v2 0x0478, empty context, one raw AES EDK, frame length 4.
  auto message = EncryptOrDie(*keyring, Pattern(3),
                              OptionsFor(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey, 4));
  auto error = [&](std::vector<uint8_t> bytes) {
    auto result = Decrypt(*keyring, bytes);
    REQUIRE(!result.has_value());
    CHECK(result.error().code == ErrorCode::kInvalidCiphertext);
    return result.error().message;
  };
  auto with = [&](size_t at, uint8_t value) {
    auto copy = message;
    copy.at(at) = value;
    return copy;
  };
  CHECK(error(with(2, 0x79)) == "Malformed message: unknown algorithm suite 0x0479");
  CHECK(error(with(1, 0x03)) ==
        "Malformed message: algorithm suite 0x0378 needs message format version 1, the header "
        "says 2");
  auto no_edks = with(37, 0);
  no_edks[38] = 0;
  CHECK(error(no_edks) == "Malformed message: the header has no encrypted data keys");
  auto layout = InspectMessage(message);
  REQUIRE(layout.has_value());
  size_t content_type_at = layout->header.header_length - 16 - 32 - 4 - 1;
  CHECK(error(with(content_type_at, 3)) == "Malformed message: unsupported content type 0x03");
  CHECK(error(with(content_type_at, 1)) ==
        "Malformed message: non-framed message with frame length 4");
  auto zero_frame = message;
  zero_frame[content_type_at + 4] = 0;
  CHECK(error(zero_frame) == "Malformed message: framed message with frame length 0");
}

TEST_CASE("Header parsing of v1 fields: type, reserved bytes, IV length") {
  auto keyring = AesKeyring();
  auto id = AlgorithmSuiteId::kAes256GcmIv12Tag16HkdfSha256;
  auto message = EncryptOrDie(*keyring, Pattern(3), OptionsFor(id, 4));
  auto layout = InspectMessage(message);
  REQUIRE(layout.has_value());
  auto error = [&](size_t at, uint8_t value) {
    auto copy = message;
    copy.at(at) = value;
    auto result = InspectMessage(copy);
    REQUIRE(!result.has_value());
    return result.error().message;
  };
  CHECK(error(1, 0x81) == "Malformed message: unsupported message type 0x81");
  // v1 header tail: content type, reserved (4), IV length, frame length (4), IV (12), tag (16).
  size_t reserved_at = layout->header.header_length - 16 - 12 - 4 - 1 - 4;
  CHECK(error(reserved_at, 1) == "Malformed message: reserved header bytes are not zero");
  CHECK(error(reserved_at + 4, 16) ==
        "Malformed message: header IV length is 16; the suite uses 12");
}

TEST_CASE("A context whose lengths do not add up is malformed") {
  auto keyring = AesKeyring();
  EncryptOptions options = OptionsFor(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey);
  options.encryption_context = {{"a", "b"}};
  auto message = EncryptOrDie(*keyring, Pattern(3), options);
  // At 35: length 00 08, count 00 01, key 00 01 'a', value 00 01 'b'; EDK count at 45.
  REQUIRE(message[36] == 8);
  auto error = [&](size_t at, uint8_t value) {
    auto copy = message;
    copy.at(at) = value;
    auto result = InspectMessage(copy);
    REQUIRE(!result.has_value());
    return result.error().message;
  };
  CHECK(error(38, 0) == "Malformed message: encryption context has a length but no pairs");
  CHECK(error(38, 2) ==
        "Malformed message: encryption context pair 2 runs past the context length");
  CHECK(error(40, 0x20) ==
        "Malformed message: encryption context pair 1 runs past the context length");
  CHECK(error(36, 9) == "Malformed message: encryption context has bytes after its last pair");
}

TEST_CASE("A context pair that is not UTF-8 or is duplicated is malformed") {
  auto keyring = AesKeyring();
  EncryptOptions options = OptionsFor(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey);
  options.encryption_context = {{"aa", "x"}, {"ab", "y"}};
  auto message = EncryptOrDie(*keyring, Pattern(3), options);
  // Context at 35: length (2), count (2), then "aa" pair at 39: 00 02 'a' 'a' 00 01 'x'.
  REQUIRE(message[41] == 'a');
  auto dup = message;
  dup[49] = 'a';  // second key "ab" -> "aa"
  auto result = InspectMessage(dup);
  REQUIRE(!result.has_value());
  CHECK(result.error().message == "Malformed message: encryption context has a duplicate key");
  auto bad = message;
  bad[41] = 0xC0;
  result = InspectMessage(bad);
  REQUIRE(!result.has_value());
  CHECK(result.error().message ==
        "Malformed message: encryption context holds a string that is not valid UTF-8");
}

TEST_CASE("A signed message without its public key, or an unsigned one with it, is malformed") {
  auto keyring = AesKeyring();
  // Rename the "aws-crypto-public-key" pair of a signed message: the key goes missing.
  auto signed_message = EncryptOrDie(*keyring, Pattern(3), {});
  std::string text(signed_message.begin(), signed_message.end());
  size_t at = text.find("aws-crypto-public-key");
  REQUIRE(at != std::string::npos);
  signed_message[at] = 'b';
  auto result = InspectMessage(signed_message);
  REQUIRE(!result.has_value());
  CHECK(result.error().message ==
        "Malformed message: signed algorithm suite 0x0578 without aws-crypto-public-key in the "
        "encryption context");
  // Re-label it as the unsigned 0x0478: now the pair is there but should not be.
  signed_message[at] = 'a';
  signed_message[1] = 0x04;
  result = InspectMessage(signed_message);
  REQUIRE(!result.has_value());
  CHECK(result.error().message ==
        "Malformed message: unsigned algorithm suite 0x0478 with an aws-crypto-public-key in the "
        "encryption context");
}

}  // namespace kms::envelope::test
