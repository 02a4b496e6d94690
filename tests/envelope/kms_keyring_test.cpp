// AWS KMS keyrings against an in-process fake KMS behind KmsClient's transport seam: requests
// carry the right key, data key size, encryption context and grant tokens; EDKs carry the key
// ARN; strict and discovery decryption with filters; KMS errors pass through by name.
#include <boost/json/serialize.hpp>
#include <kms/envelope/kms_keyring.hpp>
#include <kms/internal/encoding.hpp>
#include <kms/internal/hash.hpp>
#include <mutex>

#include "client/fake_transport.hpp"
#include "envelope/envelope_support.hpp"

namespace kms::envelope::test {
namespace {

namespace json = boost::json;

constexpr const char* kArn1 =
    "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111";
constexpr const char* kArn2 =
    "arn:aws:kms:us-east-1:111122223333:key/22222222-2222-2222-2222-222222222222";
constexpr const char* kArnOther =
    "arn:aws:kms:us-east-1:444455556666:key/33333333-3333-3333-3333-333333333333";

// A tiny KMS: blobs are "FAKE" || arn length || arn || SHA-256(context) || plaintext ^ 0x5A.
class FakeKms : public Transport {
 public:
  struct Call {
    std::string operation;
    json::object body;
  };

  Result<HttpResponse> Send(const HttpRequest& request, const Endpoint&) override {
    std::lock_guard lock(mutex_);
    std::string op(request.Header("X-Amz-Target").substr(13));
    json::object body = json::parse(request.body).as_object();
    calls_.push_back({op, body});
    if (!fail_with_.empty()) return kms::test::ErrorAnswer(400, fail_with_, "denied by test");
    std::string arn =
        Resolve(body.contains("KeyId") ? std::string(body.at("KeyId").as_string()) : "");
    if (op == "Decrypt") return DoDecrypt(body, arn);
    if (arn.empty()) return kms::test::ErrorAnswer(400, "NotFoundException", "no such key");
    std::vector<uint8_t> plaintext;
    if (op == "GenerateDataKey") {
      plaintext = Pattern(static_cast<size_t>(body.at("NumberOfBytes").as_int64()), 77);
    } else {
      plaintext = *internal::Base64Decode(body.at("Plaintext").as_string());
    }
    json::object out{{"KeyId", arn},
                     {"CiphertextBlob", internal::Base64Encode(Blob(arn, body, plaintext))}};
    if (op == "GenerateDataKey") out["Plaintext"] = internal::Base64Encode(plaintext);
    return kms::test::Answer(200, json::serialize(out));
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  void FailWith(std::string type) { fail_with_ = std::move(type); }

 private:
  static std::string Resolve(const std::string& id) {
    if (id == "alias/first" || id == "arn:aws:kms:us-east-1:111122223333:alias/first") return kArn1;
    if (id.starts_with("arn:aws:kms:") && id.find(":key/") != std::string::npos) return id;
    if (id == "22222222-2222-2222-2222-222222222222") return kArn2;
    return "";
  }
  static internal::Sha256Digest ContextDigest(const json::object& body) {
    EncryptionContext ec;
    if (auto* c = body.if_contains("EncryptionContext")) {
      for (const auto& [k, v] : c->as_object()) ec[std::string(k)] = std::string(v.as_string());
    }
    return internal::Sha256(*SerializeEncryptionContext(ec));
  }
  static std::vector<uint8_t> Blob(const std::string& arn, const json::object& body,
                                   std::vector<uint8_t> plaintext) {
    std::vector<uint8_t> blob = {'F', 'A', 'K', 'E', static_cast<uint8_t>(arn.size())};
    blob.insert(blob.end(), arn.begin(), arn.end());
    auto digest = ContextDigest(body);
    blob.insert(blob.end(), digest.begin(), digest.end());
    for (uint8_t b : plaintext) blob.push_back(b ^ 0x5A);
    return blob;
  }
  static Result<HttpResponse> DoDecrypt(const json::object& body, const std::string& asked) {
    auto blob = *internal::Base64Decode(body.at("CiphertextBlob").as_string());
    std::string arn(blob.begin() + 5, blob.begin() + 5 + blob[4]);
    auto digest = ContextDigest(body);
    if (!std::equal(digest.begin(), digest.end(), blob.begin() + 5 + blob[4])) {
      return kms::test::ErrorAnswer(400, "InvalidCiphertextException", "");
    }
    if (!asked.empty() && asked != arn) {
      return kms::test::ErrorAnswer(400, "IncorrectKeyException", "wrong key");
    }
    std::vector<uint8_t> plaintext;
    for (size_t i = 5 + blob[4] + 32; i < blob.size(); ++i) plaintext.push_back(blob[i] ^ 0x5A);
    json::object out{{"KeyId", arn}, {"Plaintext", internal::Base64Encode(plaintext)}};
    return kms::test::Answer(200, json::serialize(out));
  }

  mutable std::mutex mutex_;
  std::vector<Call> calls_;
  std::string fail_with_;
};

struct Fixture {
  std::shared_ptr<FakeKms> kms = std::make_shared<FakeKms>();
  std::shared_ptr<const KmsClient> client =
      std::make_shared<KmsClient>(kms::test::MakeClient(kms, nullptr, 1));

