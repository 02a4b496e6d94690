// Tests for GenerateMac and VerifyMac: HMACs equal to OpenSSL's HMAC over the stored key material,
// and every error branch with AWS's code and message.
#include <doctest/doctest.h>
#include <openssl/hmac.h>

#include <string>
#include <vector>

#include "asymmetric_fixture.hpp"

using kms::ErrorCode;
using namespace kms::emulator;
using namespace kms::emulator::testing;

namespace {

std::string MacBody(const std::string& key_id, std::string_view message, std::string_view alg) {
  return J({{"KeyId", key_id}, {"Message", B64(message)}, {"MacAlgorithm", alg}});
}

std::string VerifyBody(const std::string& key_id, std::string_view message,
                       std::span<const uint8_t> mac, std::string_view alg) {
  return J(
      {{"KeyId", key_id}, {"Message", B64(message)}, {"Mac", B64(mac)}, {"MacAlgorithm", alg}});
}

std::string Validation1(const std::string& violation) {
  return "1 validation error detected: " + violation;
}

// HMAC with EVP's one-shot HMAC() over the key material the store holds.
std::vector<uint8_t> ExpectedMac(Fixture& f, const std::string& key_id, const EVP_MD* md,
                                 std::string_view message) {
  auto key = f.store().FindKey(kAccount, kRegion, key_id);
  auto material = key->CurrentMaterial()->bytes->span();
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  HMAC(md, material.data(), static_cast<int>(material.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &size);
  out.resize(size);
  return out;
}

const std::string kMacEnum =
    "Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]";

}  // namespace

TEST_CASE("CreateKey makes HMAC keys with AWS's metadata and key material of the digest size") {
  Fixture f;
  // AWS: test_hmac_create_key.
  object m = f.NewKey(J(
      {{"KeySpec", "HMAC_256"}, {"KeyUsage", "GENERATE_VERIFY_MAC"}, {"Description", "test key"}}));
  CHECK(Names(m) == std::vector<std::string>{"AWSAccountId", "Arn", "CreationDate",
                                             "CustomerMasterKeySpec", "Description", "Enabled",
                                             "KeyId", "KeyManager", "KeySpec", "KeyState",
                                             "KeyUsage", "MacAlgorithms", "MultiRegion", "Origin"});
  CHECK(J(object{{"m", m.at("MacAlgorithms")}}) == R"({"m":["HMAC_SHA_256"]})");
  for (auto [spec, size] : {std::pair{"HMAC_224", 28u}, std::pair{"HMAC_256", 32u},
                            std::pair{"HMAC_384", 48u}, std::pair{"HMAC_512", 64u}}) {
    std::string id = NewKeyIdOf(f, spec, "GENERATE_VERIFY_MAC");
    auto key = f.store().FindKey(kAccount, kRegion, id);
    CHECK(key->CurrentMaterial()->bytes->size() == size);
  }
}

TEST_CASE("GenerateMac computes the HMAC of each spec and VerifyMac accepts it") {
  Fixture f;
  // AWS: test_generate_and_verify_mac.
  for (auto [spec, alg, md] : {std::tuple{"HMAC_224", "HMAC_SHA_224", EVP_sha224()},
                               std::tuple{"HMAC_256", "HMAC_SHA_256", EVP_sha256()},
                               std::tuple{"HMAC_384", "HMAC_SHA_384", EVP_sha384()},
                               std::tuple{"HMAC_512", "HMAC_SHA_512", EVP_sha512()}}) {
    CAPTURE(spec);
    std::string id = NewKeyIdOf(f, spec, "GENERATE_VERIFY_MAC");
    object r = f.Ok(GenerateMac, MacBody(id, "some important message", alg));
    CHECK(Names(r) == std::vector<std::string>{"Mac", "MacAlgorithm", "KeyId"});
    CHECK(Str(r.at("KeyId")) == ArnOf(id));
    CHECK(Str(r.at("MacAlgorithm")) == alg);
    auto mac = Bytes(r.at("Mac"));
    CHECK(mac == ExpectedMac(f, id, md, "some important message"));
    object v = f.Ok(VerifyMac, VerifyBody(id, "some important message", mac, alg));
    CHECK(Names(v) == std::vector<std::string>{"KeyId", "MacValid", "MacAlgorithm"});
    CHECK(v.at("MacValid").as_bool());
    CHECK(Str(v.at("KeyId")) == ArnOf(id));
  }
}

TEST_CASE("GenerateMac is deterministic and accepts an alias") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "HMAC_512", "GENERATE_VERIFY_MAC");
  f.Ok(CreateAlias, J({{"AliasName", "alias/mac"}, {"TargetKeyId", id}}));
  auto a = f.Ok(GenerateMac, MacBody(id, "m", "HMAC_SHA_512")).at("Mac");
  auto b = f.Ok(GenerateMac, MacBody("alias/mac", "m", "HMAC_SHA_512")).at("Mac");
  CHECK(a == b);
}

