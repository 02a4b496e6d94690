// Tests for the alias handlers: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
#include <doctest/doctest.h>

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

std::string AliasArn(std::string_view name, const std::string& account = kAccount,
                     const std::string& region = kRegion) {
  return "arn:aws:kms:" + region + ":" + account + ":" + std::string(name);
}

std::string AliasJson(std::string_view name, std::string_view target) {
  return R"({"AliasName":")" + std::string(name) + R"(","TargetKeyId":")" + std::string(target) +
         R"("})";
}

std::vector<std::string> Names(const boost::json::object& list_aliases_out) {
  std::vector<std::string> names;
  for (const auto& e : list_aliases_out.at("Aliases").as_array()) {
    names.push_back(Str(e.at("AliasName")));
  }
  return names;
}

std::string Validation1(std::string violation) {
  return "1 validation error detected: " + violation;
}

const std::string kPrefixMessage =
    "Alias must start with the prefix \"alias/\". Please see "
    "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html";

}  // namespace

// ---- CreateAlias ----

TEST_CASE("CreateAlias names a key, usable as KeyId and listed as AWS lists it") {
  Fixture f;
  std::string id = f.NewKeyId();
  RequestContext ctx = f.Ctx();
  CHECK(f.Ok(CreateAlias, AliasJson("alias/my-key_1/a", id), ctx).empty());
  CHECK(Str(f.Ok(DescribeKey, KeyIdJson("alias/my-key_1/a")).at("KeyMetadata").at("KeyId")) == id);
  auto out = f.Ok(ListAliases, "{}");
  double now = static_cast<double>(ctx.now_ms) / 1000.0;
  auto expected = boost::json::object{{"AliasArn", AliasArn("alias/my-key_1/a")},
                                      {"AliasName", "alias/my-key_1/a"},
                                      {"CreationDate", now},
                                      {"LastUpdatedDate", now},
                                      {"TargetKeyId", id}};
  CHECK(boost::json::serialize(out) ==
        R"({"Aliases":[)" + boost::json::serialize(expected) + R"(],"Truncated":false})");
}

TEST_CASE("CreateAlias accepts a key ARN and a disabled key") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(DisableKey, KeyIdJson(id));
  f.Ok(CreateAlias, AliasJson("alias/by-arn", ArnOf(id)));
  CHECK(Str(f.Ok(ListAliases, "{}").at("Aliases").at(0).at("TargetKeyId")) == id);
}

TEST_CASE("CreateAlias requires the alias/ prefix and refuses alias/aws/") {
  Fixture f;
  std::string id = f.NewKeyId();
  // AWS: test_create_alias.
  CHECK_AWS_ERROR(f.Call(CreateAlias, AliasJson("no-prefix", id)), ErrorCode::kValidation,
                  kPrefixMessage);
  CHECK_AWS_ERROR(f.Call(CreateAlias, AliasJson("alias/aws/ebs", id)), ErrorCode::kNotAuthorized,
                  "");
  // Only the alias/aws/ prefix is reserved.
  f.Ok(CreateAlias, AliasJson("alias/awsome", id));
}

TEST_CASE("CreateAlias validates AliasName and TargetKeyId against the model") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(CreateAlias, "{}"), ErrorCode::kValidation,
                  "2 validation errors detected: Value null at 'aliasName' failed to satisfy "
                  "constraint: Member must not be null; Value null at 'targetKeyId' failed to "
                  "satisfy constraint: Member must not be null");
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(CreateAlias, AliasJson("alias/bad name", id)), ErrorCode::kValidation,
                  Validation1("Value 'alias/bad name' at 'aliasName' failed to satisfy "
                              "constraint: Member must satisfy regular expression pattern: "
                              "^[a-zA-Z0-9:/_-]+$"));
  std::string long_name = "alias/" + std::string(251, 'a');
  CHECK_AWS_ERROR(f.Call(CreateAlias, AliasJson(long_name, id)), ErrorCode::kValidation,
                  Validation1("Value '" + long_name +
                              "' at 'aliasName' failed to satisfy constraint: Member must have "
                              "length less than or equal to 256"));
  f.Ok(CreateAlias, AliasJson(long_name.substr(0, 256), id));
}

