// Tests of kms-bench's command-line parsing and endpoint URL splitting.
#include "bench_options.hpp"

#include <doctest/doctest.h>

#include <initializer_list>
#include <string_view>
#include <vector>

namespace kms::bench {
namespace {

Result<ParsedArgs> Parse(std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> v(args);
  return ParseArgs(v);
}

// The message of the error Parse must return.
std::string ErrorOf(std::initializer_list<std::string_view> args) {
  auto parsed = Parse(args);
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().code == ErrorCode::kValidation);
  return parsed.error().message;
}

constexpr std::string_view kUrl = "http://127.0.0.1:4599";

TEST_CASE("Only --endpoint-url given leaves every other option at its documented default") {
  auto parsed = Parse({"--endpoint-url", kUrl});
  REQUIRE(parsed.has_value());
  const BenchOptions& o = parsed->options;
  CHECK_FALSE(parsed->help);
  CHECK(o.endpoint_url == kUrl);
  CHECK(o.endpoint.host == "127.0.0.1");
  CHECK(o.endpoint.port == 4599);
  CHECK(o.connections == 16);
  CHECK(o.duration_s == 10.0);
  CHECK(o.warmup_s == 1.0);
  CHECK(o.ops == std::vector<std::string>{"GenerateDataKey", "Decrypt", "Encrypt"});
  CHECK(o.key_id.empty());
  CHECK(o.region == "us-east-1");
  CHECK(o.plaintext_size == 64);
  CHECK(o.output == OutputFormat::kText);
  CHECK(o.threads == 1);
  CHECK(o.timeout_s == 10.0);
  CHECK(o.access_key == "bench");
  CHECK(o.secret_key == "bench");
}

TEST_CASE("Options are read both as '--name value' and as '--name=value'") {
  auto parsed =
      Parse({"--endpoint-url=http://localhost:8080/", "--connections", "4", "--duration=2.5",
             "--warmup", "0", "--ops=Encrypt,DescribeKey", "--key-id", "alias/bench",
             "--region=eu-west-1", "--plaintext-size", "4096", "--output=json", "--threads", "2",
             "--timeout=3", "--access-key", "AK", "--secret-key=SK"});
  REQUIRE(parsed.has_value());
  const BenchOptions& o = parsed->options;
  CHECK(o.endpoint.host == "localhost");
  CHECK(o.endpoint.port == 8080);
  CHECK(o.connections == 4);
  CHECK(o.duration_s == 2.5);
  CHECK(o.warmup_s == 0.0);
  CHECK(o.ops == std::vector<std::string>{"Encrypt", "DescribeKey"});
  CHECK(o.key_id == "alias/bench");
  CHECK(o.region == "eu-west-1");
  CHECK(o.plaintext_size == 4096);
  CHECK(o.output == OutputFormat::kJson);
  CHECK(o.threads == 2);
  CHECK(o.timeout_s == 3.0);
  CHECK(o.access_key == "AK");
  CHECK(o.secret_key == "SK");
}

TEST_CASE("--help wins even without --endpoint-url and the usage text names every option") {
  auto parsed = Parse({"--connections", "2", "--help", "--bogus"});
  REQUIRE(parsed.has_value());
  CHECK(parsed->help);
  std::string usage = UsageText();
  for (std::string_view name :
       {"--endpoint-url", "--connections", "--duration", "--warmup", "--ops", "--key-id",
        "--region", "--plaintext-size", "--output", "--threads", "--timeout", "--access-key",
        "--secret-key", "--help"}) {
    CHECK_MESSAGE(usage.find(name) != std::string::npos, name);
  }
}

TEST_CASE("A missing --endpoint-url is rejected") {
  CHECK(ErrorOf({"--connections", "2"}) == "--endpoint-url is required");
}

TEST_CASE("Unknown options, stray arguments and missing values are rejected by name") {
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--bogus", "1"}) == "unknown option --bogus");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "extra"}) == "unexpected argument 'extra' (see --help)");
  CHECK(ErrorOf({"--"}) == "unexpected argument '--' (see --help)");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--duration"}) == "--duration needs a value");
}

TEST_CASE("Integer options outside their range or not integers are rejected") {
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--connections", "0"}) ==
        "--connections must be an integer from 1 to 4096, got '0'");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--connections", "4097"}) ==
        "--connections must be an integer from 1 to 4096, got '4097'");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--connections", "8x"}) ==
        "--connections must be an integer from 1 to 4096, got '8x'");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--plaintext-size", "4097"}) ==
        "--plaintext-size must be an integer from 1 to 4096, got '4097'");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--threads", "3"}) ==
        "--threads must be an integer from 1 to 2, got '3'");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--threads="}) ==
        "--threads must be an integer from 1 to 2, got ''");
}

