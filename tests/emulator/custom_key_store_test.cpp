// The custom-key-store operations: validated against the model, then answered as AWS answers for
// a store that does not exist (custom key stores are not emulated).
#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>
#include <optional>
#include <string>

#include "management_fixture.hpp"

namespace kms::emulator {
namespace {

using testing::Fixture;

constexpr std::string_view kNotEmulated =
    "Custom key stores are not emulated: they front an AWS CloudHSM cluster or an external key "
    "store proxy, which this emulator cannot reach.";
constexpr std::string_view kIdNull =
    "1 validation error detected: Value null at 'customKeyStoreId' failed to satisfy constraint: "
    "Member must not be null";

// One violation; `value` nullopt for a sensitive member (AWS does not echo it).
std::string Violation(std::optional<std::string_view> value, std::string_view member,
                      std::string_view what) {
  return "1 validation error detected: Value " +
         (value ? "'" + std::string(*value) + "' " : std::string()) + "at '" + std::string(member) +
         "' failed to satisfy constraint: Member must " + std::string(what);
}

// A CreateCustomKeyStore body for an external key store with `extra` members appended.
std::string Xks(std::string_view extra = "") {
  return R"({"CustomKeyStoreName":"xks","CustomKeyStoreType":"EXTERNAL_KEY_STORE",)"
         R"("XksProxyUriEndpoint":"https://xks.example.com","XksProxyUriPath":"/kms/xks/v1",)"
         R"("XksProxyConnectivity":"PUBLIC_ENDPOINT","XksProxyAuthenticationCredential":)"
         R"({"AccessKeyId":"ABCDEFGHIJKLMNOPQRST","RawSecretAccessKey":)"
         R"("abcdefghijklmnopqrstuvwxyz0123456789/+=ABCD"})" +
         std::string(extra) + "}";
}

TEST_CASE("DescribeCustomKeyStores lists no stores") {
  Fixture f;
  CHECK(boost::json::serialize(f.Ok(DescribeCustomKeyStores, "{}")) ==
        R"({"CustomKeyStores":[],"Truncated":false})");
  CHECK(boost::json::serialize(f.Ok(DescribeCustomKeyStores, R"({"Limit":5})")) ==
        R"({"CustomKeyStores":[],"Truncated":false})");
}

TEST_CASE("DescribeCustomKeyStores finds no store by id or name") {
  Fixture f;
  CHECK_AWS_ERROR(
      f.Call(DescribeCustomKeyStores, R"({"CustomKeyStoreId":"cks-1234567890abcdef0"})"),
      ErrorCode::kCustomKeyStoreNotFound,
      "Custom key store 'cks-1234567890abcdef0' does not exist.");
  CHECK_AWS_ERROR(f.Call(DescribeCustomKeyStores, R"({"CustomKeyStoreName":"hsm"})"),
                  ErrorCode::kCustomKeyStoreNotFound,
                  "Custom key store named 'hsm' does not exist.");
  CHECK(TypeName(ErrorCode::kCustomKeyStoreNotFound) == "CustomKeyStoreNotFoundException");
  CHECK(HttpStatus(ErrorCode::kCustomKeyStoreNotFound) == 400);
}

TEST_CASE("DescribeCustomKeyStores validates its members and refuses every marker") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(DescribeCustomKeyStores, R"({"CustomKeyStoreId":""})"),
                  ErrorCode::kValidation,
                  Violation("", "customKeyStoreId", "have length greater than or equal to 1"));
  CHECK_AWS_ERROR(f.Call(DescribeCustomKeyStores, R"({"Limit":0})"), ErrorCode::kValidation,
                  Violation("0", "limit", "have value greater than or equal to 1"));
  CHECK_AWS_ERROR(f.Call(DescribeCustomKeyStores, R"({"Marker":"abc"})"), ErrorCode::kInvalidMarker,
                  "Invalid marker");
}

TEST_CASE("Connect, Disconnect and Delete find no custom key store") {
  Fixture f;
  for (Handler handler : {ConnectCustomKeyStore, DisconnectCustomKeyStore, DeleteCustomKeyStore}) {
    CHECK_AWS_ERROR(f.Call(handler, "{}"), ErrorCode::kValidation, kIdNull);
    std::string long_id(65, 'c');
    CHECK_AWS_ERROR(f.Call(handler, R"({"CustomKeyStoreId":")" + long_id + "\"}"),
                    ErrorCode::kValidation,
                    Violation(long_id, "customKeyStoreId", "have length less than or equal to 64"));
    CHECK_AWS_ERROR(f.Call(handler, R"({"CustomKeyStoreId":"cks-1"})"),
                    ErrorCode::kCustomKeyStoreNotFound, "Custom key store 'cks-1' does not exist.");
  }
}

TEST_CASE("UpdateCustomKeyStore validates, then finds no store") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(UpdateCustomKeyStore, "{}"), ErrorCode::kValidation, kIdNull);
  CHECK_AWS_ERROR(
      f.Call(UpdateCustomKeyStore, R"({"CustomKeyStoreId":"cks-1","KeyStorePassword":"short"})"),
      ErrorCode::kValidation,
      Violation(std::nullopt, "keyStorePassword", "have length greater than or equal to 7"));
  CHECK_AWS_ERROR(
      f.Call(
          UpdateCustomKeyStore,
          R"({"CustomKeyStoreId":"cks-1","NewCustomKeyStoreName":"n","KeyStorePassword":"long enough"})"),
      ErrorCode::kCustomKeyStoreNotFound, "Custom key store 'cks-1' does not exist.");
}

