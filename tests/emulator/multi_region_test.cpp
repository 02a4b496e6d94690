// Multi-Region keys: CreateKey MultiRegion, ReplicateKey, UpdatePrimaryRegion, DescribeKey's
// MultiRegionConfiguration, cross-Region decryption, rotation reaching replicas, deletion of a
// primary waiting for its replicas, and persistence of the primary Region.
#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <cstdio>
#include <string>

#include "api/lifecycle.hpp"
#include "api/management.hpp"
#include "management_fixture.hpp"

namespace kms::emulator {
namespace {

using testing::ArnOf;
using testing::Fixture;
using testing::Json;
using testing::kAccount;
using testing::kDayMs;
using testing::KeyIdJson;
using testing::kOtherRegion;
using testing::kRegion;
using testing::Str;

const std::string kThirdRegion = "ap-southeast-2";

std::string Replicate(std::string_view key_id, std::string_view region, std::string extra = "") {
  return R"({"KeyId":")" + std::string(key_id) + R"(","ReplicaRegion":")" + std::string(region) +
         "\"" + extra + "}";
}

std::string NewMrk(Fixture& f) { return Str(f.NewKey(R"({"MultiRegion":true})").at("KeyId")); }

// A primary in kRegion with a replica in kOtherRegion; returns the id.
std::string NewReplicatedMrk(Fixture& f) {
  std::string id = NewMrk(f);
  f.Ok(ReplicateKey, Replicate(id, kOtherRegion));
  return id;
}

boost::json::object Describe(Fixture& f, std::string_view id, const std::string& region) {
  return f.Ok(DescribeKey, KeyIdJson(id), f.Ctx(kAccount, region)).at("KeyMetadata").as_object();
}

std::string Config(const boost::json::object& metadata) {
  return boost::json::serialize(metadata.at("MultiRegionConfiguration"));
}

std::string Entry(std::string_view id, const std::string& region) {
  return R"({"Arn":")" + ArnOf(id, kAccount, region) + R"(","Region":")" + region + "\"}";
}

TEST_CASE("CreateKey with MultiRegion makes an mrk- primary key without replicas") {
  Fixture f;
  auto m = f.NewKey(R"({"MultiRegion":true})");
  std::string id = Str(m.at("KeyId"));
  CHECK(IsMultiRegionKeyId(id));
  CHECK(m.at("MultiRegion").as_bool());
  CHECK(Config(m) == R"({"MultiRegionKeyType":"PRIMARY","PrimaryKey":)" + Entry(id, kRegion) +
                         R"(,"ReplicaKeys":[]})");
  // AWS: members in alphabetical order, MultiRegionConfiguration right after MultiRegion.
  std::string text = boost::json::serialize(m);
  CHECK(text.find(R"("MultiRegion":true,"MultiRegionConfiguration")") != std::string::npos);
  CHECK_FALSE(f.NewKey().contains("MultiRegionConfiguration"));
}

TEST_CASE("ReplicateKey answers as AWS recorded: the replica Creating, its policy, no tags") {
  Fixture f;
  std::string id = NewMrk(f);
  auto out = f.Ok(ReplicateKey, Replicate(id, kOtherRegion));
  const auto& m = out.at("ReplicaKeyMetadata").as_object();
  CHECK(Str(m.at("Arn")) == ArnOf(id, kAccount, kOtherRegion));
  CHECK(Str(m.at("KeyId")) == id);
  CHECK(Str(m.at("KeyState")) == "Creating");
  CHECK(m.at("Enabled").as_bool() == false);
  CHECK(Str(m.at("Description")).empty());
  CHECK_FALSE(m.contains("CurrentKeyMaterialId"));
  CHECK(Config(m) == R"({"MultiRegionKeyType":"REPLICA","PrimaryKey":)" + Entry(id, kRegion) +
                         R"(,"ReplicaKeys":[)" + Entry(id, kOtherRegion) + "]}");
  CHECK(Str(out.at("ReplicaPolicy")) == DefaultKeyPolicy(kAccount));
  CHECK_FALSE(out.contains("ReplicaTags"));
}

