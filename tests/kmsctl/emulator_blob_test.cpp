// kmsctl's reading of the kms-emulator blob layout, checked against blobs made by the emulator's
// own encoder and parser (so a change of the emulator's layout fails here), and its errors.
#include "emulator_blob.hpp"

#include <doctest/doctest.h>

#include <kms/internal/encoding.hpp>

#include "domain/ciphertext_blob.hpp"

namespace kms::cli {
namespace {

size_t OffsetIn(std::span<const uint8_t> all, std::span<const uint8_t> part) {
  return static_cast<size_t>(part.data() - all.data());
}

TEST_CASE("ParseEmulatorBlob finds every field where the emulator's parser does") {
  const std::string material(64, 'c');
  const std::vector<uint8_t> key(32, 9);
  for (std::string_view arn :
       {"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:ap-southeast-2:444455556666:key/mrk-1234abcd12ab34cd56ef1234567890ab"}) {
    for (size_t size : {size_t{1}, size_t{33}, size_t{4096}}) {
      CAPTURE(arn);
      CAPTURE(size);
      std::vector<uint8_t> plaintext(size, 7);
      auto blob = emulator::SealCiphertextBlob(arn, material, key, {{"a", "b"}}, plaintext);
      REQUIRE(blob.has_value());
      auto view = emulator::ParseCiphertextBlob(*blob);
      REQUIRE(view.has_value());
      auto map = ParseEmulatorBlob(*blob);
      REQUIRE(map.has_value());
      CHECK(LooksLikeEmulatorBlob(*blob));
      CHECK(map->magic.offset == 0);
      CHECK(std::equal(std::begin(kEmulatorBlobMagic), std::end(kEmulatorBlobMagic),
                       emulator::kBlobMagic.begin()));
      CHECK(blob->at(map->version.offset) == emulator::kBlobVersion1);
      CHECK(map->key_arn_text == view->key_arn);
      CHECK(map->key_arn.offset == OffsetIn(*blob, internal::AsBytes(view->key_arn)));
      CHECK(map->region == view->region);
      CHECK(map->account == view->account);
      CHECK(map->key_id == view->key_id);
      CHECK(map->material_id.offset == OffsetIn(*blob, view->material_id));
      CHECK(map->material_id.length == view->material_id.size());
      CHECK(map->iv.offset == OffsetIn(*blob, view->iv));
      CHECK(map->iv.length == view->iv.size());
      CHECK(map->ciphertext.offset == OffsetIn(*blob, view->ciphertext));
      CHECK(map->ciphertext.length == size);
      CHECK(map->tag.offset == OffsetIn(*blob, view->tag));
      CHECK(map->tag.end() == blob->size());
      CHECK(map->iv.end() == view->header.size());
    }
  }
}

TEST_CASE("ParseEmulatorBlob says why a blob does not parse") {
  auto error = [](std::vector<uint8_t> bytes) {
    auto map = ParseEmulatorBlob(bytes);
    REQUIRE_FALSE(map.has_value());
    CHECK(map.error().code == ErrorCode::kInvalidCiphertext);
    return map.error().message;
  };
  CHECK(error({0x01, 0x02}) ==
        "Not a kms-emulator ciphertext blob: it does not start with 28 C4 9E");
  CHECK(error({0x28, 0xC4, 0x9E, 0x01}) ==
        "Not a kms-emulator ciphertext blob: it ends inside its first 6 bytes");
  CHECK(error({0x28, 0xC4, 0x9E, 0x02, 0x00, 0x01}) ==
        "Not a kms-emulator ciphertext blob: unknown format version 2");
  CHECK(error({0x28, 0xC4, 0x9E, 0x01, 0x00, 0x00}) ==
        "Not a kms-emulator ciphertext blob: key ARN length 0 is outside 1..2048");
  CHECK(error({0x28, 0xC4, 0x9E, 0x01, 0x08, 0x01}) ==
        "Not a kms-emulator ciphertext blob: key ARN length 2049 is outside 1..2048");
  CHECK(error({0x28, 0xC4, 0x9E, 0x01, 0x00, 0x02, 'a', 'b'}) ==
        "Not a kms-emulator ciphertext blob: it is 8 bytes; this key ARN needs at least 69");
}

}  // namespace
}  // namespace kms::cli
