// Tests for CloudTrail LookupEvents on the emulator's port (api/cloudtrail_ops,
// audit/lookup_events): every lookup attribute, time range, paging, per-account scope, and every
// error with its __type and exact message.
#include <doctest/doctest.h>

#include <kms/internal/encoding.hpp>
#include <set>

#include "audit/lookup_events.hpp"
#include "audit_fixture.hpp"

namespace {

using namespace kms::emulator;
using namespace kms::emulator::testing;
using boost::json::object;
using kms::HttpRequest;
using kms::HttpResponse;

std::vector<std::string> Names(const object& page) {
  std::vector<std::string> out;
  for (const auto& e : page.at("Events").as_array()) out.push_back(Text(e.at("EventName")));
  return out;
}

object LookupOk(AuditFixture& f, std::string body) {
  HttpResponse response = f.LookupEvents(std::move(body));
  INFO(response.body);
  REQUIRE(response.status == 200);
  CHECK(response.Header("Content-Type") == "application/x-amz-json-1.1");
  CHECK(response.Header("x-amzn-RequestId").size() == 36);
  return ParseObject(response.body);
}

void CheckLookupError(AuditFixture& f, std::string body, std::string_view type,
                      std::string_view message) {
  HttpResponse response = f.LookupEvents(std::move(body));
  INFO(response.body);
  CHECK(response.status == 400);
  CHECK(response.Header("x-amzn-ErrorType") == type);
  object error = ParseObject(response.body);
  CHECK(Text(error.at("__type")) == type);
  CHECK(Text(error.at("message")) == message);
}

std::string Attribute(std::string_view key, std::string_view value) {
  return R"({"LookupAttributes":[{"AttributeKey":")" + std::string(key) +
         R"(","AttributeValue":")" + std::string(value) + R"("}]})";
}

// Three calls: CreateKey, Encrypt (success), DescribeKey of a missing alias (failure).
struct Trail {
  std::string key;
};

Trail MakeTrail(AuditFixture& f) {
  Trail t{f.NewKeyId()};
  f.Ok("Encrypt", R"({"KeyId":")" + t.key + R"(","Plaintext":"eA=="})");
  CHECK(f.Kms("DescribeKey", R"({"KeyId":"alias/none"})").status == 400);
  return t;
}

TEST_CASE("LookupEvents returns every event, newest first, with the CloudTrail Event members") {
  AuditFixture f;
  Trail t = MakeTrail(f);
  object page = LookupOk(f, "{}");
  CHECK(Names(page) == std::vector<std::string>{"DescribeKey", "Encrypt", "CreateKey"});
  CHECK_FALSE(page.contains("NextToken"));
  const object& e = page.at("Events").at(1).as_object();
  std::vector<std::string> keys;
  for (const auto& kv : e) keys.emplace_back(kv.key());
  CHECK(keys == std::vector<std::string>{"EventId", "EventName", "ReadOnly", "AccessKeyId",
                                         "EventTime", "EventSource", "Username", "Resources",
                                         "CloudTrailEvent"});
  CHECK(Text(e.at("ReadOnly")) == "true");
  CHECK(Text(e.at("AccessKeyId")) == kAccessKey);
  CHECK(Text(e.at("EventSource")) == "kms.amazonaws.com");
  CHECK(Text(e.at("Username")) == "root");
  CHECK(Text(e.at("Resources").at(0).at("ResourceType")) == "AWS::KMS::Key");
  CHECK(Text(e.at("Resources").at(0).at("ResourceName")) == KeyArnOf(t.key));
  object record = ParseObject(Text(e.at("CloudTrailEvent")));
  CHECK(Text(record.at("eventID")) == Text(e.at("EventId")));
  CHECK(e.at("EventTime").as_int64() == f.clock().NowMs() / 1000);
  CHECK(Text(page.at("Events").at(2).at("ReadOnly")) == "false");
}

