// Tests for CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant and the grant
// part of the key store (idempotent names, tokens, quota, cascade, persistence).
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "domain/grant.hpp"
#include "management_fixture.hpp"

using kms::ErrorCode;
using kms::KeySpec;
using kms::KeyState;
using kms::KeyUsage;
using namespace kms::emulator;
using namespace kms::emulator::testing;

namespace {

const std::string kUser = "arn:aws:iam::111122223333:user/alice";
const std::string kRole = "arn:aws:iam::111122223333:role/retirer";

std::vector<std::string> MemberNames(const boost::json::object& o) {
  std::vector<std::string> names;
  for (const auto& kv : o) names.emplace_back(kv.key());
  return names;
}

std::string Validation(const std::string& violations, int count = 1) {
  return std::to_string(count) +
         (count == 1 ? " validation error detected: " : " validation errors detected: ") +
         violations;
}

// A CreateGrant body for `key_id` with Decrypt granted to kUser, plus `extra` members.
std::string GrantBody(const std::string& key_id, const std::string& extra = "") {
  std::string body = R"({"KeyId":")" + key_id + R"(","GranteePrincipal":")" + kUser +
                     R"(","Operations":["Decrypt"])";
  if (!extra.empty()) body += "," + extra;
  return body + "}";
}

boost::json::array ListedGrants(Fixture& f, const std::string& json, const RequestContext& ctx) {
  return f.Ok(ListGrants, json, ctx).at("Grants").as_array();
}
boost::json::array ListedGrants(Fixture& f, const std::string& json) {
  return ListedGrants(f, json, f.Ctx());
}

std::string RetireByIds(const std::string& key_id, const std::string& grant_id) {
  return R"({"KeyId":")" + key_id + R"(","GrantId":")" + grant_id + R"("})";
}

bool IsHex64(std::string_view s) { return IsGrantIdShape(s); }

}  // namespace

// ---- CreateGrant ----

TEST_CASE("CreateGrant returns a 64-hex GrantId and an opaque token, and ListGrants shows it") {
  Fixture f;
  std::string id = f.NewKeyId();
  RequestContext ctx = f.Ctx();
  auto out = f.Ok(CreateGrant, GrantBody(id), ctx);
  CHECK(MemberNames(out) == std::vector<std::string>{"GrantId", "GrantToken"});
  std::string grant_id = Str(out.at("GrantId"));
  CHECK(IsHex64(grant_id));
  CHECK(IsGrantTokenShape(Str(out.at("GrantToken"))));

  auto grants = ListedGrants(f, KeyIdJson(id));
  REQUIRE(grants.size() == 1);
  auto g = grants[0].as_object();
  // AWS: a grant without a name lists "Name": "" (developer guide examples).
  CHECK(MemberNames(g) == std::vector<std::string>{"CreationDate", "GrantId", "GranteePrincipal",
                                                   "IssuingAccount", "KeyId", "Name",
                                                   "Operations"});
  CHECK(g.at("CreationDate").as_double() == static_cast<double>(ctx.now_ms) / 1000.0);
  CHECK(Str(g.at("GrantId")) == grant_id);
  CHECK(Str(g.at("GranteePrincipal")) == kUser);
  CHECK(Str(g.at("IssuingAccount")) == "arn:aws:iam::111122223333:root");
  CHECK(Str(g.at("KeyId")) == ArnOf(id));
  CHECK(Str(g.at("Name")) == "");
  CHECK(boost::json::serialize(g.at("Operations")) == R"(["Decrypt"])");
}

