// Command-line options of kms-bench and their parser (pure: no I/O), plus the endpoint URL
// split into host and port.
#pragma once

#include <cstdint>
#include <kms/result.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kms::bench {

// The KMS operations kms-bench can drive, by their AWS names.
inline constexpr std::string_view kSupportedOps[] = {
    "DescribeKey",   "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
    "GenerateRandom"};

enum class OutputFormat { kText, kJson };

// An http:// endpoint, e.g. "http://127.0.0.1:4599" -> {"127.0.0.1", 4599}.
struct Endpoint {
  std::string host;
  uint16_t port = 80;
  // The Host header value: "host" for port 80, else "host:port".
  std::string HostHeader() const;
};

struct BenchOptions {
  Endpoint endpoint;
  std::string endpoint_url;
  int connections = 16;
  double duration_s = 10.0;
  double warmup_s = 1.0;
  std::vector<std::string> ops = {"GenerateDataKey", "Decrypt", "Encrypt"};
  std::string key_id;  // empty: CreateKey first
  std::string region = "us-east-1";
  int plaintext_size = 64;
  OutputFormat output = OutputFormat::kText;
  int threads = 1;          // io_context threads (1 or 2)
  double timeout_s = 10.0;  // per request and per connect
  std::string access_key = "bench";
  std::string secret_key = "bench";
};

// What the command line asked for: a run, or the usage text.
struct ParsedArgs {
  bool help = false;
  BenchOptions options;
};

// Parses `args` (without the program name). Accepts "--name value" and "--name=value".
// kValidation with a message naming the option on an unknown option, a missing or malformed
// value, a value out of range, or a missing --endpoint-url. Pure, thread-safe.
Result<ParsedArgs> ParseArgs(std::span<const std::string_view> args);

// Splits "http://host[:port][/]" (host may be a bracketed IPv6 literal). kValidation for any
// other scheme, a path, a missing host or a bad port. Pure, thread-safe.
Result<Endpoint> ParseEndpointUrl(std::string_view url);

// The --help text. Pure.
std::string UsageText();

}  // namespace kms::bench
