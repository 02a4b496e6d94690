// Tests for the SHA-256 and HMAC-SHA256 helpers (FIPS 180-2 and RFC 4231 known answers).
#include <doctest/doctest.h>

#include <kms/internal/encoding.hpp>
#include <kms/internal/hash.hpp>

using kms::internal::AsBytes;
using kms::internal::HexEncode;

TEST_CASE("Sha256 matches the FIPS 180-2 answers for \"abc\" and the empty string") {
  CHECK(HexEncode(kms::internal::Sha256(std::string_view("abc"))) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(kms::internal::HexSha256("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("HmacSha256 matches RFC 4231 test case 2") {
  CHECK(HexEncode(kms::internal::HmacSha256(AsBytes("Jefe"), "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("HmacSha256 accepts an empty key and empty data") {
  CHECK(HexEncode(kms::internal::HmacSha256(std::span<const uint8_t>(), "")) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}
