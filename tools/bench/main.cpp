// kms-bench: drives a KMS endpoint with keep-alive connections and prints throughput and exact
// latency percentiles per operation (see --help).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "bench_options.hpp"
#include "latency_stats.hpp"
#include "load_runner.hpp"
#include "request_builder.hpp"

namespace kms::bench {
namespace {

constexpr int kExitErrors = 1;
constexpr int kExitSetup = 2;

int Fail(const std::string& message) {
  std::fprintf(stderr, "kms-bench: %s\n", message.c_str());
  return kExitSetup;
}

// Sends one setup request and reads the string at `path` from its 200 answer.
Result<std::string> SetupCall(LoadRunner& runner, const RequestContext& ctx, std::string_view op,
                              const BodyInputs& inputs,
                              std::initializer_list<std::string_view> path) {
  auto body = BuildBody(op, inputs);
  if (!body) return body.error();
  auto request = BuildRequest(op, *body, ctx);
  if (!request) return request.error();
  auto answer = runner.Send(*request);
  if (!answer)
    return MakeError(ErrorCode::kInternal, std::string(op) + ": " + answer.error().message);
  if (answer->status != 200) {
    return MakeError(
        ErrorCode::kInternal,
        std::string(op) + ": HTTP " + std::to_string(answer->status) + ": " + answer->body);
  }
  auto value = JsonString(answer->body, path);
  if (!value)
    return MakeError(ErrorCode::kInternal, std::string(op) + ": " + value.error().message);
  return value;
}

int Run(const BenchOptions& options) {
  auto runner =
      LoadRunner::Start(options.endpoint, options.connections, options.threads, options.timeout_s);
  if (!runner) return Fail(runner.error().message);
  RequestContext ctx{options.endpoint.HostHeader(), options.region, options.access_key,
                     options.secret_key, std::chrono::system_clock::now()};
  BodyInputs inputs{options.key_id, "", options.plaintext_size};
  if (inputs.key_id.empty()) {
    auto key_id = SetupCall(**runner, ctx, "CreateKey", inputs, {"KeyMetadata", "KeyId"});
    if (!key_id) return Fail("setup failed: " + key_id.error().message);
    inputs.key_id = *key_id;
  }
  if (std::find(options.ops.begin(), options.ops.end(), "Decrypt") != options.ops.end()) {
    auto blob = SetupCall(**runner, ctx, "Encrypt", inputs, {"CiphertextBlob"});
    if (!blob) return Fail("setup failed: " + blob.error().message);
    inputs.ciphertext_b64 = *blob;
  }
  std::vector<OpFigures> figures;
  for (const std::string& op : options.ops) {
    auto body = BuildBody(op, inputs);
    if (!body) return Fail(body.error().message);
    auto request = BuildRequest(op, *body, ctx);
    if (!request) return Fail(op + ": " + request.error().message);
    std::fprintf(stderr, "kms-bench: %s for %.1f s (+%.1f s warm-up)...\n", op.c_str(),
                 options.duration_s, options.warmup_s);
    auto phase = (*runner)->RunPhase(*request, options.warmup_s, options.duration_s);
    if (!phase) return Fail(op + ": " + phase.error().message);
    figures.push_back(Summarize(op, phase->latencies_ns, phase->errors,
                                std::move(phase->first_error), phase->window_s));
  }
  RunInfo info{options.endpoint_url, inputs.key_id,    options.connections,
               options.duration_s,   options.warmup_s, options.plaintext_size};
  std::string report =
      options.output == OutputFormat::kJson ? FormatJson(info, figures) : FormatText(info, figures);
  std::fputs(report.c_str(), stdout);
  bool any_error =
      std::any_of(figures.begin(), figures.end(), [](const OpFigures& f) { return f.errors > 0; });
  return any_error ? kExitErrors : 0;
}

}  // namespace
}  // namespace kms::bench

int main(int argc, char** argv) {
  try {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    auto parsed = kms::bench::ParseArgs(args);
    if (!parsed) return kms::bench::Fail(parsed.error().message);
    if (parsed->help) {
      std::fputs(kms::bench::UsageText().c_str(), stdout);
      return 0;
    }
    return kms::bench::Run(parsed->options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kms-bench: unexpected error: %s\n", e.what());
    return 2;
  }
}