TEST_CASE("CreateGrant records name, retiring principal, operations and constraints") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(
      CreateGrant,
      GrantBody(ArnOf(id),
                R"("Name":"app-grant:1/x","RetiringPrincipal":")" + kRole +
                    R"(","Operations":["Encrypt","Decrypt","Encrypt","RetireGrant"],)"
                    R"("Constraints":{"EncryptionContextSubset":{"b":"2","a":"1"},)"
                    R"("EncryptionContextEquals":{"x":"y"}},"GrantTokens":["t1"],"DryRun":false)"));
  auto grants = ListedGrants(f, KeyIdJson(id));
  REQUIRE(grants.size() == 1);
  auto g = grants[0].as_object();
  CHECK(MemberNames(g) == std::vector<std::string>{"Constraints", "CreationDate", "GrantId",
                                                   "GranteePrincipal", "IssuingAccount", "KeyId",
                                                   "Name", "Operations", "RetiringPrincipal"});
  CHECK(Str(g.at("Name")) == "app-grant:1/x");
  CHECK(Str(g.at("RetiringPrincipal")) == kRole);
  // Duplicates dropped, request order kept.
  CHECK(boost::json::serialize(g.at("Operations")) == R"(["Encrypt","Decrypt","RetireGrant"])");
  CHECK(boost::json::serialize(g.at("Constraints")) ==
        R"({"EncryptionContextEquals":{"x":"y"},"EncryptionContextSubset":{"a":"1","b":"2"}})");
}

TEST_CASE("CreateGrant with the same Name and parameters returns the same grant") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string body = GrantBody(id, R"("Name":"retry","Operations":["Decrypt","Encrypt"])");
  auto first = f.Ok(CreateGrant, body);
  auto retry = f.Ok(CreateGrant, GrantBody(id, R"("Name":"retry","Operations":["Encrypt",)"
                                               R"("Decrypt"])"));
  CHECK(Str(retry.at("GrantId")) == Str(first.at("GrantId")));
  // AWS: every CreateGrant returns a new token, all usable interchangeably.
  CHECK(Str(retry.at("GrantToken")) != Str(first.at("GrantToken")));
  CHECK(ListedGrants(f, KeyIdJson(id)).size() == 1);

  // A different parameter, no name, or another key: a new grant.
  auto other_ops = f.Ok(CreateGrant, GrantBody(id, R"("Name":"retry","Operations":["Encrypt"])"));
  CHECK(Str(other_ops.at("GrantId")) != Str(first.at("GrantId")));
  auto unnamed1 = f.Ok(CreateGrant, GrantBody(id));
  auto unnamed2 = f.Ok(CreateGrant, GrantBody(id));
  CHECK(Str(unnamed1.at("GrantId")) != Str(unnamed2.at("GrantId")));
  std::string other_key = f.NewKeyId();
  auto elsewhere = f.Ok(CreateGrant, GrantBody(other_key, R"("Name":"retry","Operations":[)"
                                                          R"("Decrypt","Encrypt"])"));
  CHECK(Str(elsewhere.at("GrantId")) != Str(first.at("GrantId")));
  CHECK(ListedGrants(f, KeyIdJson(id)).size() == 4);

  // Both tokens of the idempotent grant name it.
  f.Ok(RetireGrant, Member("GrantToken", Str(retry.at("GrantToken"))));
  CHECK_AWS_ERROR(f.Call(RetireGrant, Member("GrantToken", Str(first.at("GrantToken")))),
                  ErrorCode::kNotFound, "Grant token not found.");
}

TEST_CASE("CreateGrant with DryRun checks everything and creates nothing") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(id, R"("DryRun":true)")),
                  ErrorCode::kDryRunOperation,
                  "The request would have succeeded, but the DryRun option is set.");
  CHECK(ListedGrants(f, KeyIdJson(id)).empty());
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(id, R"("Operations":["Sign"],"DryRun":true)")),
                  ErrorCode::kValidation,
                  "Grant operation Sign is not supported by " + ArnOf(id) +
                      " (key spec SYMMETRIC_DEFAULT, key usage ENCRYPT_DECRYPT).");
}