TEST_CASE("CreateCustomKeyStore validates every member against the model") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(CreateCustomKeyStore, "{}"), ErrorCode::kValidation,
                  "1 validation error detected: Value null at 'customKeyStoreName' failed to "
                  "satisfy constraint: Member must not be null");
  CHECK_AWS_ERROR(
      f.Call(CreateCustomKeyStore,
             R"({"CustomKeyStoreName":"h","CloudHsmClusterId":"cluster-1111111111111"})"),
      ErrorCode::kValidation,
      Violation("cluster-1111111111111", "cloudHsmClusterId",
                "satisfy regular expression pattern: cluster-[2-7a-zA-Z]{11,16}"));
  CHECK_AWS_ERROR(
      f.Call(CreateCustomKeyStore, R"({"CustomKeyStoreName":"h","CustomKeyStoreType":"HSM"})"),
      ErrorCode::kValidation,
      Violation("HSM", "customKeyStoreType",
                "satisfy enum value set: [AWS_CLOUDHSM, EXTERNAL_KEY_STORE]"));
  CHECK_AWS_ERROR(
      f.Call(CreateCustomKeyStore,
             R"({"CustomKeyStoreName":"h","XksProxyUriEndpoint":"http://xks.example"})"),
      ErrorCode::kValidation,
      Violation("http://xks.example", "xksProxyUriEndpoint",
                "satisfy regular expression pattern: ^https://[a-zA-Z0-9.-]+$"));
  CHECK_AWS_ERROR(
      f.Call(
          CreateCustomKeyStore,
          R"({"CustomKeyStoreName":"h","XksProxyVpcEndpointServiceName":"com.amazonaws.vpce.moon.vpce-svc-1"})"),
      ErrorCode::kValidation,
      Violation("com.amazonaws.vpce.moon.vpce-svc-1", "xksProxyVpcEndpointServiceName",
                "satisfy regular expression pattern: "
                "^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$"));
  CHECK_AWS_ERROR(
      f.Call(CreateCustomKeyStore,
             R"({"CustomKeyStoreName":"h","XksProxyVpcEndpointServiceOwner":"12345678901a"})"),
      ErrorCode::kValidation,
      Violation("12345678901a", "xksProxyVpcEndpointServiceOwner",
                "satisfy regular expression pattern: [0-9]{12}"));
}

TEST_CASE("CreateCustomKeyStore checks the XKS proxy path pattern") {
  Fixture f;
  for (std::string good : {"/kms/xks/v1", "/kms/xks/v12", "/my_proxy-1/kms/xks/v2"}) {
    CAPTURE(good);
    boost::json::object body = testing::Json(Xks());
    body["XksProxyUriPath"] = good;
    CHECK_AWS_ERROR(f.Call(CreateCustomKeyStore, boost::json::serialize(body)),
                    ErrorCode::kUnsupportedOperation, kNotEmulated);
  }
  for (std::string bad : {"/kms/xks/v123", "/kms/xks/vx", "x/kms/xks/v1", "//kms/xks/v1x"}) {
    CAPTURE(bad);
    boost::json::object body = testing::Json(Xks());
    body["XksProxyUriPath"] = bad;
    CHECK_AWS_ERROR(f.Call(CreateCustomKeyStore, boost::json::serialize(body)),
                    ErrorCode::kValidation,
                    Violation(bad, "xksProxyUriPath",
                              "satisfy regular expression pattern: "
                              "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$"));
  }
}

TEST_CASE("CreateCustomKeyStore validates the XKS proxy credential without echoing it") {
  Fixture f;
  boost::json::object body = testing::Json(Xks());
  body["XksProxyAuthenticationCredential"] = boost::json::object{{"AccessKeyId", "lower"}};
  CHECK_AWS_ERROR(
      f.Call(CreateCustomKeyStore, boost::json::serialize(body)), ErrorCode::kValidation,
      "3 validation errors detected: Value at 'xksProxyAuthenticationCredential.accessKeyId' "
      "failed to satisfy constraint: Member must have length greater than or equal to 20; Value "
      "at 'xksProxyAuthenticationCredential.accessKeyId' failed to satisfy constraint: Member "
      "must satisfy regular expression pattern: ^[A-Z2-7]+$; Value null at "
      "'xksProxyAuthenticationCredential.rawSecretAccessKey' failed to satisfy constraint: Member "
      "must not be null");
  body["XksProxyAuthenticationCredential"] = boost::json::array{};
  CHECK_AWS_ERROR(f.Call(CreateCustomKeyStore, boost::json::serialize(body)),
                  ErrorCode::kSerialization, "Start of list found where not expected");
  body["XksProxyAuthenticationCredential"] =
      boost::json::object{{"AccessKeyId", 7}, {"RawSecretAccessKey", "x"}};
  CHECK_AWS_ERROR(f.Call(CreateCustomKeyStore, boost::json::serialize(body)),
                  ErrorCode::kSerialization, "Expected a string");
}

TEST_CASE("A valid CreateCustomKeyStore is answered: custom key stores are not emulated") {
  Fixture f;
  CHECK_AWS_ERROR(f.Call(CreateCustomKeyStore, Xks()), ErrorCode::kUnsupportedOperation,
                  kNotEmulated);
  CHECK_AWS_ERROR(
      f.Call(
          CreateCustomKeyStore,
          R"({"CustomKeyStoreName":"hsm","CloudHsmClusterId":"cluster-234567abcdefg","TrustAnchorCertificate":"pem","KeyStorePassword":"kmsuser-pw"})"),
      ErrorCode::kUnsupportedOperation, kNotEmulated);
}

}  // namespace
}  // namespace kms::emulator
