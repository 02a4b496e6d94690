// Tests for the CiphertextBlob v1 format: layout, round trips, a total parser (every truncation,
// every flipped byte, foreign formats, random bytes), size limits and the golden v1 file.
#include "domain/ciphertext_blob.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <kms/internal/encoding.hpp>
#include <random>
#include <sstream>
#include <string>

using namespace kms::emulator;
using kms::ErrorCode;
using kms::internal::AsBytes;
using kms::internal::Base64Decode;
using kms::internal::HexDecode;

namespace {

const std::string kArn =
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const std::string kMaterialId = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const std::vector<uint8_t> kKey(32, 0x11);

std::vector<uint8_t> SealOk(std::string_view plaintext, const EncryptionContext& context = {},
                            const std::string& arn = kArn) {
  auto blob = SealCiphertextBlob(arn, kMaterialId, kKey, context, AsBytes(plaintext));
  REQUIRE(blob.has_value());
  return std::move(*blob);
}

template <class T>
void CheckInvalidCiphertext(const kms::Result<T>& r, std::string_view message = "") {
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kInvalidCiphertext);
  CHECK(r.error().message == message);
}

// Parse then open; the error of whichever step fails.
kms::Result<kms::internal::SecretBytes> ParseAndOpen(std::span<const uint8_t> blob,
                                                     const EncryptionContext& context = {}) {
  auto view = ParseCiphertextBlob(blob);
  if (!view) return view.error();
  return OpenCiphertextBlob(*view, kKey, context);
}

std::string Text(const kms::internal::SecretBytes& s) {
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

}  // namespace

TEST_CASE("A v1 blob starts with the magic, base64 'KMSe', and version 1") {
  auto blob = SealOk("hello");
  CHECK(blob[0] == 0x28);
  CHECK(blob[1] == 0xC4);
  CHECK(blob[2] == 0x9E);
  CHECK(blob[3] == kBlobVersion1);
  CHECK(kms::internal::Base64Encode(blob).starts_with("KMSe"));
}

TEST_CASE("A v1 blob is laid out as documented") {
  auto blob = SealOk("hello");
  REQUIRE(blob.size() == kBlobFixedOverhead + kArn.size() + 5);
  CHECK((size_t(blob[4]) << 8 | blob[5]) == kArn.size());
  CHECK(std::string(blob.begin() + 6, blob.begin() + 6 + kArn.size()) == kArn);
  CHECK(kms::internal::HexEncode(std::span(blob).subspan(6 + kArn.size(), 32)) == kMaterialId);
  CHECK(blob.size() - 16 - 5 == 50 + kArn.size());  // ciphertext starts at 50+L
}

TEST_CASE("ParseCiphertextBlob reads every field of a sealed blob") {
  auto blob = SealOk("hello", {{"k", "v"}});
  auto view = ParseCiphertextBlob(blob);
  REQUIRE(view.has_value());
  CHECK(view->version == 1);
  CHECK(view->key_arn == kArn);
  CHECK(view->region == "us-east-1");
  CHECK(view->account == "111122223333");
  CHECK(view->key_id == "1234abcd-12ab-34cd-56ef-1234567890ab");
  CHECK(view->MaterialIdHex() == kMaterialId);
  CHECK(view->iv.size() == 12);
  CHECK(view->ciphertext.size() == 5);
  CHECK(view->tag.size() == 16);
  CHECK(view->header.size() == 50 + kArn.size());
  CHECK(view->iv.data() + 12 == view->ciphertext.data());
}

TEST_CASE("A sealed blob opens under the same key and context") {
  EncryptionContext context = {{"purpose", "test"}, {"\xc3\xbc", ""}};
  auto blob = SealOk("hello world", context);
  auto plaintext = ParseAndOpen(blob, context);
  REQUIRE(plaintext.has_value());
  CHECK(Text(*plaintext) == "hello world");
}

