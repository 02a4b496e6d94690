// Algorithm suites, commitment policies, key derivation and context serialization.
#include <kms/envelope/algorithm_suite.hpp>
#include <kms/envelope/keyring.hpp>
#include <kms/internal/encoding.hpp>

#include "envelope/envelope_support.hpp"

namespace kms::envelope::test {

TEST_CASE("The suite table holds the 11 ESDK suites with their parameters") {
  auto suites = AllAlgorithmSuites();
  REQUIRE(suites.size() == 11);
  const auto& s0578 = GetAlgorithmSuite(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384);
  CHECK(s0578.name == "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384");
  CHECK(s0578.message_version == 2);
  CHECK(s0578.key_length == 32);
  CHECK(s0578.committing);
  CHECK(s0578.signature == SignatureAlgorithm::kEcdsaP384Sha384);
  CHECK(s0578.message_id_length() == 32);
  const auto& s0214 = GetAlgorithmSuite(AlgorithmSuiteId::kAes128GcmIv12Tag16HkdfSha256EcdsaP256);
  CHECK(s0214.signature == SignatureAlgorithm::kEcdsaP256Sha256);
  CHECK(s0214.kdf == KdfHash::kSha256);
  CHECK(s0214.message_id_length() == 16);
  CHECK(GetAlgorithmSuite(AlgorithmSuiteId::kAes192GcmIv12Tag16NoKdf).key_length == 24);
  CHECK(FindAlgorithmSuite(0x0479) == nullptr);
  int signed_count = 0, committing = 0;
  for (const auto& s : suites) {
    signed_count += s.is_signed();
    committing += s.committing;
    CHECK(FindAlgorithmSuite(s.id_value()) == &s);
  }
  CHECK(signed_count == 4);
  CHECK(committing == 2);
}

TEST_CASE("Suite ids parse from hex and names and print as 0x....") {
  CHECK(SuiteIdHex(0x0578) == "0x0578");
  CHECK(*ParseAlgorithmSuiteId("0x0478") == AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey);
  CHECK(*ParseAlgorithmSuiteId("0478") == AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey);
  CHECK(*ParseAlgorithmSuiteId("alg_aes_256_gcm_hkdf_sha512_commit_key_ecdsa_p384") ==
        AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384);
  auto bad = ParseAlgorithmSuiteId("0x9999");
  REQUIRE(!bad.has_value());
  CHECK(bad.error().code == ErrorCode::kValidation);
  CHECK(bad.error().message == "Unknown algorithm suite '0x9999'");
}

TEST_CASE("Commitment policies decide which suites encrypt and decrypt") {
  const auto& committing = GetAlgorithmSuite(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey);
  const auto& legacy = GetAlgorithmSuite(AlgorithmSuiteId::kAes256GcmIv12Tag16HkdfSha256);
  using P = CommitmentPolicy;
  CHECK(PolicyAllowsEncrypt(P::kRequireEncryptRequireDecrypt, committing));
  CHECK(!PolicyAllowsEncrypt(P::kRequireEncryptRequireDecrypt, legacy));
  CHECK(!PolicyAllowsEncrypt(P::kRequireEncryptAllowDecrypt, legacy));
  CHECK(PolicyAllowsEncrypt(P::kForbidEncryptAllowDecrypt, legacy));
  CHECK(!PolicyAllowsEncrypt(P::kForbidEncryptAllowDecrypt, committing));
  CHECK(!PolicyAllowsDecrypt(P::kRequireEncryptRequireDecrypt, legacy));
  CHECK(PolicyAllowsDecrypt(P::kRequireEncryptAllowDecrypt, legacy));
  CHECK(PolicyAllowsDecrypt(P::kForbidEncryptAllowDecrypt, committing));
  CHECK(DefaultAlgorithmSuite(P::kRequireEncryptRequireDecrypt) ==
        AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384);
  CHECK(CommitmentPolicyName(P::kForbidEncryptAllowDecrypt) == "FORBID_ENCRYPT_ALLOW_DECRYPT");
}

// Known answer from commitment_known_answer_tests.json test 1 (aws-encryption-sdk-c, Apache-2.0).
TEST_CASE("Committing key derivation matches the ESDK known answer") {
  auto dek = *internal::Base64Decode("+p6+whPVw9kOrYLZFMRBJ2n6Vli6T/7TkjDouS+25s0=");
  auto message_id = *internal::Base64Decode("TfvRMU2dVZJbgXIyxeNtbj5eIw8BiTDiwsHyQ/Z9wXk=");
  auto keys = DeriveMessageKeys(GetAlgorithmSuite(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey),
                                dek, message_id);
  REQUIRE(keys.has_value());
  CHECK(keys->commit_key ==
        *internal::Base64Decode("F88I9zPbUQSfOlzLXv+uIY2+m/E6j2PMsbgeHVH/L0w="));
  CHECK(keys->encryption_key.Equals(
      *internal::Base64Decode("V67301yMJtk0jxOc3QJeBac6uKxO3XylWtkKTYmUU+M=")));
}

TEST_CASE("Key derivation: identity for NO_KDF, suite- and message-bound HKDF otherwise") {
  std::vector<uint8_t> dek(16, 0x42), id1(16, 1), id2(16, 2);
  const auto& nokdf = GetAlgorithmSuite(AlgorithmSuiteId::kAes128GcmIv12Tag16NoKdf);
  auto plain = DeriveMessageKeys(nokdf, dek, id1);
  REQUIRE(plain.has_value());
  CHECK(plain->encryption_key.Equals(dek));
  CHECK(plain->commit_key.empty());
  const auto& hkdf = GetAlgorithmSuite(AlgorithmSuiteId::kAes128GcmIv12Tag16HkdfSha256);
  auto a = DeriveMessageKeys(hkdf, dek, id1), b = DeriveMessageKeys(hkdf, dek, id2);
  REQUIRE((a.has_value() && b.has_value()));
  CHECK(!a->encryption_key.Equals(dek));
  CHECK(!a->encryption_key.Equals(b->encryption_key.span()));
  auto c = DeriveMessageKeys(
      GetAlgorithmSuite(AlgorithmSuiteId::kAes128GcmIv12Tag16HkdfSha256EcdsaP256), dek, id1);
  REQUIRE(c.has_value());
  CHECK(!a->encryption_key.Equals(c->encryption_key.span()));  // the suite id is in the info

  auto short_key = DeriveMessageKeys(hkdf, std::vector<uint8_t>(15), id1);
  REQUIRE(!short_key.has_value());
  CHECK(short_key.error().message == "Data key is 15 bytes; suite 0x0114 needs 16");
  auto short_id = DeriveMessageKeys(hkdf, dek, std::vector<uint8_t>(32));
  REQUIRE(!short_id.has_value());
  CHECK(short_id.error().message == "Message id is 32 bytes; suite 0x0114 needs 16");
}

TEST_CASE("The encryption context serializes sorted by UTF-8 bytes with length prefixes") {
  auto empty = SerializeEncryptionContext({});
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
  // U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16.
  auto bytes = SerializeEncryptionContext(
      {{"\xF0\x9F\x98\x80", "1"}, {"\xEF\xBF\xBD", "2"}, {"b", ""}, {"a", "xy"}});
  REQUIRE(bytes.has_value());
  std::vector<uint8_t> expected = {0, 4,                                    // count
                                   0, 1, 'a',  0,    2,    'x',  'y',       //
                                   0, 1, 'b',  0,    0,                     //
                                   0, 3, 0xEF, 0xBF, 0xBD, 0,    1,   '2',  //
                                   0, 4, 0xF0, 0x9F, 0x98, 0x80, 0,   1,   '1'};
  CHECK(*bytes == expected);
  // {"a":"b"} and {"ab":""} must not collide (DESIGN §4).
  CHECK(*SerializeEncryptionContext({{"a", "b"}}) != *SerializeEncryptionContext({{"ab", ""}}));
}

TEST_CASE("Context serialization rejects what the format cannot hold") {
  auto long_value = SerializeEncryptionContext({{"k", std::string(70000, 'v')}});
  REQUIRE(!long_value.has_value());
  CHECK(long_value.error().message ==
        "Encryption context key or value of \"k\" is longer than 65535 bytes");
  EncryptionContext big;
  for (int i = 0; i < 3; ++i) big["k" + std::to_string(i)] = std::string(30000, 'v');
  auto too_big = SerializeEncryptionContext(big);
  REQUIRE(!too_big.has_value());
  CHECK(too_big.error().message ==
        "Serialized encryption context is 90020 bytes; the message format allows 65535");
  auto not_utf8 = SerializeEncryptionContext({{"k", "\xFF"}});
  REQUIRE(!not_utf8.has_value());
  CHECK(not_utf8.error().message == "Encryption context value of key \"k\" is not valid UTF-8");
  auto overlong = SerializeEncryptionContext({{"\xC0\xAF", "v"}});
  REQUIRE(!overlong.has_value());
  CHECK(overlong.error().message == "Encryption context key is not valid UTF-8");
}

}  // namespace kms::envelope::test