TEST_CASE("A replica is Enabled at once and shares the primary's key material") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  auto replica = Describe(f, id, kOtherRegion);
  auto primary = Describe(f, id, kRegion);
  CHECK(Str(replica.at("KeyState")) == "Enabled");
  CHECK(Str(replica.at("CurrentKeyMaterialId")) == Str(primary.at("CurrentKeyMaterialId")));
  CHECK(Config(primary) == R"({"MultiRegionKeyType":"PRIMARY","PrimaryKey":)" + Entry(id, kRegion) +
                               R"(,"ReplicaKeys":[)" + Entry(id, kOtherRegion) + "]}");
  CHECK(Config(replica) == R"({"MultiRegionKeyType":"REPLICA","PrimaryKey":)" + Entry(id, kRegion) +
                               R"(,"ReplicaKeys":[)" + Entry(id, kOtherRegion) + "]}");
}

TEST_CASE("ReplicateKey keeps description, policy and tags of the replica its own") {
  Fixture f;
  std::string id = Str(f.NewKey(R"({"MultiRegion":true,"Description":"primary"})").at("KeyId"));
  std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]})";
  boost::json::object body{
      {"KeyId", id},
      {"ReplicaRegion", kOtherRegion},
      {"Description", "replica"},
      {"Policy", policy},
      {"Tags", boost::json::array{boost::json::object{{"TagKey", "team"}, {"TagValue", "b"}}}}};
  auto out = f.Ok(ReplicateKey, boost::json::serialize(body));
  CHECK(Str(out.at("ReplicaKeyMetadata").at("Description")) == "replica");
  CHECK(boost::json::serialize(out.at("ReplicaTags")) == R"([{"TagKey":"team","TagValue":"b"}])");
  auto replica = f.Ok(GetKeyPolicy, KeyIdJson(id), f.Ctx(kAccount, kOtherRegion));
  CHECK(Str(replica.at("Policy")) == Str(out.at("ReplicaPolicy")));
  CHECK(Str(Describe(f, id, kRegion).at("Description")) == "primary");
  CHECK(f.Ok(ListResourceTags, KeyIdJson(id)).at("Tags").as_array().empty());
}

TEST_CASE("A ciphertext of one Region decrypts with the related key of the other") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  std::string plaintext = R"("Plaintext":"aGVsbG8=")";
  auto east = f.Ok(Encrypt, R"({"KeyId":")" + id + R"(",)" + plaintext + "}");
  auto west = f.Ok(Decrypt, R"({"CiphertextBlob":")" + Str(east.at("CiphertextBlob")) + R"("})",
                   f.Ctx(kAccount, kOtherRegion));
  CHECK(Str(west.at("Plaintext")) == "aGVsbG8=");
  CHECK(Str(west.at("KeyId")) == ArnOf(id, kAccount, kOtherRegion));
  auto back = f.Ok(Encrypt, R"({"KeyId":")" + id + R"(",)" + plaintext + "}",
                   f.Ctx(kAccount, kOtherRegion));
  auto home = f.Ok(Decrypt, R"({"CiphertextBlob":")" + Str(back.at("CiphertextBlob")) + R"("})");
  CHECK(Str(home.at("Plaintext")) == "aGVsbG8=");
  CHECK(Str(home.at("KeyId")) == ArnOf(id));
}

TEST_CASE("On-demand rotation of the primary reaches its replicas") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  auto old_blob = f.Ok(Encrypt, R"({"KeyId":")" + id + R"(","Plaintext":"b2xk"})");
  f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  auto primary = Describe(f, id, kRegion);
  auto replica = Describe(f, id, kOtherRegion);
  CHECK(Str(replica.at("CurrentKeyMaterialId")) == Str(primary.at("CurrentKeyMaterialId")));
  auto rotations = f.Ok(ListKeyRotations, KeyIdJson(id), f.Ctx(kAccount, kOtherRegion));
  CHECK(rotations.at("Rotations").as_array().size() == 1);
  // New material made in the replica's Region decrypts at the primary, old blobs still decrypt.
  auto fresh = f.Ok(Encrypt, R"({"KeyId":")" + id + R"(","Plaintext":"bmV3"})",
                    f.Ctx(kAccount, kOtherRegion));
  CHECK(Str(f.Ok(Decrypt, R"({"CiphertextBlob":")" + Str(fresh.at("CiphertextBlob")) + R"("})")
                .at("Plaintext")) == "bmV3");
  CHECK(Str(f.Ok(Decrypt, R"({"CiphertextBlob":")" + Str(old_blob.at("CiphertextBlob")) + R"("})",
                 f.Ctx(kAccount, kOtherRegion))
                .at("Plaintext")) == "b2xk");
}