TEST_CASE("Blobs of multi-Region keys parse with their mrk- key id") {
  std::string arn = "arn:aws:kms:eu-west-1:444455556666:key/mrk-1234abcd12ab34cd56ef1234567890ab";
  auto blob = SealOk("x", {}, arn);
  auto view = ParseCiphertextBlob(blob);
  REQUIRE(view.has_value());
  CHECK(view->key_id == "mrk-1234abcd12ab34cd56ef1234567890ab");
  CHECK(view->region == "eu-west-1");
  CHECK(view->account == "444455556666");
}

TEST_CASE("Every blob has a fresh IV, so equal plaintexts give different blobs") {
  auto a = SealOk("same"), b = SealOk("same");
  CHECK(a != b);
  CHECK(ParseCiphertextBlob(a)->iv.size() == 12);
  CHECK(!std::equal(a.begin() + 38 + kArn.size(), a.begin() + 50 + kArn.size(),
                    b.begin() + 38 + kArn.size()));
}

TEST_CASE("Opening under another context fails with an empty InvalidCiphertextException") {
  auto blob = SealOk("secret", {{"a", "b"}});
  CheckInvalidCiphertext(ParseAndOpen(blob, {}));
  CheckInvalidCiphertext(ParseAndOpen(blob, {{"a", "B"}}));
  CheckInvalidCiphertext(ParseAndOpen(blob, {{"A", "b"}}));
  CheckInvalidCiphertext(ParseAndOpen(blob, {{"a", "b"}, {"c", "d"}}));
  CHECK(ParseAndOpen(blob, {{"a", "b"}}).has_value());
}

TEST_CASE("Contexts {\"a\":\"b\"} and {\"ab\":\"\"} do not open each other's blobs") {
  auto ab = SealOk("secret", {{"a", "b"}});
  auto ab_empty = SealOk("secret", {{"ab", ""}});
  CheckInvalidCiphertext(ParseAndOpen(ab, {{"ab", ""}}));
  CheckInvalidCiphertext(ParseAndOpen(ab_empty, {{"a", "b"}}));
}

TEST_CASE("Opening with other key material fails") {
  auto blob = SealOk("secret");
  auto view = ParseCiphertextBlob(blob);
  REQUIRE(view.has_value());
  std::vector<uint8_t> other(32, 0x12);
  CheckInvalidCiphertext(OpenCiphertextBlob(*view, other, {}));
}

TEST_CASE("Every flipped bit pattern of every byte of a small blob is rejected") {
  auto blob = SealOk("ab", {{"c", "d"}});
  for (size_t i = 0; i < blob.size(); ++i) {
    for (uint8_t mask : {0x01, 0x02, 0x10, 0x80, 0xFF}) {
      CAPTURE(i);
      CAPTURE(int(mask));
      auto tampered = blob;
      tampered[i] ^= mask;
      CheckInvalidCiphertext(ParseAndOpen(tampered, {{"c", "d"}}));
    }
  }
}

TEST_CASE("Every truncation of a blob is rejected, and so are trailing bytes") {
  auto blob = SealOk("abc");
  for (size_t n = 0; n < blob.size(); ++n) {
    CAPTURE(n);
    CheckInvalidCiphertext(ParseAndOpen(std::span(blob).first(n)));
  }
  for (size_t extra : {1, 2, 16, 100}) {
    auto longer = blob;
    longer.insert(longer.end(), extra, 0);
    CheckInvalidCiphertext(ParseAndOpen(longer));
  }
  CHECK(ParseAndOpen(blob).has_value());
}

TEST_CASE("Blobs with another magic or version are rejected") {
  auto blob = SealOk("abc");
  for (uint8_t version : {0x00, 0x02, 0xFF}) {
    auto other = blob;
    other[3] = version;
    CheckInvalidCiphertext(ParseCiphertextBlob(other));
  }
  auto other = blob;
  other[0] = 'K';
  CheckInvalidCiphertext(ParseCiphertextBlob(other));
}

