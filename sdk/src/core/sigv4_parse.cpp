// Parsing of the SigV4 Authorization header, with AWS's IncompleteSignatureException wording.
#include <algorithm>
#include <kms/sigv4.hpp>
#include <utility>
#include <vector>

namespace kms::sigv4 {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (true) {
    size_t p = s.find(sep);
    out.emplace_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

Error Incomplete(std::string message) {
  return MakeError(ErrorCode::kIncompleteSignature, std::move(message));
}

// AWS splits the parameters on commas and whitespace alike: "Credential= AKID/..." yields the
// token "AKID/..." and the error "'AKID/...' not a valid key=value pair (missing equal-sign) in
// Authorization header: '<header>'." (aws/aws-sdk-go#289, awslabs/fhir-works-on-aws-deployment
// #379). A repeated key keeps its last value. Views into `params` (this runs for every request).
using Parameters = std::vector<std::pair<std::string_view, std::string_view>>;

// The value of parameter `name` (the last one given), or nullptr.
const std::string_view* Find(const Parameters& params, std::string_view name) {
  auto it =
      std::find_if(params.rbegin(), params.rend(), [&](const auto& p) { return p.first == name; });
  return it == params.rend() ? nullptr : &it->second;
}

Result<Parameters> SplitParameters(std::string_view params, std::string_view header) {
  Parameters out;
  out.reserve(4);
  size_t i = 0;
  while (i < params.size()) {
    if (params[i] == ',' || IsSpace(params[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < params.size() && params[end] != ',' && !IsSpace(params[end])) ++end;
    std::string_view token = params.substr(i, end - i);
    size_t eq = token.find('=');
    if (eq == std::string_view::npos) {
      std::string msg = "'";
      msg.append(token).append("' not a valid key=value pair (missing equal-sign) in ");
      msg.append("Authorization header: '").append(header).append("'.");
      return Incomplete(std::move(msg));
    }
    out.emplace_back(token.substr(0, eq), token.substr(eq + 1));
    i = end;
  }
  return out;
}

// AWS: every missing part is named, in this order, then " Authorization=<header>"
// (e.g. "Authorization header requires 'Signature' parameter. Authorization header requires
// 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF",
// brendanhay/amazonka#316; the date sentence: aws/chalice#828).
std::string MissingMessage(const Parameters& params, bool request_has_date) {
  std::string msg;
  auto require = [&](const char* name) {
    if (Find(params, name) == nullptr) {
      msg.append("Authorization header requires '").append(name).append("' parameter. ");
    }
  };
  require("Credential");
  require("Signature");
  require("SignedHeaders");
  if (!request_has_date) {
    msg.append(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
  }
  return msg;
}

}  // namespace

Result<AuthorizationHeader> ParseAuthorization(std::string_view value) {
  return ParseAuthorization(value, true);
}

Result<AuthorizationHeader> ParseAuthorization(std::string_view value, bool request_has_date) {
  std::string_view header = Trim(value);
  size_t sp = 0;
  while (sp < header.size() && !IsSpace(header[sp])) ++sp;
  AuthorizationHeader out;
  out.algorithm = std::string(header.substr(0, sp));
  auto params = SplitParameters(header.substr(sp), header);
  if (!params) return params.error();
  if (std::string missing = MissingMessage(*params, request_has_date); !missing.empty()) {
    missing.append("Authorization=").append(header);
    return Incomplete(std::move(missing));
  }
  if (out.algorithm != kAlgorithm) {
    return Incomplete("Unsupported AWS 'algorithm': '" + out.algorithm + "'.");
  }
  std::string_view credential = *Find(*params, "Credential");
  std::vector<std::string> scope = Split(credential, '/');
  if (scope.size() != 5) {
    // AWS: kubernetes-sigs/aws-iam-authenticator#374, boto/boto3#1752.
    return Incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got '" +
        std::string(credential) + "'");
  }
  out.access_key_id = std::move(scope[0]);
  out.date = std::move(scope[1]);
  out.region = std::move(scope[2]);
  out.service = std::move(scope[3]);
  out.terminator = std::move(scope[4]);
  out.signed_headers = Split(*Find(*params, "SignedHeaders"), ';');
  out.signature = std::string(*Find(*params, "Signature"));
  return out;
}

}  // namespace kms::sigv4