TEST_CASE("Automatic rotation is set on the primary and rotates the replicas with it") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  f.Ok(EnableKeyRotation, R"({"KeyId":")" + id + R"(","RotationPeriodInDays":90})");
  auto status = f.Ok(GetKeyRotationStatus, KeyIdJson(id), f.Ctx(kAccount, kOtherRegion));
  CHECK(status.at("KeyRotationEnabled").as_bool());
  CHECK(status.at("RotationPeriodInDays").as_int64() == 90);
  f.clock().Advance(91 * kDayMs);
  // Only the primary is due; the replica follows it.
  CHECK(RotateDueKeys(f.store(), f.clock().NowMs()).value() == 1);
  auto primary = f.store().FindKey(kAccount, kRegion, id);
  auto replica = f.store().FindKey(kAccount, kOtherRegion, id);
  CHECK(primary->materials.size() == 2);
  CHECK(replica->current_material_id == primary->current_material_id);
  CHECK(replica->materials.size() == 2);
  CHECK(replica->rotations.size() == 1);
  CHECK(replica->next_rotation_ms == primary->next_rotation_ms);
}

TEST_CASE("Rotation operations on a replica name the primary as their place") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  auto west = f.Ctx(kAccount, kOtherRegion);
  std::string message = ArnOf(id, kAccount, kOtherRegion) + " is not a multi-region primary key.";
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, KeyIdJson(id), west), ErrorCode::kUnsupportedOperation,
                  message);
  CHECK_AWS_ERROR(f.Call(DisableKeyRotation, KeyIdJson(id), west), ErrorCode::kUnsupportedOperation,
                  message);
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(id), west), ErrorCode::kUnsupportedOperation,
                  message);
}

TEST_CASE("ReplicateKey validates its members against the model") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(ReplicateKey, "{}"), ErrorCode::kValidation,
                  "2 validation errors detected: Value null at 'keyId' failed to satisfy "
                  "constraint: Member must not be null; Value null at 'replicaRegion' failed to "
                  "satisfy constraint: Member must not be null");
  std::string id = NewMrk(f);
  for (std::string region : {"moon", "us-east-", "a-b-c-d-1", "US-EAST-1"}) {
    CAPTURE(region);
    CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, region)), ErrorCode::kValidation,
                    "1 validation error detected: Value '" + region +
                        "' at 'replicaRegion' failed to satisfy constraint: Member must satisfy "
                        "regular expression pattern: ^([a-z]+-){2,3}\\d+$");
  }
  std::string long_region = "us-east-" + std::string(30, '1');
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, long_region)), ErrorCode::kValidation,
                  "1 validation error detected: Value '" + long_region +
                      "' at 'replicaRegion' failed to satisfy constraint: Member must have "
                      "length less than or equal to 32");
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, kOtherRegion,
                                                 R"(,"Tags":[{"TagKey":"aws:x","TagValue":""}])")),
                  ErrorCode::kTag, "Tags beginning with aws: are reserved");
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, kOtherRegion, R"(,"Description":true)")),
                  ErrorCode::kSerialization,
                  "class java.lang.Boolean can not be converted to an String");
}

TEST_CASE("ReplicateKey refuses keys that are not multi-Region primary keys") {
  Fixture f;
  std::string single = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(single, kOtherRegion)),
                  ErrorCode::kUnsupportedOperation,
                  ArnOf(single) + " is not a multi-region primary key.");
  std::string id = NewReplicatedMrk(f);
  // AWS (recorded): replicating a replica.
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, kOtherRegion), f.Ctx(kAccount, kOtherRegion)),
                  ErrorCode::kUnsupportedOperation,
                  ArnOf(id, kAccount, kOtherRegion) + " is not a multi-region primary key.");
  f.Ok(CreateAlias, R"({"AliasName":"alias/mrk","TargetKeyId":")" + id + R"("})");
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate("alias/mrk", kThirdRegion)), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/mrk'");
  std::string missing = "mrk-0123456789abcdef0123456789abcdef";
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(missing, kThirdRegion)), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
}

