// Tests for the key-management handlers: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription,
// EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "management_fixture.hpp"

using kms::ErrorCode;
using kms::KeySpec;
using kms::KeyState;
using kms::KeyUsage;
using namespace kms::emulator;
using namespace kms::emulator::testing;

namespace {

std::vector<std::string> MemberNames(const boost::json::object& o) {
  std::vector<std::string> names;
  for (const auto& kv : o) names.emplace_back(kv.key());
  return names;
}

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Tags(size_t n, size_t first = 0) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ",";
    out += R"({"TagKey":"k)" + std::to_string(first + i) + R"(","TagValue":"v"})";
  }
  return out + "]";
}

std::string Validation1(std::string violation) {
  return "1 validation error detected: " + violation;
}

const std::string kKeySpecSet =
    "[RSA_2048, ECC_NIST_P384, ECC_NIST_P256, ECC_NIST_P521, HMAC_384, RSA_3072, "
    "ECC_SECG_P256K1, RSA_4096, SYMMETRIC_DEFAULT, HMAC_256, HMAC_224, HMAC_512, ML_DSA_44, "
    "ML_DSA_65, ML_DSA_87, ECC_NIST_EDWARDS25519]";

}  // namespace

// ---- CreateKey ----

TEST_CASE("CreateKey makes an enabled symmetric key with AWS's KeyMetadata") {
  Fixture f;
  RequestContext ctx = f.Ctx();
  auto m = f.NewKey(R"({"Description":"test key 123","KeyUsage":"ENCRYPT_DECRYPT"})", ctx);
  // AWS: member presence and order of test_create_key's describe-key snapshot.
  CHECK(MemberNames(m) == std::vector<std::string>{"AWSAccountId", "Arn", "CreationDate",
                                                   "CurrentKeyMaterialId", "CustomerMasterKeySpec",
                                                   "Description", "Enabled", "EncryptionAlgorithms",
                                                   "KeyId", "KeyManager", "KeySpec", "KeyState",
                                                   "KeyUsage", "MultiRegion", "Origin"});
  std::string id = Str(m.at("KeyId"));
  CHECK(IsKeyUuid(id));
  CHECK(Str(m.at("AWSAccountId")) == kAccount);
  CHECK(Str(m.at("Arn")) == ArnOf(id));
  CHECK(m.at("CreationDate").as_double() == static_cast<double>(ctx.now_ms) / 1000.0);
  CHECK(IsLowerHex64(Str(m.at("CurrentKeyMaterialId"))));
  CHECK(Str(m.at("CustomerMasterKeySpec")) == "SYMMETRIC_DEFAULT");
  CHECK(Str(m.at("Description")) == "test key 123");
  CHECK(m.at("Enabled").as_bool());
  CHECK(boost::json::serialize(m.at("EncryptionAlgorithms")) == R"(["SYMMETRIC_DEFAULT"])");
  CHECK(Str(m.at("KeyManager")) == "CUSTOMER");
  CHECK(Str(m.at("KeySpec")) == "SYMMETRIC_DEFAULT");
  CHECK(Str(m.at("KeyState")) == "Enabled");
  CHECK(Str(m.at("KeyUsage")) == "ENCRYPT_DECRYPT");
  CHECK(m.at("MultiRegion").as_bool() == false);
  CHECK(Str(m.at("Origin")) == "AWS_KMS");
}

TEST_CASE("CreateKey stores 32 bytes of material under the reported material id") {
  Fixture f;
  auto m = f.NewKey();
  auto key = f.store().FindKey(kAccount, kRegion, Str(m.at("KeyId")));
  REQUIRE(key);
  REQUIRE(key->materials.size() == 1);
  CHECK(key->materials[0].bytes->size() == 32);
  CHECK(key->current_material_id == Str(m.at("CurrentKeyMaterialId")));
  CHECK(key->CurrentMaterial() != nullptr);
  CHECK(f.NewKey().at("CurrentKeyMaterialId") != m.at("CurrentKeyMaterialId"));
}

TEST_CASE("CreateKey without a policy stores AWS's default key policy for the account") {
  Fixture f;
  auto key = f.store().FindKey(kAccount, kRegion, f.NewKeyId());
  REQUIRE(key);
  CHECK(key->policy == kDefaultPolicy);
}