  KeyringPtr Strict(const std::string& key_id, std::vector<std::string> tokens = {}) {
    auto keyring = MakeKmsKeyring(client, key_id, std::move(tokens));
    REQUIRE_MESSAGE(keyring.has_value(), keyring.error().message);
    return *keyring;
  }
  KeyringPtr Discovery(std::optional<KmsDiscoveryFilter> filter = {}) {
    auto keyring = MakeKmsDiscoveryKeyring(client, std::move(filter));
    REQUIRE(keyring.has_value());
    return *keyring;
  }
};

Error DecryptError(const Keyring& keyring, std::span<const uint8_t> message) {
  auto result = Decrypt(keyring, message);
  REQUIRE(!result.has_value());
  return result.error();
}

}  // namespace

TEST_CASE("KMS keyring generates the data key with GenerateDataKey and records the key ARN") {
  Fixture f;
  EncryptOptions options;
  options.encryption_context = {{"purpose", "test"}};
  auto encrypted = Encrypt(*f.Strict("alias/first", {"grant-1"}), Pattern(100), options);
  REQUIRE_MESSAGE(encrypted.has_value(), encrypted.error().message);
  auto calls = f.kms->calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].operation == "GenerateDataKey");
  CHECK(calls[0].body.at("KeyId").as_string() == "alias/first");
  CHECK(calls[0].body.at("NumberOfBytes").as_int64() == 32);
  CHECK(calls[0].body.at("GrantTokens").as_array().at(0).as_string() == "grant-1");
  const auto& ec = calls[0].body.at("EncryptionContext").as_object();
  CHECK(ec.at("purpose").as_string() == "test");
  CHECK(ec.contains("aws-crypto-public-key"));  // KMS binds the full context
  const auto& edk = encrypted->header.encrypted_data_keys.at(0);
  CHECK(edk.provider_id == "aws-kms");
  CHECK(std::string(edk.provider_info.begin(), edk.provider_info.end()) == kArn1);

  auto decrypted = Decrypt(*f.Strict(kArn1, {"grant-1"}), encrypted->ciphertext);
  REQUIRE_MESSAGE(decrypted.has_value(), decrypted.error().message);
  CHECK(Same(decrypted->plaintext.span(), Pattern(100)));
  calls = f.kms->calls();
  CHECK(calls.back().operation == "Decrypt");
  CHECK(calls.back().body.at("KeyId").as_string() == kArn1);
  CHECK(calls.back().body.at("GrantTokens").as_array().at(0).as_string() == "grant-1");
}