TEST_CASE("ReplicateKey refuses a Region that already has a key of the set") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, kOtherRegion)), ErrorCode::kAlreadyExists,
                  "Key '" + ArnOf(id, kAccount, kOtherRegion) + "' already exists");
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, kRegion)), ErrorCode::kAlreadyExists,
                  "Key '" + ArnOf(id) + "' already exists");
  // AWS: also while the replica is pending deletion.
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id), f.Ctx(kAccount, kOtherRegion));
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, kOtherRegion)), ErrorCode::kAlreadyExists,
                  "Key '" + ArnOf(id, kAccount, kOtherRegion) + "' already exists");
}

TEST_CASE("ReplicateKey follows the key-state table for the primary") {
  Fixture f;
  std::string id = NewMrk(f);
  f.Ok(DisableKey, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, kOtherRegion)), ErrorCode::kDisabled,
                  ArnOf(id) + " is disabled.");
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, kOtherRegion)), ErrorCode::kInvalidState,
                  ArnOf(id) + " is pending deletion.");
  CHECK(f.store().FindKey(kAccount, kOtherRegion, id) == nullptr);
}

TEST_CASE("ReplicateKey checks the replica's policy and stays in the partition") {
  Fixture f;
  std::string id = NewMrk(f);
  std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:Encrypt","Resource":"*"}]})";
  boost::json::object body{{"KeyId", id}, {"ReplicaRegion", kOtherRegion}, {"Policy", policy}};
  CHECK_AWS_ERROR(f.Call(ReplicateKey, boost::json::serialize(body)),
                  ErrorCode::kMalformedPolicyDocument,
                  "The new key policy will not allow you to update the key policy in the future.");
  body["BypassPolicyLockoutSafetyCheck"] = true;
  f.Ok(ReplicateKey, boost::json::serialize(body));
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, "cn-north-1")), ErrorCode::kValidation,
                  "Replica region cn-north-1 is not in the partition of the primary key's region "
                  "us-east-1.");
}

TEST_CASE("UpdatePrimaryRegion swaps the primary and the replica") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  f.clock().Advance(1);  // ReplicaKeys are in creation order
  f.Ok(ReplicateKey, Replicate(id, kThirdRegion));
  CHECK(f.Ok(UpdatePrimaryRegion,
             R"({"KeyId":")" + id + R"(","PrimaryRegion":")" + kOtherRegion + "\"}")
            .empty());
  std::string replicas =
      R"(,"ReplicaKeys":[)" + Entry(id, kRegion) + "," + Entry(id, kThirdRegion) + "]}";
  CHECK(Config(Describe(f, id, kOtherRegion)) ==
        R"({"MultiRegionKeyType":"PRIMARY","PrimaryKey":)" + Entry(id, kOtherRegion) + replicas);
  CHECK(Config(Describe(f, id, kRegion)) ==
        R"({"MultiRegionKeyType":"REPLICA","PrimaryKey":)" + Entry(id, kOtherRegion) + replicas);
  // The new primary replicates and rotates; the old one no longer does.
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, "sa-east-1")),
                  ErrorCode::kUnsupportedOperation,
                  ArnOf(id) + " is not a multi-region primary key.");
  f.Ok(ReplicateKey, Replicate(id, "sa-east-1"), f.Ctx(kAccount, kOtherRegion));
  f.Ok(RotateKeyOnDemand, KeyIdJson(id), f.Ctx(kAccount, kOtherRegion));
  CHECK(f.store().FindKey(kAccount, kRegion, id)->materials.size() == 2);
  CHECK(f.store().FindKey(kAccount, "sa-east-1", id)->materials.size() == 2);
}