TEST_CASE("CreateKey stores a given policy (re-printed as AWS does), description and tags") {
  Fixture f;
  auto m = f.NewKey(R"({"Policy":"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",)"
                    R"(\"Principal\":\"*\",\"Action\":\"kms:*\"}}","Description":"d",)"
                    R"("BypassPolicyLockoutSafetyCheck":true,)"
                    R"("Tags":[{"TagKey":"b","TagValue":"1"},{"TagKey":"a","TagValue":""}]})");
  auto key = f.store().FindKey(kAccount, kRegion, Str(m.at("KeyId")));
  REQUIRE(key);
  // Policy validation and printing are tested in policy_ops_test.cpp.
  CHECK(key->policy ==
        "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : {\n    \"Effect\" : \"Allow\",\n"
        "    \"Principal\" : \"*\",\n    \"Action\" : \"kms:*\"\n  }\n}");
  CHECK(key->description == "d");
  REQUIRE(key->tags.size() == 2);
  CHECK(key->tags[0].key == "b");
  CHECK(key->tags[1].key == "a");
  CHECK(key->tags[1].value == "");
}

TEST_CASE("CreateKey accepts the deprecated CustomerMasterKeySpec alone") {
  Fixture f;
  auto m = f.NewKey(R"({"CustomerMasterKeySpec":"SYMMETRIC_DEFAULT","MultiRegion":false})");
  CHECK(Str(m.at("KeySpec")) == "SYMMETRIC_DEFAULT");
}

TEST_CASE("CreateKey accepts exactly 50 tags") {
  Fixture f;
  auto m = f.NewKey(R"({"Tags":)" + Tags(50) + "}");
  CHECK(f.store().FindKey(kAccount, kRegion, Str(m.at("KeyId")))->tags.size() == 50);
}

TEST_CASE("CreateKey rejects enum values outside AWS's sets with AWS's enum wording") {
  Fixture f;
  // AWS: test_hmac_create_key_invalid_operations (members added since then are appended).
  CHECK_AWS_ERROR(
      f.Call(CreateKey, R"({"KeySpec":"HMAC_random","KeyUsage":"GENERATE_VERIFY_MAC"})"),
      ErrorCode::kValidation,
      Validation1("Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: "
                  "Member must satisfy enum value set: " +
                  kKeySpecSet));
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeyUsage":"RANDOM"})"), ErrorCode::kValidation,
                  Validation1("Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: Member "
                              "must satisfy enum value set: [ENCRYPT_DECRYPT, SIGN_VERIFY, "
                              "GENERATE_VERIFY_MAC, KEY_AGREEMENT]"));
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Origin":"NOWHERE"})"), ErrorCode::kValidation,
                  Validation1("Value 'NOWHERE' at 'origin' failed to satisfy constraint: Member "
                              "must satisfy enum value set: [AWS_KMS, EXTERNAL, AWS_CLOUDHSM, "
                              "EXTERNAL_KEY_STORE]"));
  CHECK_AWS_ERROR(
      f.Call(CreateKey, R"({"CustomerMasterKeySpec":"ML_DSA_44"})"), ErrorCode::kValidation,
      Validation1("Value 'ML_DSA_44' at 'customerMasterKeySpec' failed to satisfy constraint: "
                  "Member must satisfy enum value set: [RSA_2048, ECC_NIST_P384, ECC_NIST_P256, "
                  "ECC_NIST_P521, HMAC_384, RSA_3072, ECC_SECG_P256K1, RSA_4096, "
                  "SYMMETRIC_DEFAULT, HMAC_256, HMAC_224, HMAC_512]"));
}

TEST_CASE("CreateKey treats SM2 as outside the KeySpec set as AWS does outside China") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeySpec":"SM2","KeyUsage":"SIGN_VERIFY"})"),
                  ErrorCode::kValidation,
                  Validation1("Value 'SM2' at 'keySpec' failed to satisfy constraint: Member must "
                              "satisfy enum value set: " +
                              kKeySpecSet));
}

TEST_CASE("CreateKey rejects KeySpec together with CustomerMasterKeySpec") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeySpec":"SYMMETRIC_DEFAULT",)"
                                    R"("CustomerMasterKeySpec":"SYMMETRIC_DEFAULT"})"),
                  ErrorCode::kValidation,
                  "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
                  "CustomerMasterKeySpec is deprecated.");
}

TEST_CASE("CreateKey requires KeyUsage for every key spec but SYMMETRIC_DEFAULT") {
  Fixture f;
  // AWS: test_hmac_create_key_invalid_operations, create-hmac-key-without-key-usage.
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeySpec":"HMAC_256"})"), ErrorCode::kValidation,
                  "You must specify a KeyUsage value for all KMS keys except for symmetric "
                  "encryption keys.");
}

