// Tests for EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
// ListKeyRotations and the automatic-rotation sweep (RotateDueKeys), including persistence.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <kms/internal/encoding.hpp>
#include <string>
#include <vector>

#include "api/lifecycle.hpp"
#include "domain/rotation.hpp"
#include "management_fixture.hpp"

using kms::ErrorCode;
using kms::KeySpec;
using kms::KeyState;
using kms::KeyUsage;
using namespace kms::emulator;
using namespace kms::emulator::testing;

namespace {

constexpr int64_t kMinuteMs = 60'000;

std::vector<std::string> MemberNames(const boost::json::object& o) {
  std::vector<std::string> names;
  for (const auto& kv : o) names.emplace_back(kv.key());
  return names;
}

std::string Validation1(const std::string& violation) {
  return "1 validation error detected: " + violation;
}

std::string RotationPeriodJson(const std::string& key_id, int days) {
  return R"({"KeyId":")" + key_id + R"(","RotationPeriodInDays":)" + std::to_string(days) + "}";
}

std::string CurrentMaterialId(Fixture& f, const std::string& key_id) {
  auto metadata = f.Ok(DescribeKey, KeyIdJson(key_id)).at("KeyMetadata").as_object();
  return Str(metadata.at("CurrentKeyMaterialId"));
}

std::string EncryptText(Fixture& f, const std::string& key_id, std::string_view text) {
  std::string body =
      R"({"KeyId":")" + key_id + R"(","Plaintext":")" + kms::internal::Base64Encode(text) + R"("})";
  return Str(f.Ok(Encrypt, body).at("CiphertextBlob"));
}

// Decrypt's response for a blob made by EncryptText.
boost::json::object DecryptBlob(Fixture& f, const std::string& blob) {
  return f.Ok(Decrypt, Member("CiphertextBlob", blob));
}

std::string PlaintextOf(const boost::json::object& decrypted) {
  auto bytes = kms::internal::Base64Decode(Str(decrypted.at("Plaintext")));
  REQUIRE(bytes.has_value());
  return std::string(bytes->begin(), bytes->end());
}

boost::json::array Rotations(Fixture& f, const std::string& json) {
  return f.Ok(ListKeyRotations, json).at("Rotations").as_array();
}

// Inserts an EXTERNAL, Enabled symmetric key with `materials` random materials, the first
// current; the others are imported material waiting for rotation.
std::string InsertExternalKey(Fixture& f, size_t materials) {
  Key key;
  key.account = kAccount;
  key.region = kRegion;
  key.id = kms::internal::RandomUuid();
  key.origin = kms::Origin::kExternal;
  key.creation_ms = f.clock().NowMs();
  for (size_t i = 0; i < materials; ++i) {
    auto material = NewSymmetricMaterial(f.clock().NowMs());
    REQUIRE(material.has_value());
    key.materials.push_back(std::move(*material));
  }
  if (!key.materials.empty()) key.current_material_id = key.materials.front().id;
  REQUIRE(f.store().CreateKey(key).has_value());
  return key.id;
}

std::string Disabled(const std::string& key_id) { return ArnOf(key_id) + " is disabled."; }

std::string OriginExternal(const std::string& key_id) {
  return ArnOf(key_id) + " origin is EXTERNAL which is not valid for this operation.";
}

}  // namespace

// ---- EnableKeyRotation / DisableKeyRotation / GetKeyRotationStatus ----

TEST_CASE("A new key reports automatic rotation disabled with only KeyId and the flag") {
  Fixture f;
  std::string id = f.NewKeyId();
  auto status = f.Ok(GetKeyRotationStatus, KeyIdJson(id));
  CHECK(MemberNames(status) == std::vector<std::string>{"KeyId", "KeyRotationEnabled"});
  CHECK(Str(status.at("KeyId")) == ArnOf(id));
  CHECK(status.at("KeyRotationEnabled").as_bool() == false);
}

