// The stored form of audit records: exact round trips, plain JSON read back unchanged, and the
// size it saves on a typical record.
#include "audit/record_codec.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using kms::emulator::audit::CompactRecord;
using kms::emulator::audit::ExpandRecord;

const std::string kTypical =
    R"({"eventVersion":"1.11","userIdentity":{"type":"Root","principalId":"111122223333",)"
    R"("arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKID"},)"
    R"("eventTime":"2026-11-30T04:37:17Z","eventSource":"kms.amazonaws.com","eventName":)"
    R"("GenerateDataKey","awsRegion":"us-east-1","sourceIPAddress":"127.0.0.1","userAgent":)"
    R"("kms-bench/1.0","requestParameters":{"keyId":"f42c9141-6f32-475a-9d10-6276129576ec",)"
    R"("encryptionContext":{"a":"b"},"keySpec":"AES_256"},"responseElements":null,)"
    R"("additionalEventData":{"keyMaterialId":"aa600689b4f58e76a16f7a2e01a3e2073203f0b62967303daa)"
    R"(94735d18742776"},"requestID":"aa00eb47-67f9-435f-8b40-8ae4935d3c92","eventID":)"
    R"("9e6165a8-a5cf-44d0-94f9-275375777e4d","readOnly":true,"resources":[{"accountId":)"
    R"("111122223333","type":"AWS::KMS::Key","ARN":"arn:aws:kms:us-east-1:111122223333:key/)"
    R"(f42c9141-6f32-475a-9d10-6276129576ec"}],"eventType":"AwsApiCall","managementEvent":true,)"
    R"("recipientAccountId":"111122223333","eventCategory":"Management"})";

std::string Compact(const std::string& json) {
  std::string out = "prefix:";  // CompactRecord appends
  CompactRecord(json, out);
  REQUIRE(out.rfind("prefix:", 0) == 0);
  return out.substr(7);
}

}  // namespace

TEST_CASE("A compacted record expands to exactly the same JSON") {
  std::vector<std::string> records = {
      kTypical,
      "",
      "{}",
      // Client values that contain the fixed fragments' text (quotes escaped, as in records).
      R"({"requestParameters":{"encryptionContext":{"k":"\",\"eventID\":\"arn:aws:kms:"}}})",
      R"({"userAgent":"x\u0001\u001f\n\t","errorCode":"DisabledException","errorMessage":"m"})",
      // A record that ends in the middle of a fragment.
      R"({"eventVersion":"1.11","userIdentity":{"type":"Ro)",
  };
  for (const std::string& json : records) {
    CAPTURE(json);
    std::string stored = Compact(json);
    CHECK(ExpandRecord(stored) == json);
    for (char c : stored) {
      CHECK(c != '\n');  // JSON whitespace is never a token
      CHECK(c != '\t');
      CHECK(c != '\r');
    }
  }
}

TEST_CASE("A typical record is stored in well under half its JSON size") {
  std::string stored = Compact(kTypical);
  CHECK(stored.size() * 100 < kTypical.size() * 55);
  CHECK(stored.find("eventSource") == std::string::npos);
  // Values stay readable in the stored form.
  CHECK(stored.find("aa00eb47-67f9-435f-8b40-8ae4935d3c92") != std::string::npos);
  CHECK(stored.find("GenerateDataKey") != std::string::npos);
}

TEST_CASE("Records stored as plain JSON (before the compact form) read back unchanged") {
  CHECK(ExpandRecord(kTypical) == kTypical);
  CHECK(ExpandRecord(R"({"a":"\u0002"})") == R"({"a":"\u0002"})");
}