TEST_CASE("CreateKey rejects a key usage the key spec cannot have") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeyUsage":"SIGN_VERIFY"})"), ErrorCode::kValidation,
                  "The operation failed because the KeyUsage value of the CMK is SIGN_VERIFY. To "
                  "perform this operation, the KeyUsage value must be ENCRYPT_DECRYPT.");
  // AWS: test_derive_shared_secret, response-invalid-key-spec.
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeySpec":"RSA_2048","KeyUsage":"KEY_AGREEMENT"})"),
                  ErrorCode::kValidation,
                  "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048");
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeySpec":"HMAC_256","KeyUsage":"ENCRYPT_DECRYPT"})"),
                  ErrorCode::kValidation,
                  "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256");
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeySpec":"ECC_SECG_P256K1","KeyUsage":"KEY_AGREEMENT"})"),
                  ErrorCode::kValidation,
                  "KeyUsage KEY_AGREEMENT is not compatible with KeySpec ECC_SECG_P256K1");
}

TEST_CASE("CreateKey refuses valid key types the emulator cannot make yet") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"KeySpec":"ML_DSA_65","KeyUsage":"SIGN_VERIFY"})"),
                  ErrorCode::kUnsupportedOperation,
                  "KeySpec ML_DSA_65 is not supported by this emulator: OpenSSL 3.0 has no "
                  "ML-DSA.");
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Origin":"AWS_CLOUDHSM"})"),
                  ErrorCode::kUnsupportedOperation,
                  "Origin AWS_CLOUDHSM is not supported by this emulator yet; only AWS_KMS and "
                  "EXTERNAL keys can be created.");
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"CustomKeyStoreId":"cks-1234567890abcdef0"})"),
                  ErrorCode::kCustomKeyStoreNotFound,
                  "Custom key store 'cks-1234567890abcdef0' does not exist.");
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Origin":"EXTERNAL_KEY_STORE","XksKeyId":"k.1"})"),
                  ErrorCode::kUnsupportedOperation,
                  "Custom key stores are not emulated: they front an AWS CloudHSM cluster or an "
                  "external key store proxy, which this emulator cannot reach.");
  CHECK(f.store().ListKeys(kAccount, kRegion).empty());
}

TEST_CASE("CreateKey validates string members against the model") {
  Fixture f;
  std::string long_description(8193, 'd');
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Description":")" + long_description + R"("})"),
                  ErrorCode::kValidation,
                  Validation1("Value '" + long_description +
                              "' at 'description' failed to satisfy constraint: Member must have "
                              "length less than or equal to 8192"));
  // An empty value breaks the minimum length and the pattern (which needs one character): AWS's
  // validator reports every constraint a value breaks.
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Policy":""})"), ErrorCode::kValidation,
                  "2 validation errors detected: Value '' at 'policy' failed to satisfy "
                  "constraint: Member must have length greater than or equal to 1; Value '' at "
                  "'policy' failed to satisfy constraint: Member must satisfy regular expression "
                  "pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Policy":"{\"a\":\"\u20ac\"}"})"), ErrorCode::kValidation,
                  Validation1("Value '{\"a\":\"\xE2\x82\xAC\"}' at 'policy' failed to satisfy "
                              "constraint: Member must satisfy regular expression pattern: "
                              "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"));
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"XksKeyId":"bad id"})"), ErrorCode::kValidation,
                  Validation1("Value 'bad id' at 'xksKeyId' failed to satisfy constraint: Member "
                              "must satisfy regular expression pattern: ^[a-zA-Z0-9-_.]+$"));
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"MultiRegion":"yes"})"), ErrorCode::kSerialization,
                  "STRING_VALUE can not be converted to a Boolean");
}

TEST_CASE("CreateKey accepts policy text with tabs, newlines and Latin-1 characters") {
  Fixture f;
  auto m = f.NewKey(
      R"({"Policy":"{\n\t\"Statement\": {\"Sid\": \"caf\u00e9\",\r\n\"Effect\": \"Allow\",)"
      R"( \"Principal\": \"*\", \"Action\": \"kms:*\"}}"})");
  CHECK(f.store().FindKey(kAccount, kRegion, Str(m.at("KeyId")))->policy ==
        "{\n  \"Statement\" : {\n    \"Sid\" : \"caf\xC3\xA9\",\n    \"Effect\" : \"Allow\",\n"
        "    \"Principal\" : \"*\",\n    \"Action\" : \"kms:*\"\n  }\n}");
}

