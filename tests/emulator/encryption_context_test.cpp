// Tests for the canonical encryption-context encoding bound into every ciphertext blob.
#include "domain/encryption_context.hpp"

#include <doctest/doctest.h>

#include <kms/internal/encoding.hpp>
#include <string>

using kms::emulator::DecodeEncryptionContext;
using kms::emulator::EncodedEncryptionContextSize;
using kms::emulator::EncodeEncryptionContext;
using kms::emulator::EncryptionContext;
using kms::internal::HexEncode;

TEST_CASE("The empty context encodes as a zero count") {
  CHECK(HexEncode(EncodeEncryptionContext({})) == "00000000");
}

TEST_CASE("A context encodes as u32 count then u32-length-prefixed keys and values") {
  CHECK(HexEncode(EncodeEncryptionContext({{"a", "b"}})) ==
        "00000001"
        "00000001"
        "61"
        "00000001"
        "62");
  CHECK(HexEncode(EncodeEncryptionContext({{"ab", ""}})) ==
        "00000001"
        "00000002"
        "6162"
        "00000000");
}

TEST_CASE("{\"a\":\"b\"} and {\"ab\":\"\"} encode differently (no key||value collision)") {
  CHECK(EncodeEncryptionContext({{"a", "b"}}) != EncodeEncryptionContext({{"ab", ""}}));
  CHECK(EncodeEncryptionContext({{"a", "bc"}}) != EncodeEncryptionContext({{"ab", "c"}}));
  CHECK(EncodeEncryptionContext({{"a", ""}, {"b", ""}}) != EncodeEncryptionContext({{"a", "b"}}));
  CHECK(EncodeEncryptionContext({}) != EncodeEncryptionContext({{"", ""}}));
}

TEST_CASE("Pairs are encoded in ascending key byte order whatever the insertion order") {
  EncryptionContext one, two;
  one.emplace("b", "2");
  one.emplace("a", "1");
  one.emplace("\xc3\xbc", "3");  // "ü": 0xc3 sorts after every ASCII byte
  two.emplace("\xc3\xbc", "3");
  two.emplace("a", "1");
  two.emplace("b", "2");
  CHECK(EncodeEncryptionContext(one) == EncodeEncryptionContext(two));
  CHECK(HexEncode(EncodeEncryptionContext(one)) ==
        "00000003"
        "0000000161"
        "0000000131"
        "0000000162"
        "0000000132"
        "00000002c3bc"
        "0000000133");
}

TEST_CASE("Keys and values are case-sensitive") {
  CHECK(EncodeEncryptionContext({{"Key", "v"}}) != EncodeEncryptionContext({{"key", "v"}}));
  CHECK(EncodeEncryptionContext({{"k", "V"}}) != EncodeEncryptionContext({{"k", "v"}}));
}

TEST_CASE("EncodedEncryptionContextSize is exact and AppendEncryptionContext appends") {
  EncryptionContext context = {{"purpose", "test"}, {"", ""}, {std::string(70000, 'k'), "v"}};
  auto encoded = EncodeEncryptionContext(context);
  CHECK(encoded.size() == EncodedEncryptionContextSize(context));
  std::vector<uint8_t> out = {0xAA};
  kms::emulator::AppendEncryptionContext(context, out);
  REQUIRE(out.size() == 1 + encoded.size());
  CHECK(out[0] == 0xAA);
  CHECK(std::equal(encoded.begin(), encoded.end(), out.begin() + 1));
}

TEST_CASE("DecodeEncryptionContext inverts the encoding, including NULs and long values") {
  std::vector<EncryptionContext> contexts = {
      {},
      {{"a", "b"}},
      {{"ab", ""}},
      {{std::string("k\0ey", 4), std::string("v\0", 2)}, {"z", std::string(70000, 'x')}},
      {{"Department", "Finance"}, {"\xc3\xbcmlaut", "\xc3\xb6"}}};
  for (const auto& context : contexts) {
    auto decoded = DecodeEncryptionContext(EncodeEncryptionContext(context));
    REQUIRE(decoded.has_value());
    CHECK(*decoded == context);
  }
}

TEST_CASE("DecodeEncryptionContext rejects every truncation and a trailing byte") {
  auto encoded = EncodeEncryptionContext({{"a", "b"}, {"cd", "ef"}});
  for (size_t n = 0; n < encoded.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(DecodeEncryptionContext(std::span(encoded).first(n)).has_value());
  }
  encoded.push_back(0);
  CHECK_FALSE(DecodeEncryptionContext(encoded).has_value());
}

TEST_CASE("DecodeEncryptionContext rejects unsorted or duplicate keys (not canonical)") {
  auto pair = [](char k) {
    return std::vector<uint8_t>{0, 0, 0, 1, static_cast<uint8_t>(k), 0, 0, 0, 0};
  };
  auto build = [&](char first, char second) {
    std::vector<uint8_t> out = {0, 0, 0, 2};
    for (char k : {first, second}) {
      auto p = pair(k);
      out.insert(out.end(), p.begin(), p.end());
    }
    return out;
  };
  CHECK(DecodeEncryptionContext(build('a', 'b')).has_value());
  CHECK_FALSE(DecodeEncryptionContext(build('b', 'a')).has_value());
  CHECK_FALSE(DecodeEncryptionContext(build('a', 'a')).has_value());
}

TEST_CASE("DecodeEncryptionContext rejects counts and lengths beyond the input") {
  CHECK_FALSE(DecodeEncryptionContext(std::vector<uint8_t>{0xff, 0xff, 0xff, 0xff}).has_value());
  CHECK_FALSE(DecodeEncryptionContext(std::vector<uint8_t>{0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 'a'})
                  .has_value());
}
