// Raw AES, raw RSA and multi-keyrings: EDK layout, wrapping bound to the encryption context,
// every padding, construction errors and the failure messages they collect.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <kms/envelope/keyring.hpp>
#include <kms/internal/openssl_ptr.hpp>

#include "envelope/envelope_support.hpp"

namespace kms::envelope::test {
namespace {

const AlgorithmSuite& Suite0578() {
  return GetAlgorithmSuite(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384);
}

EncryptionMaterials Materials(EncryptionContext ec = {{"k", "v"}}) {
  EncryptionMaterials m;
  m.suite = &Suite0578();
  m.encryption_context = std::move(ec);
  return m;
}

DecryptionMaterials ForDecrypt(const EncryptionMaterials& e) {
  DecryptionMaterials m;
  m.suite = e.suite;
  m.encryption_context = e.encryption_context;
  return m;
}

struct RsaPem {
  std::string public_pem, private_pem;
};

std::string PemOf(EVP_PKEY* key, bool is_private) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  int ok = is_private
               ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
               : PEM_write_bio_PUBKEY(bio.get(), key);
  REQUIRE(ok == 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

const RsaPem& TestRsaKey() {
  static const RsaPem pem = [] {
    internal::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
    REQUIRE(key);
    return RsaPem{PemOf(key.get(), false), PemOf(key.get(), true)};
  }();
  return pem;
}

KeyringPtr Rsa(RsaPadding padding, bool with_public = true, bool with_private = true,
               std::string name = "rsa-key") {
  const auto& pem = TestRsaKey();
  auto keyring =
      MakeRawRsaKeyring("rsa-namespace", std::move(name), padding,
                        with_public ? pem.public_pem : "", with_private ? pem.private_pem : "");
  REQUIRE_MESSAGE(keyring.has_value(), keyring.error().message);
  return *keyring;
}

}  // namespace

TEST_CASE("Raw AES keyring writes the spec's provider info and an authenticated wrapped key") {
  auto keyring = AesKeyring("my-key");
  auto m = Materials();
  REQUIRE(keyring->OnEncrypt(m).has_value());
  REQUIRE(m.plaintext_data_key.size() == 32);
  REQUIRE(m.encrypted_data_keys.size() == 1);
  const auto& edk = m.encrypted_data_keys[0];
  CHECK(edk.provider_id == "test-namespace");
  std::vector<uint8_t> prefix = {'m', 'y', '-', 'k', 'e', 'y', 0, 0, 0, 0x80, 0, 0, 0, 12};
  REQUIRE(edk.provider_info.size() == prefix.size() + 12);
  CHECK(std::equal(prefix.begin(), prefix.end(), edk.provider_info.begin()));
  CHECK(edk.ciphertext.size() == 32 + 16);

  auto d = ForDecrypt(m);
  REQUIRE(keyring->OnDecrypt(d, m.encrypted_data_keys).has_value());
  CHECK(d.plaintext_data_key.Equals(m.plaintext_data_key.span()));

  auto other_context = ForDecrypt(m);
  other_context.encryption_context["k"] = "w";
  auto st = keyring->OnDecrypt(other_context, m.encrypted_data_keys);
  REQUIRE(!st.has_value());
  CHECK(st.error().code == ErrorCode::kIncorrectKey);
  CHECK(st.error().message ==
        "raw AES keyring (namespace \"test-namespace\", key \"my-key\"): 1 matching encrypted "
        "data key did not authenticate under this key and encryption context");
  CHECK(other_context.plaintext_data_key.empty());

  // A second keyring wraps the same data key instead of generating one.
  auto second = AesKeyring("second");
  REQUIRE(second->OnEncrypt(m).has_value());
  CHECK(m.encrypted_data_keys.size() == 2);
  auto d2 = ForDecrypt(m);
  REQUIRE(second->OnDecrypt(d2, m.encrypted_data_keys).has_value());
  CHECK(d2.plaintext_data_key.Equals(m.plaintext_data_key.span()));
  // Decrypt refuses materials that already hold a data key.
  auto again = keyring->OnDecrypt(d2, m.encrypted_data_keys);
  REQUIRE(!again.has_value());
  CHECK(again.error().message ==
        "raw AES keyring (namespace \"test-namespace\", key \"my-key\"): the decryption "
        "materials already hold a data key");
}

TEST_CASE("Raw AES keyring accepts 128, 192 and 256-bit keys and rejects others") {
  for (size_t n : {16, 24, 32}) {
    auto keyring = MakeRawAesKeyring("ns", "name", SecretBytes(n));
    REQUIRE(keyring.has_value());
    auto m = Materials();
    REQUIRE((*keyring)->OnEncrypt(m).has_value());
    auto d = ForDecrypt(m);
    CHECK((*keyring)->OnDecrypt(d, m.encrypted_data_keys).has_value());
  }
  auto bad = MakeRawAesKeyring("ns", "name", SecretBytes(20));
  REQUIRE(!bad.has_value());
  CHECK(bad.error().code == ErrorCode::kValidation);
  CHECK(bad.error().message == "Raw AES wrapping key must be 16, 24 or 32 bytes, not 20");
  auto reserved = MakeRawAesKeyring("aws-kms-mine", "name", SecretBytes(32));
  REQUIRE(!reserved.has_value());
  CHECK(reserved.error().message ==
        "Key namespace \"aws-kms-mine\" is reserved for the AWS KMS keyrings");
  auto empty = MakeRawAesKeyring("", "name", SecretBytes(32));
  REQUIRE(!empty.has_value());
  CHECK(empty.error().message == "Key namespace and key name must not be empty");
}

TEST_CASE("Raw RSA keyring round-trips with PKCS1 and every OAEP hash") {
  for (auto padding : {RsaPadding::kPkcs1, RsaPadding::kOaepSha1Mgf1, RsaPadding::kOaepSha256Mgf1,
                       RsaPadding::kOaepSha384Mgf1, RsaPadding::kOaepSha512Mgf1}) {
    CAPTURE(static_cast<int>(padding));
    auto keyring = Rsa(padding);
    auto m = Materials();
    REQUIRE(keyring->OnEncrypt(m).has_value());
    const auto& edk = m.encrypted_data_keys.at(0);
    CHECK(edk.provider_id == "rsa-namespace");
    CHECK(std::string(edk.provider_info.begin(), edk.provider_info.end()) == "rsa-key");
    CHECK(edk.ciphertext.size() == 256);
    auto d = ForDecrypt(m);
    REQUIRE(keyring->OnDecrypt(d, m.encrypted_data_keys).has_value());
    CHECK(d.plaintext_data_key.Equals(m.plaintext_data_key.span()));
  }
}

TEST_CASE("Raw RSA keyring: wrong padding fails, and each half of the key pair has one job") {
  auto m = Materials();
  REQUIRE(Rsa(RsaPadding::kOaepSha256Mgf1)->OnEncrypt(m).has_value());
  auto d = ForDecrypt(m);
  auto st = Rsa(RsaPadding::kOaepSha1Mgf1)->OnDecrypt(d, m.encrypted_data_keys);
  REQUIRE(!st.has_value());
  CHECK(st.error().message ==
        "raw RSA keyring (namespace \"rsa-namespace\", key \"rsa-key\"): 1 matching encrypted "
        "data key did not decrypt with this private key");

  auto public_only = Rsa(RsaPadding::kOaepSha256Mgf1, true, false);
  auto m2 = Materials();
  REQUIRE(public_only->OnEncrypt(m2).has_value());
  auto d2 = ForDecrypt(m2);
  st = public_only->OnDecrypt(d2, m2.encrypted_data_keys);
  REQUIRE(!st.has_value());
  CHECK(st.error().message ==
        "raw RSA keyring (namespace \"rsa-namespace\", key \"rsa-key\"): no private key to "
        "decrypt with");
  auto private_only = Rsa(RsaPadding::kOaepSha256Mgf1, false, true);
  REQUIRE(private_only->OnDecrypt(d2, m2.encrypted_data_keys).has_value());
  auto m3 = Materials();
  st = private_only->OnEncrypt(m3);
  REQUIRE(!st.has_value());
  CHECK(st.error().message ==
        "raw RSA keyring (namespace \"rsa-namespace\", key \"rsa-key\"): no public key to "
        "encrypt with");
  CHECK(m3.encrypted_data_keys.empty());
}

TEST_CASE("Raw RSA keyring rejects keys it cannot use") {
  auto none = MakeRawRsaKeyring("ns", "n", RsaPadding::kPkcs1, "", "");
  REQUIRE(!none.has_value());
  CHECK(none.error().message == "Raw RSA keyring needs a public or a private key");
  auto garbage = MakeRawRsaKeyring("ns", "n", RsaPadding::kPkcs1, "not a pem", "");
  REQUIRE(!garbage.has_value());
  CHECK(garbage.error().message ==
        "Raw RSA keyring: the public key is not a PEM key OpenSSL can read");
  internal::PkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  auto not_rsa = MakeRawRsaKeyring("ns", "n", RsaPadding::kPkcs1, "", PemOf(ec.get(), true));
  REQUIRE(!not_rsa.has_value());
  CHECK(not_rsa.error().message == "Raw RSA keyring: the private key is not an RSA key");
}

TEST_CASE("Multi-keyring: the generator makes the key, every child wraps it, any one unwraps") {
  auto gen = AesKeyring("gen"), child_aes = AesKeyring("child", 5);
  auto child_rsa = Rsa(RsaPadding::kOaepSha256Mgf1);
  auto multi = MakeMultiKeyring(gen, {child_aes, child_rsa});
  REQUIRE(multi.has_value());
  auto m = Materials();
  REQUIRE((*multi)->OnEncrypt(m).has_value());
  REQUIRE(m.encrypted_data_keys.size() == 3);
  CHECK(m.encrypted_data_keys[0].provider_id == "test-namespace");
  CHECK(m.encrypted_data_keys[2].provider_id == "rsa-namespace");
  for (const auto& single : {gen, child_aes, child_rsa}) {
    auto d = ForDecrypt(m);
    REQUIRE(single->OnDecrypt(d, m.encrypted_data_keys).has_value());
    CHECK(d.plaintext_data_key.Equals(m.plaintext_data_key.span()));
  }
  auto reader = MakeMultiKeyring(nullptr, {AesKeyring("nobody"), child_rsa});
  REQUIRE(reader.has_value());
  auto d = ForDecrypt(m);
  REQUIRE((*reader)->OnDecrypt(d, m.encrypted_data_keys).has_value());
}

TEST_CASE("Multi-keyring collects every keyring's reason when none can decrypt") {
  auto m = Materials();
  REQUIRE(AesKeyring("gen")->OnEncrypt(m).has_value());
  auto multi = MakeMultiKeyring(AesKeyring("x"), {Rsa(RsaPadding::kPkcs1)});
  REQUIRE(multi.has_value());
  auto d = ForDecrypt(m);
  auto st = (*multi)->OnDecrypt(d, m.encrypted_data_keys);
  REQUIRE(!st.has_value());
  CHECK(st.error().code == ErrorCode::kIncorrectKey);
  CHECK(st.error().message ==
        "raw AES keyring (namespace \"test-namespace\", key \"x\"): no encrypted data key "
        "matches; raw RSA keyring (namespace \"rsa-namespace\", key \"rsa-key\"): no encrypted "
        "data key matches");
}

TEST_CASE("Multi-keyring encrypt rules and construction errors") {
  auto children_only = MakeMultiKeyring(nullptr, {AesKeyring()});
  REQUIRE(children_only.has_value());
  auto m = Materials();
  auto st = (*children_only)->OnEncrypt(m);
  REQUIRE(!st.has_value());
  CHECK(st.error().message ==
        "Multi-keyring without a generator needs a data key in the materials");
  REQUIRE(AesKeyring("first")->OnEncrypt(m).has_value());
  REQUIRE((*children_only)->OnEncrypt(m).has_value());  // wraps the existing key
  CHECK(m.encrypted_data_keys.size() == 2);

  auto with_generator = MakeMultiKeyring(AesKeyring(), {});
  REQUIRE(with_generator.has_value());
  st = (*with_generator)->OnEncrypt(m);
  REQUIRE(!st.has_value());
  CHECK(st.error().message ==
        "Multi-keyring: the encryption materials already hold a data key, so its generator "
        "cannot generate one");
  // A failing child leaves the materials untouched.
  auto failing = MakeMultiKeyring(AesKeyring("g"), {Rsa(RsaPadding::kPkcs1, false, true)});
  REQUIRE(failing.has_value());
  auto fresh = Materials();
  CHECK(!(*failing)->OnEncrypt(fresh).has_value());
  CHECK(fresh.plaintext_data_key.empty());
  CHECK(fresh.encrypted_data_keys.empty());

  auto empty = MakeMultiKeyring(nullptr, {});
  REQUIRE(!empty.has_value());
  CHECK(empty.error().message == "Multi-keyring needs a generator or child keyrings");
  auto null_child = MakeMultiKeyring(AesKeyring(), {nullptr});
  REQUIRE(!null_child.has_value());
  CHECK(null_child.error().message == "Multi-keyring: a child keyring is null");
}

TEST_CASE("A message encrypted under RSA PKCS1 and AES decrypts with either keyring") {
  auto rsa = Rsa(RsaPadding::kPkcs1);
  auto multi = MakeMultiKeyring(AesKeyring(), {rsa});
  REQUIRE(multi.has_value());
  auto message = EncryptOrDie(**multi, Pattern(5000), {});
  auto via_rsa = Decrypt(*rsa, message);
  REQUIRE(via_rsa.has_value());
  CHECK(Same(via_rsa->plaintext.span(), Pattern(5000)));
  CHECK(Decrypt(*AesKeyring(), message).has_value());
}

}  // namespace kms::envelope::test