TEST_CASE("VerifyMac of a MAC that does not match is KMSInvalidMacException") {
  Fixture f;
  // AWS: test_invalid_verify_mac[HMAC_256-HMAC_SHA_256-some different important message].
  std::string id = NewKeyIdOf(f, "HMAC_256", "GENERATE_VERIFY_MAC");
  auto mac =
      Bytes(f.Ok(GenerateMac, MacBody(id, "some important message", "HMAC_SHA_256")).at("Mac"));
  CHECK_AWS_ERROR(
      f.Call(VerifyMac, VerifyBody(id, "some different important message", mac, "HMAC_SHA_256")),
      ErrorCode::kInvalidMac, "");
  CHECK_AWS_ERROR(f.Call(VerifyMac, VerifyBody(id, "some important message",
                                               std::span(mac).first(31), "HMAC_SHA_256")),
                  ErrorCode::kInvalidMac, "");
  mac[0] ^= 1;
  CHECK_AWS_ERROR(f.Call(VerifyMac, VerifyBody(id, "some important message", mac, "HMAC_SHA_256")),
                  ErrorCode::kInvalidMac, "");
  // The MAC of another key of the same spec.
  std::string other = NewKeyIdOf(f, "HMAC_256", "GENERATE_VERIFY_MAC");
  auto foreign =
      Bytes(f.Ok(GenerateMac, MacBody(other, "some important message", "HMAC_SHA_256")).at("Mac"));
  CHECK_AWS_ERROR(
      f.Call(VerifyMac, VerifyBody(id, "some important message", foreign, "HMAC_SHA_256")),
      ErrorCode::kInvalidMac, "");
}

TEST_CASE("GenerateMac and VerifyMac refuse an algorithm of another HMAC spec") {
  Fixture f;
  // AWS: test_invalid_generate_mac[HMAC_224-HMAC_SHA_256], test_invalid_verify_mac[HMAC_SHA_512].
  std::string h224 = NewKeyIdOf(f, "HMAC_224", "GENERATE_VERIFY_MAC");
  CHECK_AWS_ERROR(f.Call(GenerateMac, MacBody(h224, "m", "HMAC_SHA_256")),
                  ErrorCode::kInvalidKeyUsage,
                  "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.");
  std::string h256 = NewKeyIdOf(f, "HMAC_256", "GENERATE_VERIFY_MAC");
  auto mac = Bytes(f.Ok(GenerateMac, MacBody(h256, "m", "HMAC_SHA_256")).at("Mac"));
  CHECK_AWS_ERROR(f.Call(VerifyMac, VerifyBody(h256, "m", mac, "HMAC_SHA_512")),
                  ErrorCode::kInvalidKeyUsage,
                  "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.");
}

TEST_CASE("GenerateMac and VerifyMac name the key usage of keys that are not HMAC keys") {
  Fixture f;
  // AWS: test_error_messaging_for_invalid_keys generate-mac-invalid-key-id.
  std::string symmetric = f.NewKeyId();
  CHECK_AWS_ERROR(f.Call(GenerateMac, MacBody(symmetric, "m", "HMAC_SHA_256")),
                  ErrorCode::kInvalidKeyUsage,
                  ArnOf(symmetric) +
                      " key usage is ENCRYPT_DECRYPT which is not valid for "
                      "GenerateMac.");
  std::string sign = NewKeyIdOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
  CHECK_AWS_ERROR(f.Call(VerifyMac, VerifyBody(sign, "m", TextBytes("mac"), "HMAC_SHA_256")),
                  ErrorCode::kInvalidKeyUsage,
                  ArnOf(sign) + " key usage is SIGN_VERIFY which is not valid for VerifyMac.");
}

