// Tests for GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, CreateKey's Policy, and the policy
// document rules and printing of domain/policy.hpp.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "domain/policy.hpp"
#include "management_fixture.hpp"

using kms::ErrorCode;
using namespace kms::emulator;
using namespace kms::emulator::testing;

namespace {

constexpr std::string_view kNoPrincipal = "Policy contains a statement with no principal.";
constexpr std::string_view kInvalidPrincipals =
    "Policy contains a statement with one or more invalid principals.";
constexpr std::string_view kLockout =
    "The new key policy will not allow you to update the key policy in the future.";

std::vector<std::string> MemberNames(const boost::json::object& o) {
  std::vector<std::string> names;
  for (const auto& kv : o) names.emplace_back(kv.key());
  return names;
}

// A one-statement policy document (compact JSON) with the given statement members.
std::string PolicyWith(const std::string& statement_members) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)" + statement_members +
         R"(,"Resource":"*"}]})";
}

std::string RootAllows(const std::string& action_member) {
  return PolicyWith(R"("Principal":{"AWS":"arn:aws:iam::111122223333:root"},)" + action_member);
}

// The request body of PutKeyPolicy (the policy JSON-escaped as a string member).
std::string PutBody(const std::string& key_id, const std::string& policy,
                    const std::string& extra = "") {
  boost::json::object body{{"KeyId", key_id}, {"Policy", policy}};
  std::string text = boost::json::serialize(body);
  if (!extra.empty()) text.insert(text.size() - 1, "," + extra);
  return text;
}

kms::Result<boost::json::object> Put(Fixture& f, const std::string& key_id,
                                     const std::string& policy, const std::string& extra = "") {
  return f.Call(PutKeyPolicy, PutBody(key_id, policy, extra));
}

std::string PolicyOf(Fixture& f, const std::string& key_id) {
  return Str(f.Ok(GetKeyPolicy, KeyIdJson(key_id)).at("Policy"));
}

}  // namespace

// ---- GetKeyPolicy ----

TEST_CASE("GetKeyPolicy returns AWS's default policy under the name default") {
  Fixture f;
  std::string id = f.NewKeyId();
  auto out = f.Ok(GetKeyPolicy, KeyIdJson(id));
  CHECK(MemberNames(out) == std::vector<std::string>{"Policy", "PolicyName"});
  CHECK(Str(out.at("Policy")) == kDefaultPolicy);
  CHECK(Str(out.at("PolicyName")) == "default");
  auto named = f.Ok(GetKeyPolicy, R"({"KeyId":")" + ArnOf(id) + R"(","PolicyName":"default"})");
  CHECK(Str(named.at("Policy")) == kDefaultPolicy);
}

TEST_CASE("GetKeyPolicy knows no policy name but default") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(GetKeyPolicy, R"({"KeyId":")" + id + R"(","PolicyName":"other"})"),
                  ErrorCode::kNotFound, "No such policy exists");
  CHECK_AWS_ERROR(f.Call(GetKeyPolicy, R"({"KeyId":")" + id + R"(","PolicyName":"no-dash"})"),
                  ErrorCode::kValidation,
                  "1 validation error detected: Value 'no-dash' at 'policyName' failed to "
                  "satisfy constraint: Member must satisfy regular expression pattern: [\\w]+");
  CHECK_AWS_ERROR(f.Call(GetKeyPolicy, "{}"), ErrorCode::kValidation,
                  "1 validation error detected: Value null at 'keyId' failed to satisfy "
                  "constraint: Member must not be null");
}