TEST_CASE("CreateKey applies AWS's tag rules") {
  Fixture f;
  // AWS: test_tag_key_with_duplicate_tag_keys_raises_error and the tests after it.
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Tags":[{"TagKey":"a","TagValue":"1"},)"
                                    R"({"TagKey":"a","TagValue":"2"}]})"),
                  ErrorCode::kTag, "Duplicate tag keys");
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Tags":)" + Tags(51) + "}"), ErrorCode::kTag,
                  "Too many tags");
  // Too many tags is reported before a reserved key among them.
  std::string tags = Tags(50);
  tags.insert(tags.size() - 1, R"(,{"TagKey":"aws:x","TagValue":"1"})");
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Tags":)" + tags + "}"), ErrorCode::kTag, "Too many tags");
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Tags":[{"TagKey":"aws:x","TagValue":"1"}]})"),
                  ErrorCode::kTag, "Tags beginning with aws: are reserved");
  CHECK_AWS_ERROR(f.Call(CreateKey, R"({"Tags":[{"TagKey":"AwS:x","TagValue":"1"}]})"),
                  ErrorCode::kTag, "Tags beginning with aws: are reserved");
  std::string long_key(129, 'a');
  CHECK_AWS_ERROR(
      f.Call(CreateKey, R"({"Tags":[{"TagKey":")" + long_key + R"(","TagValue":"1"}]})"),
      ErrorCode::kValidation,
      Validation1("Value '" + long_key +
                  "' at 'tags.1.member.tagKey' failed to satisfy constraint: Member "
                  "must have length less than or equal to 128"));
  CHECK(f.store().ListKeys(kAccount, kRegion).empty());
}

TEST_CASE("CreateKey accepts a tag key that merely contains aws:") {
  Fixture f;
  auto m =
      f.NewKey(R"({"Tags":[{"TagKey":"x-aws:y","TagValue":"1"},{"TagKey":"aws","TagValue":""}]})");
  CHECK(f.store().FindKey(kAccount, kRegion, Str(m.at("KeyId")))->tags.size() == 2);
}

// ---- DescribeKey ----

TEST_CASE("DescribeKey finds a key by id, key ARN, alias name and alias ARN") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateAlias, R"({"AliasName":"alias/desc","TargetKeyId":")" + id + R"("})");
  for (std::string key_id : {id, ArnOf(id), std::string("alias/desc"),
                             "arn:aws:kms:" + kRegion + ":" + kAccount + ":alias/desc"}) {
    auto out = f.Ok(DescribeKey, KeyIdJson(key_id));
    CHECK(MemberNames(out) == std::vector<std::string>{"KeyMetadata"});
    CHECK(Str(out.at("KeyMetadata").at("KeyId")) == id);
  }
}

TEST_CASE("DescribeKey accepts GrantTokens") {
  Fixture f;
  std::string id = f.NewKeyId();
  auto out = f.Ok(DescribeKey, R"({"KeyId":")" + id + R"(","GrantTokens":["t1","t2"]})");
  CHECK(Str(out.at("KeyMetadata").at("KeyId")) == id);
  CHECK_AWS_ERROR(f.Call(DescribeKey, R"({"KeyId":")" + id + R"(","GrantTokens":[""]})"),
                  ErrorCode::kValidation,
                  Validation1("Value '' at 'grantTokens.1.member' failed to satisfy constraint: "
                              "Member must have length greater than or equal to 1"));
}