TEST_CASE("An AWS KMS ciphertext blob is rejected with AWS's empty message") {
  // Real AWS symmetric blobs start 01 02 02 00 ("AQICAH..." in base64).
  auto aws = Base64Decode(
      "AQICAHhRJ5fX8p/2M1NcG+WyiqHy1u3V3hdQGtrwIwPKn9ALXwHcBQYJ/W0ExKOT07KlWbr3AAAAZDBiBgkqhkiG9w0B"
      "BwagVTBTAgEAME4GCSqGSIb3DQEHATAeBglghkgBZQMEAS4wEQQM");
  REQUIRE(aws.has_value());
  CHECK_FALSE(LooksLikeEncryptionSdkMessage(*aws));
  CheckInvalidCiphertext(ParseCiphertextBlob(*aws));
}

TEST_CASE("AWS Encryption SDK messages are recognised and explained") {
  std::vector<std::vector<uint8_t>> messages = {
      {0x01, 0x80, 0x03, 0x78, 0x11, 0x22},  // v1, AES-256-GCM HKDF-SHA384 ECDSA-P384
      {0x01, 0x80, 0x00, 0x14, 0x00, 0x00},  // v1, AES-128-GCM no KDF
      {0x02, 0x05, 0x78, 0x33, 0x44, 0x55},  // v2, committing with ECDSA-P384
      {0x02, 0x04, 0x78, 0x00, 0x00, 0x00},  // v2, committing, no signature
  };
  for (const auto& m : messages) {
    CHECK(LooksLikeEncryptionSdkMessage(m));
    CheckInvalidCiphertext(ParseCiphertextBlob(m), kEncryptionSdkMessageHint);
  }
  CHECK(kEncryptionSdkMessageHint ==
        "This is an AWS Encryption SDK message, not a KMS ciphertext blob; decrypt it with an "
        "Encryption SDK (kmsctl envelope decrypt)");
}

TEST_CASE("LooksLikeEncryptionSdkMessage is false for near misses") {
  std::vector<std::vector<uint8_t>> near = {
      {},
      {0x01, 0x80, 0x03},                    // too short
      {0x01, 0x80, 0x99, 0x99},              // unknown v1 suite
      {0x01, 0x02, 0x02, 0x00},              // AWS KMS blob
      {0x02, 0x03, 0x78, 0x00},              // unknown v2 suite
      {0x28, 0xC4, 0x9E, 0x01, 0x00, 0x10},  // ours
  };
  for (const auto& m : near) CHECK_FALSE(LooksLikeEncryptionSdkMessage(m));
}

TEST_CASE("Random bytes never parse into something that opens") {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 400);
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> bytes(length(rng));
    for (auto& b : bytes) b = static_cast<uint8_t>(byte(rng));
    // Half of the inputs get our magic and version, to reach the deeper checks.
    if (i % 2 == 0 && bytes.size() >= 4) {
      std::copy(kBlobMagic.begin(), kBlobMagic.end(), bytes.begin());
      bytes[3] = kBlobVersion1;
    }
    auto r = ParseAndOpen(bytes);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::kInvalidCiphertext);
  }
}

TEST_CASE("Blobs whose ARN is not a key ARN of ours are rejected") {
  // Built by hand with a valid tag, so only the ARN check can refuse them.
  for (std::string arn :
       {"arn:aws:kms:us-east-1:111122223333:key/1234ABCD-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:11112222333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:11112222333a:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms::111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:US-EAST-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:111122223333:alias/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws-cn:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab/x",
        "arn:aws:kms:us-east-1:111122223333:key/mrk-1234", "x"}) {
    CAPTURE(arn);
    std::vector<uint8_t> blob = {0x28,
                                 0xC4,
                                 0x9E,
                                 0x01,
                                 static_cast<uint8_t>(arn.size() >> 8),
                                 static_cast<uint8_t>(arn.size())};
    blob.insert(blob.end(), arn.begin(), arn.end());
    blob.resize(blob.size() + 32 + 12 + 3 + 16, 0x5a);
    CheckInvalidCiphertext(ParseCiphertextBlob(blob));
    // Sealing refuses them too: a caller bug, not a client error.
    auto sealed = SealCiphertextBlob(arn, kMaterialId, kKey, {}, AsBytes("abc"));
    REQUIRE_FALSE(sealed.has_value());
    CHECK(sealed.error().code == ErrorCode::kInternal);
  }
}