TEST_CASE("Policy operations take the caller's key ids and ARNs, not aliases") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateAlias, R"({"AliasName":"alias/pol","TargetKeyId":")" + id + R"("})");
  CHECK_AWS_ERROR(f.Call(GetKeyPolicy, KeyIdJson("alias/pol")), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/pol'");
  CHECK_AWS_ERROR(f.Call(ListKeyPolicies, KeyIdJson("alias/pol")), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/pol'");
  std::string other_arn = ArnOf(f.NewKeyId(f.Ctx(kOtherAccount)), kOtherAccount);
  CHECK_AWS_ERROR(f.Call(GetKeyPolicy, KeyIdJson(other_arn)), ErrorCode::kNotFound,
                  "Key '" + other_arn + "' does not exist");
  CHECK_AWS_ERROR(Put(f, other_arn, RootAllows(R"("Action":"kms:*")")), ErrorCode::kNotFound,
                  "Key '" + other_arn + "' does not exist");
}

// ---- PutKeyPolicy ----

TEST_CASE("PutKeyPolicy stores the document re-printed the way AWS returns policies") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string policy =
      R"({"Version":"2012-10-17","Id":"custom","Statement":[{"Sid":"Root","Effect":"Allow",)"
      R"("Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"]},)"
      R"("Action":["kms:*"],"Resource":"*","Condition":{}},{"Sid":"Use","Effect":"Allow",)"
      R"("Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Decrypt",)"
      R"("Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}}]})";
  auto out = Put(f, id, policy);
  REQUIRE(out.has_value());
  CHECK(out->empty());
  CHECK(PolicyOf(f, id) ==
        "{\n"
        "  \"Version\" : \"2012-10-17\",\n"
        "  \"Id\" : \"custom\",\n"
        "  \"Statement\" : [ {\n"
        "    \"Sid\" : \"Root\",\n"
        "    \"Effect\" : \"Allow\",\n"
        "    \"Principal\" : {\n"
        "      \"AWS\" : [ \"arn:aws:iam::111122223333:root\", \"444455556666\" ]\n"
        "    },\n"
        "    \"Action\" : [ \"kms:*\" ],\n"
        "    \"Resource\" : \"*\",\n"
        "    \"Condition\" : { }\n"
        "  }, {\n"
        "    \"Sid\" : \"Use\",\n"
        "    \"Effect\" : \"Allow\",\n"
        "    \"Principal\" : {\n"
        "      \"AWS\" : \"arn:aws:iam::111122223333:role/app\"\n"
        "    },\n"
        "    \"Action\" : \"kms:Decrypt\",\n"
        "    \"Resource\" : \"*\",\n"
        "    \"Condition\" : {\n"
        "      \"NumericLessThan\" : {\n"
        "        \"aws:MultiFactorAuthAge\" : 3600\n"
        "      }\n"
        "    }\n"
        "  } ]\n"
        "}");
  // The same document, whatever its whitespace.
  CHECK(boost::json::parse(PolicyOf(f, id)) == boost::json::parse(policy));
}

TEST_CASE("PutKeyPolicy accepts the default name and works in every key state") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(DisableKey, KeyIdJson(id));
  CHECK(Put(f, id, RootAllows(R"("Action":"kms:*")"), R"("PolicyName":"default")").has_value());
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK(Put(f, ArnOf(id), RootAllows(R"("Action":"kms:PutKeyPolicy")")).has_value());
  CHECK(PolicyOf(f, id).find("\"kms:PutKeyPolicy\"") != std::string::npos);
  CHECK_AWS_ERROR(Put(f, id, RootAllows(R"("Action":"kms:*")"), R"("PolicyName":"mine")"),
                  ErrorCode::kNotFound, "No such policy exists");
}

TEST_CASE("PutKeyPolicy refuses documents that are no JSON policy without a message") {
  Fixture f;
  std::string id = f.NewKeyId();
  for (const std::string& bad : {
           std::string("not a real policy statement"),
           std::string(R"({"Statement":[)"),
           std::string(R"([{"Effect":"Allow"}])"),
           std::string(R"({"Version":"2012-10-17"})"),
           std::string(R"({"Statement":[]})"),
           std::string(R"({"Statement":["x"]})"),
           std::string(R"({"Version":"2013-01-01","Statement":{"Effect":"Allow","Principal":"*",)"
                       R"("Action":"kms:*","Resource":"*"}})"),
           std::string(R"({"Statement":{"Effect":"Permit","Principal":"*","Action":"kms:*"}})"),
           std::string(R"({"Statement":{"Principal":"*","Action":"kms:*"}})"),
       }) {
    CAPTURE(bad);
    CHECK_AWS_ERROR(Put(f, id, bad), ErrorCode::kMalformedPolicyDocument, "");
  }
  CHECK(PolicyOf(f, id) == kDefaultPolicy);
}

TEST_CASE("PutKeyPolicy needs a principal in every statement, and valid ones") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(Put(f, id, PolicyWith(R"("Action":"kms:*")")),
                  ErrorCode::kMalformedPolicyDocument, kNoPrincipal);
  for (const std::string& principal : {
           std::string(R"("bob")"),
           std::string(R"({"AWS":"bob"})"),
           std::string(R"({"AWS":"arn:aws:s3:::bucket"})"),
           std::string(R"({"AWS":"arn:aws:iam::12345:root"})"),
           std::string(R"({"AWS":[]})"),
           std::string(R"({"Group":"x"})"),
           std::string(R"({})"),
       }) {
    CAPTURE(principal);
    CHECK_AWS_ERROR(Put(f, id, PolicyWith(R"("Principal":)" + principal + R"(,"Action":"kms:*")")),
                    ErrorCode::kMalformedPolicyDocument, kInvalidPrincipals);
  }
}

