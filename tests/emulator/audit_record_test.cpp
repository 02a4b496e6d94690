// Tests for the CloudTrail records of KMS calls (audit/record_builder, audit/request_parameters),
// driven through the router as a client would: fields, shapes and names as AWS's documented KMS
// records have them, and no plaintext, ciphertext or key material anywhere.
#include <doctest/doctest.h>

#include <kms/internal/encoding.hpp>
#include <set>

#include "audit/record_builder.hpp"
#include "audit/request_parameters.hpp"
#include "audit_fixture.hpp"

namespace {

using namespace kms::emulator;
using namespace kms::emulator::testing;
using boost::json::object;
using kms::HttpRequest;
using kms::HttpResponse;

constexpr std::string_view kPlaintextB64 =
    "c2VjcmV0IGxhdW5jaCBjb2RlcyAwMDAw";  // "secret launch..."

// The members every KMS record has, in AWS's order, whatever the operation.
void CheckCommonFields(const object& r, std::string_view event_name, bool read_only) {
  CHECK(Text(r.at("eventVersion")) == "1.11");
  CHECK(Text(r.at("eventSource")) == "kms.amazonaws.com");
  CHECK(Text(r.at("eventName")) == event_name);
  CHECK(Text(r.at("awsRegion")) == kAuditRegion);
  CHECK(Text(r.at("sourceIPAddress")) == "192.0.2.10");
  CHECK(Text(r.at("userAgent")) == kUserAgent);
  CHECK(r.at("readOnly").as_bool() == read_only);
  CHECK(Text(r.at("eventType")) == "AwsApiCall");
  CHECK(r.at("managementEvent").as_bool());
  CHECK(Text(r.at("eventCategory")) == "Management");
  CHECK(Text(r.at("recipientAccountId")) == kAuditAccount);
  CHECK(r.at("resources").is_array());
  CHECK(r.contains("requestParameters"));
  CHECK(r.contains("responseElements"));
  std::string time = Text(r.at("eventTime"));
  CHECK(time.size() == 20);
  CHECK(time[10] == 'T');
  CHECK(time.back() == 'Z');
  CHECK(Text(r.at("requestID")).size() == 36);
  CHECK(Text(r.at("eventID")).size() == 36);
}

void CheckKeyResources(const object& r, const std::vector<std::string>& arns) {
  const auto& resources = r.at("resources").as_array();
  REQUIRE(resources.size() == arns.size());
  for (size_t i = 0; i < arns.size(); ++i) {
    const object& res = resources[i].as_object();
    CHECK(Text(res.at("ARN")) == arns[i]);
    CHECK(Text(res.at("type")) == "AWS::KMS::Key");
    CHECK(Text(res.at("accountId")) == kAuditAccount);
  }
}

std::vector<std::string> Keys(const object& o) {
  std::vector<std::string> out;
  for (const auto& kv : o) out.emplace_back(kv.key());
  return out;
}

TEST_CASE("An Encrypt record has the request's key, context and algorithm but not the plaintext") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  auto out =
      f.Ok("Encrypt", R"({"KeyId":")" + key + R"(","Plaintext":")" + std::string(kPlaintextB64) +
                          R"(","EncryptionContext":{"Department":"Engineering"}})");
  object r = f.Last();
  CheckCommonFields(r, "Encrypt", true);
  const object& params = r.at("requestParameters").as_object();
  CHECK(Keys(params) ==
        std::vector<std::string>{"keyId", "encryptionContext", "encryptionAlgorithm"});
  CHECK(Text(params.at("keyId")) == key);
  CHECK(Text(params.at("encryptionContext").at("Department")) == "Engineering");
  CHECK(Text(params.at("encryptionAlgorithm")) == "SYMMETRIC_DEFAULT");  // AWS adds the default
  CHECK(r.at("responseElements").is_null());
  CheckKeyResources(r, {KeyArnOf(key)});
  auto material = f.store().FindKey(kAuditAccount, kAuditRegion, key)->current_material_id;
  CHECK(Text(r.at("additionalEventData").at("keyMaterialId")) == material);
  std::string text = boost::json::serialize(r);
  CHECK(text.find(kPlaintextB64) == std::string::npos);
  CHECK(text.find(Text(out.at("CiphertextBlob"))) == std::string::npos);
  CHECK_FALSE(r.contains("errorCode"));
}