TEST_CASE("UpdatePrimaryRegion errors") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  auto call = [&](std::string_view region, const RequestContext& ctx) {
    return f.Call(UpdatePrimaryRegion,
                  R"({"KeyId":")" + id + R"(","PrimaryRegion":")" + std::string(region) + "\"}",
                  ctx);
  };
  CHECK_AWS_ERROR(f.Call(UpdatePrimaryRegion, R"({"KeyId":")" + id + R"("})"),
                  ErrorCode::kValidation,
                  "1 validation error detected: Value null at 'primaryRegion' failed to satisfy "
                  "constraint: Member must not be null");
  CHECK_AWS_ERROR(call("mars", f.Ctx()), ErrorCode::kValidation,
                  "1 validation error detected: Value 'mars' at 'primaryRegion' failed to "
                  "satisfy constraint: Member must satisfy regular expression pattern: "
                  "^([a-z]+-){2,3}\\d+$");
  CHECK_AWS_ERROR(call(kRegion, f.Ctx(kAccount, kOtherRegion)), ErrorCode::kUnsupportedOperation,
                  ArnOf(id, kAccount, kOtherRegion) + " is not a multi-region primary key.");
  CHECK_AWS_ERROR(call(kThirdRegion, f.Ctx()), ErrorCode::kNotFound,
                  "Key '" + ArnOf(id, kAccount, kThirdRegion) + "' does not exist");
  CHECK_AWS_ERROR(
      call(kRegion, f.Ctx()), ErrorCode::kValidation,
      "PrimaryRegion us-east-1 is already the Region of the primary key " + ArnOf(id) + ".");
  std::string single = f.NewKeyId();
  CHECK_AWS_ERROR(
      f.Call(UpdatePrimaryRegion, R"({"KeyId":")" + single + R"(","PrimaryRegion":"eu-west-1"})"),
      ErrorCode::kUnsupportedOperation, ArnOf(single) + " is not a multi-region primary key.");
  f.Ok(DisableKey, KeyIdJson(id), f.Ctx(kAccount, kOtherRegion));
  CHECK_AWS_ERROR(call(kOtherRegion, f.Ctx()), ErrorCode::kDisabled,
                  ArnOf(id, kAccount, kOtherRegion) + " is disabled.");
  f.Ok(DisableKey, KeyIdJson(id));
  CHECK_AWS_ERROR(call(kOtherRegion, f.Ctx()), ErrorCode::kDisabled, ArnOf(id) + " is disabled.");
  CHECK(f.store().FindKey(kAccount, kRegion, id)->IsMultiRegionPrimary());
}

TEST_CASE("ScheduleKeyDeletion of a primary with replicas waits in PendingReplicaDeletion") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  auto out = f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":10})");
  CHECK(boost::json::serialize(out) == R"({"KeyId":")" + ArnOf(id) +
                                           R"(","KeyState":"PendingReplicaDeletion",)"
                                           R"("PendingWindowInDays":10})");
  auto m = Describe(f, id, kRegion);
  CHECK(Str(m.at("KeyState")) == "PendingReplicaDeletion");
  CHECK(m.at("PendingDeletionWindowInDays").as_int64() == 10);
  CHECK_FALSE(m.contains("DeletionDate"));
  CHECK_AWS_ERROR(f.Call(Encrypt, R"({"KeyId":")" + id + R"(","Plaintext":"eA=="})"),
                  ErrorCode::kInvalidState, ArnOf(id) + " is pending replica deletion.");
  CHECK_AWS_ERROR(f.Call(ScheduleKeyDeletion, KeyIdJson(id)), ErrorCode::kInvalidState,
                  ArnOf(id) + " is pending replica deletion.");
  CHECK_AWS_ERROR(f.Call(ReplicateKey, Replicate(id, kThirdRegion)), ErrorCode::kInvalidState,
                  ArnOf(id) + " is pending replica deletion.");
  // The replica is independent of its primary's state.
  f.Ok(Encrypt, R"({"KeyId":")" + id + R"(","Plaintext":"eA=="})", f.Ctx(kAccount, kOtherRegion));
  f.Ok(CancelKeyDeletion, KeyIdJson(id));
  CHECK(Str(Describe(f, id, kRegion).at("KeyState")) == "Disabled");
}