TEST_CASE("LookupEvents filters by each lookup attribute") {
  AuditFixture f;
  Trail t = MakeTrail(f);
  auto names = [&](std::string_view key, std::string_view value) {
    return Names(LookupOk(f, Attribute(key, value)));
  };
  using V = std::vector<std::string>;
  CHECK(names("EventName", "Encrypt") == V{"Encrypt"});
  CHECK(names("EventName", "encrypt") == V{});  // exact, case-sensitive
  CHECK(names("ReadOnly", "true") == V{"DescribeKey", "Encrypt"});
  CHECK(names("ReadOnly", "false") == V{"CreateKey"});
  CHECK(names("ReadOnly", "yes") == V{});
  CHECK(names("Username", "root") == V{"DescribeKey", "Encrypt", "CreateKey"});
  CHECK(names("Username", "alice") == V{});
  CHECK(names("ResourceName", KeyArnOf(t.key)) == V{"Encrypt", "CreateKey"});
  CHECK(names("ResourceName", t.key) == V{});  // the ARN is the resource name
  CHECK(names("ResourceType", "AWS::KMS::Key") == V{"Encrypt", "CreateKey"});
  CHECK(names("ResourceType", "AWS::S3::Bucket") == V{});
  CHECK(names("EventSource", "kms.amazonaws.com") == V{"DescribeKey", "Encrypt", "CreateKey"});
  CHECK(names("EventSource", "s3.amazonaws.com") == V{});
  CHECK(names("AccessKeyId", kAccessKey) == V{"DescribeKey", "Encrypt", "CreateKey"});
  CHECK(names("AccessKeyId", "AKIAOTHER") == V{});
  std::string encrypt_id =
      Text(LookupOk(f, Attribute("EventName", "Encrypt")).at("Events").at(0).at("EventId"));
  CHECK(names("EventId", encrypt_id) == V{"Encrypt"});
}

TEST_CASE("LookupEvents sees only the caller's account and region") {
  AuditFixture f;
  MakeTrail(f);
  // The other caller's own calls, in eu-west-1.
  CHECK(f.Send("TrentService.ListKeys", "{}", kAccessKey, "eu-west-1").status == 200);
  CHECK(Names(LookupOk(f, "{}")).size() == 3);
  HttpResponse other = f.LookupEvents("{}", kAccessKey, "eu-west-1");
  REQUIRE(other.status == 200);
  CHECK(Names(ParseObject(other.body)) == std::vector<std::string>{"ListKeys"});
}