TEST_CASE("A record keeps AWS's field order") {
  AuditFixture f;
  f.NewKeyId();
  CHECK(Keys(f.Last()) ==
        std::vector<std::string>{"eventVersion", "userIdentity", "eventTime", "eventSource",
                                 "eventName", "awsRegion", "sourceIPAddress", "userAgent",
                                 "requestParameters", "responseElements", "requestID", "eventID",
                                 "readOnly", "resources", "eventType", "managementEvent",
                                 "recipientAccountId", "eventCategory"});
}

TEST_CASE("A Decrypt record without KeyId names the key from the ciphertext, not the blob") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  auto blob = Text(f.Ok("Encrypt", R"({"KeyId":")" + key + R"(","Plaintext":")" +
                                       std::string(kPlaintextB64) + R"("})")
                       .at("CiphertextBlob"));
  auto out = f.Ok("Decrypt", R"({"CiphertextBlob":")" + blob + R"("})");
  object r = f.Last();
  CheckCommonFields(r, "Decrypt", true);
  const object& params = r.at("requestParameters").as_object();
  CHECK(Keys(params) == std::vector<std::string>{"encryptionAlgorithm"});
  CheckKeyResources(r, {KeyArnOf(key)});
  CHECK(Text(r.at("additionalEventData").at("keyMaterialId")) == Text(out.at("KeyMaterialId")));
  std::string text = boost::json::serialize(r);
  CHECK(text.find(blob) == std::string::npos);
  CHECK(text.find(kPlaintextB64) == std::string::npos);
}

TEST_CASE("A GenerateDataKey record has keySpec and context but neither data key form") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  auto out = f.Ok(
      "GenerateDataKey",
      R"({"KeyId":")" + key + R"(","KeySpec":"AES_256","EncryptionContext":{"Project":"Alpha"}})");
  object r = f.Last();
  CheckCommonFields(r, "GenerateDataKey", true);
  const object& params = r.at("requestParameters").as_object();
  CHECK(Keys(params) == std::vector<std::string>{"keyId", "keySpec", "encryptionContext"});
  CHECK(Text(params.at("keySpec")) == "AES_256");
  CHECK(r.at("responseElements").is_null());
  CheckKeyResources(r, {KeyArnOf(key)});
  std::string text = boost::json::serialize(r);
  CHECK(text.find(Text(out.at("Plaintext"))) == std::string::npos);
  CHECK(text.find(Text(out.at("CiphertextBlob"))) == std::string::npos);
}

TEST_CASE("A GenerateDataKeyWithoutPlaintext record logs numberOfBytes") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  f.Ok("GenerateDataKeyWithoutPlaintext", R"({"KeyId":")" + key + R"(","NumberOfBytes":24})");
  object r = f.Last();
  CheckCommonFields(r, "GenerateDataKeyWithoutPlaintext", true);
  CHECK(r.at("requestParameters").at("numberOfBytes").as_int64() == 24);
}

TEST_CASE("A ReEncrypt record names the source key then the destination key") {
  AuditFixture f;
  std::string source = f.NewKeyId();
  std::string destination = f.NewKeyId();
  auto blob = Text(f.Ok("Encrypt", R"({"KeyId":")" + source + R"(","Plaintext":")" +
                                       std::string(kPlaintextB64) +
                                       R"(","EncryptionContext":{"Level":"1"}})")
                       .at("CiphertextBlob"));
  auto out =
      f.Ok("ReEncrypt", R"({"CiphertextBlob":")" + blob +
                            R"(","SourceEncryptionContext":{"Level":"1"},"DestinationKeyId":")" +
                            destination + R"(","DestinationEncryptionContext":{"Level":"3A"}})");
  object r = f.Last();
  CheckCommonFields(r, "ReEncrypt", true);
  const object& params = r.at("requestParameters").as_object();
  CHECK(Text(params.at("sourceEncryptionAlgorithm")) == "SYMMETRIC_DEFAULT");
  CHECK(Text(params.at("destinationEncryptionAlgorithm")) == "SYMMETRIC_DEFAULT");
  CHECK(Text(params.at("destinationKeyId")) == destination);
  CHECK(Text(params.at("sourceEncryptionContext").at("Level")) == "1");
  CHECK(Text(params.at("destinationEncryptionContext").at("Level")) == "3A");
  CHECK_FALSE(params.contains("ciphertextBlob"));
  CheckKeyResources(r, {KeyArnOf(source), KeyArnOf(destination)});
  const object& extra = r.at("additionalEventData").as_object();
  CHECK(Text(extra.at("sourceKeyMaterialId")) == Text(out.at("SourceKeyMaterialId")));
  CHECK(Text(extra.at("destinationKeyMaterialId")) == Text(out.at("DestinationKeyMaterialId")));
  CHECK(boost::json::serialize(r).find(Text(out.at("CiphertextBlob"))) == std::string::npos);
}