TEST_CASE("EnableKeyRotation defaults to 365 days and schedules the first rotation from now") {
  Fixture f;
  std::string id = f.NewKeyId();
  RequestContext ctx = f.Ctx();
  CHECK(f.Ok(EnableKeyRotation, KeyIdJson(id), ctx).empty());
  auto status = f.Ok(GetKeyRotationStatus, KeyIdJson(id));
  CHECK(MemberNames(status) == std::vector<std::string>{"KeyId", "KeyRotationEnabled",
                                                        "NextRotationDate",
                                                        "RotationPeriodInDays"});
  CHECK(status.at("KeyRotationEnabled").as_bool());
  CHECK(status.at("RotationPeriodInDays").as_int64() == 365);
  CHECK(status.at("NextRotationDate").as_double() ==
        static_cast<double>(ctx.now_ms + 365 * kDayMs) / 1000.0);
}

TEST_CASE("EnableKeyRotation accepts the period bounds 90 and 2560 and a key ARN") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(EnableKeyRotation, RotationPeriodJson(ArnOf(id), 90));
  CHECK(f.Ok(GetKeyRotationStatus, KeyIdJson(id)).at("RotationPeriodInDays").as_int64() == 90);
  f.Ok(EnableKeyRotation, RotationPeriodJson(id, 2560));
  CHECK(f.Ok(GetKeyRotationStatus, KeyIdJson(id)).at("RotationPeriodInDays").as_int64() == 2560);
}

TEST_CASE("EnableKeyRotation rejects periods outside 90..2560 with the model's wording") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, RotationPeriodJson(id, 89)), ErrorCode::kValidation,
                  Validation1("Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: "
                              "Member must have value greater than or equal to 90"));
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, RotationPeriodJson(id, 2561)), ErrorCode::kValidation,
                  Validation1("Value '2561' at 'rotationPeriodInDays' failed to satisfy "
                              "constraint: Member must have value less than or equal to 2560"));
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, "{}"), ErrorCode::kValidation,
                  Validation1("Value null at 'keyId' failed to satisfy constraint: Member must "
                              "not be null"));
}

TEST_CASE("Changing the rotation period keeps the schedule's anchor") {
  Fixture f;
  std::string id = f.NewKeyId();
  RequestContext ctx = f.Ctx();
  f.Ok(EnableKeyRotation, RotationPeriodJson(id, 365), ctx);
  f.clock().Advance(10 * kDayMs);
  f.Ok(EnableKeyRotation, RotationPeriodJson(id, 180));
  auto status = f.Ok(GetKeyRotationStatus, KeyIdJson(id));
  CHECK(status.at("NextRotationDate").as_double() ==
        static_cast<double>(ctx.now_ms + 180 * kDayMs) / 1000.0);
}

TEST_CASE("DisableKeyRotation turns rotation off and leaves only KeyId and the flag") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(EnableKeyRotation, KeyIdJson(id));
  CHECK(f.Ok(DisableKeyRotation, KeyIdJson(id)).empty());
  auto status = f.Ok(GetKeyRotationStatus, KeyIdJson(id));
  CHECK(MemberNames(status) == std::vector<std::string>{"KeyId", "KeyRotationEnabled"});
  CHECK(status.at("KeyRotationEnabled").as_bool() == false);
}

TEST_CASE("Enable and DisableKeyRotation follow AWS's key-state rules") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(DisableKey, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, KeyIdJson(id)), ErrorCode::kDisabled, Disabled(id));
  CHECK_AWS_ERROR(f.Call(DisableKeyRotation, KeyIdJson(id)), ErrorCode::kDisabled, Disabled(id));

  std::string deleting = f.NewKeyId();
  f.Ok(ScheduleKeyDeletion, KeyIdJson(deleting));
  std::string pending = ArnOf(deleting) + " is pending deletion.";
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, KeyIdJson(deleting)), ErrorCode::kInvalidState,
                  pending);
  CHECK_AWS_ERROR(f.Call(DisableKeyRotation, KeyIdJson(deleting)), ErrorCode::kInvalidState,
                  pending);

  std::string importing =
      f.InsertKey(KeySpec::kSymmetricDefault, KeyUsage::kEncryptDecrypt, KeyState::kPendingImport);
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, KeyIdJson(importing)), ErrorCode::kUnsupportedOperation,
                  OriginExternal(importing));
  CHECK_AWS_ERROR(f.Call(DisableKeyRotation, KeyIdJson(importing)),
                  ErrorCode::kUnsupportedOperation, OriginExternal(importing));
}

