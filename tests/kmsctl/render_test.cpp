// kmsctl output: JSON as the aws CLI's json.dumps(indent=4) and text as awscli/text.py print it.
// The expected strings were produced by those Python functions for the same input.
#include "render.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "model_json.hpp"

namespace kms::cli {
namespace {

namespace json = boost::json;

TEST_CASE("Doubles print as Python's repr") {
  CHECK(FormatDouble(1796004492.37) == "1796004492.37");
  CHECK(FormatDouble(1700000000.123) == "1700000000.123");
  CHECK(FormatDouble(12.0) == "12.0");
  CHECK(FormatDouble(0.0) == "0.0");
  CHECK(FormatDouble(0.5) == "0.5");
  CHECK(FormatDouble(1e16) == "1e+16");
  CHECK(FormatDouble(1.5e-5) == "1.5e-05");
}

TEST_CASE("Timestamps become epoch seconds with milliseconds") {
  Timestamp t{std::chrono::milliseconds(1796004492370)};
  CHECK(FormatDouble(EpochSeconds(t)) == "1796004492.37");
  Timestamp whole{std::chrono::seconds(1700000000)};
  CHECK(FormatDouble(EpochSeconds(whole)) == "1700000000.0");
}

TEST_CASE("JSON output is indented by four spaces and keeps member order") {
  json::value v =
      json::parse(R"({"Z":1,"A":{"b":[1,2],"e":[],"o":{}},"t":true,"n":null,"d":1.5,"s":"x"})");
  CHECK(RenderJson(v) ==
        "{\n"
        "    \"Z\": 1,\n"
        "    \"A\": {\n"
        "        \"b\": [\n"
        "            1,\n"
        "            2\n"
        "        ],\n"
        "        \"e\": [],\n"
        "        \"o\": {}\n"
        "    },\n"
        "    \"t\": true,\n"
        "    \"n\": null,\n"
        "    \"d\": 1.5,\n"
        "    \"s\": \"x\"\n"
        "}\n");
}

TEST_CASE("JSON output escapes quotes, backslashes and control characters, not UTF-8") {
  json::object o;
  o["k"] = "q\"b\\n\nt\tc\x01 é\x7f";
  CHECK(RenderJson(o) == "{\n    \"k\": \"q\\\"b\\\\n\\nt\\tc\\u0001 é\x7f\"\n}\n");
  CHECK(RenderJson(json::object()) == "{}\n");
}

TEST_CASE("Text output: sorted scalars on one line, nested members under their key") {
  json::value v = json::parse(R"({"KeyMetadata": {"KeyId": "k", "Arn": "a", "Enabled": true,
      "CreationDate": 1796004466.966, "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT", "X"],
      "AWSAccountId": "1"}})");
  CHECK(RenderText(v) ==
        "KEYMETADATA\t1\ta\t1796004466.966\tTrue\tk\n"
        "ENCRYPTIONALGORITHMS\tSYMMETRIC_DEFAULT\n"
        "ENCRYPTIONALGORITHMS\tX\n");
}

TEST_CASE("Text output: top-level scalars first, then one line per list element") {
  json::value v = json::parse(R"({"Keys": [{"KeyId": "1", "KeyArn": "arn1"},
      {"KeyId": "2", "KeyArn": "arn2"}], "Truncated": true, "NextMarker": "m"})");
  CHECK(RenderText(v) == "m\tTrue\nKEYS\tarn1\t1\nKEYS\tarn2\t2\n");
}

TEST_CASE("Text output: list elements share the union of scalar keys, missing ones empty") {
  json::value v = json::parse(R"({"Aliases": [{"AliasName": "a", "TargetKeyId": "k"},
      {"AliasName": "b", "AliasArn": "arn"}]})");
  CHECK(RenderText(v) == "ALIASES\t\ta\tk\nALIASES\tarn\tb\t\n");
}

TEST_CASE("Text output: a bare scalar list is one tab-separated line; empty lists print nothing") {
  CHECK(RenderText(json::parse(R"(["a", 1, false])")) == "a\t1\tFalse\n");
  CHECK(RenderText(json::parse(R"({"Tags": []})")) == "");
  CHECK(RenderText(json::parse(R"({"Plaintext": "aGk="})")) == "aGk=\n");
}

TEST_CASE("KeyMetadata JSON follows the botocore member order and always has Description") {
  KeyMetadata m;
  m.AWSAccountId = "111122223333";
  m.KeyId = "k";
  m.Arn = "arn";
  m.CreationDate = Timestamp{std::chrono::milliseconds(1500)};
  m.Enabled = true;
  m.KeyState = KeyState::kEnabled;
  m.KeySpec = KeySpec::kSymmetricDefault;
  m.EncryptionAlgorithms = {EncryptionAlgorithm::kSymmetricDefault};
  m.MultiRegion = false;
  CHECK(RenderJson(ToJson(m)) ==
        "{\n"
        "    \"AWSAccountId\": \"111122223333\",\n"
        "    \"KeyId\": \"k\",\n"
        "    \"Arn\": \"arn\",\n"
        "    \"CreationDate\": 1.5,\n"
        "    \"Enabled\": true,\n"
        "    \"Description\": \"\",\n"
        "    \"KeyState\": \"Enabled\",\n"
        "    \"KeySpec\": \"SYMMETRIC_DEFAULT\",\n"
        "    \"EncryptionAlgorithms\": [\n"
        "        \"SYMMETRIC_DEFAULT\"\n"
        "    ],\n"
        "    \"MultiRegion\": false\n"
        "}\n");
}

TEST_CASE("Multi-Region configuration and tags render nested objects") {
  KeyMetadata m;
  m.MultiRegionConfiguration =
      MultiRegionConfiguration{"PRIMARY", MultiRegionKey{"arn1", "us-east-1"}, {{"arn2", "eu"}}};
  json::object o = ToJson(m);
  CHECK(json::serialize(o["MultiRegionConfiguration"]) ==
        R"({"MultiRegionKeyType":"PRIMARY","PrimaryKey":{"Arn":"arn1","Region":"us-east-1"},)"
        R"("ReplicaKeys":[{"Arn":"arn2","Region":"eu"}]})");
  // A primary key without replicas: AWS (and the aws CLI) show "ReplicaKeys": [].
  m.MultiRegionConfiguration = MultiRegionConfiguration{"PRIMARY", MultiRegionKey{"arn1", "r"}, {}};
  CHECK(json::serialize(ToJson(m)["MultiRegionConfiguration"]) ==
        R"({"MultiRegionKeyType":"PRIMARY","PrimaryKey":{"Arn":"arn1","Region":"r"},)"
        R"("ReplicaKeys":[]})");
  CHECK(json::serialize(ToJson(Tag{"k", ""})) == R"({"TagKey":"k","TagValue":""})");
}

}  // namespace
}  // namespace kms::cli
