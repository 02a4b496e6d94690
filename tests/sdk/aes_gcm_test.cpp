// Tests for AES-GCM: known answers from the GCM specification (McGrew & Viega test cases),
// authentication failures, and argument checks.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <kms/internal/aes_gcm.hpp>
#include <kms/internal/encoding.hpp>
#include <string>
#include <vector>

using kms::internal::AesGcmDecrypt;
using kms::internal::AesGcmEncrypt;
using kms::internal::HexDecode;
using kms::internal::HexEncode;
using kms::internal::kGcmTagSize;

namespace {

std::vector<uint8_t> Hex(std::string_view s) { return HexDecode(s).value(); }

struct Vector {
  const char* name;
  const char* key;
  const char* iv;
  const char* aad;
  const char* plaintext;
  const char* ciphertext;
  const char* tag;
};

constexpr const char* kP16 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b5"
    "25b16aedf5aa0de657ba637b39";

const Vector kVectors[] = {
    {"case 1 (AES-128, empty)", "00000000000000000000000000000000", "000000000000000000000000", "",
     "", "", "58e2fccefa7e3061367f1d57a4e7455a"},
    {"case 2 (AES-128)", "00000000000000000000000000000000", "000000000000000000000000", "",
     "00000000000000000000000000000000", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"case 13 (AES-256, empty)", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"case 14 (AES-256)", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "00000000000000000000000000000000",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"case 16 (AES-256 with AAD)",
     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2", kP16,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828"
     "8"
     "38c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    {"case 10 (AES-192 with AAD)", "feffe9928665731c6d6a8f9467308308feffe9928665731c",
     "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2", kP16,
     "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3"
     "f"
     "4718e2448b2fe324d9ccda2710",
     "2519498e80f1478f37ba55bd6d27618c"},
};

}  // namespace

TEST_CASE("AesGcmEncrypt reproduces the GCM specification's test vectors") {
  for (const Vector& v : kVectors) {
    CAPTURE(v.name);
    auto key = Hex(v.key), iv = Hex(v.iv), aad = Hex(v.aad), pt = Hex(v.plaintext);
    std::vector<uint8_t> ct(pt.size());
    std::array<uint8_t, kGcmTagSize> tag{};
    REQUIRE(AesGcmEncrypt(key, iv, aad, pt, ct, tag).has_value());
    CHECK(HexEncode(ct) == v.ciphertext);
    CHECK(HexEncode(tag) == v.tag);
  }
}

TEST_CASE("AesGcmDecrypt opens the GCM specification's test vectors") {
  for (const Vector& v : kVectors) {
    CAPTURE(v.name);
    auto key = Hex(v.key), iv = Hex(v.iv), aad = Hex(v.aad), ct = Hex(v.ciphertext);
    auto tag_bytes = Hex(v.tag);
    std::array<uint8_t, kGcmTagSize> tag{};
    std::copy(tag_bytes.begin(), tag_bytes.end(), tag.begin());
    std::vector<uint8_t> pt(ct.size());
    REQUIRE(AesGcmDecrypt(key, iv, aad, ct, tag, pt));
    CHECK(HexEncode(pt) == v.plaintext);
  }
}

TEST_CASE("AesGcmDecrypt rejects any changed byte of tag, ciphertext, IV or AAD and wipes out") {
  const Vector& v = kVectors[4];
  auto key = Hex(v.key), iv = Hex(v.iv), aad = Hex(v.aad), ct = Hex(v.ciphertext);
  auto tag_bytes = Hex(v.tag);
  std::array<uint8_t, kGcmTagSize> tag{};
  std::copy(tag_bytes.begin(), tag_bytes.end(), tag.begin());
  auto rejects = [&](const char* what) {
    CAPTURE(what);
    std::vector<uint8_t> out(ct.size(), 0xAA);
    CHECK_FALSE(AesGcmDecrypt(key, iv, aad, ct, tag, out));
    CHECK(out == std::vector<uint8_t>(ct.size(), 0));
  };
  for (size_t i = 0; i < tag.size(); ++i) {
    tag[i] ^= 1;
    rejects("tag");
    tag[i] ^= 1;
  }
  for (size_t i = 0; i < ct.size(); ++i) {
    ct[i] ^= 0x80;
    rejects("ciphertext");
    ct[i] ^= 0x80;
  }
  for (size_t i = 0; i < iv.size(); ++i) {
    iv[i] ^= 2;
    rejects("iv");
    iv[i] ^= 2;
  }
  for (size_t i = 0; i < aad.size(); ++i) {
    aad[i] ^= 4;
    rejects("aad");
    aad[i] ^= 4;
  }
  aad.push_back(0);
  rejects("longer aad");
  aad.pop_back();
  key[0] ^= 1;
  rejects("key");
}