TEST_CASE("Enable and DisableKeyRotation refuse asymmetric, HMAC and imported keys") {
  Fixture f;
  std::string rsa = f.InsertKey(KeySpec::kRsa2048, KeyUsage::kSignVerify, KeyState::kEnabled);
  std::string hmac =
      f.InsertKey(KeySpec::kHmac256, KeyUsage::kGenerateVerifyMac, KeyState::kEnabled);
  // AWS: no message for key types that cannot rotate (as RotateKeyOnDemand's recorded error).
  for (const std::string& id : {rsa, hmac}) {
    CHECK_AWS_ERROR(f.Call(EnableKeyRotation, KeyIdJson(id)), ErrorCode::kUnsupportedOperation, "");
    CHECK_AWS_ERROR(f.Call(DisableKeyRotation, KeyIdJson(id)), ErrorCode::kUnsupportedOperation,
                    "");
  }
  std::string external = InsertExternalKey(f, 1);
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, KeyIdJson(external)), ErrorCode::kUnsupportedOperation,
                  OriginExternal(external));
}

TEST_CASE("A disabled RSA key is DisabledException before the key type is checked") {
  Fixture f;
  std::string rsa = f.InsertKey(KeySpec::kRsa4096, KeyUsage::kEncryptDecrypt, KeyState::kDisabled);
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, KeyIdJson(rsa)), ErrorCode::kDisabled, Disabled(rsa));
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(rsa)), ErrorCode::kDisabled, Disabled(rsa));
}

TEST_CASE("Rotation operations take key ids and ARNs of the caller only, not aliases") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(CreateAlias, R"({"AliasName":"alias/rot","TargetKeyId":")" + id + R"("})");
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, KeyIdJson("alias/rot")), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/rot'");
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson("alias/rot")), ErrorCode::kNotFound,
                  "Invalid keyId 'alias/rot'");
  std::string missing = "1234abcd-12ab-34cd-56ef-1234567890ab";
  // AWS: recorded for RotateKeyOnDemand on a key that does not exist.
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(missing)), ErrorCode::kNotFound,
                  "Key '" + ArnOf(missing) + "' does not exist");
  // Another account's key by ARN: not usable for these (cross-account use: No).
  std::string other = f.NewKeyId(f.Ctx(kOtherAccount));
  std::string other_arn = ArnOf(other, kOtherAccount);
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, KeyIdJson(other_arn)), ErrorCode::kNotFound,
                  "Key '" + other_arn + "' does not exist");
  CHECK_AWS_ERROR(f.Call(ListKeyRotations, KeyIdJson(other_arn)), ErrorCode::kNotFound,
                  "Key '" + other_arn + "' does not exist");
}

TEST_CASE("GetKeyRotationStatus works across accounts by key ARN") {
  Fixture f;
  std::string other = f.NewKeyId(f.Ctx(kOtherAccount));
  f.Ok(EnableKeyRotation, KeyIdJson(other), f.Ctx(kOtherAccount));
  auto status = f.Ok(GetKeyRotationStatus, KeyIdJson(ArnOf(other, kOtherAccount)));
  CHECK(status.at("KeyRotationEnabled").as_bool());
  CHECK(Str(status.at("KeyId")) == ArnOf(other, kOtherAccount));
}

TEST_CASE("GetKeyRotationStatus reports false for asymmetric, HMAC and imported keys") {
  Fixture f;
  for (const std::string& id :
       {f.InsertKey(KeySpec::kEccNistP256, KeyUsage::kSignVerify, KeyState::kEnabled),
        f.InsertKey(KeySpec::kHmac512, KeyUsage::kGenerateVerifyMac, KeyState::kEnabled),
        InsertExternalKey(f, 1)}) {
    auto status = f.Ok(GetKeyRotationStatus, KeyIdJson(id));
    CHECK(MemberNames(status) == std::vector<std::string>{"KeyId", "KeyRotationEnabled"});
    CHECK(status.at("KeyRotationEnabled").as_bool() == false);
  }
}

TEST_CASE("A key pending deletion reports rotation off, and on again after cancelling") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(EnableKeyRotation, KeyIdJson(id));
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK(f.Ok(GetKeyRotationStatus, KeyIdJson(id)).at("KeyRotationEnabled").as_bool() == false);
  f.Ok(CancelKeyDeletion, KeyIdJson(id));
  CHECK(f.Ok(GetKeyRotationStatus, KeyIdJson(id)).at("KeyRotationEnabled").as_bool());
}

