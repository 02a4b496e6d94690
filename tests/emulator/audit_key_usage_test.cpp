// Tests for GetKeyLastUsage (api/key_usage_ops.cpp), answered from the audit trail.
#include <doctest/doctest.h>

#include "api/handlers.hpp"
#include "audit_fixture.hpp"

namespace {

using namespace kms::emulator;
using namespace kms::emulator::testing;
using boost::json::object;
using kms::HttpRequest;
using kms::HttpResponse;

object LastUsage(AuditFixture& f, std::string_view key) {
  return f.Ok("GetKeyLastUsage", R"({"KeyId":")" + std::string(key) + R"("})");
}

TEST_CASE("GetKeyLastUsage of an unused key has an empty KeyLastUsage and tracking from creation") {
  AuditFixture f;
  auto metadata = f.Ok("CreateKey", "{}").at("KeyMetadata").as_object();
  std::string key = Text(metadata.at("KeyId"));
  object out = LastUsage(f, key);
  std::vector<std::string> members;
  for (const auto& kv : out) members.emplace_back(kv.key());
  CHECK(members ==
        std::vector<std::string>{"KeyId", "KeyLastUsage", "TrackingStartDate", "KeyCreationDate"});
  CHECK(Text(out.at("KeyId")) == key);
  CHECK(out.at("KeyLastUsage").as_object().empty());
  CHECK(out.at("KeyCreationDate").to_number<double>() ==
        metadata.at("CreationDate").to_number<double>());
  CHECK(out.at("TrackingStartDate").to_number<double>() ==
        metadata.at("CreationDate").to_number<double>());
}

TEST_CASE("GetKeyLastUsage reports the last successful cryptographic call with its ids") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  auto blob = Text(
      f.Ok("Encrypt", R"({"KeyId":")" + key + R"(","Plaintext":"eA=="})").at("CiphertextBlob"));
  f.clock().Advance(5000);
  HttpResponse decrypt = f.Kms("Decrypt", R"({"CiphertextBlob":")" + blob + R"("})");
  REQUIRE(decrypt.status == 200);
  audit::StoredEvent decrypted = f.LastStored();
  f.Ok("DescribeKey", R"({"KeyId":")" + key + R"("})");  // not cryptographic
  object usage = LastUsage(f, key).at("KeyLastUsage").as_object();
  CHECK(Text(usage.at("Operation")) == "Decrypt");
  CHECK(Text(usage.at("CloudTrailEventId")) == decrypted.event_id);
  CHECK(Text(usage.at("KmsRequestId")) == std::string(decrypt.Header("x-amzn-RequestId")));
  CHECK(usage.at("Timestamp").to_number<double>() ==
        static_cast<double>(decrypted.time_ms) / 1000.0);
}

TEST_CASE("GetKeyLastUsage ignores failed calls") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  f.Ok("Encrypt", R"({"KeyId":")" + key + R"(","Plaintext":"eA=="})");
  f.Ok("DisableKey", R"({"KeyId":")" + key + R"("})");
  REQUIRE(f.Kms("Encrypt",
                R"({"KeyId":")" + key + R"(","Plaintext":"eA==","EncryptionContext":{"x":"y"}})")
              .status == 400);
  REQUIRE(f.Kms("GenerateDataKey", R"({"KeyId":")" + key + R"(","KeySpec":"AES_256"})").status ==
          400);
  CHECK(Text(LastUsage(f, key).at("KeyLastUsage").at("Operation")) == "Encrypt");
}

TEST_CASE("GetKeyLastUsage counts ReEncrypt for the source and the destination key") {
  AuditFixture f;
  std::string source = f.NewKeyId();
  std::string destination = f.NewKeyId();
  auto blob = Text(
      f.Ok("Encrypt", R"({"KeyId":")" + source + R"(","Plaintext":"eA=="})").at("CiphertextBlob"));
  f.Ok("ReEncrypt",
       R"({"CiphertextBlob":")" + blob + R"(","DestinationKeyId":")" + destination + R"("})");
  CHECK(Text(LastUsage(f, source).at("KeyLastUsage").at("Operation")) == "ReEncrypt");
  CHECK(Text(LastUsage(f, destination).at("KeyLastUsage").at("Operation")) == "ReEncrypt");
}

TEST_CASE("GetKeyLastUsage accepts a key ARN and refuses an alias") {
  AuditFixture f;
  std::string key = f.NewKeyId();
  f.Ok("GenerateDataKey", R"({"KeyId":")" + key + R"(","KeySpec":"AES_128"})");
  CHECK(Text(LastUsage(f, KeyArnOf(key)).at("KeyLastUsage").at("Operation")) == "GenerateDataKey");
  f.Ok("CreateAlias", R"({"AliasName":"alias/used","TargetKeyId":")" + key + R"("})");
  HttpResponse response = f.Kms("GetKeyLastUsage", R"({"KeyId":"alias/used"})");
  CHECK(response.status == 400);
  CHECK(response.Header("x-amzn-ErrorType") == "NotFoundException");
  CHECK(Text(ParseObject(response.body).at("message")) == "Invalid keyId 'alias/used'");
}

TEST_CASE("GetKeyLastUsage of a missing key is NotFoundException") {
  AuditFixture f;
  HttpResponse response =
      f.Kms("GetKeyLastUsage", R"({"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab"})");
  CHECK(response.status == 400);
  CHECK(Text(ParseObject(response.body).at("message")) ==
        "Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does "
        "not exist");
}

TEST_CASE("GetKeyLastUsage requires KeyId") {
  AuditFixture f;
  HttpResponse response = f.Kms("GetKeyLastUsage", "{}");
  CHECK(response.status == 400);
  CHECK(response.Header("x-amzn-ErrorType") == "ValidationException");
  CHECK(Text(ParseObject(response.body).at("message")) ==
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member "
        "must not be null");
}

TEST_CASE("GetKeyLastUsage of a key older than the trail starts tracking at the trail") {
  AuditFixture f;
  // A key created (by its metadata) before tracking began: tracking starts at the trail's start.
  Key created;
  created.account = kAuditAccount;
  created.region = kAuditRegion;
  created.id = "0987dcba-09fe-87dc-65ba-ab0987654321";
  created.creation_ms = 1'000'000;  // 1970
  REQUIRE(f.store().CreateKey(created).has_value());
  object out = LastUsage(f, created.id);
  int64_t start = f.audit().TrackingStartMs().value();
  CHECK(out.at("KeyCreationDate").to_number<double>() == 1000.0);
  CHECK(out.at("TrackingStartDate").to_number<double>() == static_cast<double>(start) / 1000.0);
}

TEST_CASE("GetKeyLastUsage without an audit trail is UnsupportedOperationException") {
  auto store = KeyStore::Open(":memory:");
  REQUIRE(store.has_value());
  Clock clock;
  Services services{**store, clock};
  RequestContext ctx;
  ctx.account = kAuditAccount;
  ctx.region = kAuditRegion;
  ctx.now_ms = clock.NowMs();
  auto created = CreateKey(services, ctx, ParseObject("{}"));
  REQUIRE(created.has_value());
  std::string key = Text(created->at("KeyMetadata").at("KeyId"));
  auto out = GetKeyLastUsage(services, ctx, ParseObject(R"({"KeyId":")" + key + R"("})"));
  REQUIRE_FALSE(out.has_value());
  CHECK(out.error().code == kms::ErrorCode::kUnsupportedOperation);
  CHECK(out.error().message ==
        "GetKeyLastUsage is answered from the audit trail, which is off (--audit off).");
}

}  // namespace