TEST_CASE("CreateAlias needs a key id or key ARN of the caller as target") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateAlias, AliasJson("alias/first", id));
  CHECK_AWS_ERROR(f.Call(CreateAlias, AliasJson("alias/second", "alias/first")),
                  ErrorCode::kNotFound, "Invalid keyId 'alias/first'");
  std::string missing = "11111111-2222-4333-8444-555555555555";
  CHECK_AWS_ERROR(f.Call(CreateAlias, AliasJson("alias/second", missing)), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
  std::string foreign = f.NewKeyId(f.Ctx(kOtherAccount, kRegion));
  CHECK_AWS_ERROR(f.Call(CreateAlias, AliasJson("alias/second", ArnOf(foreign, kOtherAccount))),
                  ErrorCode::kNotFound,
                  "Key '" + ArnOf(foreign, kOtherAccount) + "' does not exist");
}

TEST_CASE("CreateAlias refuses a target pending deletion and an existing name") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string doomed = f.NewKeyId();
  f.Ok(ScheduleKeyDeletion, KeyIdJson(doomed));
  CHECK_AWS_ERROR(f.Call(CreateAlias, AliasJson("alias/a", doomed)), ErrorCode::kInvalidState,
                  ArnOf(doomed) + " is pending deletion.");
  f.Ok(CreateAlias, AliasJson("alias/a", id));
  CHECK_AWS_ERROR(f.Call(CreateAlias, AliasJson("alias/a", id)), ErrorCode::kAlreadyExists,
                  "An alias with the name " + AliasArn("alias/a") + " already exists");
}

TEST_CASE("CreateAlias allows 50 aliases per key, not 51") {
  Fixture f;
  std::string id = f.NewKeyId();
  for (int i = 0; i < 50; ++i) f.Ok(CreateAlias, AliasJson("alias/n" + std::to_string(i), id));
  CHECK_AWS_ERROR(f.Call(CreateAlias, AliasJson("alias/n50", id)), ErrorCode::kLimitExceeded,
                  "The request would exceed the quota of 50 aliases for " + ArnOf(id) + ".");
  f.Ok(CreateAlias, AliasJson("alias/n50", f.NewKeyId()));
}

TEST_CASE("The same alias name may exist in another region and another account") {
  Fixture f;
  f.Ok(CreateAlias, AliasJson("alias/shared", f.NewKeyId()));
  RequestContext region = f.Ctx(kAccount, kOtherRegion);
  RequestContext account = f.Ctx(kOtherAccount, kRegion);
  f.Ok(CreateAlias, AliasJson("alias/shared", f.NewKeyId(region)), region);
  f.Ok(CreateAlias, AliasJson("alias/shared", f.NewKeyId(account)), account);
  CHECK(Names(f.Ok(ListAliases, "{}", region)) == std::vector<std::string>{"alias/shared"});
  CHECK(Str(f.Ok(ListAliases, "{}", account).at("Aliases").at(0).at("AliasArn")) ==
        AliasArn("alias/shared", kOtherAccount));
}

TEST_CASE("An alias of a key past its deletion date is gone and its name reusable") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateAlias, AliasJson("alias/old", id));
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})");
  CHECK(Names(f.Ok(ListAliases, "{}")) == std::vector<std::string>{"alias/old"});
  f.clock().Advance(7 * kDayMs + 1);
  CHECK(Names(f.Ok(ListAliases, "{}")).empty());
  CHECK_AWS_ERROR(f.Call(DeleteAlias, Member("AliasName", "alias/old")), ErrorCode::kNotFound,
                  "Alias " + AliasArn("alias/old") + " is not found.");
  std::string fresh = f.NewKeyId();
  f.Ok(CreateAlias, AliasJson("alias/old", fresh));
  CHECK(Str(f.Ok(DescribeKey, KeyIdJson("alias/old")).at("KeyMetadata").at("KeyId")) == fresh);
}