TEST_CASE("A disabled key keeps its rotation status") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(EnableKeyRotation, RotationPeriodJson(id, 100));
  f.Ok(DisableKey, KeyIdJson(id));
  auto status = f.Ok(GetKeyRotationStatus, KeyIdJson(id));
  CHECK(status.at("KeyRotationEnabled").as_bool());
  CHECK(status.at("RotationPeriodInDays").as_int64() == 100);
}

// ---- Automatic rotation ----

TEST_CASE("Automatic rotation happens when the emulator clock reaches the rotation date") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string first = CurrentMaterialId(f, id);
  RequestContext ctx = f.Ctx();
  f.Ok(EnableKeyRotation, RotationPeriodJson(id, 90), ctx);
  int64_t due_at = ctx.now_ms + 90 * kDayMs;
  CHECK(RotateDueKeys(f.store(), due_at - 1).value() == 0);
  CHECK(CurrentMaterialId(f, id) == first);

  int64_t rotated_at = due_at;
  CHECK(RotateDueKeys(f.store(), rotated_at).value() == 1);
  std::string second = CurrentMaterialId(f, id);
  CHECK(second != first);
  CHECK(second.size() == 64);

  auto rotations = Rotations(f, KeyIdJson(id));
  REQUIRE(rotations.size() == 1);
  auto entry = rotations[0].as_object();
  CHECK(MemberNames(entry) == std::vector<std::string>{"KeyId", "KeyMaterialId", "KeyMaterialState",
                                                       "RotationDate", "RotationType"});
  CHECK(Str(entry.at("KeyId")) == id);
  CHECK(Str(entry.at("KeyMaterialId")) == second);
  CHECK(Str(entry.at("KeyMaterialState")) == "CURRENT");
  CHECK(Str(entry.at("RotationType")) == "AUTOMATIC");
  CHECK(entry.at("RotationDate").as_double() == static_cast<double>(rotated_at) / 1000.0);
  auto status = f.Ok(GetKeyRotationStatus, KeyIdJson(id));
  CHECK(status.at("NextRotationDate").as_double() ==
        static_cast<double>(rotated_at + 90 * kDayMs) / 1000.0);
  // Nothing more is due until the next period ends.
  CHECK(RotateDueKeys(f.store(), rotated_at + 90 * kDayMs - 1).value() == 0);
  CHECK(RotateDueKeys(f.store(), rotated_at + 90 * kDayMs).value() == 1);
}

TEST_CASE("Automatic rotation skips disabled keys and rotates them once re-enabled") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string first = CurrentMaterialId(f, id);
  f.Ok(EnableKeyRotation, RotationPeriodJson(id, 90));
  f.Ok(DisableKey, KeyIdJson(id));
  f.clock().Advance(91 * kDayMs);
  CHECK(RotateDueKeys(f.store(), f.clock().NowMs()).value() == 0);
  CHECK(CurrentMaterialId(f, id) == first);
  f.Ok(EnableKey, KeyIdJson(id));
  CHECK(RotateDueKeys(f.store(), f.clock().NowMs()).value() == 1);
  CHECK(CurrentMaterialId(f, id) != first);
}

TEST_CASE("Automatic rotation ignores keys without rotation or pending deletion") {
  Fixture f;
  std::string plain = f.NewKeyId();
  std::string deleting = f.NewKeyId();
  f.Ok(EnableKeyRotation, RotationPeriodJson(deleting, 90));
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + deleting + R"(","PendingWindowInDays":30})");
  f.clock().Advance(100 * kDayMs);
  CHECK(RotateDueKeys(f.store(), f.clock().NowMs()).value() == 0);
  CHECK(Rotations(f, KeyIdJson(plain)).empty());
}

