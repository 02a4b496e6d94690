// Parsing of kms-bench's command line: every value is checked here, so the runner can trust it.
#include "bench_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

namespace kms::bench {
namespace {

Error Invalid(std::string message) { return MakeError(ErrorCode::kValidation, std::move(message)); }

std::optional<long> ParseLong(std::string_view text) {
  long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> ParseDouble(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

Result<int> IntInRange(std::string_view name, std::string_view text, long min, long max) {
  auto value = ParseLong(text);
  if (!value || *value < min || *value > max) {
    return Invalid("--" + std::string(name) + " must be an integer from " + std::to_string(min) +
                   " to " + std::to_string(max) + ", got '" + std::string(text) + "'");
  }
  return static_cast<int>(*value);
}

// Seconds: a finite decimal number, > 0 (or >= 0 when zero_ok), at most one hour.
Result<double> Seconds(std::string_view name, std::string_view text, bool zero_ok) {
  auto value = ParseDouble(text);
  constexpr double kMaxSeconds = 3600;
  if (!value || *value < 0 || (*value == 0 && !zero_ok) || *value > kMaxSeconds) {
    return Invalid("--" + std::string(name) + " must be a number of seconds " +
                   (zero_ok ? "from 0" : "above 0") + " to 3600, got '" + std::string(text) + "'");
  }
  return *value;
}

Result<std::vector<std::string>> ParseOps(std::string_view text) {
  std::vector<std::string> ops;
  while (true) {
    size_t comma = text.find(',');
    std::string_view op = text.substr(0, comma);
    if (std::find(std::begin(kSupportedOps), std::end(kSupportedOps), op) ==
        std::end(kSupportedOps)) {
      std::string supported;
      for (std::string_view s : kSupportedOps)
        supported += (supported.empty() ? "" : ", ") + std::string(s);
      return Invalid("--ops: unsupported operation '" + std::string(op) +
                     "' (supported: " + supported + ")");
    }
    ops.emplace_back(op);
    if (comma == std::string_view::npos) return ops;
    text.remove_prefix(comma + 1);
  }
}

// Applies one "--name value" pair to `options`.
Status Apply(std::string_view name, std::string_view value, BenchOptions& options) {
  auto assign = [](auto& field, auto result) -> Status {
    if (!result) return result.error();
    field = *result;
    return {};
  };
  if (name == "endpoint-url") {
    options.endpoint_url = value;
    return assign(options.endpoint, ParseEndpointUrl(value));
  }
  if (name == "connections") return assign(options.connections, IntInRange(name, value, 1, 4096));
  if (name == "duration") return assign(options.duration_s, Seconds(name, value, false));
  if (name == "warmup") return assign(options.warmup_s, Seconds(name, value, true));
  if (name == "timeout") return assign(options.timeout_s, Seconds(name, value, false));
  if (name == "ops") return assign(options.ops, ParseOps(value));
  if (name == "plaintext-size") {
    // AWS: Encrypt takes 1 to 4096 bytes of plaintext.
    return assign(options.plaintext_size, IntInRange(name, value, 1, 4096));
  }
  if (name == "threads") return assign(options.threads, IntInRange(name, value, 1, 2));
  if (name == "output") {
    if (value != "text" && value != "json") {
      return Invalid("--output must be text or json, got '" + std::string(value) + "'");
    }
    options.output = value == "json" ? OutputFormat::kJson : OutputFormat::kText;
    return {};
  }
  std::string* text_field = name == "key-id"       ? &options.key_id
                            : name == "region"     ? &options.region
                            : name == "access-key" ? &options.access_key
                            : name == "secret-key" ? &options.secret_key
                                                   : nullptr;
  if (text_field == nullptr) return Invalid("unknown option --" + std::string(name));
  if (value.empty()) return Invalid("--" + std::string(name) + " must not be empty");
  *text_field = value;
  return {};
}

}  // namespace

std::string Endpoint::HostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 80) h += ":" + std::to_string(port);
  return h;
}

Result<Endpoint> ParseEndpointUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  auto bad = [url](std::string_view what) {
    return Invalid("--endpoint-url " + std::string(what) + ", got '" + std::string(url) + "'");
  };
  if (!url.starts_with(kScheme)) return bad("must start with http:// (https is not supported)");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return bad("must not have a path");
  Endpoint endpoint;
  size_t host_end = rest.starts_with('[') ? rest.find(']') : rest.find(':');
  if (rest.starts_with('[')) {
    if (host_end == std::string_view::npos) return bad("has an unclosed '['");
    endpoint.host = rest.substr(1, host_end - 1);
    ++host_end;
  } else {
    endpoint.host = rest.substr(0, host_end);
  }
  if (endpoint.host.empty()) return bad("has no host");
  std::string_view after_host = host_end < rest.size() ? rest.substr(host_end) : "";
  if (after_host.empty()) return endpoint;
  auto port = after_host.starts_with(':') ? ParseLong(after_host.substr(1)) : std::nullopt;
  if (!port || *port < 1 || *port > 65535) return bad("has a bad port");
  endpoint.port = static_cast<uint16_t>(*port);
  return endpoint;
}

Result<ParsedArgs> ParseArgs(std::span<const std::string_view> args) {
  ParsedArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      return parsed;
    }
    if (!arg.starts_with("--") || arg.size() == 2) {
      return Invalid("unexpected argument '" + std::string(arg) + "' (see --help)");
    }
    std::string_view name = arg.substr(2);
    std::string_view value;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Invalid("--" + std::string(name) + " needs a value");
    }
    if (auto applied = Apply(name, value, parsed.options); !applied) return applied.error();
  }
  if (parsed.options.endpoint_url.empty()) return Invalid("--endpoint-url is required");
  return parsed;
}

std::string UsageText() {
  return R"(kms-bench: load generator for any AWS KMS endpoint (HTTP/1.1 keep-alive).

Usage: kms-bench --endpoint-url http://HOST:PORT [options]

  --endpoint-url URL     http:// endpoint to drive (required)
  --connections N        concurrent keep-alive connections, each with one request in flight
                         (default 16)
  --duration S           measured seconds per operation (default 10)
  --warmup S             unmeasured seconds before each operation (default 1)
  --ops A,B,...          operations, run one after another (default GenerateDataKey,Decrypt,
                         Encrypt); also DescribeKey, GenerateDataKeyWithoutPlaintext,
                         GenerateRandom
  --key-id ID            key to use (default: one made with CreateKey first)
  --region R             region in the SigV4 credential scope (default us-east-1)
  --plaintext-size N     bytes of plaintext for Encrypt/Decrypt, 1-4096 (default 64)
  --output text|json     report format (default text)
  --threads 1|2          I/O threads of the load generator (default 1)
  --timeout S            per-request and connect timeout (default 10)
  --access-key K         SigV4 access key id (default bench)
  --secret-key K         SigV4 secret key the requests are signed with (default bench)
  --help                 this text

Per operation it prints the requests sent in the measured window and answered, errors (non-200
answers, connection failures and timeouts, with the first error shown), requests per second
(answered / duration) and exact latency percentiles p50/p90/p99/max in milliseconds over every
answered request, from writing the request to reading the whole answer.
Exit status: 0 when every measured request succeeded, 1 when any failed, 2 on bad usage or
when setup (CreateKey, Encrypt for Decrypt's ciphertext) failed.
)";
}

}  // namespace kms::bench