TEST_CASE("DescribeKey reports AWS's errors for bad and unknown key ids") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(DescribeKey, "{}"), ErrorCode::kValidation,
                  Validation1("Value null at 'keyId' failed to satisfy constraint: Member must not "
                              "be null"));
  // AWS: test_get_key_invalid_uuid and test_get_key_does_not_exist.
  CHECK_AWS_ERROR(f.Call(DescribeKey, KeyIdJson("fake-key-id")), ErrorCode::kNotFound,
                  "Invalid keyId 'fake-key-id'");
  std::string missing = "11111111-2222-4333-8444-555555555555";
  CHECK_AWS_ERROR(f.Call(DescribeKey, KeyIdJson(missing)), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
  CHECK_AWS_ERROR(f.Call(DescribeKey, KeyIdJson(ArnOf(missing))), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
  CHECK_AWS_ERROR(f.Call(DescribeKey, KeyIdJson("alias/none")), ErrorCode::kNotFound,
                  "Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.");
}

TEST_CASE("Keys are invisible from another region and account except by ARN in the region") {
  Fixture f;
  std::string id = f.NewKeyId();
  // AWS: test_get_key_in_different_region.
  RequestContext other_region = f.Ctx(kAccount, kOtherRegion);
  CHECK_AWS_ERROR(f.Call(DescribeKey, KeyIdJson(id), other_region), ErrorCode::kNotFound,
                  "Key '" + ArnOf(id, kAccount, kOtherRegion) + "' does not exist");
  CHECK_AWS_ERROR(f.Call(DescribeKey, KeyIdJson(ArnOf(id)), other_region), ErrorCode::kNotFound,
                  "Invalid arn us-east-1");
  RequestContext other_account = f.Ctx(kOtherAccount, kRegion);
  CHECK_AWS_ERROR(f.Call(DescribeKey, KeyIdJson(id), other_account), ErrorCode::kNotFound,
                  "Key '" + ArnOf(id, kOtherAccount) + "' does not exist");
  // AWS: DescribeKey is cross-account with a key ARN.
  auto out = f.Ok(DescribeKey, KeyIdJson(ArnOf(id)), other_account);
  CHECK(Str(out.at("KeyMetadata").at("AWSAccountId")) == kAccount);
  // Operations that are not cross-account do not see it even by ARN.
  CHECK_AWS_ERROR(f.Call(DisableKey, KeyIdJson(ArnOf(id)), other_account), ErrorCode::kNotFound,
                  "Key '" + ArnOf(id) + "' does not exist");
  CHECK(f.Ok(ListKeys, "{}", other_account).at("Keys").as_array().empty());
  CHECK(f.Ok(ListKeys, "{}", other_region).at("Keys").as_array().empty());
}

TEST_CASE("DescribeKey of a key scheduled for deletion shows its DeletionDate") {
  Fixture f;
  std::string id = f.NewKeyId();
  RequestContext ctx = f.Ctx();
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})", ctx);
  auto m = f.Ok(DescribeKey, KeyIdJson(id)).at("KeyMetadata").as_object();
  CHECK(Str(m.at("KeyState")) == "PendingDeletion");
  CHECK(m.at("Enabled").as_bool() == false);
  CHECK(m.at("DeletionDate").as_double() == static_cast<double>(ctx.now_ms + 7 * kDayMs) / 1000.0);
}