TEST_CASE("A CreateKey record shows the key's defaults and its keyMetadata as AWS logs them") {
  AuditFixture f;
  auto metadata =
      f.Ok("CreateKey", R"({"Description":"audit","Tags":[{"TagKey":"team","TagValue":"blue"}]})")
          .at("KeyMetadata")
          .as_object();
  object r = f.Last();
  CheckCommonFields(r, "CreateKey", false);
  const object& params = r.at("requestParameters").as_object();
  CHECK(Text(params.at("description")) == "audit");
  CHECK(Text(params.at("tags").at(0).at("tagKey")) == "team");
  CHECK(Text(params.at("tags").at(0).at("tagValue")) == "blue");
  CHECK(params.at("bypassPolicyLockoutSafetyCheck").as_bool() == false);
  CHECK(Text(params.at("keySpec")) == "SYMMETRIC_DEFAULT");
  CHECK(Text(params.at("customerMasterKeySpec")) == "SYMMETRIC_DEFAULT");
  CHECK(Text(params.at("keyUsage")) == "ENCRYPT_DECRYPT");
  CHECK(Text(params.at("origin")) == "AWS_KMS");
  CHECK(params.at("multiRegion").as_bool() == false);
  const object& logged = r.at("responseElements").at("keyMetadata").as_object();
  CHECK(Text(logged.at("AWSAccountId")) == kAuditAccount);
  CHECK(Text(logged.at("keyId")) == Text(metadata.at("KeyId")));
  CHECK(Text(logged.at("arn")) == Text(metadata.at("Arn")));
  CHECK(Text(logged.at("keyState")) == "Enabled");
  CHECK(logged.at("enabled").as_bool());
  CHECK(Text(logged.at("encryptionAlgorithms").at(0)) == "SYMMETRIC_DEFAULT");
  auto ms = static_cast<int64_t>(metadata.at("CreationDate").to_number<double>() * 1000.0 + 0.5);
  CHECK(Text(logged.at("creationDate")) == audit::CloudTrailDate(ms));
  CheckKeyResources(r, {Text(metadata.at("Arn"))});
}

TEST_CASE("ScheduleKeyDeletion and CancelKeyDeletion records carry their response elements") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  auto scheduled =
      f.Ok("ScheduleKeyDeletion", R"({"KeyId":")" + key + R"(","PendingWindowInDays":20})");
  object r = f.Last();
  CheckCommonFields(r, "ScheduleKeyDeletion", false);
  CHECK(r.at("requestParameters").at("pendingWindowInDays").as_int64() == 20);
  const object& elements = r.at("responseElements").as_object();
  CHECK(Text(elements.at("keyId")) == KeyArnOf(key));
  CHECK(Text(elements.at("keyState")) == "PendingDeletion");
  CHECK(elements.at("pendingWindowInDays").as_int64() == 20);
  auto ms = static_cast<int64_t>(scheduled.at("DeletionDate").to_number<double>() * 1000.0 + 0.5);
  CHECK(Text(elements.at("deletionDate")) == audit::CloudTrailDate(ms));
  f.Ok("CancelKeyDeletion", R"({"KeyId":")" + key + R"("})");
  r = f.Last();
  CHECK(Keys(r.at("responseElements").as_object()) == std::vector<std::string>{"keyId"});
  CheckKeyResources(r, {KeyArnOf(key)});
}

