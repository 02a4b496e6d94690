// Plain HTTP request/response structs, so routing, signing and codecs never see Beast types.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kms {

// Header names are kept as received; lookups are case-insensitive.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "POST"
  std::string target;  // request-target: path and query, e.g. "/"
  HttpHeaders headers;
  std::string body;
  std::string remote_address;  // peer IP, for the audit trail
  // Over TLS: the protocol version ("TLSv1.3") and cipher suite (OpenSSL's name, as CloudTrail's
  // tlsDetails shows it). Views of static strings; empty over plain HTTP.
  std::string_view tls_version;
  std::string_view tls_cipher;

  // First header named `name` (ASCII case-insensitive), or empty view when absent.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;

  std::string_view Header(std::string_view name) const;
  void SetHeader(std::string name, std::string value);
};

// ASCII case-insensitive equality, for header names.
bool IEquals(std::string_view a, std::string_view b);

}  // namespace kms