TEST_CASE("KMS multi-keyring wraps the generated key with Encrypt under each extra key") {
  Fixture f;
  auto multi = MakeKmsMultiKeyring(f.client, kArn1, {"22222222-2222-2222-2222-222222222222"});
  REQUIRE(multi.has_value());
  auto message = EncryptOrDie(**multi, Pattern(10), {});
  auto calls = f.kms->calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[1].operation == "Encrypt");
  auto layout = InspectMessage(message);
  REQUIRE(layout.has_value());
  REQUIRE(layout->header.encrypted_data_keys.size() == 2);
  const auto& second = layout->header.encrypted_data_keys[1].provider_info;
  CHECK(std::string(second.begin(), second.end()) == kArn2);
  // Either key alone decrypts; the strict keyring of key 2 skips key 1's EDK.
  CHECK(Decrypt(*f.Strict(kArn2), message).has_value());
  CHECK(f.kms->calls().back().body.at("KeyId").as_string() == kArn2);
  CHECK(Decrypt(*f.Strict(kArn1), message).has_value());
}

TEST_CASE("A strict KMS keyring only tries EDKs whose ARN equals its key id") {
  Fixture f;
  auto message = EncryptOrDie(*f.Strict(kArn1), Pattern(10), {});
  Error e = DecryptError(*f.Strict("alias/first"), message);
  CHECK(e.code == ErrorCode::kIncorrectKey);
  CHECK(e.message ==
        "No keyring could decrypt a data key: AWS KMS keyring (key \"alias/first\"): no encrypted "
        "data key matches (messages name their KMS keys by key ARN: decrypt with the key ARN or a "
        "discovery keyring)");
  Error other_arn = DecryptError(*f.Strict(kArn2), message);
  CHECK(other_arn.message == std::string("No keyring could decrypt a data key: AWS KMS keyring "
                                         "(key \"") +
                                 kArn2 + "\"): no encrypted data key matches");
  CHECK(f.kms->calls().size() == 1);  // no Decrypt call was made
}

TEST_CASE("The KMS discovery keyring decrypts any key ARN its filter allows") {
  Fixture f;
  auto message = EncryptOrDie(*f.Strict(kArn1), Pattern(10), {});
  auto any = Decrypt(*f.Discovery(), message);
  REQUIRE_MESSAGE(any.has_value(), any.error().message);
  CHECK(f.kms->calls().back().body.at("KeyId").as_string() == kArn1);

  CHECK(Decrypt(*f.Discovery(KmsDiscoveryFilter{"aws", {"111122223333"}}), message).has_value());
  Error filtered = DecryptError(*f.Discovery(KmsDiscoveryFilter{"aws", {"444455556666"}}), message);
  CHECK(filtered.message ==
        "No keyring could decrypt a data key: AWS KMS discovery keyring: no encrypted data key "
        "matches");
  Error partition =
      DecryptError(*f.Discovery(KmsDiscoveryFilter{"aws-cn", {"111122223333"}}), message);
  CHECK(partition.code == ErrorCode::kIncorrectKey);

  auto m = EncryptionMaterials{};
  m.suite = &GetAlgorithmSuite(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey);
  auto st = f.Discovery()->OnEncrypt(m);
  REQUIRE(!st.has_value());
  CHECK(st.error().message == "AWS KMS discovery keyring cannot encrypt: it names no key");
}

TEST_CASE("KMS errors pass through with their code and AWS type name") {
  Fixture f;
  auto message = EncryptOrDie(*f.Strict(kArn1), Pattern(10), {});
  f.kms->FailWith("AccessDeniedException");
  Error e = DecryptError(*f.Strict(kArn1), message);
  CHECK(e.code == ErrorCode::kAccessDenied);
  CHECK(e.message == std::string("No keyring could decrypt a data key: AWS KMS keyring (key \"") +
                         kArn1 + "\"): Decrypt with " + kArn1 +
                         " failed: AccessDeniedException: denied by test");
  auto encrypted = Encrypt(*f.Strict(kArn1), Pattern(10), {});
  REQUIRE(!encrypted.has_value());
  CHECK(encrypted.error().code == ErrorCode::kAccessDenied);
  CHECK(encrypted.error().message ==
        std::string("AWS KMS keyring (key \"") + kArn1 +
            "\"): GenerateDataKey failed: AccessDeniedException: denied by test");
}