TEST_CASE("Management calls without a logged response have responseElements null") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  for (std::string op : {"DisableKey", "EnableKey", "DescribeKey"}) {
    f.Ok(op, R"({"KeyId":")" + key + R"("})");
    object r = f.Last();
    CheckCommonFields(r, op, op == "DescribeKey");
    CHECK(r.at("responseElements").is_null());
    CHECK(Text(r.at("requestParameters").at("keyId")) == key);
    CheckKeyResources(r, {KeyArnOf(key)});
  }
}

TEST_CASE("Alias records name the key and the alias in AWS's order") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  std::string other = f.NewKeyId();
  std::string alias_arn = "arn:aws:kms:us-east-1:111122223333:alias/audit";
  f.Ok("CreateAlias", R"({"AliasName":"alias/audit","TargetKeyId":")" + key + R"("})");
  object r = f.Last();
  CheckCommonFields(r, "CreateAlias", false);
  CHECK(Text(r.at("requestParameters").at("aliasName")) == "alias/audit");
  CHECK(Text(r.at("requestParameters").at("targetKeyId")) == key);
  CheckKeyResources(r, {KeyArnOf(key), alias_arn});
  f.Ok("UpdateAlias", R"({"AliasName":"alias/audit","TargetKeyId":")" + other + R"("})");
  CheckKeyResources(f.Last(), {alias_arn, KeyArnOf(other)});
  f.Ok("DeleteAlias", R"({"AliasName":"alias/audit"})");
  CheckKeyResources(f.Last(), {alias_arn});  // the alias is gone: its key is not known any more
}

TEST_CASE("Tag records log tags and tag keys in lowerCamel") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  f.Ok("TagResource", R"({"KeyId":")" + key + R"(","Tags":[{"TagKey":"Dept","TagValue":"IT"}]})");
  object r = f.Last();
  CHECK(Text(r.at("requestParameters").at("tags").at(0).at("tagKey")) == "Dept");
  CHECK(Text(r.at("requestParameters").at("tags").at(0).at("tagValue")) == "IT");
  f.Ok("UntagResource", R"({"KeyId":")" + key + R"(","TagKeys":["Dept"]})");
  CHECK(Text(f.Last().at("requestParameters").at("tagKeys").at(0)) == "Dept");
}

TEST_CASE("A GenerateRandom record names no resource") {
  AuditFixture f;
  auto out = f.Ok("GenerateRandom", R"({"NumberOfBytes":32})");
  object r = f.Last();
  CheckCommonFields(r, "GenerateRandom", true);
  CHECK(r.at("requestParameters").at("numberOfBytes").as_int64() == 32);
  CHECK(r.at("resources").as_array().empty());
  CHECK(boost::json::serialize(r).find(Text(out.at("Plaintext"))) == std::string::npos);
}

TEST_CASE("ListKeys without members has requestParameters null") {
  AuditFixture f;
  f.Ok("ListKeys", "{}");
  object r = f.Last();
  CheckCommonFields(r, "ListKeys", true);
  CHECK(r.at("requestParameters").is_null());
  CHECK(r.at("resources").as_array().empty());
}

TEST_CASE("A failed call has errorCode and errorMessage, its parameters and its key") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  f.Ok("DisableKey", R"({"KeyId":")" + key + R"("})");
  HttpResponse response = f.Kms("Encrypt", R"({"KeyId":")" + key + R"(","Plaintext":")" +
                                               std::string(kPlaintextB64) + R"("})");
  REQUIRE(response.status == 400);
  object r = f.Last();
  CheckCommonFields(r, "Encrypt", true);
  CHECK(Text(r.at("errorCode")) == "DisabledException");
  CHECK(Text(r.at("errorMessage")) == KeyArnOf(key) + " is disabled.");
  CHECK(Text(r.at("requestParameters").at("keyId")) == key);
  CHECK(r.at("responseElements").is_null());
  CHECK_FALSE(r.contains("additionalEventData"));
  CheckKeyResources(r, {KeyArnOf(key)});
  CHECK(boost::json::serialize(r).find(kPlaintextB64) == std::string::npos);
  CHECK(f.LastStored().event_name == "Encrypt");
}

