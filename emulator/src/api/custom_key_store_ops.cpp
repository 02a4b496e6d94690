// CreateCustomKeyStore, DescribeCustomKeyStores, Connect/Disconnect/Update/DeleteCustomKeyStore.
// Not emulated (custom_key_store.hpp): each request is validated against the model, then answered
// as AWS answers for a store that does not exist, so clients get AWS-shaped errors.
#include <boost/json/array.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/custom_key_store.hpp"
#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/pagination.hpp"

namespace kms::emulator {
namespace {

bool AllOf(std::string_view s, bool (*ok)(char)) {
  for (char c : s) {
    if (!ok(c)) return false;
  }
  return true;
}
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsLower(c) || (c >= 'A' && c <= 'Z') || IsDigit(c); }

// cluster-[2-7a-zA-Z]{11,16}
bool IsClusterId(std::string_view s) {
  if (!s.starts_with("cluster-")) return false;
  s.remove_prefix(8);
  return s.size() >= 11 && s.size() <= 16 &&
         AllOf(s, [](char c) { return (c >= '2' && c <= '7') || (IsAlnum(c) && !IsDigit(c)); });
}

// ^https://[a-zA-Z0-9.-]+$
bool IsXksEndpoint(std::string_view s) {
  if (!s.starts_with("https://")) return false;
  s.remove_prefix(8);
  return !s.empty() && AllOf(s, [](char c) { return IsAlnum(c) || c == '.' || c == '-'; });
}

// ^(/[a-zA-Z0-9\/_-]+/kms/xks/v\d{1,2})$|^(/kms/xks/v\d{1,2})$
bool IsXksPath(std::string_view s) {
  size_t digits = 0;
  while (digits < s.size() && digits < 3 && IsDigit(s[s.size() - 1 - digits])) ++digits;
  if (digits == 0 || digits > 2) return false;
  s.remove_suffix(digits);
  constexpr std::string_view kTail = "/kms/xks/v";
  if (!s.ends_with(kTail)) return false;
  s.remove_suffix(kTail.size());
  if (s.empty()) return true;
  return s.size() >= 2 && s[0] == '/' &&
         AllOf(s, [](char c) { return IsAlnum(c) || c == '/' || c == '_' || c == '-'; });
}

// ([a-z]+-){2,3}\d+
bool IsRegion(std::string_view s) {
  size_t groups = 0;
  while (!s.empty() && IsLower(s[0])) {
    size_t dash = s.find('-');
    if (dash == std::string_view::npos || !AllOf(s.substr(0, dash), IsLower)) return false;
    s.remove_prefix(dash + 1);
    ++groups;
  }
  return groups >= 2 && groups <= 3 && !s.empty() && AllOf(s, IsDigit);
}

// ^(com|eu)\.amazonaws\.vpce\.([a-z]+-){2,3}\d+\.vpce-svc-[0-9a-z]+$
bool IsVpcEndpointServiceName(std::string_view s) {
  for (std::string_view prefix : {"com.amazonaws.vpce.", "eu.amazonaws.vpce."}) {
    if (!s.starts_with(prefix)) continue;
    std::string_view rest = s.substr(prefix.size());
    size_t dot = rest.find(".vpce-svc-");
    if (dot == std::string_view::npos) return false;
    std::string_view id = rest.substr(dot + 10);
    return IsRegion(rest.substr(0, dot)) && !id.empty() &&
           AllOf(id, [](char c) { return IsLower(c) || IsDigit(c); });
  }
  return false;
}

bool IsAccountId(std::string_view s) { return AllOf(s, IsDigit); }
bool IsBase32(std::string_view s) {
  return AllOf(s, [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'); });
}
bool IsSecretText(std::string_view s) {
  return AllOf(s, [](char c) { return IsAlnum(c) || c == '/' || c == '+' || c == '='; });
}

constexpr StringRule kStoreIdRule{.min = 1, .max = 64};
constexpr StringRule kStoreNameRule{.min = 1, .max = 256};
constexpr std::string_view kStoreTypes[] = {"AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"};
constexpr std::string_view kConnectivities[] = {"PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"};

// XksProxyAuthenticationCredential {AccessKeyId, RawSecretAccessKey}: both sensitive, so values
// are never echoed. Violations go to `in` under AWS's nested path; a value of the wrong JSON
// type is a SerializationException (returned).
std::optional<Error> ReadXksCredential(InputReader& in, const boost::json::object& body) {
  auto it = body.find("XksProxyAuthenticationCredential");
  if (it == body.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_object()) {
    // n/v: Coral's wording for a non-structure value (lists: "Start of list ...").
    return MakeError(ErrorCode::kSerialization, it->value().is_array()
                                                    ? "Start of list found where not expected"
                                                    : "Expected a structure");
  }
  const boost::json::object& credential = it->value().get_object();
  struct Member {
    std::string_view name, path;
    size_t min, max;
    std::string_view pattern;
    bool (*check)(std::string_view);
  };
  const Member members[] = {
      {"AccessKeyId", "xksProxyAuthenticationCredential.accessKeyId", 20, 30, "^[A-Z2-7]+$",
       IsBase32},
      {"RawSecretAccessKey", "xksProxyAuthenticationCredential.rawSecretAccessKey", 43, 64,
       "^[a-zA-Z0-9\\/+=]+$", IsSecretText}};
  for (const Member& m : members) {
    auto v = credential.find(m.name);
    std::string head = "Value at '" + std::string(m.path) + "' failed to satisfy constraint: ";
    if (v == credential.end() || v->value().is_null()) {
      in.AddViolation("Value null at '" + std::string(m.path) +
                      "' failed to satisfy constraint: Member must not be null");
      continue;
    }
    if (!v->value().is_string()) {
      return MakeError(ErrorCode::kSerialization, "Expected a string");  // n/v
    }
    std::string_view s = v->value().get_string();
    if (s.size() < m.min) {
      in.AddViolation(head + "Member must have length greater than or equal to " +
                      std::to_string(m.min));
    }
    if (s.size() > m.max) {
      in.AddViolation(head + "Member must have length less than or equal to " +
                      std::to_string(m.max));
    }
    if (!m.check(s)) {
      in.AddViolation(head +
                      "Member must satisfy regular expression pattern: " + std::string(m.pattern));
    }
  }
  return std::nullopt;
}

// The members CreateCustomKeyStore and UpdateCustomKeyStore share, validated per the model.
std::optional<Error> ReadStoreSettings(InputReader& in, const boost::json::object& body) {
  (void)in.String("KeyStorePassword", {.min = 7, .max = 32, .sensitive = true});
  (void)in.String(
      "CloudHsmClusterId",
      {.min = 19, .max = 24, .pattern = "cluster-[2-7a-zA-Z]{11,16}", .check = IsClusterId});
  (void)in.String(
      "XksProxyUriEndpoint",
      {.min = 10, .max = 128, .pattern = "^https://[a-zA-Z0-9.-]+$", .check = IsXksEndpoint});
  (void)in.String("XksProxyUriPath",
                  {.min = 10,
                   .max = 128,
                   .pattern = "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$",
                   .check = IsXksPath});
  (void)in.String(
      "XksProxyVpcEndpointServiceName",
      {.min = 20,
       .max = 64,
       .pattern = "^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$",
       .check = IsVpcEndpointServiceName});
  (void)in.String("XksProxyVpcEndpointServiceOwner",
                  {.min = 12, .max = 12, .pattern = "[0-9]{12}", .check = IsAccountId});
  (void)in.Enum("XksProxyConnectivity", kConnectivities);
  return ReadXksCredential(in, body);
}

// Finish() with the credential's serialization error first.
Status Finish(const InputReader& in, const std::optional<Error>& serialization) {
  Status status = in.Finish();
  if (!status && status.error().code == ErrorCode::kSerialization) return status;
  if (serialization) return *serialization;
  return status;
}

// Connect, Disconnect and Delete: a required CustomKeyStoreId that names no store.
Result<boost::json::object> NoSuchStore(const boost::json::object& input) {
  InputReader in(input);
  auto id = in.String("CustomKeyStoreId", {.required = true, .min = 1, .max = 64});
  if (Status status = in.Finish(); !status) return status.error();
  return CustomKeyStoreNotFound(*id);
}

}  // namespace

KMS_HANDLER(CreateCustomKeyStore) {
  (void)services;
  (void)ctx;
  InputReader in(input);
  (void)in.String("CustomKeyStoreName", {.required = true, .min = 1, .max = 256});
  (void)in.String("TrustAnchorCertificate", {.min = 1, .max = 5000});
  (void)in.Enum("CustomKeyStoreType", kStoreTypes);
  std::optional<Error> serialization = ReadStoreSettings(in, input);
  if (Status status = Finish(in, serialization); !status) return status.error();
  return MakeError(ErrorCode::kUnsupportedOperation, std::string(kCustomKeyStoresNotEmulated));
}

KMS_HANDLER(DescribeCustomKeyStores) {
  (void)services;
  InputReader in(input);
  auto id = in.String("CustomKeyStoreId", kStoreIdRule);
  auto name = in.String("CustomKeyStoreName", kStoreNameRule);
  PageParams params = ReadPageParams(in);
  if (Status status = in.Finish(); !status) return status.error();
  if (id) return CustomKeyStoreNotFound(*id);
  if (name) return CustomKeyStoreNameNotFound(*name);
  // Never issued a marker, so any marker is InvalidMarkerException.
  auto page = ResolvePage(ctx, "DescribeCustomKeyStores", params, 1000, 1000);
  if (!page) return page.error();
  boost::json::object out;
  out["CustomKeyStores"] = boost::json::array{};
  out["Truncated"] = false;
  return out;
}

KMS_HANDLER(ConnectCustomKeyStore) {
  (void)services;
  (void)ctx;
  return NoSuchStore(input);
}

KMS_HANDLER(DisconnectCustomKeyStore) {
  (void)services;
  (void)ctx;
  return NoSuchStore(input);
}

KMS_HANDLER(DeleteCustomKeyStore) {
  (void)services;
  (void)ctx;
  return NoSuchStore(input);
}

KMS_HANDLER(UpdateCustomKeyStore) {
  (void)services;
  (void)ctx;
  InputReader in(input);
  auto id = in.String("CustomKeyStoreId", {.required = true, .min = 1, .max = 64});
  (void)in.String("NewCustomKeyStoreName", kStoreNameRule);
  std::optional<Error> serialization = ReadStoreSettings(in, input);
  if (Status status = Finish(in, serialization); !status) return status.error();
  return CustomKeyStoreNotFound(*id);
}

}  // namespace kms::emulator