TEST_CASE("CreateGrant validates its members with the model's wording") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(CreateGrant, KeyIdJson(id)), ErrorCode::kValidation,
                  Validation("Value null at 'granteePrincipal' failed to satisfy constraint: "
                             "Member must not be null; Value null at 'operations' failed to "
                             "satisfy constraint: Member must not be null",
                             2));
  CHECK_AWS_ERROR(
      f.Call(CreateGrant, GrantBody(id, R"("Operations":["Decrypt","Destroy"])")),
      ErrorCode::kValidation,
      Validation("Value '[Decrypt, Destroy]' at 'operations' failed to satisfy constraint: Member "
                 "must satisfy constraint: [Member must satisfy enum value set: [Decrypt, "
                 "Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, "
                 "ReEncryptTo, Sign, Verify, GetPublicKey, CreateGrant, RetireGrant, DescribeKey, "
                 "GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateMac, "
                 "VerifyMac, DeriveSharedSecret]]"));
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(id, R"("Name":"has space")")),
                  ErrorCode::kValidation,
                  Validation("Value 'has space' at 'name' failed to satisfy constraint: Member "
                             "must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"));
  CHECK_AWS_ERROR(
      f.Call(CreateGrant,
             R"({"KeyId":")" + id + R"(","GranteePrincipal":"a b","Operations":["Decrypt"]})"),
      ErrorCode::kValidation,
      Validation("Value 'a b' at 'granteePrincipal' failed to satisfy constraint: "
                 "Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$"));
  CHECK_AWS_ERROR(
      f.Call(CreateGrant,
             GrantBody(id, R"("GrantTokens":["1","2","3","4","5","6","7","8","9","10","11"])")),
      ErrorCode::kValidation,
      Validation("Value at 'grantTokens' failed to satisfy constraint: Member must have length "
                 "less than or equal to 10"));
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(id, R"("Constraints":"x")")),
                  ErrorCode::kSerialization, "Unexpected value type in payload");
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(id, R"("Constraints":{"EncryptionContextSubset":)"
                                                    R"({"a":1}})")),
                  ErrorCode::kSerialization,
                  "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be "
                  "converted to an String");
}

TEST_CASE("CreateGrant allows only the operations the key supports") {
  Fixture f;
  std::string sym = f.NewKeyId();
  for (const char* op :
       {"Sign", "Verify", "GenerateMac", "VerifyMac", "GetPublicKey", "DeriveSharedSecret"}) {
    CAPTURE(op);
    CHECK(f.Call(CreateGrant, GrantBody(sym, R"("Operations":[")" + std::string(op) + R"("])"))
              .error()
              .code == ErrorCode::kValidation);
  }
  f.Ok(CreateGrant,
       GrantBody(sym, R"("Operations":["GenerateDataKey","GenerateDataKeyPair","ReEncryptFrom",)"
                      R"("ReEncryptTo","CreateGrant","RetireGrant","DescribeKey"])"));

  std::string signer =
      f.InsertKey(KeySpec::kEccNistP256, KeyUsage::kSignVerify, KeyState::kEnabled);
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(signer, R"("Operations":["Sign","Decrypt"])")),
                  ErrorCode::kValidation,
                  "Grant operation Decrypt is not supported by " + ArnOf(signer) +
                      " (key spec ECC_NIST_P256, key usage SIGN_VERIFY).");
  f.Ok(CreateGrant, GrantBody(signer, R"("Operations":["Sign","Verify","GetPublicKey"])"));
  std::string rsa = f.InsertKey(KeySpec::kRsa2048, KeyUsage::kEncryptDecrypt, KeyState::kEnabled);
  CHECK(f.Call(CreateGrant, GrantBody(rsa, R"("Operations":["GenerateDataKey"])")).error().code ==
        ErrorCode::kValidation);
  f.Ok(CreateGrant, GrantBody(rsa, R"("Operations":["Encrypt","Decrypt","GetPublicKey"])"));
  std::string mac =
      f.InsertKey(KeySpec::kHmac256, KeyUsage::kGenerateVerifyMac, KeyState::kEnabled);
  f.Ok(CreateGrant, GrantBody(mac, R"("Operations":["GenerateMac","VerifyMac"])"));
  // Encryption-context constraints fit only symmetric encryption keys.
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(mac, R"("Operations":["GenerateMac"],)"
                                                     R"("Constraints":{"EncryptionContextEquals":)"
                                                     R"({"a":"b"}})")),
                  ErrorCode::kValidation,
                  "Encryption context grant constraints are only valid for symmetric encryption "
                  "KMS keys.");
}