TEST_CASE("A key past its deletion date is gone") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})");
  f.clock().Advance(7 * kDayMs - 60'000);
  CHECK(Str(f.Ok(DescribeKey, KeyIdJson(id)).at("KeyMetadata").at("KeyState")) ==
        "PendingDeletion");
  f.clock().Advance(60'001);
  std::string gone = "Key '" + ArnOf(id) + "' does not exist";
  CHECK_AWS_ERROR(f.Call(DescribeKey, KeyIdJson(id)), ErrorCode::kNotFound, gone);
  CHECK_AWS_ERROR(f.Call(CancelKeyDeletion, KeyIdJson(id)), ErrorCode::kNotFound, gone);
  CHECK_AWS_ERROR(f.Call(EnableKey, KeyIdJson(id)), ErrorCode::kNotFound, gone);
  CHECK(f.Ok(ListKeys, "{}").at("Keys").as_array().empty());
}

// ---- ListKeys ----

TEST_CASE("ListKeys of an empty account is an empty, untruncated list") {
  Fixture f;
  CHECK(boost::json::serialize(f.Ok(ListKeys, "{}")) == R"({"Keys":[],"Truncated":false})");
}

TEST_CASE("ListKeys lists KeyArn and KeyId of every key, PendingDeletion ones included") {
  Fixture f;
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.insert(f.NewKeyId());
  f.Ok(ScheduleKeyDeletion, KeyIdJson(*ids.begin()));
  auto out = f.Ok(ListKeys, "{}");
  CHECK(MemberNames(out) == std::vector<std::string>{"Keys", "Truncated"});
  CHECK(out.at("Truncated").as_bool() == false);
  const auto& keys = out.at("Keys").as_array();
  REQUIRE(keys.size() == 3);
  auto it = ids.begin();
  for (const auto& entry : keys) {
    CHECK(MemberNames(entry.as_object()) == std::vector<std::string>{"KeyArn", "KeyId"});
    CHECK(Str(entry.at("KeyId")) == *it);
    CHECK(Str(entry.at("KeyArn")) == ArnOf(*it));
    ++it;
  }
}

TEST_CASE("ListKeys pages with Limit and the NextMarker it issues") {
  Fixture f;
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.insert(f.NewKeyId());
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  std::string body = R"({"Limit":2})";
  for (int page = 0; page < 5; ++page) {
    auto out = f.Ok(ListKeys, body);
    sizes.push_back(out.at("Keys").as_array().size());
    for (const auto& e : out.at("Keys").as_array()) seen.push_back(Str(e.at("KeyId")));
    if (!out.at("Truncated").as_bool()) {
      CHECK_FALSE(out.contains("NextMarker"));
      break;
    }
    CHECK(MemberNames(out) == std::vector<std::string>{"Keys", "NextMarker", "Truncated"});
    body = R"({"Limit":2,"Marker":")" + Str(out.at("NextMarker")) + R"("})";
  }
  CHECK(sizes == std::vector<size_t>{2, 2, 1});
  CHECK(seen == std::vector<std::string>(ids.begin(), ids.end()));
}

TEST_CASE("ListKeys defaults to 100 keys a page") {
  Fixture f;
  for (int i = 0; i < 101; ++i) f.NewKeyId();
  auto out = f.Ok(ListKeys, "{}");
  CHECK(out.at("Keys").as_array().size() == 100);
  CHECK(out.at("Truncated").as_bool());
  auto rest = f.Ok(ListKeys, R"({"Marker":")" + Str(out.at("NextMarker")) + R"("})");
  CHECK(rest.at("Keys").as_array().size() == 1);
}

TEST_CASE("ListKeys validates Limit and Marker") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(ListKeys, R"({"Limit":0})"), ErrorCode::kValidation,
                  Validation1("Value '0' at 'limit' failed to satisfy constraint: Member must "
                              "have value greater than or equal to 1"));
  CHECK_AWS_ERROR(f.Call(ListKeys, R"({"Limit":1001})"), ErrorCode::kValidation,
                  Validation1("Value '1001' at 'limit' failed to satisfy constraint: Member must "
                              "have value less than or equal to 1000"));
  CHECK_AWS_ERROR(f.Call(ListKeys, R"({"Marker":""})"), ErrorCode::kValidation,
                  Validation1("Value '' at 'marker' failed to satisfy constraint: Member must "
                              "have length greater than or equal to 1"));
  CHECK_AWS_ERROR(f.Call(ListKeys, R"({"Marker":"\u0100"})"), ErrorCode::kValidation,
                  Validation1("Value '\xC4\x80' at 'marker' failed to satisfy constraint: Member "
                              "must satisfy regular expression pattern: [\\u0020-\\u00FF]*"));
}

TEST_CASE("ListKeys refuses a marker it did not issue") {
  Fixture f;
  for (int i = 0; i < 3; ++i) f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(ListKeys, R"({"Marker":"garbage"})"), ErrorCode::kInvalidMarker,
                  "Invalid marker");
  std::string marker = Str(f.Ok(ListKeys, R"({"Limit":1})").at("NextMarker"));
  // Another caller's marker, and a marker with one character changed.
  CHECK_AWS_ERROR(f.Call(ListKeys, Member("Marker", marker), f.Ctx(kOtherAccount, kRegion)),
                  ErrorCode::kInvalidMarker, "Invalid marker");
  std::string tampered = marker;
  tampered[0] = tampered[0] == 'A' ? 'B' : 'A';
  CHECK_AWS_ERROR(f.Call(ListKeys, Member("Marker", tampered)), ErrorCode::kInvalidMarker,
                  "Invalid marker");
  // A ListAliases marker is not a ListKeys marker.
  std::string id = f.NewKeyId();
  f.Ok(CreateAlias, R"({"AliasName":"alias/m1","TargetKeyId":")" + id + R"("})");
  f.Ok(CreateAlias, R"({"AliasName":"alias/m2","TargetKeyId":")" + id + R"("})");
  std::string alias_marker = Str(f.Ok(ListAliases, R"({"Limit":1})").at("NextMarker"));
  CHECK_AWS_ERROR(f.Call(ListKeys, Member("Marker", alias_marker)), ErrorCode::kInvalidMarker,
                  "Invalid marker");
}

// ---- UpdateKeyDescription ----

TEST_CASE("UpdateKeyDescription replaces the description") {
  Fixture f;
  std::string id = f.NewKeyId();
  auto out = f.Ok(UpdateKeyDescription, R"({"KeyId":")" + ArnOf(id) + R"(","Description":"new"})");
  CHECK(out.empty());
  CHECK(Str(f.Ok(DescribeKey, KeyIdJson(id)).at("KeyMetadata").at("Description")) == "new");
  f.Ok(UpdateKeyDescription, R"({"KeyId":")" + id + R"(","Description":""})");
  CHECK(Str(f.Ok(DescribeKey, KeyIdJson(id)).at("KeyMetadata").at("Description")) == "");
}