TEST_CASE("A zero or oversized ARN length is rejected") {
  auto blob = SealOk("abc");
  auto zero = blob;
  zero[4] = 0;
  zero[5] = 0;
  CheckInvalidCiphertext(ParseCiphertextBlob(zero));
  auto huge = blob;
  huge[4] = 0xFF;
  huge[5] = 0xFF;
  CheckInvalidCiphertext(ParseCiphertextBlob(huge));
}

TEST_CASE("SealCiphertextBlob refuses arguments outside its contract") {
  auto check = [](const kms::Result<std::vector<uint8_t>>& r) {
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::kInternal);
  };
  std::vector<uint8_t> key16(16, 1);
  check(SealCiphertextBlob(kArn, kMaterialId, key16, {}, AsBytes("abc")));
  check(SealCiphertextBlob(kArn, kMaterialId, kKey, {}, AsBytes("")));
  std::string big(4097, 'x');
  check(SealCiphertextBlob(kArn, kMaterialId, kKey, {}, AsBytes(big)));
  check(SealCiphertextBlob(kArn, kMaterialId.substr(2), kKey, {}, AsBytes("abc")));
  std::string upper = kMaterialId;
  upper[10] = 'A';
  check(SealCiphertextBlob(kArn, upper, kKey, {}, AsBytes("abc")));
  std::string bad = kMaterialId;
  bad[0] = 'g';
  check(SealCiphertextBlob(kArn, bad, kKey, {}, AsBytes("abc")));
}

TEST_CASE("A 4096-byte plaintext fits the 6144-byte CiphertextBlob limit with a long ARN") {
  std::string plaintext(4096, 'p');
  std::string arn =
      "arn:aws:kms:ap-southeast-3:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
  auto blob = SealOk(plaintext, {{"a", std::string(10000, 'c')}}, arn);
  CHECK(blob.size() == 4096 + kBlobFixedOverhead + arn.size());
  CHECK(blob.size() <= 6144);
  CHECK(kBlobFixedOverhead == 66);
  // The context is authenticated, not stored: it does not grow the blob.
  auto opened = ParseAndOpen(blob, {{"a", std::string(10000, 'c')}});
  REQUIRE(opened.has_value());
  CHECK(Text(*opened) == plaintext);
}

TEST_CASE("The golden v1 blobs still open and parse as written") {
  std::ifstream file(KMS_TEST_DATA_DIR "/ciphertext_blob_v1.json");
  REQUIRE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(text.str(), ec);
  REQUIRE_FALSE(ec);
  const auto& blobs = doc.at("blobs").as_array();
  REQUIRE(blobs.size() == 2);
  for (const auto& entry : blobs) {
    const auto& e = entry.as_object();
    CAPTURE(std::string(e.at("name").as_string()));
    auto blob = Base64Decode(e.at("ciphertext_blob_base64").as_string()).value();
    auto key = HexDecode(e.at("key_material_hex").as_string()).value();
    auto plaintext = Base64Decode(e.at("plaintext_base64").as_string()).value();
    EncryptionContext context;
    for (const auto& kv : e.at("encryption_context").as_object()) {
      context.emplace(std::string(kv.key()), std::string(kv.value().as_string()));
    }
    auto view = ParseCiphertextBlob(blob);
    REQUIRE(view.has_value());
    CHECK(view->key_arn == std::string_view(e.at("key_arn").as_string()));
    CHECK(view->MaterialIdHex() == std::string_view(e.at("key_material_id").as_string()));
    CHECK(kms::internal::HexEncode(view->iv) == std::string_view(e.at("iv_hex").as_string()));
    auto opened = OpenCiphertextBlob(*view, key, context);
    REQUIRE(opened.has_value());
    CHECK(opened->Equals(plaintext));
    if (!context.empty()) CheckInvalidCiphertext(OpenCiphertextBlob(*view, key, {}));
  }
}