TEST_CASE("Durations must be finite seconds; only --warmup may be zero") {
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--duration", "0"}) ==
        "--duration must be a number of seconds above 0 to 3600, got '0'");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--timeout", "-1"}) ==
        "--timeout must be a number of seconds above 0 to 3600, got '-1'");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--warmup", "-0.5"}) ==
        "--warmup must be a number of seconds from 0 to 3600, got '-0.5'");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--duration", "inf"}) ==
        "--duration must be a number of seconds above 0 to 3600, got 'inf'");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--duration", "3601"}) ==
        "--duration must be a number of seconds above 0 to 3600, got '3601'");
}

TEST_CASE("--ops rejects an unsupported or empty operation and lists the supported ones") {
  constexpr std::string_view kSupported =
      "(supported: DescribeKey, Decrypt, Encrypt, GenerateDataKey, "
      "GenerateDataKeyWithoutPlaintext, GenerateRandom)";
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--ops", "Encrypt,CreateKey"}) ==
        "--ops: unsupported operation 'CreateKey' " + std::string(kSupported));
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--ops", "Encrypt,"}) ==
        "--ops: unsupported operation '' " + std::string(kSupported));
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--ops", "encrypt"}) ==
        "--ops: unsupported operation 'encrypt' " + std::string(kSupported));
}

TEST_CASE("--output accepts only text or json and text options must not be empty") {
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--output", "yaml"}) ==
        "--output must be text or json, got 'yaml'");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--key-id="}) == "--key-id must not be empty");
  CHECK(ErrorOf({"--endpoint-url", kUrl, "--region", ""}) == "--region must not be empty");
}

TEST_CASE("Endpoint URLs give host and port, port 80 by default, IPv6 in brackets") {
  auto a = ParseEndpointUrl("http://127.0.0.1:4599");
  REQUIRE(a.has_value());
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 4599);
  CHECK(a->HostHeader() == "127.0.0.1:4599");
  auto b = ParseEndpointUrl("http://kms.local/");
  REQUIRE(b.has_value());
  CHECK(b->host == "kms.local");
  CHECK(b->port == 80);
  CHECK(b->HostHeader() == "kms.local");
  auto c = ParseEndpointUrl("http://[::1]:4599");
  REQUIRE(c.has_value());
  CHECK(c->host == "::1");
  CHECK(c->port == 4599);
  CHECK(c->HostHeader() == "[::1]:4599");
  auto d = ParseEndpointUrl("http://[::1]");
  REQUIRE(d.has_value());
  CHECK(d->HostHeader() == "[::1]");
}

TEST_CASE("Endpoint URLs with another scheme, a path, no host or a bad port are rejected") {
  auto message = [](std::string_view url) {
    auto r = ParseEndpointUrl(url);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::kValidation);
    return r.error().message;
  };
  CHECK(message("https://127.0.0.1:4599") ==
        "--endpoint-url must start with http:// (https is not supported), got "
        "'https://127.0.0.1:4599'");
  CHECK(message("http://h:1/kms") == "--endpoint-url must not have a path, got 'http://h:1/kms'");
  CHECK(message("http://:4599") == "--endpoint-url has no host, got 'http://:4599'");
  CHECK(message("http://[]:1") == "--endpoint-url has no host, got 'http://[]:1'");
  CHECK(message("http://[::1:4599") ==
        "--endpoint-url has an unclosed '[', got 'http://[::1:4599'");
  for (std::string_view url : {"http://h:", "http://h:0", "http://h:65536", "http://h:80a",
                               "http://[::1]x", "http://[::1]:"}) {
    CHECK(message(url) == "--endpoint-url has a bad port, got '" + std::string(url) + "'");
  }
}

TEST_CASE("A bad --endpoint-url value fails the whole parse with the URL's message") {
  CHECK(ErrorOf({"--endpoint-url", "ftp://x"}) ==
        "--endpoint-url must start with http:// (https is not supported), got 'ftp://x'");
}

}  // namespace
}  // namespace kms::bench