TEST_CASE("Every old ciphertext still decrypts after automatic and on-demand rotations") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string m0 = CurrentMaterialId(f, id);
  std::string blob0 = EncryptText(f, id, "before any rotation");
  f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  std::string m1 = CurrentMaterialId(f, id);
  std::string blob1 = EncryptText(f, id, "after one on-demand rotation");
  f.Ok(EnableKeyRotation, RotationPeriodJson(id, 90));
  f.clock().Advance(90 * kDayMs);
  REQUIRE(RotateDueKeys(f.store(), f.clock().NowMs()).value() == 1);
  std::string m2 = CurrentMaterialId(f, id);
  std::string blob2 = EncryptText(f, id, "after an automatic rotation");
  CHECK(m0 != m1);
  CHECK(m1 != m2);

  auto d0 = DecryptBlob(f, blob0);
  auto d1 = DecryptBlob(f, blob1);
  auto d2 = DecryptBlob(f, blob2);
  CHECK(PlaintextOf(d0) == "before any rotation");
  CHECK(PlaintextOf(d1) == "after one on-demand rotation");
  CHECK(PlaintextOf(d2) == "after an automatic rotation");
  // The material id in each blob selects the version it was made with.
  CHECK(Str(d0.at("KeyMaterialId")) == m0);
  CHECK(Str(d1.at("KeyMaterialId")) == m1);
  CHECK(Str(d2.at("KeyMaterialId")) == m2);
}

// ---- RotateKeyOnDemand ----

TEST_CASE("RotateKeyOnDemand makes new current material and answers with the key ARN") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string first = CurrentMaterialId(f, id);
  auto out = f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  CHECK(MemberNames(out) == std::vector<std::string>{"KeyId"});
  CHECK(Str(out.at("KeyId")) == ArnOf(id));
  CHECK(CurrentMaterialId(f, id) != first);
  // AWS: on-demand rotation leaves automatic rotation disabled.
  auto status = f.Ok(GetKeyRotationStatus, KeyIdJson(id));
  CHECK(MemberNames(status) == std::vector<std::string>{"KeyId", "KeyRotationEnabled"});
}

TEST_CASE("RotateKeyOnDemand does not move the automatic rotation schedule") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(EnableKeyRotation, KeyIdJson(id));
  auto before = f.Ok(GetKeyRotationStatus, KeyIdJson(id));
  f.clock().Advance(5 * kDayMs);
  f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  auto after = f.Ok(GetKeyRotationStatus, KeyIdJson(id));
  CHECK(after.at("NextRotationDate") == before.at("NextRotationDate"));
  CHECK(after.at("RotationPeriodInDays").as_int64() == 365);
}

TEST_CASE("RotateKeyOnDemand allows 25 rotations, then LimitExceededException") {
  Fixture f;
  std::string id = f.NewKeyId();
  for (int i = 0; i < 25; ++i) f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  // AWS: recorded message.
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(id)), ErrorCode::kLimitExceeded,
                  "The on-demand rotations limit has been reached for the given keyId. No more "
                  "on-demand rotations can be performed for this key: " +
                      ArnOf(id));
  CHECK(Rotations(f, KeyIdJson(id)).size() == 25);
}

TEST_CASE("Automatic rotations do not count towards the on-demand limit") {
  Fixture f;
  std::string id = f.NewKeyId();
  for (int i = 0; i < 24; ++i) f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  f.Ok(EnableKeyRotation, RotationPeriodJson(id, 90));
  f.clock().Advance(90 * kDayMs);
  REQUIRE(RotateDueKeys(f.store(), f.clock().NowMs()).value() == 1);
  f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  CHECK(f.Call(RotateKeyOnDemand, KeyIdJson(id)).error().code == ErrorCode::kLimitExceeded);
}

TEST_CASE("RotateKeyOnDemand conflicts with an automatic rotation due within 20 minutes") {
  Fixture f;
  std::string id = f.NewKeyId();
  f.Ok(EnableKeyRotation, RotationPeriodJson(id, 90));
  f.clock().Advance(90 * kDayMs - 21 * kMinuteMs);
  f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  f.clock().Advance(2 * kMinuteMs);
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(id)), ErrorCode::kConflict,
                  "An automatic rotation of this key is in progress or scheduled to begin within "
                  "the next 20 minutes.");
}