TEST_CASE("The primary's waiting period begins when its last replica is deleted") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  f.clock().Advance(1);
  f.Ok(ReplicateKey, Replicate(id, kThirdRegion));
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})",
       f.Ctx(kAccount, kOtherRegion));
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":9})",
       f.Ctx(kAccount, kThirdRegion));
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":20})");
  int64_t last_replica_deletion = *f.store().FindKey(kAccount, kThirdRegion, id)->deletion_ms;
  f.clock().Advance(8 * kDayMs);
  CHECK(f.store().DeleteExpiredKeys(f.clock().NowMs()).value() == 1);
  auto m = Describe(f, id, kRegion);
  CHECK(Str(m.at("KeyState")) == "PendingReplicaDeletion");
  CHECK(Config(m) == R"({"MultiRegionKeyType":"PRIMARY","PrimaryKey":)" + Entry(id, kRegion) +
                         R"(,"ReplicaKeys":[)" + Entry(id, kThirdRegion) + "]}");
  f.clock().Advance(2 * kDayMs);
  CHECK(f.store().DeleteExpiredKeys(f.clock().NowMs()).value() == 1);
  m = Describe(f, id, kRegion);
  CHECK(Str(m.at("KeyState")) == "PendingDeletion");
  CHECK_FALSE(m.contains("PendingDeletionWindowInDays"));
  auto key = f.store().FindKey(kAccount, kRegion, id);
  CHECK(key->deletion_ms == last_replica_deletion + 20 * kDayMs);
  CHECK(Config(m) == R"({"MultiRegionKeyType":"PRIMARY","PrimaryKey":)" + Entry(id, kRegion) +
                         R"(,"ReplicaKeys":[]})");
  f.clock().Advance(20 * kDayMs);
  CHECK(f.store().DeleteExpiredKeys(f.clock().NowMs()).value() == 1);
  CHECK(f.store().FindKey(kAccount, kRegion, id) == nullptr);
}

TEST_CASE("A primary whose replicas are all past their deletion date is scheduled normally") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})",
       f.Ctx(kAccount, kOtherRegion));
  f.clock().Advance(7 * kDayMs);  // the replica is gone, though not yet swept
  auto out = f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK(Str(out.at("KeyState")) == "PendingDeletion");
  CHECK(out.contains("DeletionDate"));
}

TEST_CASE("The primary Region survives a restart") {
  std::string path = "/tmp/kms_multi_region_test_" + std::to_string(::getpid()) + ".db";
  std::string id;
  {
    auto store = KeyStore::Open(path);
    REQUIRE(store.has_value());
    Clock clock;
    Services services{**store, clock};
    RequestContext ctx;
    ctx.account = kAccount;
    ctx.region = kRegion;
    ctx.now_ms = clock.NowMs();
    id = Str(
        CreateKey(services, ctx, Json(R"({"MultiRegion":true})"))->at("KeyMetadata").at("KeyId"));
    REQUIRE(ReplicateKey(services, ctx, Json(Replicate(id, kOtherRegion))).has_value());
    REQUIRE(UpdatePrimaryRegion(services, ctx,
                                Json(R"({"KeyId":")" + id + R"(","PrimaryRegion":"eu-west-1"})"))
                .has_value());
  }
  {
    auto store = KeyStore::Open(path);
    REQUIRE(store.has_value());
    auto old_primary = (*store)->FindKey(kAccount, kRegion, id);
    auto new_primary = (*store)->FindKey(kAccount, kOtherRegion, id);
    REQUIRE(old_primary != nullptr);
    REQUIRE(new_primary != nullptr);
    CHECK(old_primary->IsMultiRegionReplica());
    CHECK(new_primary->IsMultiRegionPrimary());
    CHECK(old_primary->current_material_id == new_primary->current_material_id);
    CHECK(old_primary->materials.front().bytes->span().size() == 32);
  }
  for (std::string suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

TEST_CASE("UpdateKeyGroup refuses to move a key or add one where the set already is") {
  Fixture f;
  std::string id = NewReplicatedMrk(f);
  auto moved = f.store().UpdateKeyGroup(kAccount, kRegion, id, [](std::vector<Key>& keys) {
    keys.front().region = "sa-east-1";
    return Status{};
  });
  CHECK_AWS_ERROR(moved, ErrorCode::kInternal,
                  "UpdateKeyGroup cannot change the account, region or id of a key");
  auto added = f.store().UpdateKeyGroup(kAccount, kRegion, id, [](std::vector<Key>& keys) {
    Key copy = keys.back();
    keys.push_back(copy);
    return Status{};
  });
  CHECK_AWS_ERROR(added, ErrorCode::kAlreadyExists,
                  "Key '" + ArnOf(id, kAccount, kOtherRegion) + "' already exists");
  CHECK_AWS_ERROR(f.store().UpdateKeyGroup(kAccount, kThirdRegion, id,
                                           [](std::vector<Key>&) { return Status{}; }),
                  ErrorCode::kNotFound,
                  "Key '" + ArnOf(id, kAccount, kThirdRegion) + "' does not exist");
  CHECK(f.store().FindMultiRegionKeys(kAccount, id).size() == 2);
}

}  // namespace
}  // namespace kms::emulator