TEST_CASE("CreateGrant follows the key-state rules of cryptographic operations") {
  Fixture f;
  std::string disabled = f.NewKeyId();
  f.Ok(DisableKey, KeyIdJson(disabled));
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(disabled)), ErrorCode::kDisabled,
                  ArnOf(disabled) + " is disabled.");
  std::string deleting = f.NewKeyId();
  f.Ok(ScheduleKeyDeletion, KeyIdJson(deleting));
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(deleting)), ErrorCode::kInvalidState,
                  ArnOf(deleting) + " is pending deletion.");
  std::string importing =
      f.InsertKey(KeySpec::kSymmetricDefault, KeyUsage::kEncryptDecrypt, KeyState::kPendingImport);
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(importing)), ErrorCode::kInvalidState,
                  ArnOf(importing) + " is pending import.");
  std::string missing = "1234abcd-12ab-34cd-56ef-1234567890ab";
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody(missing)), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
  f.Ok(CreateAlias, R"({"AliasName":"alias/g","TargetKeyId":")" + disabled + R"("})");
  CHECK_AWS_ERROR(f.Call(CreateGrant, GrantBody("alias/g")), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/g'");
}

TEST_CASE("CreateGrant works across accounts with a key ARN") {
  Fixture f;
  std::string other = f.NewKeyId(f.Ctx(kOtherAccount));
  std::string arn = ArnOf(other, kOtherAccount);
  auto out = f.Ok(CreateGrant, GrantBody(arn));
  auto grants = ListedGrants(f, KeyIdJson(arn));
  REQUIRE(grants.size() == 1);
  CHECK(Str(grants[0].as_object().at("KeyId")) == arn);
  CHECK(Str(grants[0].as_object().at("IssuingAccount")) == "arn:aws:iam::111122223333:root");
  // The owner sees it too.
  CHECK(ListedGrants(f, KeyIdJson(other), f.Ctx(kOtherAccount)).size() == 1);
  f.Ok(RevokeGrant, RetireByIds(arn, Str(out.at("GrantId"))));
  CHECK(ListedGrants(f, KeyIdJson(arn)).empty());
}

// ---- ListGrants ----

TEST_CASE("ListGrants filters by GrantId and GranteePrincipal") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string a = Str(f.Ok(CreateGrant, GrantBody(id)).at("GrantId"));
  f.Ok(CreateGrant, R"({"KeyId":")" + id +
                        R"(","GranteePrincipal":"arn:aws:iam::111122223333:user/bob",)"
                        R"("Operations":["Encrypt"]})");
  CHECK(ListedGrants(f, KeyIdJson(id)).size() == 2);
  auto by_id = ListedGrants(f, R"({"KeyId":")" + id + R"(","GrantId":")" + a + R"("})");
  REQUIRE(by_id.size() == 1);
  CHECK(Str(by_id[0].as_object().at("GrantId")) == a);
  auto by_grantee =
      ListedGrants(f, R"({"KeyId":")" + id + R"(","GranteePrincipal":")" + kUser + R"("})");
  REQUIRE(by_grantee.size() == 1);
  CHECK(Str(by_grantee[0].as_object().at("GrantId")) == a);
  std::string absent(64, 'a');
  CHECK(ListedGrants(f, R"({"KeyId":")" + id + R"(","GrantId":")" + absent + R"("})").empty());
  CHECK_AWS_ERROR(f.Call(ListGrants, R"({"KeyId":")" + id + R"(","GrantId":"nope"})"),
                  ErrorCode::kInvalidGrantId, "Invalid grant ID 'nope'");
}