TEST_CASE("UpdateKeyDescription reports AWS's errors") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(UpdateKeyDescription, KeyIdJson(id)), ErrorCode::kValidation,
                  Validation1("Value null at 'description' failed to satisfy constraint: Member "
                              "must not be null"));
  f.Ok(CreateAlias, R"({"AliasName":"alias/ukd","TargetKeyId":")" + id + R"("})");
  CHECK_AWS_ERROR(f.Call(UpdateKeyDescription, R"({"KeyId":"alias/ukd","Description":"x"})"),
                  ErrorCode::kNotFound, "Invalid keyId 'alias/ukd'");
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(UpdateKeyDescription, R"({"KeyId":")" + id + R"(","Description":"x"})"),
                  ErrorCode::kInvalidState, ArnOf(id) + " is pending deletion.");
}

// ---- EnableKey / DisableKey ----

TEST_CASE("DisableKey and EnableKey switch the key state, idempotently") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK(f.Ok(DisableKey, KeyIdJson(id)).empty());
  f.Ok(DisableKey, KeyIdJson(id));
  auto m = f.Ok(DescribeKey, KeyIdJson(id)).at("KeyMetadata").as_object();
  CHECK(Str(m.at("KeyState")) == "Disabled");
  CHECK(m.at("Enabled").as_bool() == false);
  CHECK(f.Ok(EnableKey, KeyIdJson(ArnOf(id))).empty());
  f.Ok(EnableKey, KeyIdJson(id));
  m = f.Ok(DescribeKey, KeyIdJson(id)).at("KeyMetadata").as_object();
  CHECK(Str(m.at("KeyState")) == "Enabled");
  CHECK(m.at("Enabled").as_bool());
}

TEST_CASE("EnableKey and DisableKey refuse keys pending deletion or import") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  for (Handler h : {EnableKey, DisableKey}) {
    CHECK_AWS_ERROR(f.Call(h, KeyIdJson(id)), ErrorCode::kInvalidState,
                    ArnOf(id) + " is pending deletion.");
  }
  std::string pending_import =
      f.InsertKey(KeySpec::kSymmetricDefault, KeyUsage::kEncryptDecrypt, KeyState::kPendingImport);
  for (Handler h : {EnableKey, DisableKey}) {
    CHECK_AWS_ERROR(f.Call(h, KeyIdJson(pending_import)), ErrorCode::kInvalidState,
                    ArnOf(pending_import) + " is pending import.");
  }
  CHECK(Str(f.Ok(DescribeKey, KeyIdJson(pending_import)).at("KeyMetadata").at("KeyState")) ==
        "PendingImport");
}

TEST_CASE("EnableKey and DisableKey take only a key id or key ARN") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateAlias, R"({"AliasName":"alias/ed","TargetKeyId":")" + id + R"("})");
  std::string missing = "11111111-2222-4333-8444-555555555555";
  for (Handler h : {EnableKey, DisableKey}) {
    CHECK_AWS_ERROR(f.Call(h, KeyIdJson("alias/ed")), ErrorCode::kNotFound,
                    "Invalid keyId 'alias/ed'");
    CHECK_AWS_ERROR(f.Call(h, KeyIdJson(missing)), ErrorCode::kNotFound,
                    "Key '" + ArnOf(missing) + "' does not exist");
    CHECK_AWS_ERROR(f.Call(h, R"({"KeyId":""})"), ErrorCode::kValidation,
                    Validation1("Value '' at 'keyId' failed to satisfy constraint: Member must "
                                "have length greater than or equal to 1"));
  }
}

// ---- ScheduleKeyDeletion / CancelKeyDeletion ----

TEST_CASE("ScheduleKeyDeletion defaults to 30 days and answers as AWS") {
  Fixture f;
  std::string id = f.NewKeyId();
  RequestContext ctx = f.Ctx();
  auto out = f.Ok(ScheduleKeyDeletion, KeyIdJson(id), ctx);
  CHECK(MemberNames(out) ==
        std::vector<std::string>{"DeletionDate", "KeyId", "KeyState", "PendingWindowInDays"});
  CHECK(out.at("DeletionDate").as_double() ==
        static_cast<double>(ctx.now_ms + 30 * kDayMs) / 1000.0);
  CHECK(Str(out.at("KeyId")) == ArnOf(id));
  CHECK(Str(out.at("KeyState")) == "PendingDeletion");
  CHECK(out.at("PendingWindowInDays").as_int64() == 30);
}