// ---- UpdateAlias ----

TEST_CASE("UpdateAlias moves an alias and stamps LastUpdatedDate only") {
  Fixture f;
  std::string a = f.NewKeyId();
  std::string b = f.NewKeyId();
  RequestContext created = f.Ctx();
  f.Ok(CreateAlias, AliasJson("alias/moving", a), created);
  f.clock().Advance(5000);
  RequestContext updated = f.Ctx();
  CHECK(f.Ok(UpdateAlias, AliasJson("alias/moving", ArnOf(b)), updated).empty());
  auto entry = f.Ok(ListAliases, "{}").at("Aliases").at(0).as_object();
  CHECK(Str(entry.at("TargetKeyId")) == b);
  CHECK(entry.at("CreationDate").as_double() == static_cast<double>(created.now_ms) / 1000.0);
  CHECK(entry.at("LastUpdatedDate").as_double() == static_cast<double>(updated.now_ms) / 1000.0);
}

TEST_CASE("UpdateAlias works from a key pending deletion but not to one") {
  Fixture f;
  std::string a = f.NewKeyId();
  std::string b = f.NewKeyId();
  f.Ok(CreateAlias, AliasJson("alias/x", a));
  f.Ok(ScheduleKeyDeletion, KeyIdJson(a));
  f.Ok(UpdateAlias, AliasJson("alias/x", b));
  f.Ok(ScheduleKeyDeletion, KeyIdJson(b));
  std::string c = f.NewKeyId();
  f.Ok(UpdateAlias, AliasJson("alias/x", c));
  CHECK_AWS_ERROR(f.Call(UpdateAlias, AliasJson("alias/x", a)), ErrorCode::kInvalidState,
                  ArnOf(a) + " is pending deletion.");
}

TEST_CASE("UpdateAlias keeps an alias on keys of the same usage and type") {
  Fixture f;
  std::string symmetric = f.NewKeyId();
  f.Ok(CreateAlias, AliasJson("alias/kind", symmetric));
  std::string hmac =
      f.InsertKey(KeySpec::kHmac256, KeyUsage::kGenerateVerifyMac, KeyState::kEnabled);
  CHECK_AWS_ERROR(f.Call(UpdateAlias, AliasJson("alias/kind", hmac)), ErrorCode::kValidation,
                  "Alias alias/kind cannot be changed from a CMK with key usage ENCRYPT_DECRYPT to "
                  "a CMK with key usage GENERATE_VERIFY_MAC. The key usage of the current CMK and "
                  "the new CMK must be the same.");
  std::string rsa = f.InsertKey(KeySpec::kRsa2048, KeyUsage::kEncryptDecrypt, KeyState::kEnabled);
  CHECK_AWS_ERROR(f.Call(UpdateAlias, AliasJson("alias/kind", rsa)), ErrorCode::kValidation,
                  "Alias alias/kind cannot be changed from a CMK with key type SYMMETRIC to a CMK "
                  "with key type ASYMMETRIC. The key type of the current CMK and the new CMK must "
                  "be the same.");
  CHECK(Str(f.Ok(ListAliases, "{}").at("Aliases").at(0).at("TargetKeyId")) == symmetric);
}