TEST_CASE("ListGrants pages oldest first with Limit and Marker") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(Str(f.Ok(CreateGrant, GrantBody(id)).at("GrantId")));
    f.clock().Advance(1000);
  }
  std::vector<std::string> seen;
  std::string marker;
  for (int page = 0; page < 3; ++page) {
    std::string body = R"({"KeyId":")" + id + R"(","Limit":1)" +
                       (marker.empty() ? "" : R"(,"Marker":")" + marker + "\"") + "}";
    auto out = f.Ok(ListGrants, body);
    auto grants = out.at("Grants").as_array();
    REQUIRE(grants.size() == 1);
    seen.push_back(Str(grants[0].as_object().at("GrantId")));
    CHECK(out.at("Truncated").as_bool() == (page < 2));
    CHECK(out.contains("NextMarker") == (page < 2));
    if (page < 2) marker = Str(out.at("NextMarker"));
  }
  CHECK(seen == ids);
  CHECK_AWS_ERROR(f.Call(ListGrants, R"({"KeyId":")" + id + R"(","Marker":"zz"})"),
                  ErrorCode::kInvalidMarker, "Invalid marker");
  CHECK_AWS_ERROR(f.Call(ListGrants, R"({"KeyId":")" + id + R"(","Limit":0})"),
                  ErrorCode::kValidation,
                  Validation("Value '0' at 'limit' failed to satisfy constraint: Member must "
                             "have value greater than or equal to 1"));
}

TEST_CASE("ListGrants works in every key state and needs a KeyId") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateGrant, GrantBody(id));
  f.Ok(DisableKey, KeyIdJson(id));
  CHECK(ListedGrants(f, KeyIdJson(id)).size() == 1);
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK(ListedGrants(f, KeyIdJson(id)).size() == 1);
  CHECK_AWS_ERROR(f.Call(ListGrants, "{}"), ErrorCode::kValidation,
                  Validation("Value null at 'keyId' failed to satisfy constraint: Member must not "
                             "be null"));
}

// ---- ListRetirableGrants ----

TEST_CASE("ListRetirableGrants finds the principal's grants across keys and accounts") {
  Fixture f;
  std::string mine = f.NewKeyId();
  std::string theirs = f.NewKeyId(f.Ctx(kOtherAccount));
  std::string elsewhere = f.NewKeyId(f.Ctx(kAccount, kOtherRegion));
  std::string retiring = R"("RetiringPrincipal":")" + kRole + "\"";
  f.Ok(CreateGrant, GrantBody(mine, retiring));
  f.Ok(CreateGrant, GrantBody(mine));
  f.Ok(CreateGrant, GrantBody(ArnOf(theirs, kOtherAccount), retiring));
  f.Ok(CreateGrant, GrantBody(elsewhere, retiring), f.Ctx(kAccount, kOtherRegion));

  auto out = f.Ok(ListRetirableGrants, Member("RetiringPrincipal", kRole));
  CHECK(MemberNames(out) == std::vector<std::string>{"Grants", "Truncated"});
  auto grants = out.at("Grants").as_array();
  REQUIRE(grants.size() == 2);
  std::set<std::string> keys;
  for (const auto& g : grants) keys.insert(Str(g.as_object().at("KeyId")));
  CHECK(keys == std::set<std::string>{ArnOf(mine), ArnOf(theirs, kOtherAccount)});
  CHECK(f.Ok(ListRetirableGrants, Member("RetiringPrincipal", kUser))
            .at("Grants")
            .as_array()
            .empty());
  auto page = f.Ok(ListRetirableGrants, R"({"RetiringPrincipal":")" + kRole + R"(","Limit":1})");
  CHECK(page.at("Grants").as_array().size() == 1);
  CHECK(page.at("Truncated").as_bool());
  CHECK_AWS_ERROR(f.Call(ListRetirableGrants, "{}"), ErrorCode::kValidation,
                  Validation("Value null at 'retiringPrincipal' failed to satisfy constraint: "
                             "Member must not be null"));
}

TEST_CASE("Grants go with their key once its deletion date passes") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateGrant, GrantBody(id, R"("RetiringPrincipal":")" + kRole + "\""));
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})");
  f.clock().Advance(7 * kDayMs);
  // Not yet swept: hidden already.
  CHECK(f.Ok(ListRetirableGrants, Member("RetiringPrincipal", kRole))
            .at("Grants")
            .as_array()
            .empty());
  CHECK(f.store().DeleteExpiredKeys(f.clock().NowMs()).value() == 1);
  CHECK(f.store().ListRetirableGrants(kRegion, kRole).value().empty());
}

// ---- RetireGrant ----

