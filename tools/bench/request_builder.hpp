// The bytes kms-bench sends: JSON 1.1 bodies for each operation and complete, signed HTTP/1.1
// requests formatted once before a run; plus reading the few response fields setup needs.
#pragma once

#include <chrono>
#include <kms/result.hpp>
#include <string>
#include <string_view>

namespace kms::bench {

// What a request needs besides its body.
struct RequestContext {
  std::string host_header;  // "127.0.0.1:4599"
  std::string region;
  std::string access_key;
  std::string secret_key;
  std::chrono::system_clock::time_point signed_at;  // X-Amz-Date, fixed for the run
};

// Inputs of the operation bodies.
struct BodyInputs {
  std::string key_id;
  std::string ciphertext_b64;  // CiphertextBlob for Decrypt, as Encrypt returned it
  int plaintext_size = 64;     // Encrypt plaintext bytes; also GenerateRandom's NumberOfBytes
};

// The JSON body of `op` (one of kSupportedOps, or "CreateKey"). kValidation for any other op
// name. Pure, thread-safe.
Result<std::string> BuildBody(std::string_view op, const BodyInputs& inputs);

// "POST / HTTP/1.1" with Host, Content-Type application/x-amz-json-1.1, X-Amz-Target
// TrentService.<op>, X-Amz-Date, Authorization (kms::sigv4::Sign over host, content-type,
// x-amz-target, x-amz-date and the body), then User-Agent, Content-Length and `body`.
// Errors: those of kms::sigv4::Sign (none expected: the Host header is always set).
// Pure, thread-safe.
Result<std::string> BuildRequest(std::string_view op, std::string_view body,
                                 const RequestContext& ctx);

// The string at `path` (e.g. {"KeyMetadata", "KeyId"}) of the JSON object `body`.
// kSerialization when `body` is not JSON or the member is missing or not a string.
// Pure, thread-safe.
Result<std::string> JsonString(std::string_view body, std::initializer_list<std::string_view> path);

}  // namespace kms::bench
