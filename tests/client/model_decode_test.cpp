// Tests for the JSON 1.1 response decoding: every member type, lenient enums and nulls, and the
// errors for bodies that do not decode.
#include <doctest/doctest.h>

#include <kms/client.hpp>
#include <kms/internal/encoding.hpp>

#include "client/fake_transport.hpp"

using kms::ErrorCode;
using kms::test::Answer;
using kms::test::BodyOf;
using kms::test::ErrorAnswer;
using kms::test::FakeTransport;
using kms::test::MakeClient;
using kms::test::OkTransport;
namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// Response decoding.

TEST_CASE("DescribeKey decodes KeyMetadata with timestamps, enums and nested structures") {
  auto transport = OkTransport(R"({"KeyMetadata":{
      "AWSAccountId":"111122223333","KeyId":"1234abcd","Arn":"arn:aws:kms:us-east-1:111122223333:key/1234abcd",
      "CreationDate":1700000000.123,"Enabled":true,"Description":"desc","KeyUsage":"ENCRYPT_DECRYPT",
      "KeyState":"PendingDeletion","DeletionDate":1700600000,"Origin":"AWS_KMS","KeyManager":"CUSTOMER",
      "CustomerMasterKeySpec":"SYMMETRIC_DEFAULT","KeySpec":"SYMMETRIC_DEFAULT",
      "EncryptionAlgorithms":["SYMMETRIC_DEFAULT","FUTURE_ALGORITHM"],"SigningAlgorithms":[],
      "MultiRegion":true,"MultiRegionConfiguration":{"MultiRegionKeyType":"PRIMARY",
        "PrimaryKey":{"Arn":"arn:p","Region":"us-east-1"},"ReplicaKeys":[{"Arn":"arn:r","Region":"eu-west-1"}]},
      "PendingDeletionWindowInDays":7,"MacAlgorithms":["HMAC_SHA_256"],"XksKeyConfiguration":{"Id":"x1"},
      "CurrentKeyMaterialId":"mat","SomethingNew":{"a":1}}})");
  auto client = MakeClient(transport);
  auto r = client.DescribeKey({"1234abcd", {}});
  REQUIRE(r.has_value());
  REQUIRE(r->KeyMetadata.has_value());
  const kms::KeyMetadata& m = *r->KeyMetadata;
  CHECK(m.AWSAccountId == "111122223333");
  CHECK(m.KeyId == "1234abcd");
  CHECK(m.Arn == "arn:aws:kms:us-east-1:111122223333:key/1234abcd");
  using std::chrono::milliseconds;
  CHECK(m.CreationDate == kms::Timestamp(milliseconds(1700000000123)));
  CHECK(m.DeletionDate == kms::Timestamp(milliseconds(1700600000000)));
  CHECK_FALSE(m.ValidTo.has_value());
  CHECK(m.Enabled == true);
  CHECK(m.Description == "desc");
  CHECK(m.KeyUsage == kms::KeyUsage::kEncryptDecrypt);
  CHECK(m.KeyState == kms::KeyState::kPendingDeletion);
  CHECK(m.Origin == kms::Origin::kAwsKms);
  CHECK(m.KeyManager == kms::KeyManager::kCustomer);
  CHECK(m.CustomerMasterKeySpec == kms::KeySpec::kSymmetricDefault);
  CHECK(m.KeySpec == kms::KeySpec::kSymmetricDefault);
  CHECK(m.EncryptionAlgorithms ==
        std::vector<kms::EncryptionAlgorithm>{kms::EncryptionAlgorithm::kSymmetricDefault});
  CHECK(m.SigningAlgorithms.empty());
  CHECK(m.MultiRegion == true);
  REQUIRE(m.MultiRegionConfiguration.has_value());
  CHECK(m.MultiRegionConfiguration->MultiRegionKeyType == "PRIMARY");
  CHECK(m.MultiRegionConfiguration->PrimaryKey->Region == "us-east-1");
  REQUIRE(m.MultiRegionConfiguration->ReplicaKeys.size() == 1);
  CHECK(m.MultiRegionConfiguration->ReplicaKeys[0].Arn == "arn:r");
  CHECK(m.PendingDeletionWindowInDays == 7);
  CHECK(m.MacAlgorithms == std::vector<std::string>{"HMAC_SHA_256"});
  CHECK(m.XksKeyConfiguration->Id == "x1");
  CHECK(m.CurrentKeyMaterialId == "mat");
}