TEST_CASE("An ImportKeyMaterial record shows validTo as a date and no token or key material") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  constexpr std::string_view kToken = "dG9rZW4tYnl0ZXMtdG9rZW4tYnl0ZXM=";
  constexpr std::string_view kMaterial = "bWF0ZXJpYWwtYnl0ZXMtbWF0ZXJpYWw=";
  HttpResponse response = f.Kms(
      "ImportKeyMaterial", R"({"KeyId":")" + key + R"(","ImportToken":")" + std::string(kToken) +
                               R"(","EncryptedKeyMaterial":")" + std::string(kMaterial) +
                               R"(","ExpirationModel":"KEY_MATERIAL_EXPIRES",)"
                               R"("ValidTo":1609531200})");
  REQUIRE(response.status == 400);  // an AWS_KMS key
  object r = f.Last();
  CheckCommonFields(r, "ImportKeyMaterial", false);
  const object& params = r.at("requestParameters").as_object();
  CHECK(Keys(params) == std::vector<std::string>{"keyId", "expirationModel", "validTo"});
  // AWS: the developer guide's ImportKeyMaterial record ("validTo": "Jan 1, 2021 8:00:00 PM").
  CHECK(Text(params.at("validTo")) == audit::CloudTrailDate(1609531200000));
  std::string text = boost::json::serialize(r);
  CHECK(text.find(kToken) == std::string::npos);
  CHECK(text.find(kMaterial) == std::string::npos);
}

TEST_CASE("A failed Decrypt without KeyId names the key from the ciphertext's header") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  auto blob = Text(f.Ok("Encrypt", R"({"KeyId":")" + key +
                                       R"(","Plaintext":"eA==","EncryptionContext":{"a":"1"}})")
                       .at("CiphertextBlob"));
  REQUIRE(f.Kms("Decrypt", R"({"CiphertextBlob":")" + blob + R"(","EncryptionContext":{"a":"2"}})")
              .status == 400);
  object r = f.Last();
  CHECK(Text(r.at("errorCode")) == "InvalidCiphertextException");
  CHECK(Text(r.at("errorMessage")).empty());
  CheckKeyResources(r, {KeyArnOf(key)});
  REQUIRE(f.Kms("Decrypt", R"({"CiphertextBlob":"bm90IGEgYmxvYg=="})").status == 400);
  CHECK(f.Last().at("resources").as_array().empty());
}

TEST_CASE("A call naming a missing key has no resources") {
  AuditFixture f;
  HttpResponse response = f.Kms("DescribeKey", R"({"KeyId":"alias/none"})");
  REQUIRE(response.status == 400);
  object r = f.Last();
  CHECK(Text(r.at("errorCode")) == "NotFoundException");
  CHECK(Text(r.at("errorMessage")) ==
        "Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.");
  CHECK(r.at("resources").as_array().empty());
}

TEST_CASE("A body that is not JSON is recorded with requestParameters null") {
  AuditFixture f;
  HttpResponse response = f.Kms("Encrypt", "{not json");
  REQUIRE(response.status == 400);
  object r = f.Last();
  CHECK(Text(r.at("errorCode")) == "SerializationException");
  CHECK(r.at("requestParameters").is_null());
  CHECK(r.at("resources").as_array().empty());
}

TEST_CASE("A malformed Authorization header is recorded as an error of the operation") {
  AuditFixture f;
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"X-Amz-Target", "TrentService.ListKeys"},
                     {"Authorization", "AWS4-HMAC-SHA256 garbage"},
                     {"X-Amz-Date", "20240101T000000Z"}};
  request.body = "{}";
  Router router(f.services(), RouterOptions{kAuditRegion, kAuditAccount});
  HttpResponse response = router.Handle(request);
  REQUIRE(response.status == 400);
  object r = f.Last();
  CHECK(Text(r.at("eventName")) == "ListKeys");
  CHECK(Text(r.at("errorCode")) == std::string(response.Header("x-amzn-ErrorType")));
  CHECK(r.at("requestParameters").is_null());
  CHECK_FALSE(r.contains("userAgent"));
  CHECK_FALSE(r.contains("sourceIPAddress"));
}