TEST_CASE("ScheduleKeyDeletion accepts 7 to 30 days, also on a disabled key") {
  Fixture f;
  std::string a = f.NewKeyId();
  std::string b = f.NewKeyId();
  f.Ok(DisableKey, KeyIdJson(b));
  auto out_a = f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + a + R"(","PendingWindowInDays":7})");
  CHECK(out_a.at("PendingWindowInDays").as_int64() == 7);
  auto out_b =
      f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + ArnOf(b) + R"(","PendingWindowInDays":30})");
  CHECK(out_b.at("PendingWindowInDays").as_int64() == 30);
}

TEST_CASE("ScheduleKeyDeletion enforces the 7..30 day window inside the model's 1..365") {
  Fixture f;
  std::string id = f.NewKeyId();
  auto body = [&](int days) {
    return R"({"KeyId":")" + id + R"(","PendingWindowInDays":)" + std::to_string(days) + "}";
  };
  for (int days : {1, 6, 31, 365}) {
    CHECK_AWS_ERROR(f.Call(ScheduleKeyDeletion, body(days)), ErrorCode::kValidation,
                    "PendingWindowInDays must be between 7 and 30");
  }
  CHECK_AWS_ERROR(f.Call(ScheduleKeyDeletion, body(0)), ErrorCode::kValidation,
                  Validation1("Value '0' at 'pendingWindowInDays' failed to satisfy constraint: "
                              "Member must have value greater than or equal to 1"));
  CHECK_AWS_ERROR(f.Call(ScheduleKeyDeletion, body(366)), ErrorCode::kValidation,
                  Validation1("Value '366' at 'pendingWindowInDays' failed to satisfy "
                              "constraint: Member must have value less than or equal to 365"));
  CHECK(Str(f.Ok(DescribeKey, KeyIdJson(id)).at("KeyMetadata").at("KeyState")) == "Enabled");
}

TEST_CASE("ScheduleKeyDeletion refuses a key already pending deletion and aliases") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateAlias, R"({"AliasName":"alias/skd","TargetKeyId":")" + id + R"("})");
  CHECK_AWS_ERROR(f.Call(ScheduleKeyDeletion, KeyIdJson("alias/skd")), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/skd'");
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(ScheduleKeyDeletion, KeyIdJson(id)), ErrorCode::kInvalidState,
                  ArnOf(id) + " is pending deletion.");
}

TEST_CASE("CancelKeyDeletion leaves the key Disabled without a DeletionDate") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  auto out = f.Ok(CancelKeyDeletion, KeyIdJson(id));
  CHECK(boost::json::serialize(out) == R"({"KeyId":")" + ArnOf(id) + R"("})");
  auto m = f.Ok(DescribeKey, KeyIdJson(id)).at("KeyMetadata").as_object();
  CHECK(Str(m.at("KeyState")) == "Disabled");
  CHECK_FALSE(m.contains("DeletionDate"));
  auto key = f.store().FindKey(kAccount, kRegion, id);
  CHECK_FALSE(key->deletion_ms.has_value());
  CHECK_FALSE(key->pending_window_days.has_value());
}

TEST_CASE("CancelKeyDeletion returns a key without key material to PendingImport") {
  Fixture f;
  std::string id =
      f.InsertKey(KeySpec::kSymmetricDefault, KeyUsage::kEncryptDecrypt, KeyState::kPendingImport);
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})");
  f.Ok(CancelKeyDeletion, KeyIdJson(id));
  CHECK(Str(f.Ok(DescribeKey, KeyIdJson(id)).at("KeyMetadata").at("KeyState")) == "PendingImport");
}

TEST_CASE("CancelKeyDeletion refuses a key that is not pending deletion") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(CancelKeyDeletion, KeyIdJson(id)), ErrorCode::kInvalidState,
                  ArnOf(id) + " is not pending deletion.");
  f.Ok(DisableKey, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(CancelKeyDeletion, KeyIdJson(ArnOf(id))), ErrorCode::kInvalidState,
                  ArnOf(id) + " is not pending deletion.");
  CHECK_AWS_ERROR(f.Call(CancelKeyDeletion, KeyIdJson("alias/x")), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/x'");
}
