// Formats kms-bench's requests (bodies via Boost.JSON so key ids are escaped) and reads setup
// responses.
#include "request_builder.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <kms/http.hpp>
#include <kms/internal/encoding.hpp>
#include <kms/sigv4.hpp>

namespace kms::bench {
namespace {

constexpr std::string_view kContentType = "application/x-amz-json-1.1";
// AWS: GenerateRandom's NumberOfBytes is 1 to 1024.
constexpr int kMaxRandomBytes = 1024;

// A plaintext of `size` bytes; its content does not matter to a KMS.
std::string Plaintext(int size) {
  std::string text(static_cast<size_t>(size), '\0');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  return text;
}

}  // namespace

Result<std::string> BuildBody(std::string_view op, const BodyInputs& inputs) {
  boost::json::object body;
  if (op == "Encrypt") {
    body = {{"KeyId", inputs.key_id},
            {"Plaintext", internal::Base64Encode(Plaintext(inputs.plaintext_size))}};
  } else if (op == "Decrypt") {
    body = {{"CiphertextBlob", inputs.ciphertext_b64}};
  } else if (op == "GenerateDataKey" || op == "GenerateDataKeyWithoutPlaintext") {
    body = {{"KeyId", inputs.key_id}, {"KeySpec", "AES_256"}};
  } else if (op == "DescribeKey") {
    body = {{"KeyId", inputs.key_id}};
  } else if (op == "GenerateRandom") {
    body = {{"NumberOfBytes", std::min(inputs.plaintext_size, kMaxRandomBytes)}};
  } else if (op == "CreateKey") {
    body = {{"Description", "kms-bench"}};
  } else {
    return MakeError(ErrorCode::kValidation, "kms-bench cannot build " + std::string(op));
  }
  return boost::json::serialize(body);
}

Result<std::string> BuildRequest(std::string_view op, std::string_view body,
                                 const RequestContext& ctx) {
  HttpRequest http;
  http.method = "POST";
  http.target = "/";
  http.headers = {{"Host", ctx.host_header},
                  {"Content-Type", std::string(kContentType)},
                  {"X-Amz-Target", "TrentService." + std::string(op)}};
  http.body = body;
  sigv4::Credentials credentials{ctx.access_key, ctx.secret_key, ""};
  auto signed_request = sigv4::Sign(http, credentials, ctx.region, "kms", ctx.signed_at);
  if (!signed_request) return signed_request.error();
  // Not signed, as SDKs add them below the signer too.
  http.headers.emplace_back("User-Agent", "kms-bench/0.1");
  http.headers.emplace_back("Content-Length", std::to_string(body.size()));
  std::string request = "POST / HTTP/1.1\r\n";
  for (const auto& [name, value] : http.headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  request += body;
  return request;
}

Result<std::string> JsonString(std::string_view body,
                               std::initializer_list<std::string_view> path) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(body, ec);
  auto missing = [&] {
    std::string dotted;
    for (std::string_view p : path) dotted += (dotted.empty() ? "" : ".") + std::string(p);
    return MakeError(ErrorCode::kSerialization, "response has no string " + dotted);
  };
  if (ec) return MakeError(ErrorCode::kSerialization, "response is not JSON");
  const boost::json::value* node = &root;
  for (std::string_view member : path) {
    const boost::json::object* object = node->if_object();
    if (object == nullptr) return missing();
    node = object->if_contains(member);
    if (node == nullptr) return missing();
  }
  if (!node->is_string()) return missing();
  return std::string(node->get_string());
}

}  // namespace kms::bench