TEST_CASE("UpdateAlias reports AWS's errors for names and targets") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(UpdateAlias, AliasJson("alias/none", id)), ErrorCode::kNotFound,
                  "Alias " + AliasArn("alias/none") + " is not found.");
  CHECK_AWS_ERROR(f.Call(UpdateAlias, AliasJson("none", id)), ErrorCode::kValidation,
                  kPrefixMessage);
  CHECK_AWS_ERROR(f.Call(UpdateAlias, AliasJson("alias/aws/s3", id)), ErrorCode::kNotAuthorized,
                  "");
  f.Ok(CreateAlias, AliasJson("alias/u", id));
  CHECK_AWS_ERROR(f.Call(UpdateAlias, AliasJson("alias/u", "alias/u")), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/u'");
  std::string missing = "11111111-2222-4333-8444-555555555555";
  CHECK_AWS_ERROR(f.Call(UpdateAlias, AliasJson("alias/u", missing)), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
  CHECK_AWS_ERROR(f.Call(UpdateAlias, Member("AliasName", "alias/u")), ErrorCode::kValidation,
                  Validation1("Value null at 'targetKeyId' failed to satisfy constraint: Member "
                              "must not be null"));
}

TEST_CASE("UpdateAlias respects the 50-aliases quota of the destination key") {
  Fixture f;
  std::string full = f.NewKeyId();
  for (int i = 0; i < 50; ++i) f.Ok(CreateAlias, AliasJson("alias/f" + std::to_string(i), full));
  std::string other = f.NewKeyId();
  f.Ok(CreateAlias, AliasJson("alias/mover", other));
  CHECK_AWS_ERROR(f.Call(UpdateAlias, AliasJson("alias/mover", full)), ErrorCode::kLimitExceeded,
                  "The request would exceed the quota of 50 aliases for " + ArnOf(full) + ".");
  // Re-pointing an alias at the key it already names is no new alias.
  f.Ok(UpdateAlias, AliasJson("alias/f0", full));
}

// ---- DeleteAlias ----

TEST_CASE("DeleteAlias removes the alias, whatever the key's state") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateAlias, AliasJson("alias/d1", id));
  f.Ok(CreateAlias, AliasJson("alias/d2", id));
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK(f.Ok(DeleteAlias, Member("AliasName", "alias/d1")).empty());
  CHECK(Names(f.Ok(ListAliases, "{}")) == std::vector<std::string>{"alias/d2"});
  CHECK_AWS_ERROR(f.Call(DescribeKey, KeyIdJson("alias/d1")), ErrorCode::kNotFound,
                  "Alias " + AliasArn("alias/d1") + " is not found.");
}

TEST_CASE("DeleteAlias reports AWS's errors") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(DeleteAlias, Member("AliasName", "alias/none")), ErrorCode::kNotFound,
                  "Alias " + AliasArn("alias/none") + " is not found.");
  CHECK_AWS_ERROR(f.Call(DeleteAlias, Member("AliasName", "none")), ErrorCode::kValidation,
                  kPrefixMessage);
  CHECK_AWS_ERROR(f.Call(DeleteAlias, Member("AliasName", "alias/aws/rds")),
                  ErrorCode::kNotAuthorized, "");
  CHECK_AWS_ERROR(f.Call(DeleteAlias, "{}"), ErrorCode::kValidation,
                  Validation1("Value null at 'aliasName' failed to satisfy constraint: Member "
                              "must not be null"));
}

// ---- ListAliases ----

TEST_CASE("ListAliases of an account without aliases is empty and untruncated") {
  Fixture f;
  CHECK(boost::json::serialize(f.Ok(ListAliases, "{}")) == R"({"Aliases":[],"Truncated":false})");
}

TEST_CASE("ListAliases filters by a key named by id, key ARN, alias name or alias ARN") {
  Fixture f;
  std::string a = f.NewKeyId();
  std::string b = f.NewKeyId();
  f.Ok(CreateAlias, AliasJson("alias/a2", a));
  f.Ok(CreateAlias, AliasJson("alias/a1", a));
  f.Ok(CreateAlias, AliasJson("alias/b1", b));
  for (std::string key_id : {a, ArnOf(a), std::string("alias/a2"), AliasArn("alias/a1")}) {
    CHECK(Names(f.Ok(ListAliases, KeyIdJson(key_id))) ==
          std::vector<std::string>{"alias/a1", "alias/a2"});
  }
  CHECK(Names(f.Ok(ListAliases, "{}")) ==
        std::vector<std::string>{"alias/a1", "alias/a2", "alias/b1"});
  CHECK(Names(f.Ok(ListAliases, KeyIdJson(f.NewKeyId()))).empty());
}

