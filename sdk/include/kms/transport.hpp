// The SDK's transport seam: sends one kms::HttpRequest to an endpoint and returns the response.
// The real implementation is HTTP/1.1 over TCP or TLS (Boost.Beast, OpenSSL); tests use fakes.
#pragma once

#include <chrono>
#include <cstdint>
#include <kms/http.hpp>
#include <kms/result.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kms {

// Where requests go, parsed from a URL such as "https://kms.us-east-1.amazonaws.com" or
// "http://127.0.0.1:4599".
struct Endpoint {
  std::string scheme;      // "http" or "https"
  std::string host;        // DNS name or IP literal, without IPv6 brackets
  uint16_t port = 0;       // explicit, or 80/443 from the scheme
  std::string path = "/";  // request target for every call; "/" unless the URL has a path

  bool https() const { return scheme == "https"; }
  // The Host header value: host, in brackets when IPv6, and ":port" when not the default.
  std::string HostHeader() const;
  // "scheme://HostHeader()path", the form error messages quote.
  std::string Url() const;
};

// Parses an absolute http(s) URL with no user info, query or fragment. kValidation
// "Invalid endpoint URL: <url> (<why>)" otherwise. Thread-safe (pure).
Result<Endpoint> ParseEndpoint(std::string_view url);

// Sends a request and returns the response, whatever its status. Errors are transport failures
// only, each with http_status 0 and a botocore-worded message quoting the endpoint URL:
// - kDependencyTimeout: connect or read timeout
//   ("Connect timeout on endpoint URL: \"<url>\"", "Read timeout on endpoint URL: \"<url>\"");
// - kInternal: anything else: no connection ("Could not connect to the endpoint URL: \"<url>\"
//   (<reason>)"), TLS failure ("SSL validation failed for <url> <reason>"), connection closed
//   or reset before a complete response ("Connection was closed before we received a valid
//   response from endpoint URL: \"<url>\"."), malformed or oversized response.
// Implementations say whether they are thread-safe; the HTTP one is.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request, const Endpoint& endpoint) = 0;
};

struct HttpTransportOptions {
  // Bound on name resolution, TCP connect and TLS handshake together.
  std::chrono::milliseconds connect_timeout{10'000};
  // Bound on writing the request, and then separately on receiving the whole response.
  std::chrono::milliseconds read_timeout{60'000};
  // PEM file of trusted CA certificates; nullopt: the system trust store (OpenSSL defaults).
  std::optional<std::string> ca_bundle;
  // Certificate and host-name verification. Turn off only for throwaway local setups.
  bool verify_tls = true;
  // Host name -> IP address to connect to instead of resolving it (curl's --resolve): TLS
  // still sends SNI for, and verifies the certificate against, the endpoint's host name.
  std::map<std::string, std::string, std::less<>> resolve_overrides;
  // Idle keep-alive connections kept per endpoint.
  size_t max_idle_connections = 8;
  // Largest response body accepted (KMS responses are a few KiB; ListKeys pages below 1 MiB).
  size_t max_response_body = 16 * 1024 * 1024;
};

// The HTTP/1.1 transport: plain TCP for http, TLS (1.2+, SNI, certificate and host-name
// verification unless disabled) for https. Connections are kept alive and reused; a request
// that fails on a reused connection before any response byte arrives (the server closed the
// idle connection) is sent once more on a fresh connection. Thread-safe: concurrent Send calls
// each use their own connection; the idle pool is guarded by a mutex.
// Errors: kValidation "Unable to load the CA bundle: <path> (<reason>)" when `ca_bundle` cannot
// be read or holds no certificate.
Result<std::shared_ptr<Transport>> MakeHttpTransport(const HttpTransportOptions& options);

}  // namespace kms
