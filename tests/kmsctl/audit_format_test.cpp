// How `kmsctl audit` prints CloudTrail events: the text line and the JSON shape.
#include "audit_format.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kms::cli {
namespace {

namespace json = boost::json;

json::object Event(std::string_view record) {
  json::object e;
  e["EventId"] = "e1";
  e["EventName"] = "Decrypt";
  e["ReadOnly"] = "true";
  e["EventTime"] = 1714564800;
  e["EventSource"] = "kms.amazonaws.com";
  e["Username"] = "alice";
  e["Resources"] =
      json::array{json::object{{"ResourceType", "AWS::KMS::Key"},
                               {"ResourceName", "arn:aws:kms:us-east-1:111122223333:key/k-1"}},
                  json::object{{"ResourceType", "AWS::KMS::Key"},
                               {"ResourceName", "arn:aws:kms:us-east-1:111122223333:alias/app"}}};
  e["CloudTrailEvent"] = record;
  return e;
}

TEST_CASE("EventLine prints time, name, user, resources, context and error code") {
  json::object e = Event(R"({"requestParameters":{"encryptionContext":{"team":"db","app":"x"}},)"
                         R"("errorCode":"InvalidCiphertextException"})");
  CHECK(EventLine(e) ==
        "2024-05-01T12:00:00Z\tDecrypt\talice\tkey/k-1,alias/app\tapp=x,team=db\t"
        "InvalidCiphertextException");
}

TEST_CASE("EventLine prints a dash for what an event lacks") {
  json::object e = Event(R"({"requestParameters":null})");
  e.erase("Resources");
  e["Username"] = "";
  CHECK(EventLine(e) == "2024-05-01T12:00:00Z\tDecrypt\t-\t-\t-\t-");
  e["CloudTrailEvent"] = "not json";
  CHECK(EventLine(e) == "2024-05-01T12:00:00Z\tDecrypt\t-\t-\t-\t-");
}

TEST_CASE("ApiShape keeps the event and gives EventTime in epoch seconds with a fraction") {
  json::object e = Event("{}");
  json::object shaped = ApiShape(e);
  CHECK(shaped.at("EventTime").is_double());
  CHECK(shaped.at("EventTime").as_double() == 1714564800.0);
  CHECK(shaped.at("CloudTrailEvent") == "{}");
  CHECK(shaped.size() == e.size());
  auto [id, time] = EventIdAndTime(e);
  CHECK(id == "e1");
  CHECK(time == SystemTime(std::chrono::seconds(1714564800)));
}

}  // namespace
}  // namespace kms::cli