TEST_CASE("RetireGrant by token deletes the grant; the token then names nothing") {
  Fixture f;
  std::string id = f.NewKeyId();
  auto out = f.Ok(CreateGrant, GrantBody(id));
  std::string token = Str(out.at("GrantToken"));
  CHECK_AWS_ERROR(f.Call(RetireGrant, R"({"GrantToken":")" + token + R"(","DryRun":true})"),
                  ErrorCode::kDryRunOperation,
                  "The request would have succeeded, but the DryRun option is set.");
  CHECK(ListedGrants(f, KeyIdJson(id)).size() == 1);
  CHECK(f.Ok(RetireGrant, Member("GrantToken", token)).empty());
  CHECK(ListedGrants(f, KeyIdJson(id)).empty());
  CHECK_AWS_ERROR(f.Call(RetireGrant, Member("GrantToken", token)), ErrorCode::kNotFound,
                  "Grant token not found.");
  CHECK_AWS_ERROR(f.Call(RetireGrant, Member("GrantToken", "not-a-token")),
                  ErrorCode::kInvalidGrantToken, "Invalid grant token.");
}

TEST_CASE("RetireGrant by key and grant id, with AWS-style errors") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string grant = Str(f.Ok(CreateGrant, GrantBody(id)).at("GrantId"));
  CHECK_AWS_ERROR(f.Call(RetireGrant, "{}"), ErrorCode::kValidation,
                  "Grant token OR (grant ID, key ID) must be specified");
  CHECK_AWS_ERROR(f.Call(RetireGrant, Member("GrantId", grant)), ErrorCode::kValidation,
                  "Grant token OR (grant ID, key ID) must be specified");
  CHECK_AWS_ERROR(f.Call(RetireGrant, RetireByIds(id, "short")), ErrorCode::kInvalidGrantId,
                  "Invalid grant ID 'short'");
  std::string other_key = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(RetireGrant, RetireByIds(other_key, grant)), ErrorCode::kNotFound,
                  "Grant ID " + grant + " not found");
  CHECK_AWS_ERROR(f.Call(RetireGrant, R"({"KeyId":")" + ArnOf(id) + R"(","GrantId":")" + grant +
                                          R"(","DryRun":true})"),
                  ErrorCode::kDryRunOperation,
                  "The request would have succeeded, but the DryRun option is set.");
  CHECK(f.Ok(RetireGrant, RetireByIds(ArnOf(id), grant)).empty());
  CHECK(ListedGrants(f, KeyIdJson(id)).empty());
  CHECK_AWS_ERROR(f.Call(RetireGrant, RetireByIds(id, grant)), ErrorCode::kNotFound,
                  "Grant ID " + grant + " not found");
}

// ---- RevokeGrant ----

TEST_CASE("RevokeGrant deletes a grant of the key, in any key state") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string grant = Str(f.Ok(CreateGrant, GrantBody(id)).at("GrantId"));
  f.Ok(DisableKey, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(RevokeGrant,
                         R"({"KeyId":")" + id + R"(","GrantId":")" + grant + R"(","DryRun":true})"),
                  ErrorCode::kDryRunOperation,
                  "The request would have succeeded, but the DryRun option is set.");
  CHECK(f.Ok(RevokeGrant, RetireByIds(id, grant)).empty());
  CHECK(ListedGrants(f, KeyIdJson(id)).empty());
  CHECK_AWS_ERROR(f.Call(RevokeGrant, RetireByIds(id, grant)), ErrorCode::kNotFound,
                  "Grant ID " + grant + " not found");
  CHECK_AWS_ERROR(f.Call(RevokeGrant,
                         R"({"KeyId":")" + id + R"(","GrantId":")" + grant + R"(","DryRun":true})"),
                  ErrorCode::kNotFound, "Grant ID " + grant + " not found");
  CHECK_AWS_ERROR(f.Call(RevokeGrant, RetireByIds(id, "x")), ErrorCode::kInvalidGrantId,
                  "Invalid grant ID 'x'");
  CHECK_AWS_ERROR(f.Call(RevokeGrant, KeyIdJson(id)), ErrorCode::kValidation,
                  Validation("Value null at 'grantId' failed to satisfy constraint: Member must "
                             "not be null"));
  std::string missing = "1234abcd-12ab-34cd-56ef-1234567890ab";
  CHECK_AWS_ERROR(f.Call(RevokeGrant, RetireByIds(missing, grant)), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
}