TEST_CASE("Requests that are not KMS calls leave no record") {
  AuditFixture f;
  CHECK(f.Send("TrentService.NoSuchOperation", "{}").status == 400);
  CHECK(f.Send("", "{}").status == 400);
  CHECK(f.LookupEvents("{}").status == 200);
  CHECK(f.Records().empty());
}

TEST_CASE("The caller without a known user is the account's root") {
  AuditFixture f;
  f.Ok("ListKeys", "{}");
  object r = f.Last();
  const object& id = r.at("userIdentity").as_object();
  CHECK(Keys(id) ==
        std::vector<std::string>{"type", "principalId", "arn", "accountId", "accessKeyId"});
  CHECK(Text(id.at("type")) == "Root");
  CHECK(Text(id.at("principalId")) == kAuditAccount);
  CHECK(Text(id.at("arn")) == "arn:aws:iam::111122223333:root");
  CHECK(Text(id.at("accountId")) == kAuditAccount);
  CHECK(Text(id.at("accessKeyId")) == kAccessKey);
  CHECK(f.LastStored().username == "root");
}

TEST_CASE("A caller of the credentials file is an IAMUser with its user name and account") {
  auto callers = CallerDirectory::Parse(
      "[alice]\naws_access_key_id = AKIAALICE\naws_secret_access_key = s\n"
      "aws_account_id = 444455556666\n",
      "test", kAuditAccount);
  REQUIRE(callers.has_value());
  AuthConfig auth;
  auth.callers = std::make_shared<const CallerDirectory>(std::move(*callers));
  AuditFixture f({}, auth);
  REQUIRE(f.Kms("ListKeys", "{}", "AKIAALICE").status == 200);
  REQUIRE(f.audit().Flush().has_value());
  audit::LookupQuery query;
  query.account = "444455556666";
  query.region = kAuditRegion;
  auto events = f.audit().Lookup(query);
  REQUIRE(events.has_value());
  REQUIRE(events->size() == 1);
  object r = ParseObject((*events)[0].record);
  const object& id = r.at("userIdentity").as_object();
  CHECK(Keys(id) == std::vector<std::string>{"type", "principalId", "arn", "accountId",
                                             "accessKeyId", "userName"});
  CHECK(Text(id.at("type")) == "IAMUser");
  CHECK(Text(id.at("principalId")) == audit::UserPrincipalId("444455556666", "alice"));
  CHECK(Text(id.at("arn")) == "arn:aws:iam::444455556666:user/alice");
  CHECK(Text(id.at("accountId")) == "444455556666");
  CHECK(Text(id.at("accessKeyId")) == "AKIAALICE");
  CHECK(Text(id.at("userName")) == "alice");
  CHECK(Text(r.at("recipientAccountId")) == "444455556666");
  CHECK((*events)[0].username == "alice");
  // Lookups by the user's name and access key find it; "root" and other names do not.
  auto count = [&](audit::LookupKey key, std::string value) {
    audit::LookupQuery by = query;
    by.key = key;
    by.value = std::move(value);
    auto found = f.audit().Lookup(by);
    REQUIRE(found.has_value());
    return found->size();
  };
  CHECK(count(audit::LookupKey::kUsername, "alice") == 1);
  CHECK(count(audit::LookupKey::kUsername, "root") == 0);
  CHECK(count(audit::LookupKey::kUsername, "alic") == 0);
  CHECK(count(audit::LookupKey::kAccessKeyId, "AKIAALICE") == 1);
  CHECK(count(audit::LookupKey::kAccessKeyId, "AKIAALIC") == 0);
}