TEST_CASE("KMS decryption binds the encryption context") {
  Fixture f;
  EncryptOptions options;
  options.encryption_context = {{"a", "1"}};
  options.required_context_keys = {"a"};
  auto message = EncryptOrDie(*f.Strict(kArn1), Pattern(10), options);
  Error e = DecryptError(*f.Strict(kArn1), message);  // "a" not reproduced: KMS refuses
  CHECK(e.code == ErrorCode::kInvalidCiphertext);
  DecryptOptions d;
  d.encryption_context = {{"a", "1"}};
  CHECK(Decrypt(*f.Strict(kArn1), message, d).has_value());
}

TEST_CASE("A malformed aws-kms EDK makes the KMS keyrings fail") {
  Fixture f;
  auto message = EncryptOrDie(*f.Strict(kArn1), Pattern(10), {});
  std::string text(message.begin(), message.end());
  size_t at = text.find(":key/");
  REQUIRE(at != std::string::npos);
  message[at + 1] = 'x';  // ":xey/": not a key ARN any more
  Error e = DecryptError(*f.Discovery(), message);
  CHECK(e.code == ErrorCode::kInvalidCiphertext);
  CHECK(e.message.starts_with(
      "No keyring could decrypt a data key: AWS KMS discovery keyring: encrypted data key "
      "provider info \"arn:aws:kms:us-east-1:111122223333:xey/"));
}

TEST_CASE("KMS key identifiers and ARNs are validated") {
  Fixture f;
  auto arn = ParseKmsArn(kArnOther);
  REQUIRE(arn.has_value());
  CHECK(arn->partition == "aws");
  CHECK(arn->region == "us-east-1");
  CHECK(arn->account == "444455556666");
  CHECK(arn->resource_type == "key");
  CHECK(arn->resource_id == "33333333-3333-3333-3333-333333333333");
  CHECK(ParseKmsArn("arn:aws:kms:us-east-1:1:alias/a/b")->resource_id == "a/b");
  CHECK(!ParseKmsArn("arn:aws:s3:us-east-1:1:key/x"));
  CHECK(!ParseKmsArn("arn:aws:kms::1:key/x"));
  CHECK(!ParseKmsArn("arn:aws:kms:r:1:grant/x"));
  CHECK(!ParseKmsArn("arn:aws:kms:r:1:key/"));
  CHECK(IsValidKmsKeyIdentifier("alias/x"));
  CHECK(IsValidKmsKeyIdentifier("1234abcd-12ab-34cd-56ef-1234567890ab"));
  CHECK(!IsValidKmsKeyIdentifier(""));
  CHECK(!IsValidKmsKeyIdentifier("arn:nope"));
  auto bad = MakeKmsKeyring(f.client, "arn:nope");
  REQUIRE(!bad.has_value());
  CHECK(bad.error().message ==
        "\"arn:nope\" is not a KMS key id, key ARN, alias name or alias ARN");
  auto no_client = MakeKmsKeyring(nullptr, kArn1);
  REQUIRE(!no_client.has_value());
  CHECK(no_client.error().message == "AWS KMS keyring needs a KMS client");
  auto bad_filter = MakeKmsDiscoveryKeyring(f.client, KmsDiscoveryFilter{"aws", {}});
  REQUIRE(!bad_filter.has_value());
  CHECK(bad_filter.error().message ==
        "A KMS discovery filter needs a partition and at least one account");
}

}  // namespace kms::envelope::test