TEST_CASE("PutKeyPolicy keeps the lockout safety check unless it is bypassed") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string other_account =
      PolicyWith(R"("Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:*")");
  CHECK_AWS_ERROR(Put(f, id, other_account), ErrorCode::kMalformedPolicyDocument, kLockout);
  CHECK_AWS_ERROR(Put(f, id, RootAllows(R"("Action":["kms:Encrypt","kms:Decrypt"])")),
                  ErrorCode::kMalformedPolicyDocument, kLockout);
  CHECK_AWS_ERROR(Put(f, id, RootAllows(R"("NotAction":"kms:Put*")")),
                  ErrorCode::kMalformedPolicyDocument, kLockout);
  CHECK_AWS_ERROR(Put(f, id,
                      PolicyWith(R"("Principal":{"Service":"logs.amazonaws.com"},)"
                                 R"("Action":"kms:*")")),
                  ErrorCode::kMalformedPolicyDocument, kLockout);
  CHECK(Put(f, id, other_account, R"("BypassPolicyLockoutSafetyCheck":true)").has_value());
  CHECK(PolicyOf(f, id).find("444455556666") != std::string::npos);
}

TEST_CASE("The lockout check accepts any way of letting the account call PutKeyPolicy") {
  Fixture f;
  std::string id = f.NewKeyId();
  for (const std::string& statement : {
           std::string(R"("Principal":"*","Action":"kms:*")"),
           std::string(R"("Principal":{"AWS":"*"},"Action":"*")"),
           std::string(R"("Principal":{"AWS":"111122223333"},"Action":"KMS:PUTKEYPOLICY")"),
           std::string(R"("Principal":{"AWS":"arn:aws:iam::111122223333:role/admin"},)"
                       R"("Action":"kms:Put*")"),
           std::string(R"("Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/a/b"},)"
                       R"("Action":"kms:P?tKeyPolicy")"),
           std::string(R"("Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
                       R"("NotAction":"kms:Decrypt")"),
           std::string(R"("NotPrincipal":{"AWS":"arn:aws:iam::444455556666:root"},)"
                       R"("Action":"kms:*")"),
       }) {
    CAPTURE(statement);
    CHECK(Put(f, id, PolicyWith(statement)).has_value());
  }
}

TEST_CASE("PutKeyPolicy enforces the model's Policy constraints and the 32 KB quota") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(PutKeyPolicy, KeyIdJson(id)), ErrorCode::kValidation,
                  "1 validation error detected: Value null at 'policy' failed to satisfy "
                  "constraint: Member must not be null");
  CHECK_AWS_ERROR(Put(f, id, "\xC4\x80"), ErrorCode::kValidation,
                  "1 validation error detected: Value '\xC4\x80' at 'policy' failed to satisfy "
                  "constraint: Member must satisfy regular expression pattern: "
                  "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
  std::string padding(kMaxKeyPolicyBytes, ' ');
  std::string big = RootAllows(R"("Action":"kms:*")") + padding;
  CHECK_AWS_ERROR(Put(f, id, big), ErrorCode::kLimitExceeded,
                  "The key policy exceeds the maximum size of 32768 bytes.");
  std::string fits = RootAllows(R"("Action":"kms:*")");
  fits += std::string(kMaxKeyPolicyBytes - fits.size(), '\n');
  CHECK(Put(f, id, fits).has_value());
}

// ---- ListKeyPolicies ----

TEST_CASE("ListKeyPolicies lists the one policy name") {
  Fixture f;
  std::string id = f.NewKeyId();
  auto out = f.Ok(ListKeyPolicies, KeyIdJson(id));
  CHECK(boost::json::serialize(out) == R"({"PolicyNames":["default"],"Truncated":false})");
  auto limited = f.Ok(ListKeyPolicies, R"({"KeyId":")" + id + R"(","Limit":1})");
  CHECK(limited == out);
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK(f.Ok(ListKeyPolicies, KeyIdJson(id)) == out);
}

