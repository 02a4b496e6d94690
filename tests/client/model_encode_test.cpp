// Tests for the JSON 1.1 request encoding: each request's members, names and types as in
// botocore's service-2.json shapes, checked on what the client sends.
#include <doctest/doctest.h>

#include <kms/client.hpp>
#include <kms/internal/encoding.hpp>
#include <set>

#include "client/fake_transport.hpp"

using kms::ErrorCode;
using kms::test::Answer;
using kms::test::BodyOf;
using kms::test::ErrorAnswer;
using kms::test::FakeTransport;
using kms::test::MakeClient;
using kms::test::OkTransport;
namespace json = boost::json;

namespace {

std::set<std::string> Keys(const json::object& o) {
  std::set<std::string> keys;
  for (const auto& member : o) keys.insert(std::string(member.key()));
  return keys;
}

kms::internal::SecretBytes Secret(std::string_view s) {
  return kms::internal::SecretBytes(kms::internal::AsBytes(s));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Request encoding (member names and types as in botocore's service-2.json).

TEST_CASE("Encrypt sends KeyId, base64 Plaintext, context, grant tokens and the algorithm") {
  auto transport = OkTransport();
  auto client = MakeClient(transport);
  kms::EncryptRequest req;
  req.KeyId = "alias/app";
  req.Plaintext = Secret("hello");
  req.EncryptionContext = {{"purpose", "test"}, {"a", ""}};
  req.GrantTokens = {"g1", "g2"};
  req.EncryptionAlgorithm = kms::EncryptionAlgorithm::kSymmetricDefault;
  req.DryRun = false;
  REQUIRE(client.Encrypt(req).has_value());
  auto body = BodyOf(transport->requests()[0]);
  CHECK(Keys(body) == std::set<std::string>{"KeyId", "Plaintext", "EncryptionContext",
                                            "GrantTokens", "EncryptionAlgorithm", "DryRun"});
  CHECK(body.at("KeyId") == "alias/app");
  CHECK(body.at("Plaintext") == "aGVsbG8=");
  CHECK(body.at("EncryptionContext") == json::object{{"purpose", "test"}, {"a", ""}});
  CHECK(body.at("GrantTokens") == json::array{"g1", "g2"});
  CHECK(body.at("EncryptionAlgorithm") == "SYMMETRIC_DEFAULT");
  CHECK(body.at("DryRun") == false);
  CHECK(transport->requests()[0].Header("X-Amz-Target") == "TrentService.Encrypt");
}

TEST_CASE("Unset optional members are left out of the request") {
  auto transport = OkTransport();
  auto client = MakeClient(transport);
  kms::EncryptRequest req;
  req.KeyId = "k";
  req.Plaintext = Secret("x");
  REQUIRE(client.Encrypt(req).has_value());
  CHECK(Keys(BodyOf(transport->requests()[0])) == std::set<std::string>{"KeyId", "Plaintext"});
  REQUIRE(client.CreateKey().has_value());
  CHECK(transport->requests()[1].body == "{}");
  REQUIRE(client.ListKeys().has_value());
  CHECK(transport->requests()[2].body == "{}");
}

TEST_CASE("CreateKey sends every member of CreateKeyRequest") {
  auto transport = OkTransport();
  auto client = MakeClient(transport);
  kms::CreateKeyRequest req;
  req.Policy = "{}";
  req.Description = "d";
  req.KeyUsage = kms::KeyUsage::kEncryptDecrypt;
  req.CustomerMasterKeySpec = kms::KeySpec::kSymmetricDefault;
  req.KeySpec = kms::KeySpec::kHmac256;
  req.Origin = kms::Origin::kExternal;
  req.CustomKeyStoreId = "cks-1";
  req.BypassPolicyLockoutSafetyCheck = true;
  req.Tags = {{"team", "a"}, {"env", ""}};
  req.MultiRegion = true;
  req.XksKeyId = "xks";
  REQUIRE(client.CreateKey(req).has_value());
  auto body = BodyOf(transport->requests()[0]);
  CHECK(Keys(body) == std::set<std::string>{"Policy", "Description", "KeyUsage",
                                            "CustomerMasterKeySpec", "KeySpec", "Origin",
                                            "CustomKeyStoreId", "BypassPolicyLockoutSafetyCheck",
                                            "Tags", "MultiRegion", "XksKeyId"});
  CHECK(body.at("KeyUsage") == "ENCRYPT_DECRYPT");
  CHECK(body.at("CustomerMasterKeySpec") == "SYMMETRIC_DEFAULT");
  CHECK(body.at("KeySpec") == "HMAC_256");
  CHECK(body.at("Origin") == "EXTERNAL");
  CHECK(body.at("BypassPolicyLockoutSafetyCheck") == true);
  CHECK(body.at("MultiRegion") == true);
  CHECK(body.at("Tags") == json::array{json::object{{"TagKey", "team"}, {"TagValue", "a"}},
                                       json::object{{"TagKey", "env"}, {"TagValue", ""}}});
}

TEST_CASE("GenerateDataKey and its WithoutPlaintext twin send KeySpec or NumberOfBytes") {
  auto transport = OkTransport();
  auto client = MakeClient(transport);
  kms::GenerateDataKeyRequest req;
  req.KeyId = "k";
  req.KeySpec = kms::DataKeySpec::kAes256;
  req.EncryptionContext = {{"c", "d"}};
  REQUIRE(client.GenerateDataKey(req).has_value());
  auto body = BodyOf(transport->requests()[0]);
  CHECK(Keys(body) == std::set<std::string>{"KeyId", "KeySpec", "EncryptionContext"});
  CHECK(body.at("KeySpec") == "AES_256");
  kms::GenerateDataKeyWithoutPlaintextRequest wp;
  wp.KeyId = "k";
  wp.NumberOfBytes = 64;
  wp.GrantTokens = {"t"};
  REQUIRE(client.GenerateDataKeyWithoutPlaintext(wp).has_value());
  auto wp_body = BodyOf(transport->requests()[1]);
  CHECK(Keys(wp_body) == std::set<std::string>{"KeyId", "NumberOfBytes", "GrantTokens"});
  CHECK(wp_body.at("NumberOfBytes") == 64);
  CHECK(transport->requests()[1].Header("X-Amz-Target") ==
        "TrentService.GenerateDataKeyWithoutPlaintext");
}

TEST_CASE("Decrypt and ReEncrypt send the ciphertext base64 with their own member names") {
  auto transport = OkTransport();
  auto client = MakeClient(transport);
  kms::DecryptRequest dec;
  dec.CiphertextBlob = kms::Blob{0x01, 0x02, 0xff};
  dec.KeyId = "k";
  dec.EncryptionAlgorithm = kms::EncryptionAlgorithm::kSymmetricDefault;
  dec.DryRunModifiers = {"IGNORE_CIPHERTEXT"};
  REQUIRE(client.Decrypt(dec).has_value());
  auto body = BodyOf(transport->requests()[0]);
  CHECK(Keys(body) ==
        std::set<std::string>{"CiphertextBlob", "KeyId", "EncryptionAlgorithm", "DryRunModifiers"});
  CHECK(body.at("CiphertextBlob") == "AQL/");
  kms::ReEncryptRequest re;
  re.CiphertextBlob = kms::Blob{0x00};
  re.SourceEncryptionContext = {{"s", "1"}};
  re.SourceKeyId = "src";
  re.DestinationKeyId = "dst";
  re.DestinationEncryptionContext = {{"d", "2"}};
  re.SourceEncryptionAlgorithm = kms::EncryptionAlgorithm::kSymmetricDefault;
  re.DestinationEncryptionAlgorithm = kms::EncryptionAlgorithm::kRsaesOaepSha256;
  REQUIRE(client.ReEncrypt(re).has_value());
  auto re_body = BodyOf(transport->requests()[1]);
  CHECK(Keys(re_body) ==
        std::set<std::string>{"CiphertextBlob", "SourceEncryptionContext", "SourceKeyId",
                              "DestinationKeyId", "DestinationEncryptionContext",
                              "SourceEncryptionAlgorithm", "DestinationEncryptionAlgorithm"});
  CHECK(re_body.at("CiphertextBlob") == "AA==");
  CHECK(re_body.at("DestinationEncryptionAlgorithm") == "RSAES_OAEP_SHA_256");
  CHECK(re_body.at("SourceEncryptionContext") == json::object{{"s", "1"}});
}

TEST_CASE("Alias, tag, listing and key-state operations send their botocore members") {
  auto transport = OkTransport();
  auto client = MakeClient(transport);
  REQUIRE(client.CreateAlias({"alias/a", "k1"}).has_value());
  REQUIRE(client.UpdateAlias({"alias/a", "k2"}).has_value());
  REQUIRE(client.DeleteAlias({"alias/a"}).has_value());
  REQUIRE(client.TagResource({"k", {}}).has_value());
  REQUIRE(client.UntagResource({"k", {"t1"}}).has_value());
  REQUIRE(client.ListResourceTags({"k", 10, "m"}).has_value());
  REQUIRE(client.ListAliases({"k", std::nullopt, std::nullopt}).has_value());
  REQUIRE(client.ScheduleKeyDeletion({"k", 7}).has_value());
  REQUIRE(client.CancelKeyDeletion({"k"}).has_value());
  REQUIRE(client.UpdateKeyDescription({"k", ""}).has_value());
  REQUIRE(client.DescribeKey({"k", {"g"}}).has_value());
  REQUIRE(client.GenerateRandom({32, std::nullopt}).has_value());
  auto requests = transport->requests();
  REQUIRE(requests.size() == 12);
  const std::pair<const char*, json::object> expected[] = {
      {"CreateAlias", {{"AliasName", "alias/a"}, {"TargetKeyId", "k1"}}},
      {"UpdateAlias", {{"AliasName", "alias/a"}, {"TargetKeyId", "k2"}}},
      {"DeleteAlias", {{"AliasName", "alias/a"}}},
      {"TagResource", {{"KeyId", "k"}, {"Tags", json::array{}}}},
      {"UntagResource", {{"KeyId", "k"}, {"TagKeys", json::array{"t1"}}}},
      {"ListResourceTags", {{"KeyId", "k"}, {"Limit", 10}, {"Marker", "m"}}},
      {"ListAliases", {{"KeyId", "k"}}},
      {"ScheduleKeyDeletion", {{"KeyId", "k"}, {"PendingWindowInDays", 7}}},
      {"CancelKeyDeletion", {{"KeyId", "k"}}},
      {"UpdateKeyDescription", {{"KeyId", "k"}, {"Description", ""}}},
      {"DescribeKey", {{"KeyId", "k"}, {"GrantTokens", json::array{"g"}}}},
      {"GenerateRandom", {{"NumberOfBytes", 32}}},
  };
  for (size_t i = 0; i < requests.size(); ++i) {
    CAPTURE(expected[i].first);
    CHECK(requests[i].Header("X-Amz-Target") == std::string("TrentService.") + expected[i].first);
    CHECK(BodyOf(requests[i]) == expected[i].second);
  }
}