TEST_CASE("RotateKeyOnDemand follows AWS's recorded errors for key states and types") {
  Fixture f;
  std::string disabled = f.NewKeyId();
  f.Ok(DisableKey, KeyIdJson(disabled));
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(disabled)), ErrorCode::kDisabled,
                  Disabled(disabled));
  std::string deleting = f.NewKeyId();
  f.Ok(ScheduleKeyDeletion, KeyIdJson(deleting));
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(deleting)), ErrorCode::kInvalidState,
                  ArnOf(deleting) + " is pending deletion.");
  std::string rsa = f.InsertKey(KeySpec::kRsa4096, KeyUsage::kEncryptDecrypt, KeyState::kEnabled);
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(rsa)), ErrorCode::kUnsupportedOperation, "");
  std::string hmac =
      f.InsertKey(KeySpec::kHmac256, KeyUsage::kGenerateVerifyMac, KeyState::kEnabled);
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(hmac)), ErrorCode::kUnsupportedOperation, "");
  std::string importing =
      f.InsertKey(KeySpec::kSymmetricDefault, KeyUsage::kEncryptDecrypt, KeyState::kPendingImport);
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(importing)), ErrorCode::kInvalidState,
                  ArnOf(importing) + " is pending import.");
}

TEST_CASE("RotateKeyOnDemand of an imported key needs material pending rotation") {
  Fixture f;
  std::string id = InsertExternalKey(f, 1);
  CHECK_AWS_ERROR(f.Call(RotateKeyOnDemand, KeyIdJson(id)), ErrorCode::kInvalidState,
                  "No available key material pending rotation for the key: " + ArnOf(id) + ".");
}

TEST_CASE("RotateKeyOnDemand of an imported key makes its pending material current") {
  Fixture f;
  std::string id = InsertExternalKey(f, 2);
  auto key = f.store().FindKey(kAccount, kRegion, id);
  std::string first = key->materials[0].id;
  std::string pending = key->materials[1].id;

  auto all = Rotations(f, R"({"KeyId":")" + id + R"(","IncludeKeyMaterial":"ALL_KEY_MATERIAL"})");
  REQUIRE(all.size() == 2);
  CHECK(Str(all[1].as_object().at("KeyMaterialState")) == "PENDING_ROTATION");
  // AWS: ExpirationModel and ImportState only for symmetric keys with EXTERNAL origin.
  CHECK(MemberNames(all[1].as_object()) ==
        std::vector<std::string>{"ExpirationModel", "ImportState", "KeyId", "KeyMaterialId",
                                 "KeyMaterialState"});

  f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  CHECK(f.store().FindKey(kAccount, kRegion, id)->current_material_id == pending);
  auto rotations = Rotations(f, KeyIdJson(id));
  REQUIRE(rotations.size() == 1);
  CHECK(Str(rotations[0].as_object().at("KeyMaterialId")) == pending);
  CHECK(Str(rotations[0].as_object().at("RotationType")) == "ON_DEMAND");
  CHECK(first != pending);
}

// ---- ListKeyRotations ----

TEST_CASE("ListKeyRotations lists completed rotations, and all material on request") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string m0 = CurrentMaterialId(f, id);
  CHECK(Rotations(f, KeyIdJson(id)).empty());
  f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  std::string m1 = CurrentMaterialId(f, id);
  f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  std::string m2 = CurrentMaterialId(f, id);

  auto out = f.Ok(ListKeyRotations, KeyIdJson(id));
  CHECK(MemberNames(out) == std::vector<std::string>{"Rotations", "Truncated"});
  CHECK(out.at("Truncated").as_bool() == false);
  auto rotations = out.at("Rotations").as_array();
  REQUIRE(rotations.size() == 2);
  CHECK(Str(rotations[0].as_object().at("KeyMaterialId")) == m1);
  CHECK(Str(rotations[0].as_object().at("KeyMaterialState")) == "NON_CURRENT");
  CHECK(Str(rotations[1].as_object().at("KeyMaterialId")) == m2);
  CHECK(Str(rotations[1].as_object().at("KeyMaterialState")) == "CURRENT");
  CHECK(Rotations(f, R"({"KeyId":")" + id + R"(","IncludeKeyMaterial":"ROTATIONS_ONLY"})").size() ==
        2);

  auto all = Rotations(f, R"({"KeyId":")" + id + R"(","IncludeKeyMaterial":"ALL_KEY_MATERIAL"})");
  REQUIRE(all.size() == 3);
  auto initial = all[0].as_object();
  // AWS: the first material has no rotation date or type.
  CHECK(MemberNames(initial) ==
        std::vector<std::string>{"KeyId", "KeyMaterialId", "KeyMaterialState"});
  CHECK(Str(initial.at("KeyMaterialId")) == m0);
  CHECK(Str(initial.at("KeyMaterialState")) == "NON_CURRENT");
}