TEST_CASE("LookupEvents StartTime and EndTime bound the events, inclusive, to the second") {
  AuditFixture f;
  int64_t t0 = f.clock().NowMs() / 1000;
  f.NewKeyId();
  f.clock().Advance(10'000);
  f.Ok("ListKeys", "{}");
  f.clock().Advance(10'000);
  f.Ok("ListAliases", "{}");
  auto range = [&](int64_t start, int64_t end) {
    return Names(LookupOk(f, R"({"StartTime":)" + std::to_string(start) + R"(,"EndTime":)" +
                                 std::to_string(end) + "}"));
  };
  using V = std::vector<std::string>;
  CHECK(range(t0, t0 + 20) == V{"ListAliases", "ListKeys", "CreateKey"});
  CHECK(range(t0 + 10, t0 + 10) == V{"ListKeys"});
  CHECK(range(t0 + 1, t0 + 19) == V{"ListKeys"});
  CHECK(range(t0 + 21, t0 + 30) == V{});
  CHECK(Names(LookupOk(f, R"({"StartTime":)" + std::to_string(t0 + 5) + ".75}")) ==
        V{"ListAliases", "ListKeys"});
  CHECK(Names(LookupOk(f, R"({"EndTime":)" + std::to_string(t0 + 5) + "}")) == V{"CreateKey"});
}

TEST_CASE("LookupEvents pages with MaxResults and NextToken until the last page") {
  AuditFixture f;
  for (int i = 0; i < 7; ++i)
    f.Ok("GenerateRandom", R"({"NumberOfBytes":)" + std::to_string(i + 1) + "}");
  std::vector<std::string> ids;
  std::string token;
  int pages = 0;
  do {
    std::string body = R"({"MaxResults":3)";
    if (!token.empty()) body += R"(,"NextToken":")" + token + "\"";
    object page = LookupOk(f, body + "}");
    for (const auto& e : page.at("Events").as_array()) ids.push_back(Text(e.at("EventId")));
    token = page.contains("NextToken") ? Text(page.at("NextToken")) : "";
    ++pages;
    CHECK(page.at("Events").as_array().size() == (pages < 3 ? 3u : 1u));
  } while (!token.empty());
  CHECK(pages == 3);
  CHECK(ids.size() == 7);
  std::set<std::string> distinct(ids.begin(), ids.end());
  CHECK(distinct.size() == 7);
  // Newest first: the first event is the last GenerateRandom (7 bytes).
  object newest = LookupOk(f, R"({"MaxResults":1})");
  object record = ParseObject(Text(newest.at("Events").at(0).at("CloudTrailEvent")));
  CHECK(record.at("requestParameters").at("numberOfBytes").as_int64() == 7);
  CHECK(Text(newest.at("Events").at(0).at("EventId")) == ids.front());
}

TEST_CASE("A page boundary holds when new events arrive between pages") {
  AuditFixture f;
  for (int i = 0; i < 4; ++i) f.Ok("ListKeys", "{}");
  object first = LookupOk(f, R"({"MaxResults":2})");
  f.Ok("ListAliases", "{}");  // newer than every page: not part of this listing
  object second =
      LookupOk(f, R"({"MaxResults":2,"NextToken":")" + Text(first.at("NextToken")) + "\"}");
  CHECK(Names(second) == std::vector<std::string>{"ListKeys", "ListKeys"});
  CHECK_FALSE(second.contains("NextToken"));
}

TEST_CASE("LookupEvents with EventCategory insight finds nothing: there are no Insights events") {
  AuditFixture f;
  MakeTrail(f);
  CHECK(Names(LookupOk(f, R"({"EventCategory":"insight"})")).empty());
}

TEST_CASE("LookupEvents rejects more than one lookup attribute") {
  AuditFixture f;
  CheckLookupError(
      f,
      R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"Encrypt"},)"
      R"({"AttributeKey":"Username","AttributeValue":"root"}]})",
      "InvalidLookupAttributesException",
      "Only one lookup attribute is allowed; the request has 2.");
}

TEST_CASE("LookupEvents rejects an unknown AttributeKey") {
  AuditFixture f;
  CheckLookupError(f, Attribute("EventTime", "x"), "InvalidLookupAttributesException",
                   "Lookup attribute key 'EventTime' is not valid. Valid keys: EventId, "
                   "EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, "
                   "AccessKeyId.");
}

TEST_CASE("LookupEvents rejects an attribute value of 0 or more than 2000 characters") {
  AuditFixture f;
  std::string message =
      "The value of lookup attribute EventName must be 1 to 2000 characters long.";
  CheckLookupError(f, Attribute("EventName", ""), "InvalidLookupAttributesException", message);
  CheckLookupError(f, Attribute("EventName", std::string(2001, 'a')),
                   "InvalidLookupAttributesException", message);
  CHECK(Names(LookupOk(f, Attribute("EventName", std::string(2000, 'a')))).empty());
}

TEST_CASE("LookupEvents rejects a lookup attribute without key or value") {
  AuditFixture f;
  CheckLookupError(f, R"({"LookupAttributes":[{"AttributeKey":"EventName"}]})",
                   "InvalidLookupAttributesException",
                   "A lookup attribute needs both an AttributeKey and an AttributeValue.");
}

