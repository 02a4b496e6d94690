// DryRun on every operation whose input has the member (the 15 of the KMS model): after every
// check passes, DryRunOperationException, and nothing happens.
#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>
#include <map>
#include <string>

#include "api/operations.hpp"
#include "asymmetric_fixture.hpp"

namespace kms::emulator {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the fixtures' helpers

constexpr std::string_view kDryRunMessage =
    "The request would have succeeded, but the DryRun option is set.";

// The operations whose request structure has DryRun (botocore service-2.json, 2014-11-01).
constexpr std::string_view kDryRunOperations[] = {"CreateGrant",
                                                  "Decrypt",
                                                  "DeriveSharedSecret",
                                                  "Encrypt",
                                                  "GenerateDataKey",
                                                  "GenerateDataKeyPair",
                                                  "GenerateDataKeyPairWithoutPlaintext",
                                                  "GenerateDataKeyWithoutPlaintext",
                                                  "GenerateMac",
                                                  "ReEncrypt",
                                                  "RetireGrant",
                                                  "RevokeGrant",
                                                  "Sign",
                                                  "Verify",
                                                  "VerifyMac"};

// A valid request body for each operation, made against keys of `f`.
std::map<std::string, object, std::less<>> ValidRequests(Fixture& f) {
  std::string aes = f.NewKeyId();
  std::string rsa = NewKeyIdOf(f, "RSA_2048", "SIGN_VERIFY");
  std::string hmac = NewKeyIdOf(f, "HMAC_256", "GENERATE_VERIFY_MAC");
  std::string ecdh = NewKeyIdOf(f, "ECC_NIST_P256", "KEY_AGREEMENT");
  std::string peer = NewKeyIdOf(f, "ECC_NIST_P256", "KEY_AGREEMENT");
  std::string message = B64("message");
  auto blob = f.Ok(Encrypt, J({{"KeyId", aes}, {"Plaintext", message}})).at("CiphertextBlob");
  auto signature =
      f.Ok(Sign,
           J({{"KeyId", rsa}, {"Message", message}, {"SigningAlgorithm", "RSASSA_PSS_SHA_256"}}))
          .at("Signature");
  auto mac = f.Ok(GenerateMac,
                  J({{"KeyId", hmac}, {"Message", message}, {"MacAlgorithm", "HMAC_SHA_256"}}))
                 .at("Mac");
  auto peer_key = f.Ok(GetPublicKey, KeyIdJson(peer)).at("PublicKey");
  object grant_body{{"KeyId", aes},
                    {"GranteePrincipal", "arn:aws:iam::111122223333:role/app"},
                    {"Operations", boost::json::array{"Decrypt"}}};
  std::string retired = Str(f.Ok(CreateGrant, J(grant_body)).at("GrantId"));
  std::string revoked = Str(f.Ok(CreateGrant, J(grant_body)).at("GrantId"));
  return {
      {"CreateGrant", grant_body},
      {"Decrypt", {{"CiphertextBlob", blob}}},
      {"DeriveSharedSecret",
       {{"KeyId", ecdh}, {"KeyAgreementAlgorithm", "ECDH"}, {"PublicKey", peer_key}}},
      {"Encrypt", {{"KeyId", aes}, {"Plaintext", message}}},
      {"GenerateDataKey", {{"KeyId", aes}, {"KeySpec", "AES_256"}}},
      {"GenerateDataKeyPair", {{"KeyId", aes}, {"KeyPairSpec", "ECC_NIST_P256"}}},
      {"GenerateDataKeyPairWithoutPlaintext", {{"KeyId", aes}, {"KeyPairSpec", "ECC_NIST_P256"}}},
      {"GenerateDataKeyWithoutPlaintext", {{"KeyId", aes}, {"NumberOfBytes", 16}}},
      {"GenerateMac", {{"KeyId", hmac}, {"Message", message}, {"MacAlgorithm", "HMAC_SHA_256"}}},
      {"ReEncrypt", {{"CiphertextBlob", blob}, {"DestinationKeyId", aes}}},
      {"RetireGrant", {{"KeyId", aes}, {"GrantId", retired}}},
      {"RevokeGrant", {{"KeyId", aes}, {"GrantId", revoked}}},
      {"Sign", {{"KeyId", rsa}, {"Message", message}, {"SigningAlgorithm", "RSASSA_PSS_SHA_256"}}},
      {"Verify",
       {{"KeyId", rsa},
        {"Message", message},
        {"Signature", signature},
        {"SigningAlgorithm", "RSASSA_PSS_SHA_256"}}},
      {"VerifyMac",
       {{"KeyId", hmac}, {"Message", message}, {"Mac", mac}, {"MacAlgorithm", "HMAC_SHA_256"}}},
  };
}

TEST_CASE("Every operation with a DryRun member answers DryRunOperationException") {
  Fixture f;
  auto requests = ValidRequests(f);
  for (std::string_view name : kDryRunOperations) {
    CAPTURE(name);
    Handler handler = FindOperation(name);
    bool found = handler != nullptr;
    REQUIRE(found);
    REQUIRE(requests.count(name) == 1);
    object body = requests.find(name)->second;
    body["DryRun"] = true;
    CHECK_AWS_ERROR(f.Call(handler, J(body)), ErrorCode::kDryRunOperation, kDryRunMessage);
    body["DryRun"] = false;
    CHECK(f.Call(handler, J(body)).has_value());  // the request itself is valid
  }
  CHECK(requests.size() == std::size(kDryRunOperations));
}

TEST_CASE("A dry run still reports the request's own errors first") {
  Fixture f;
  auto requests = ValidRequests(f);
  for (std::string_view name : kDryRunOperations) {
    CAPTURE(name);
    object body = requests.find(name)->second;
    body["DryRun"] = true;
    body[name == "ReEncrypt" ? "DestinationKeyId" : "KeyId"] = "alias/none";
    auto result = f.Call(FindOperation(name), J(body));
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code != ErrorCode::kDryRunOperation);
  }
}

}  // namespace
}  // namespace kms::emulator
