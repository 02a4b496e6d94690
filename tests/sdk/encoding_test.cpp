// Tests for base64 (RFC 4648 section 10 vectors, strictness) and hex.
#include <doctest/doctest.h>

#include <kms/internal/encoding.hpp>
#include <string>
#include <vector>

using namespace kms::internal;

namespace {
std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("Base64Encode matches the RFC 4648 test vectors") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode("foob") == "Zm9vYg==");
  CHECK(Base64Encode("fooba") == "Zm9vYmE=");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  std::vector<uint8_t> high = {0xfb, 0xff, 0xbf};
  CHECK(Base64Encode(high) == "+/+/");
}

TEST_CASE("Base64Decode matches the RFC 4648 test vectors") {
  CHECK(Base64Decode("") == Bytes(""));
  CHECK(Base64Decode("Zg==") == Bytes("f"));
  CHECK(Base64Decode("Zm8=") == Bytes("fo"));
  CHECK(Base64Decode("Zm9v") == Bytes("foo"));
  CHECK(Base64Decode("Zm9vYg==") == Bytes("foob"));
  CHECK(Base64Decode("Zm9vYmE=") == Bytes("fooba"));
  CHECK(Base64Decode("Zm9vYmFy") == Bytes("foobar"));
  CHECK(Base64Decode("+/+/") == std::vector<uint8_t>{0xfb, 0xff, 0xbf});
}

TEST_CASE("Base64Decode rejects unpadded, misplaced padding, foreign alphabets and whitespace") {
  for (std::string_view bad : {"Zg", "Zg=", "Zm9", "Z", "A===", "====", "=Zg=", "Zg==Zg==", "Zm=v",
                               "Zm9v\n", " Zm9v", "Zm9v YmFy", "-_-_", "Zm9*", "Zm\0v"}) {
    CAPTURE(bad);
    CHECK_FALSE(Base64Decode(bad).has_value());
    CHECK_FALSE(Base64DecodeSecret(bad).has_value());
  }
  CHECK_FALSE(Base64Decode(std::string_view("Zm\0v", 4)).has_value());
  CHECK_FALSE(Base64Decode("Zm9v\xc3\xa9==").has_value());
}

TEST_CASE("Base64DecodedSize is exact for valid text and nullopt for a bad length") {
  CHECK(Base64DecodedSize("") == 0u);
  CHECK(Base64DecodedSize("Zg==") == 1u);
  CHECK(Base64DecodedSize("Zm8=") == 2u);
  CHECK(Base64DecodedSize("Zm9v") == 3u);
  CHECK(Base64DecodedSize("Zm9vYg==") == 4u);
  CHECK_FALSE(Base64DecodedSize("Zm9vY").has_value());
}

TEST_CASE("Base64 round-trips every byte value and every length up to 300") {
  for (size_t n = 0; n <= 300; ++n) {
    std::vector<uint8_t> bytes(n);
    for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>(i * 97 + n * 13);
    std::string text = Base64Encode(bytes);
    CHECK(text.size() == Base64EncodedSize(n));
    CHECK(Base64DecodedSize(text) == n);
    CHECK(Base64Decode(text) == bytes);
    auto secret = Base64DecodeSecret(text);
    REQUIRE(secret.has_value());
    CHECK(secret->Equals(bytes));
  }
}

TEST_CASE("Base64EncodeInto writes exactly Base64EncodedSize chars and matches Base64Encode") {
  for (size_t n = 0; n <= 10; ++n) {
    std::vector<uint8_t> bytes(n, 0x5a);
    std::string buf(Base64EncodedSize(n) + 2, '#');
    Base64EncodeInto(bytes, buf.data());
    CHECK(buf.substr(0, Base64EncodedSize(n)) == Base64Encode(bytes));
    CHECK(buf.substr(Base64EncodedSize(n)) == "##");
  }
}

TEST_CASE("HexEncode writes lower case and HexDecode reads either case") {
  std::vector<uint8_t> bytes = {0x00, 0x01, 0xab, 0xff};
  CHECK(HexEncode(bytes) == "0001abff");
  CHECK(HexEncode(std::vector<uint8_t>{}) == "");
  CHECK(HexDecode("0001abff") == bytes);
  CHECK(HexDecode("0001ABFF") == bytes);
  CHECK(HexDecode("") == std::vector<uint8_t>{});
}

TEST_CASE("HexDecode rejects odd lengths and non-hex characters") {
  for (std::string_view bad : {"0", "abc", "0g", "g0", " 0", "0x00", "--"}) {
    CAPTURE(bad);
    CHECK_FALSE(HexDecode(bad).has_value());
  }
}

TEST_CASE("AsBytes views a string's bytes without copying") {
  std::string s = "ab";
  auto span = AsBytes(s);
  CHECK(span.data() == reinterpret_cast<const uint8_t*>(s.data()));
  CHECK(span.size() == 2);
}