TEST_CASE("LookupEvents rejects a StartTime after the EndTime") {
  AuditFixture f;
  CheckLookupError(f, R"({"StartTime":1700000001,"EndTime":1700000000})",
                   "InvalidTimeRangeException", "StartTime must not be after EndTime.");
  CheckLookupError(f, R"({"StartTime":1e300})", "InvalidTimeRangeException",
                   "The StartTime is out of range.");
}

TEST_CASE("LookupEvents rejects MaxResults outside 1 to 50") {
  AuditFixture f;
  for (std::string n : {"0", "51", "-1"}) {
    CheckLookupError(f, R"({"MaxResults":)" + n + "}", "InvalidMaxResultsException",
                     "MaxResults must be from 1 to 50.");
  }
  CHECK(LookupOk(f, R"({"MaxResults":50})").at("Events").as_array().empty());
}

TEST_CASE("LookupEvents rejects a NextToken it did not issue or issued for other parameters") {
  AuditFixture f;
  for (int i = 0; i < 3; ++i) f.Ok("ListKeys", "{}");
  std::string message =
      "The NextToken is not valid, or was issued for a request with other parameters.";
  CheckLookupError(f, R"({"NextToken":"garbage"})", "InvalidNextTokenException", message);
  CheckLookupError(
      f, R"({"NextToken":")" + kms::internal::Base64Encode(std::string_view("v1|x|1|y")) + "\"}",
      "InvalidNextTokenException", message);
  std::string token = Text(LookupOk(f, R"({"MaxResults":1})").at("NextToken"));
  CheckLookupError(
      f,
      R"({"MaxResults":1,"NextToken":")" + token + R"(",)" +
          R"("LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"ListKeys"}]})",
      "InvalidNextTokenException", message);
  CHECK(LookupOk(f, R"({"MaxResults":1,"NextToken":")" + token + "\"}")
            .at("Events")
            .as_array()
            .size() == 1);
}

TEST_CASE("LookupEvents rejects an EventCategory other than insight") {
  AuditFixture f;
  CheckLookupError(f, R"({"EventCategory":"management"})", "InvalidEventCategoryException",
                   "EventCategory 'management' is not valid; it can only be insight.");
}

TEST_CASE("LookupEvents members of the wrong JSON type are a SerializationException") {
  AuditFixture f;
  CheckLookupError(f, R"({"MaxResults":"5"})", "SerializationException",
                   "STRING_VALUE can not be converted to an Integer");
  CheckLookupError(f, R"({"StartTime":"yesterday"})", "SerializationException",
                   "STRING_VALUE can not be converted to a Timestamp");
  CheckLookupError(f, R"({"LookupAttributes":{"AttributeKey":"EventName"}})",
                   "SerializationException", "Start of structure or map");
  CheckLookupError(f, R"({"LookupAttributes":[{"AttributeKey":1,"AttributeValue":"x"}]})",
                   "SerializationException", "NUMBER_VALUE can not be converted to an String");
}

TEST_CASE("Another CloudTrail operation is an UnknownOperationException") {
  AuditFixture f;
  HttpResponse response = f.Send(std::string(kCloudTrailTargetPrefix) + "DescribeTrails", "{}");
  CHECK(response.status == 400);
  CHECK(response.Header("x-amzn-ErrorType") == "UnknownOperationException");
  CHECK(Text(ParseObject(response.body).at("message")) ==
        "Unknown operation: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails");
}

TEST_CASE("LookupEvents with the audit trail off returns no events") {
  auto store = KeyStore::Open(":memory:");
  REQUIRE(store.has_value());
  Clock clock;
  Services services{**store, clock};
  RequestContext ctx;
  ctx.account = kAuditAccount;
  ctx.region = kAuditRegion;
  auto page = audit::LookupEvents(services.audit, ctx, ParseObject("{}"));
  REQUIRE(page.has_value());
  CHECK(page->at("Events").as_array().empty());
}

}  // namespace
