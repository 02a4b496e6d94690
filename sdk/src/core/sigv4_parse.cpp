// Parsing of the SigV4 Authorization header.
#include <kms/sigv4.hpp>

namespace kms::sigv4 {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Error Incomplete(std::string_view what, std::string_view header) {
  std::string msg(what);
  msg.append(" Authorization=").append(header);
  return MakeError(ErrorCode::kIncompleteSignature, std::move(msg));
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

}  // namespace

Result<AuthorizationHeader> ParseAuthorization(std::string_view value) {
  AuthorizationHeader out;
  std::string_view v = Trim(value);
  size_t sp = v.find(' ');
  if (sp == std::string_view::npos)
    return Incomplete("Authorization header requires 'Credential' parameter.", value);
  out.algorithm = std::string(v.substr(0, sp));
  std::string_view credential, signed_headers, signature;
  for (const std::string& part : Split(v.substr(sp + 1), ',')) {
    std::string_view p = Trim(part);
    size_t eq = p.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = p.substr(0, eq), val = p.substr(eq + 1);
    if (name == "Credential") credential = val;
    if (name == "SignedHeaders") signed_headers = val;
    if (name == "Signature") signature = val;
  }
  if (credential.empty())
    return Incomplete("Authorization header requires 'Credential' parameter.", value);
  if (signed_headers.empty())
    return Incomplete("Authorization header requires 'SignedHeaders' parameter.", value);
  if (signature.empty())
    return Incomplete("Authorization header requires 'Signature' parameter.", value);
  std::vector<std::string> scope = Split(credential, '/');
  if (scope.size() != 5 || scope[0].empty() || scope[1].size() != 8 || scope[2].empty() ||
      scope[3].empty() || scope[4] != "aws4_request") {
    return Incomplete("Credential should be scoped to a valid region.", value);
  }
  out.access_key_id = scope[0];
  out.date = scope[1];
  out.region = scope[2];
  out.service = scope[3];
  out.signed_headers = Split(signed_headers, ';');
  out.signature = std::string(signature);
  return out;
}

}  // namespace kms::sigv4