TEST_CASE("AesGcmEncrypt works in place and the result decrypts in place") {
  auto key = Hex(kVectors[4].key), iv = Hex(kVectors[4].iv);
  std::vector<uint8_t> buf = Hex(kP16);
  std::array<uint8_t, kGcmTagSize> tag{};
  REQUIRE(AesGcmEncrypt(key, iv, {}, buf, buf, tag).has_value());
  CHECK(HexEncode(buf) != kP16);
  REQUIRE(AesGcmDecrypt(key, iv, {}, buf, tag, buf));
  CHECK(HexEncode(buf) == kP16);
}

TEST_CASE("AesGcmEncrypt refuses bad key sizes, IV sizes and output sizes") {
  std::vector<uint8_t> pt(5, 1), out(5), iv(12), key(32);
  std::array<uint8_t, kGcmTagSize> tag{};
  for (size_t bad : {0, 15, 17, 31, 33, 64}) {
    std::vector<uint8_t> k(bad);
    auto st = AesGcmEncrypt(k, iv, {}, pt, out, tag);
    REQUIRE_FALSE(st.has_value());
    CHECK(st.error().code == kms::ErrorCode::kInternal);
    CHECK(st.error().message == "AES-GCM encryption failed");
  }
  std::vector<uint8_t> iv16(16);
  CHECK_FALSE(AesGcmEncrypt(key, iv16, {}, pt, out, tag).has_value());
  std::vector<uint8_t> short_out(4);
  CHECK_FALSE(AesGcmEncrypt(key, iv, {}, pt, short_out, tag).has_value());
  CHECK(AesGcmEncrypt(key, iv, {}, pt, out, tag).has_value());
}

TEST_CASE("AesGcmDecrypt refuses bad key sizes, IV sizes and output sizes") {
  std::vector<uint8_t> pt(5, 1), ct(5), iv(12), key(32);
  std::array<uint8_t, kGcmTagSize> tag{};
  REQUIRE(AesGcmEncrypt(key, iv, {}, pt, ct, tag).has_value());
  std::vector<uint8_t> out(5);
  std::vector<uint8_t> key16(16), iv8(8), out4(4);
  CHECK_FALSE(AesGcmDecrypt(key16, iv, {}, ct, tag, out));
  CHECK_FALSE(AesGcmDecrypt(key, iv8, {}, ct, tag, out));
  CHECK_FALSE(AesGcmDecrypt(key, iv, {}, ct, tag, out4));
  CHECK(AesGcmDecrypt(key, iv, {}, ct, tag, out));
  CHECK(out == pt);
}

TEST_CASE("AES-GCM round-trips every plaintext length from 0 to 100 with AAD") {
  std::vector<uint8_t> key(32, 7), iv(12, 9), aad = {1, 2, 3};
  for (size_t n = 0; n <= 100; ++n) {
    std::vector<uint8_t> pt(n);
    for (size_t i = 0; i < n; ++i) pt[i] = static_cast<uint8_t>(i * 31 + n);
    std::vector<uint8_t> ct(n), back(n);
    std::array<uint8_t, kGcmTagSize> tag{};
    REQUIRE(AesGcmEncrypt(key, iv, aad, pt, ct, tag).has_value());
    REQUIRE(AesGcmDecrypt(key, iv, aad, ct, tag, back));
    CHECK(back == pt);
  }
}
