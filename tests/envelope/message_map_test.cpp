// MapMessage: InspectMessage's result and errors, plus field ranges that match the bytes, for
// v1 and v2 messages, signed and unsigned, with frames left out of the listing.
#include <kms/envelope/message.hpp>

#include "envelope/envelope_support.hpp"

namespace kms::envelope::test {
namespace {

uint64_t Number(std::span<const uint8_t> m, ByteRange r) {
  uint64_t v = 0;
  for (size_t i = r.offset; i < r.end(); ++i) v = (v << 8) | m[i];
  return v;
}

TEST_CASE("MapMessage agrees with InspectMessage and places every field on its bytes") {
  for (auto id : {AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384,
                  AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey,
                  AlgorithmSuiteId::kAes256GcmIv12Tag16HkdfSha384EcdsaP384,
                  AlgorithmSuiteId::kAes128GcmIv12Tag16NoKdf}) {
    CAPTURE(SuiteIdHex(static_cast<uint16_t>(id)));
    EncryptOptions options = OptionsFor(id, 4);
    options.encryption_context = {{"a", "b"}};
    auto message = EncryptOrDie(*AesKeyring(), Pattern(18), options);  // frames 1-4, final of 2
    auto map = MapMessage(message, 1);
    REQUIRE(map.has_value());
    auto layout = InspectMessage(message);
    REQUIRE(layout.has_value());
    CHECK(map->layout.message_length == layout->message_length);
    CHECK(map->layout.frame_count == 5);
    const MessageFieldMap& f = map->fields;
    const bool v1 = map->layout.header.message_version == 1;
    CHECK(f.version.offset == 0);
    CHECK(f.type.length == (v1 ? 1u : 0u));
    CHECK(Number(message, f.suite_id) == static_cast<uint16_t>(id));
    CHECK(f.header.length == map->layout.header.header_length);
    CHECK(f.header_tag.end() == f.header.end());
    CHECK(f.header_iv.length == (v1 ? 12u : 0u));
    CHECK(f.suite_data.length == (v1 ? 0u : 32u));
    CHECK(Number(message, f.frame_length) == 4);
    REQUIRE(f.data_keys.size() == 1);
    CHECK(Number(message, f.data_keys[0].provider_id_length) == f.data_keys[0].provider_id.length);
    CHECK(f.data_keys[0].whole.end() == f.data_keys[0].ciphertext.end());
    bool signed_suite = GetAlgorithmSuite(id).is_signed();
    CHECK(f.context_pairs.size() == (signed_suite ? 2u : 1u));
    const auto& pair = f.context_pairs.front();  // "a" sorts before "aws-crypto-public-key"
    CHECK(pair.key == "a");
    CHECK(pair.value == "b");
    CHECK(message[pair.key_bytes.offset] == 'a');
    CHECK(message[pair.value_bytes.offset] == 'b');
    CHECK(Number(message, pair.value_length) == 1);
    // Frame 1 listed, frames 2-4 not, then the final frame.
    REQUIRE(f.frames.size() == 2);
    CHECK(f.frames_not_listed == 3);
    CHECK(f.frames[0].kind == MessageFieldMap::FrameKind::kRegular);
    CHECK(f.frames[0].whole.offset == f.body.offset);
    CHECK(f.frames[0].whole.offset == f.header.end());
    CHECK(f.frames[0].whole.length == 4 + 12 + 4 + 16);
    CHECK(f.frames[1].kind == MessageFieldMap::FrameKind::kFinal);
    CHECK(f.frames[1].sequence_number == 5);
    CHECK(Number(message, f.frames[1].final_marker) == 0xFFFFFFFF);
    CHECK(Number(message, f.frames[1].content_length) == 2);
    CHECK(f.frames[1].whole.offset == f.frames[0].whole.end() + 3 * f.frames[0].whole.length);
    CHECK(f.body.end() == f.frames[1].whole.end());
    CHECK(f.footer.length == (signed_suite ? message.size() - f.body.end() : 0u));
    if (signed_suite) CHECK(Number(message, f.signature_length) == f.signature.length);
    CHECK((signed_suite ? f.footer.end() : f.body.end()) == message.size());
  }
}

TEST_CASE("MapMessage fails as InspectMessage does") {
  auto message = EncryptOrDie(*AesKeyring(), Pattern(10),
                              OptionsFor(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey, 4));
  auto truncated = std::span<const uint8_t>(message).first(message.size() - 1);
  auto map = MapMessage(truncated);
  REQUIRE_FALSE(map.has_value());
  auto inspect = InspectMessage(truncated);
  REQUIRE_FALSE(inspect.has_value());
  CHECK(map.error().code == ErrorCode::kInvalidCiphertext);
  CHECK(map.error().message == inspect.error().message);
  CHECK(map.error().message == "Message is truncated: it ends in frame 3");
}

}  // namespace
}  // namespace kms::envelope::test