TEST_CASE("GenerateMac and VerifyMac refuse unknown, disabled and pending-deletion keys") {
  Fixture f;
  // AWS: test_generate_and_verify_mac generate-mac-invalid-key-id.
  CHECK_AWS_ERROR(f.Call(GenerateMac, MacBody("key_id", "m", "HMAC_SHA_256")), ErrorCode::kNotFound,
                  "Invalid keyId 'key_id'");
  CHECK_AWS_ERROR(f.Call(VerifyMac, VerifyBody("key_id", "m", TextBytes("mac"), "HMAC_SHA_256")),
                  ErrorCode::kNotFound, "Invalid keyId 'key_id'");
  std::string id = NewKeyIdOf(f, "HMAC_256", "GENERATE_VERIFY_MAC");
  auto mac = Bytes(f.Ok(GenerateMac, MacBody(id, "m", "HMAC_SHA_256")).at("Mac"));
  f.Ok(DisableKey, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(GenerateMac, MacBody(id, "m", "HMAC_SHA_256")), ErrorCode::kDisabled,
                  ArnOf(id) + " is disabled.");
  CHECK_AWS_ERROR(f.Call(VerifyMac, VerifyBody(id, "m", mac, "HMAC_SHA_256")), ErrorCode::kDisabled,
                  ArnOf(id) + " is disabled.");
  f.Ok(ScheduleKeyDeletion, KeyIdJson(id));
  CHECK_AWS_ERROR(f.Call(VerifyMac, VerifyBody(id, "m", mac, "HMAC_SHA_256")),
                  ErrorCode::kInvalidState, ArnOf(id) + " is pending deletion.");
}

TEST_CASE("GenerateMac and VerifyMac validate their members against the model") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "HMAC_256", "GENERATE_VERIFY_MAC");
  // AWS: test_invalid_generate_mac[HMAC_256-INVALID], test_invalid_verify_mac[...-INVALID-...].
  CHECK_AWS_ERROR(
      f.Call(GenerateMac, MacBody(id, "m", "INVALID")), ErrorCode::kValidation,
      Validation1("Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: " + kMacEnum));
  CHECK_AWS_ERROR(
      f.Call(VerifyMac, VerifyBody(id, "m", TextBytes("x"), "INVALID")), ErrorCode::kValidation,
      Validation1("Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: " + kMacEnum));
  CHECK_AWS_ERROR(f.Call(GenerateMac, J({{"KeyId", id}, {"MacAlgorithm", "HMAC_SHA_256"}})),
                  ErrorCode::kValidation,
                  Validation1("Value null at 'message' failed to satisfy constraint: Member must "
                              "not be null"));
  CHECK_AWS_ERROR(f.Call(GenerateMac, MacBody(id, std::string(4097, 'm'), "HMAC_SHA_256")),
                  ErrorCode::kValidation,
                  Validation1("Value at 'message' failed to satisfy constraint: Member must have "
                              "length less than or equal to 4096"));
  CHECK_AWS_ERROR(f.Call(VerifyMac, MacBody(id, "m", "HMAC_SHA_256")), ErrorCode::kValidation,
                  Validation1("Value null at 'mac' failed to satisfy constraint: Member must not "
                              "be null"));
}

TEST_CASE("GenerateMac and VerifyMac with DryRun report the dry run after every check") {
  Fixture f;
  std::string id = NewKeyIdOf(f, "HMAC_384", "GENERATE_VERIFY_MAC");
  object body = {
      {"KeyId", id}, {"Message", B64("m")}, {"MacAlgorithm", "HMAC_SHA_384"}, {"DryRun", true}};
  CHECK_AWS_ERROR(f.Call(GenerateMac, J(body)), ErrorCode::kDryRunOperation, kDryRunMessage);
  body["Mac"] = B64("not the mac");
  CHECK_AWS_ERROR(f.Call(VerifyMac, J(body)), ErrorCode::kDryRunOperation, kDryRunMessage);
  body["MacAlgorithm"] = "HMAC_SHA_224";
  CHECK_AWS_ERROR(f.Call(VerifyMac, J(body)), ErrorCode::kInvalidKeyUsage,
                  "Algorithm HMAC_SHA_224 is incompatible with key spec HMAC_384.");
}