TEST_CASE("ListAliases with an unknown KeyId is NotFoundException") {
  Fixture f;
  std::string missing = "11111111-2222-4333-8444-555555555555";
  CHECK_AWS_ERROR(f.Call(ListAliases, KeyIdJson(missing)), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
  CHECK_AWS_ERROR(f.Call(ListAliases, KeyIdJson("not-a-key")), ErrorCode::kNotFound,
                  "Invalid keyId 'not-a-key'");
  CHECK_AWS_ERROR(f.Call(ListAliases, KeyIdJson("alias/none")), ErrorCode::kNotFound,
                  "Alias " + AliasArn("alias/none") + " is not found.");
}

TEST_CASE("ListAliases pages in name order with the NextMarker it issues") {
  Fixture f;
  std::string id = f.NewKeyId();
  for (std::string n : {"e", "c", "a", "d", "b"}) f.Ok(CreateAlias, AliasJson("alias/" + n, id));
  auto p1 = f.Ok(ListAliases, R"({"Limit":2})");
  CHECK(Names(p1) == std::vector<std::string>{"alias/a", "alias/b"});
  CHECK(p1.at("Truncated").as_bool());
  auto p2 = f.Ok(ListAliases, R"({"Limit":2,"Marker":")" + Str(p1.at("NextMarker")) + R"("})");
  CHECK(Names(p2) == std::vector<std::string>{"alias/c", "alias/d"});
  auto p3 = f.Ok(ListAliases, R"({"Limit":2,"Marker":")" + Str(p2.at("NextMarker")) + R"("})");
  CHECK(Names(p3) == std::vector<std::string>{"alias/e"});
  CHECK(p3.at("Truncated").as_bool() == false);
  CHECK_FALSE(p3.contains("NextMarker"));
}

TEST_CASE("ListAliases returns 50 by default and at most 100") {
  Fixture f;
  for (int k = 0; k < 3; ++k) {
    std::string id = f.NewKeyId();
    for (int i = 0; i < 40; ++i) {
      f.Ok(CreateAlias, AliasJson("alias/k" + std::to_string(k) + "-" + std::to_string(i), id));
    }
  }
  auto by_default = f.Ok(ListAliases, "{}");
  CHECK(by_default.at("Aliases").as_array().size() == 50);
  CHECK(by_default.at("Truncated").as_bool());
  auto capped = f.Ok(ListAliases, R"({"Limit":1000})");
  CHECK(capped.at("Aliases").as_array().size() == 100);
  auto rest =
      f.Ok(ListAliases, R"({"Limit":1000,"Marker":")" + Str(capped.at("NextMarker")) + R"("})");
  CHECK(rest.at("Aliases").as_array().size() == 20);
  CHECK(rest.at("Truncated").as_bool() == false);
}

TEST_CASE("ListAliases validates Limit and refuses markers it did not issue") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(ListAliases, R"({"Limit":0})"), ErrorCode::kValidation,
                  Validation1("Value '0' at 'limit' failed to satisfy constraint: Member must "
                              "have value greater than or equal to 1"));
  CHECK_AWS_ERROR(f.Call(ListAliases, R"({"Marker":"bm90IG91cnM="})"), ErrorCode::kInvalidMarker,
                  "Invalid marker");
  for (int i = 0; i < 2; ++i) f.NewKeyId();
  std::string keys_marker = Str(f.Ok(ListKeys, R"({"Limit":1})").at("NextMarker"));
  CHECK_AWS_ERROR(f.Call(ListAliases, Member("Marker", keys_marker)), ErrorCode::kInvalidMarker,
                  "Invalid marker");
}