TEST_CASE("ListKeyRotations pages with Limit and Marker") {
  Fixture f;
  std::string id = f.NewKeyId();
  for (int i = 0; i < 3; ++i) f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  auto page1 = f.Ok(ListKeyRotations, R"({"KeyId":")" + id + R"(","Limit":2})");
  CHECK(MemberNames(page1) == std::vector<std::string>{"NextMarker", "Rotations", "Truncated"});
  CHECK(page1.at("Rotations").as_array().size() == 2);
  CHECK(page1.at("Truncated").as_bool());
  auto page2 = f.Ok(ListKeyRotations, R"({"KeyId":")" + id + R"(","Limit":2,"Marker":")" +
                                          Str(page1.at("NextMarker")) + R"("})");
  CHECK(page2.at("Rotations").as_array().size() == 1);
  CHECK(page2.at("Truncated").as_bool() == false);
  CHECK(page2.at("Rotations").as_array()[0] != page1.at("Rotations").as_array()[1]);
  CHECK_AWS_ERROR(f.Call(ListKeyRotations, R"({"KeyId":")" + id + R"(","Marker":"bogus"})"),
                  ErrorCode::kInvalidMarker, "Invalid marker");
}

TEST_CASE("ListKeyRotations validates IncludeKeyMaterial and refuses asymmetric keys") {
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(
      f.Call(ListKeyRotations, R"({"KeyId":")" + id + R"(","IncludeKeyMaterial":"SOME"})"),
      ErrorCode::kValidation,
      Validation1("Value 'SOME' at 'includeKeyMaterial' failed to satisfy constraint: Member "
                  "must satisfy enum value set: [ALL_KEY_MATERIAL, ROTATIONS_ONLY]"));
  CHECK_AWS_ERROR(f.Call(ListKeyRotations, R"({"KeyId":")" + id + R"(","Limit":0})"),
                  ErrorCode::kValidation,
                  Validation1("Value '0' at 'limit' failed to satisfy constraint: Member must "
                              "have value greater than or equal to 1"));
  std::string rsa = f.InsertKey(KeySpec::kRsa2048, KeyUsage::kSignVerify, KeyState::kEnabled);
  CHECK_AWS_ERROR(f.Call(ListKeyRotations, KeyIdJson(rsa)), ErrorCode::kUnsupportedOperation, "");
}

// ---- Persistence ----

TEST_CASE("Rotation settings and history survive reopening the database") {
  std::string dir_pattern = "/tmp/kms-rotation-test-XXXXXX";
  REQUIRE(mkdtemp(dir_pattern.data()) != nullptr);
  std::string path = dir_pattern + "/kms.db";
  std::string id, m0, m1, blob;
  int64_t next_ms = 0;
  {
    auto store = KeyStore::Open(path);
    REQUIRE(store.has_value());
    Clock clock;
    Services services{**store, clock};
    RequestContext ctx;
    ctx.account = kAccount;
    ctx.region = kRegion;
    ctx.now_ms = clock.NowMs();
    auto key = CreateKey(services, ctx, Json("{}"));
    REQUIRE(key.has_value());
    id = Str(key->at("KeyMetadata").at("KeyId"));
    m0 = Str(key->at("KeyMetadata").at("CurrentKeyMaterialId"));
    REQUIRE(EnableKeyRotation(services, ctx, Json(RotationPeriodJson(id, 120))).has_value());
    REQUIRE(RotateKeyOnDemand(services, ctx, Json(KeyIdJson(id))).has_value());
    auto current = (*store)->FindKey(kAccount, kRegion, id);
    m1 = current->current_material_id;
    next_ms = *current->next_rotation_ms;
  }
  {
    auto store = KeyStore::Open(path);
    REQUIRE(store.has_value());
    auto key = (*store)->FindKey(kAccount, kRegion, id);
    REQUIRE(key != nullptr);
    CHECK(key->rotation_period_days == 120);
    CHECK(key->next_rotation_ms == next_ms);
    CHECK(key->current_material_id == m1);
    REQUIRE(key->rotations.size() == 1);
    CHECK(key->rotations[0].material_id == m1);
    CHECK(key->rotations[0].type == RotationType::kOnDemand);
    REQUIRE(key->materials.size() == 2);
    CHECK(key->materials[0].id == m0);
  }
  std::filesystem::remove_all(dir_pattern);
}