TEST_CASE("An enum value the SDK does not know decodes as absent") {
  auto client =
      MakeClient(OkTransport(R"({"KeyMetadata":{"KeyId":"k","KeyState":"Hibernating"}})"));
  auto r = client.DescribeKey({"k", {}});
  REQUIRE(r.has_value());
  CHECK(r->KeyMetadata->KeyId == "k");
  CHECK_FALSE(r->KeyMetadata->KeyState.has_value());
}

TEST_CASE("Decrypt and GenerateDataKey decode plaintext into SecretBytes") {
  auto client =
      MakeClient(OkTransport(R"({"KeyId":"arn:k","Plaintext":"aGVsbG8=","CiphertextBlob":"AQID",
                                  "EncryptionAlgorithm":"SYMMETRIC_DEFAULT","KeyMaterialId":"m"})"));
  auto dec = client.Decrypt({});
  REQUIRE(dec.has_value());
  CHECK(dec->KeyId == "arn:k");
  CHECK(dec->Plaintext.Equals(kms::internal::AsBytes("hello")));
  CHECK(dec->EncryptionAlgorithm == kms::EncryptionAlgorithm::kSymmetricDefault);
  CHECK(dec->KeyMaterialId == "m");
  auto gdk = client.GenerateDataKey({"k", {}, std::nullopt, kms::DataKeySpec::kAes128, {}, {}});
  REQUIRE(gdk.has_value());
  CHECK(gdk->CiphertextBlob == kms::Blob{1, 2, 3});
  CHECK(gdk->Plaintext.Equals(kms::internal::AsBytes("hello")));
  CHECK(gdk->KeyId == "arn:k");
}

TEST_CASE("Encrypt, ReEncrypt, GenerateRandom and ScheduleKeyDeletion decode their outputs") {
  auto client = MakeClient(OkTransport(R"({"CiphertextBlob":"AQID","KeyId":"k2","SourceKeyId":"k1",
      "EncryptionAlgorithm":"SYMMETRIC_DEFAULT","SourceEncryptionAlgorithm":"SYMMETRIC_DEFAULT",
      "DestinationEncryptionAlgorithm":"SYMMETRIC_DEFAULT","SourceKeyMaterialId":"s",
      "DestinationKeyMaterialId":"d","Plaintext":"AAEC","DeletionDate":1.5,"KeyState":"PendingDeletion",
      "PendingWindowInDays":30})"));
  kms::EncryptRequest enc;
  enc.KeyId = "k";
  auto e = client.Encrypt(enc);
  REQUIRE(e.has_value());
  CHECK(e->CiphertextBlob == kms::Blob{1, 2, 3});
  CHECK(e->KeyId == "k2");
  CHECK(e->EncryptionAlgorithm == kms::EncryptionAlgorithm::kSymmetricDefault);
  auto re = client.ReEncrypt({});
  REQUIRE(re.has_value());
  CHECK(re->SourceKeyId == "k1");
  CHECK(re->KeyId == "k2");
  CHECK(re->SourceKeyMaterialId == "s");
  CHECK(re->DestinationKeyMaterialId == "d");
  CHECK(re->DestinationEncryptionAlgorithm == kms::EncryptionAlgorithm::kSymmetricDefault);
  auto rnd = client.GenerateRandom({});
  REQUIRE(rnd.has_value());
  CHECK(rnd->Plaintext.size() == 3);
  auto del = client.ScheduleKeyDeletion({"k", std::nullopt});
  REQUIRE(del.has_value());
  CHECK(del->DeletionDate == kms::Timestamp(std::chrono::milliseconds(1500)));
  CHECK(del->KeyState == kms::KeyState::kPendingDeletion);
  CHECK(del->PendingWindowInDays == 30);
}