TEST_CASE("ListKeyPolicies validates Limit and Marker") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(ListKeyPolicies, R"({"KeyId":")" + id + R"(","Limit":1001})"),
                  ErrorCode::kValidation,
                  "1 validation error detected: Value '1001' at 'limit' failed to satisfy "
                  "constraint: Member must have value less than or equal to 1000");
  CHECK_AWS_ERROR(f.Call(ListKeyPolicies, R"({"KeyId":")" + id + R"(","Marker":"abc"})"),
                  ErrorCode::kInvalidMarker, "Invalid marker");
  std::string missing = "1234abcd-12ab-34cd-56ef-1234567890ab";
  CHECK_AWS_ERROR(f.Call(ListKeyPolicies, KeyIdJson(missing)), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
}

// ---- CreateKey's Policy ----

TEST_CASE("CreateKey validates its Policy and stores it re-printed") {
  Fixture f;
  boost::json::object body{{"Policy", RootAllows(R"("Action":"kms:*")")}};
  auto metadata = f.NewKey(boost::json::serialize(body));
  std::string id = Str(metadata.at("KeyId"));
  CHECK(PolicyOf(f, id) ==
        "{\n"
        "  \"Version\" : \"2012-10-17\",\n"
        "  \"Statement\" : [ {\n"
        "    \"Effect\" : \"Allow\",\n"
        "    \"Principal\" : {\n"
        "      \"AWS\" : \"arn:aws:iam::111122223333:root\"\n"
        "    },\n"
        "    \"Action\" : \"kms:*\",\n"
        "    \"Resource\" : \"*\"\n"
        "  } ]\n"
        "}");
  size_t keys_before = f.store().ListKeys(kAccount, kRegion).size();
  boost::json::object malformed{{"Policy", "{"}};
  CHECK_AWS_ERROR(f.Call(CreateKey, boost::json::serialize(malformed)),
                  ErrorCode::kMalformedPolicyDocument, "");
  boost::json::object lockout{
      {"Policy",
       PolicyWith(R"("Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:*")")}};
  CHECK_AWS_ERROR(f.Call(CreateKey, boost::json::serialize(lockout)),
                  ErrorCode::kMalformedPolicyDocument, kLockout);
  CHECK(f.store().ListKeys(kAccount, kRegion).size() == keys_before);
  lockout["BypassPolicyLockoutSafetyCheck"] = true;
  CHECK(f.Call(CreateKey, boost::json::serialize(lockout)).has_value());
}

// ---- Printing and action patterns ----

TEST_CASE("PrettyPolicyJson prints like Jackson's default pretty printer") {
  auto print = [](std::string_view json) { return PrettyPolicyJson(boost::json::parse(json)); };
  CHECK(print("{}") == "{ }");
  CHECK(print("[]") == "[ ]");
  CHECK(print(R"({"a":[]})") == "{\n  \"a\" : [ ]\n}");
  CHECK(print(R"([1,true,null,"x"])") == "[ 1, true, null, \"x\" ]");
  CHECK(print(R"([[1,2],{"b":{}}])") == "[ [ 1, 2 ], {\n  \"b\" : { }\n} ]");
  CHECK(print(R"({"n":1.5,"big":1e20,"neg":-2,"whole":100.0})") ==
        "{\n  \"n\" : 1.5,\n  \"big\" : 1.0E20,\n  \"neg\" : -2,\n  \"whole\" : 100.0\n}");
  CHECK(print(R"(["q\"b\\s/t\tn\nr\rf\fb\bc\u0001é"])") ==
        "[ \"q\\\"b\\\\s/t\\tn\\nr\\rf\\fb\\bc\\u0001\xC3\xA9\" ]");
}

TEST_CASE("ActionPatternMatches follows IAM's wildcard rules, case-insensitively") {
  CHECK(ActionPatternMatches("*", "kms:PutKeyPolicy"));
  CHECK(ActionPatternMatches("kms:*", "kms:PutKeyPolicy"));
  CHECK(ActionPatternMatches("KMS:put*", "kms:PutKeyPolicy"));
  CHECK(ActionPatternMatches("kms:*Policy", "kms:PutKeyPolicy"));
  CHECK(ActionPatternMatches("kms:P?tKeyPolicy", "kms:PutKeyPolicy"));
  CHECK(ActionPatternMatches("kms:*Key*", "kms:PutKeyPolicy"));
  CHECK_FALSE(ActionPatternMatches("kms:Put", "kms:PutKeyPolicy"));
  CHECK_FALSE(ActionPatternMatches("kms:Get*", "kms:PutKeyPolicy"));
  CHECK_FALSE(ActionPatternMatches("s3:*", "kms:PutKeyPolicy"));
  CHECK_FALSE(ActionPatternMatches("", "kms:PutKeyPolicy"));
}