TEST_CASE("UserPrincipalId looks like an IAM user id and is stable") {
  std::string id = audit::UserPrincipalId("111122223333", "bob");
  CHECK(id.size() == 21);
  CHECK(id.starts_with("AIDA"));
  for (char c : id) CHECK(((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')));
  CHECK(id == audit::UserPrincipalId("111122223333", "bob"));
  CHECK(id != audit::UserPrincipalId("111122223333", "carol"));
  CHECK(id != audit::UserPrincipalId("444455556666", "bob"));
}

TEST_CASE("Encryption context keys and values are logged exactly, escaped as JSON") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  f.Ok("Encrypt", R"({"KeyId":")" + key + R"(","Plaintext":"eA==","EncryptionContext":)" +
                      R"({"Quote\"Key":"line\nbreak","ünï":"\u0001","a":""}})");
  object r = f.Last();
  const object& context = r.at("requestParameters").at("encryptionContext").as_object();
  CHECK(Text(context.at("Quote\"Key")) == "line\nbreak");
  CHECK(Text(context.at("ünï")) == "\x01");
  CHECK(Text(context.at("a")).empty());
}

TEST_CASE("Grant tokens, unknown members and JSON nulls are not logged") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  f.Ok("Encrypt", R"({"KeyId":")" + key + R"(","Plaintext":"eA==","GrantTokens":["tok"],)" +
                      R"("Invented":"x","EncryptionContext":null})");
  object r = f.Last();
  const object& params = r.at("requestParameters").as_object();
  CHECK(Keys(params) == std::vector<std::string>{"keyId", "encryptionAlgorithm"});
}

TEST_CASE("Every blob and secret member of the model is omitted") {
  for (std::string_view member :
       {"Plaintext", "CiphertextBlob", "EncryptedKeyMaterial", "ImportToken", "Message",
        "Signature", "Mac", "PublicKey", "AttestationDocument", "KeyStorePassword",
        "RawSecretAccessKey", "AccessKeyId", "GrantToken", "GrantTokens"}) {
    CHECK_MESSAGE(audit::IsOmittedMember(member), member);
  }
  for (std::string_view member : {"KeyId", "EncryptionContext", "KeySpec", "NumberOfBytes"}) {
    CHECK_FALSE(audit::IsOmittedMember(member));
  }
}

TEST_CASE("Read-only and tracked operations are classified as CloudTrail and GetKeyLastUsage do") {
  for (std::string_view op :
       {"Encrypt", "Decrypt", "GenerateDataKey", "ReEncrypt", "GenerateRandom", "DescribeKey",
        "ListAliases", "GetKeyLastUsage", "Sign", "Verify", "GenerateMac", "VerifyMac"}) {
    CHECK_MESSAGE(audit::IsReadOnlyOperation(op), op);
  }
  for (std::string_view op : {"CreateKey", "DisableKey", "ScheduleKeyDeletion", "CreateAlias",
                              "TagResource", "UpdateKeyDescription", "CreateGrant"}) {
    CHECK_FALSE_MESSAGE(audit::IsReadOnlyOperation(op), op);
  }
  CHECK(audit::IsTrackedOperation("GenerateDataKeyPairWithoutPlaintext"));
  CHECK(audit::IsTrackedOperation("DeriveSharedSecret"));
  CHECK_FALSE(audit::IsTrackedOperation("GenerateRandom"));
  CHECK_FALSE(audit::IsTrackedOperation("DescribeKey"));
}

TEST_CASE("The stored columns match the record") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  HttpResponse response = f.Kms("Encrypt", R"({"KeyId":")" + key + R"(","Plaintext":"eA=="})");
  audit::StoredEvent stored = f.LastStored();
  object r = ParseObject(stored.record);
  CHECK(stored.event_id == Text(r.at("eventID")));
  CHECK(stored.event_name == "Encrypt");
  CHECK(stored.read_only);
  CHECK(stored.access_key_id == kAccessKey);
  CHECK(stored.resources == std::vector<std::string>{KeyArnOf(key)});
  CHECK(Text(r.at("requestID")) == std::string(response.Header("x-amzn-RequestId")));
  CHECK(audit::Iso8601(stored.time_ms) == Text(r.at("eventTime")));
}

TEST_CASE("FastUuid makes distinct version-4 UUIDs") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = audit::FastUuid();
    REQUIRE(id.size() == 36);
    CHECK(id[8] == '-');
    CHECK(id[13] == '-');
    CHECK(id[14] == '4');
    CHECK(id[18] == '-');
    CHECK(std::string_view("89ab").find(id[19]) != std::string_view::npos);
    CHECK(id[23] == '-');
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}

}  // namespace