TEST_CASE("List operations decode their entries and pagination") {
  auto client =
      MakeClient(OkTransport(R"({"Keys":[{"KeyId":"k1","KeyArn":"a1"},{"KeyId":"k2","KeyArn":"a2"}],
      "Aliases":[{"AliasName":"alias/x","AliasArn":"arn:x","TargetKeyId":"k1","CreationDate":10,
                  "LastUpdatedDate":20}],
      "Tags":[{"TagKey":"t","TagValue":"v"}],"NextMarker":"next","Truncated":true})"));
  auto keys = client.ListKeys();
  REQUIRE(keys.has_value());
  REQUIRE(keys->Keys.size() == 2);
  CHECK(keys->Keys[1].KeyId == "k2");
  CHECK(keys->Keys[1].KeyArn == "a2");
  CHECK(keys->NextMarker == "next");
  CHECK(keys->Truncated == true);
  auto aliases = client.ListAliases();
  REQUIRE(aliases.has_value());
  REQUIRE(aliases->Aliases.size() == 1);
  CHECK(aliases->Aliases[0].AliasName == "alias/x");
  CHECK(aliases->Aliases[0].TargetKeyId == "k1");
  CHECK(aliases->Aliases[0].LastUpdatedDate == kms::Timestamp(std::chrono::seconds(20)));
  auto tags = client.ListResourceTags({"k", std::nullopt, std::nullopt});
  REQUIRE(tags.has_value());
  REQUIRE(tags->Tags.size() == 1);
  CHECK(tags->Tags[0].TagKey == "t");
  CHECK(tags->Tags[0].TagValue == "v");
}

TEST_CASE("Operations without output accept an empty body, and nulls count as absent") {
  auto client = MakeClient(OkTransport(""));
  CHECK(client.CreateAlias({"alias/a", "k"}).has_value());
  auto keys = client.ListKeys();
  REQUIRE(keys.has_value());
  CHECK(keys->Keys.empty());
  auto nulls = MakeClient(OkTransport(R"({"Keys":null,"NextMarker":null,"Truncated":null})"));
  auto listed = nulls.ListKeys();
  REQUIRE(listed.has_value());
  CHECK_FALSE(listed->Truncated.has_value());
}

TEST_CASE("A 2xx body that does not decode is kInternal with the member at fault") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"KeyMetadata":{"Enabled":"yes"}})", "KeyMetadata.Enabled is not a boolean"},
      {R"({"KeyMetadata":{"KeyId":7}})", "KeyMetadata.KeyId is not a string"},
      {R"({"KeyMetadata":{"CreationDate":"2024-01-01"}})",
       "KeyMetadata.CreationDate is not a number"},
      {R"({"KeyMetadata":{"CreationDate":1e300}})", "KeyMetadata.CreationDate is not a timestamp"},
      {R"({"KeyMetadata":{"PendingDeletionWindowInDays":1.5}})",
       "KeyMetadata.PendingDeletionWindowInDays is not a 32-bit integer"},
      {R"({"KeyMetadata":{"EncryptionAlgorithms":[1]}})",
       "KeyMetadata.EncryptionAlgorithms is not a list of strings"},
      {R"({"KeyMetadata":{"MultiRegionConfiguration":{"ReplicaKeys":[{"Arn":false}]}}})",
       "KeyMetadata.MultiRegionConfiguration.ReplicaKeys[].Arn is not a string"},
      {R"({"KeyMetadata":[]})", "KeyMetadata is not an object"},
      {R"([1,2])", "the body is not a JSON object"},
  };
  for (const auto& [body, why] : cases) {
    CAPTURE(body);
    auto client =
        MakeClient(std::make_shared<FakeTransport>(std::vector<kms::Result<kms::HttpResponse>>{
            Answer(200, body, {{"x-amzn-RequestId", "rid"}})}));
    auto r = client.DescribeKey({"k", {}});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::kInternal);
    CHECK(r.error().message == std::string("Unable to parse the KMS response: ") + why);
    CHECK(r.error().http_status == 200);
    CHECK(r.error().request_id == "rid");
  }
}

TEST_CASE("Invalid base64 or JSON in a 2xx body is reported") {
  auto bad_b64 = MakeClient(OkTransport(R"({"Plaintext":"not base64!"})"));
  auto r = bad_b64.GenerateRandom({});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message == "Unable to parse the KMS response: Plaintext is not valid base64");
  auto bad_blob = MakeClient(OkTransport(R"({"CiphertextBlob":"AQI"})"));
  kms::EncryptRequest enc;
  auto e = bad_blob.Encrypt(enc);
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().message ==
        "Unable to parse the KMS response: CiphertextBlob is not valid base64");
  auto bad_json = MakeClient(OkTransport("{\"KeyId\":"));
  auto j = bad_json.CancelKeyDeletion({"k"});
  REQUIRE_FALSE(j.has_value());
  CHECK(j.error().code == ErrorCode::kInternal);
  CHECK(j.error().message.rfind("Unable to parse the KMS response: ", 0) == 0);
  CHECK(j.error().message.size() > 34);
}