// ---- Store ----

TEST_CASE("The key store refuses grants beyond the per-key quota") {
  Fixture f;
  std::string id = f.NewKeyId();
  Grant grant;
  grant.account = kAccount;
  grant.region = kRegion;
  grant.key_id = id;
  grant.grantee_principal = kUser;
  grant.operations = {"Decrypt"};
  grant.issuing_account = "arn:aws:iam::111122223333:root";
  for (int i = 0; i < 2; ++i) {
    grant.id = NewGrantId().value();
    CHECK(f.store().CreateGrant(grant, NewGrantToken().value(), 2).value().created);
  }
  grant.id = NewGrantId().value();
  auto refused = f.store().CreateGrant(grant, NewGrantToken().value(), 2);
  CHECK_AWS_ERROR(refused, ErrorCode::kLimitExceeded,
                  "The grants per key quota has been exceeded for " + ArnOf(id) + ".");
  grant.key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  CHECK_AWS_ERROR(f.store().CreateGrant(grant, NewGrantToken().value(), 2), ErrorCode::kNotFound,
                  "Key '" + ArnOf(grant.key_id) + "' does not exist");
}

TEST_CASE("Grants and their tokens survive reopening the database") {
  std::string dir = "/tmp/kms-grant-test-XXXXXX";
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  std::string path = dir + "/kms.db";
  std::string key_id, grant_id, token;
  {
    auto store = KeyStore::Open(path);
    REQUIRE(store.has_value());
    Clock clock;
    Services services{**store, clock};
    RequestContext ctx;
    ctx.account = kAccount;
    ctx.region = kRegion;
    ctx.now_ms = clock.NowMs();
    key_id = Str(CreateKey(services, ctx, Json("{}")).value().at("KeyMetadata").at("KeyId"));
    auto out = CreateGrant(services, ctx,
                           Json(GrantBody(key_id, R"("Name":"n","Constraints":)"
                                                  R"({"EncryptionContextSubset":{"k":"v"}})")));
    REQUIRE(out.has_value());
    grant_id = Str(out->at("GrantId"));
    token = Str(out->at("GrantToken"));
  }
  {
    auto store = KeyStore::Open(path);
    REQUIRE(store.has_value());
    auto grants = (*store)->ListGrants(kAccount, kRegion, key_id);
    REQUIRE(grants.has_value());
    REQUIRE(grants->size() == 1);
    const Grant& g = grants->front();
    CHECK(g.id == grant_id);
    CHECK(g.name == "n");
    CHECK(g.operations == std::vector<std::string>{"Decrypt"});
    CHECK(g.constraints.encryption_context_subset == ContextMap{{"k", "v"}});
    CHECK_FALSE(g.constraints.encryption_context_equals.has_value());
    auto by_token = (*store)->FindGrantByToken(token);
    REQUIRE(by_token.has_value());
    REQUIRE(by_token->has_value());
    CHECK((*by_token)->id == grant_id);
    CHECK((*store)->DeleteKey(kAccount, kRegion, key_id).has_value());
    CHECK((*store)->FindGrantByToken(token).value() == std::nullopt);
  }
  std::filesystem::remove_all(dir);
}

// ---- Domain ----

TEST_CASE("Grant ids and tokens have their shapes and never repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string id = NewGrantId().value();
    std::string token = NewGrantToken().value();
    CHECK(IsGrantIdShape(id));
    CHECK(IsGrantTokenShape(token));
    CHECK(seen.insert(id).second);
    CHECK(seen.insert(token).second);
  }
  CHECK_FALSE(IsGrantIdShape(std::string(64, 'A')));
  CHECK_FALSE(IsGrantIdShape(std::string(63, 'a')));
  CHECK_FALSE(IsGrantTokenShape(std::string(88, 'A')));
  CHECK_FALSE(IsGrantTokenShape(""));
}
