// Test-only signer for the botocore cross-check: reads a JSON array of requests on stdin, signs
// each with kms::sigv4::Sign (header mode) and writes a JSON array of results on stdout.
// Input item:  {"method", "target", "headers": [[name, value], ...], "body_b64",
//               "access_key_id", "secret_access_key", "session_token", "region", "service",
//               "time" (Unix seconds)}
// Output item: {"headers": [[name, value], ...], "canonical_request", "string_to_sign",
//               "signature"} or {"error": "..."}.
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <kms/internal/encoding.hpp>
#include <kms/sigv4.hpp>
#include <string>

namespace json = boost::json;

namespace {

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::value Fail(std::string message) { return json::object{{"error", std::move(message)}}; }

json::value SignOne(const json::value& item) {
  if (!item.is_object()) return Fail("item is not an object");
  const json::object& o = item.get_object();
  kms::HttpRequest request;
  request.method = Str(o, "method");
  request.target = Str(o, "target");
  if (const json::value* headers = o.if_contains("headers"); headers && headers->is_array()) {
    for (const json::value& h : headers->get_array()) {
      if (!h.is_array() || h.get_array().size() != 2 || !h.get_array()[0].is_string() ||
          !h.get_array()[1].is_string()) {
        return Fail("a header is not a [name, value] pair of strings");
      }
      request.headers.emplace_back(std::string(h.get_array()[0].get_string()),
                                   std::string(h.get_array()[1].get_string()));
    }
  }
  auto body = kms::internal::Base64Decode(Str(o, "body_b64"));
  if (!body) return Fail("body_b64 is not base64");
  request.body.assign(body->begin(), body->end());
  const json::value* time = o.if_contains("time");
  if (time == nullptr || !time->is_int64()) return Fail("time is not an integer");
  kms::sigv4::Credentials creds{Str(o, "access_key_id"), Str(o, "secret_access_key"),
                                Str(o, "session_token")};
  auto when = kms::sigv4::Clock::time_point(std::chrono::seconds(time->get_int64()));
  auto signed_result = kms::sigv4::Sign(request, creds, Str(o, "region"), Str(o, "service"), when);
  if (!signed_result) return Fail(signed_result.error().message);
  json::array headers;
  for (const auto& [name, value] : request.headers) headers.push_back(json::array{name, value});
  return json::object{{"headers", std::move(headers)},
                      {"canonical_request", signed_result->canonical_request},
                      {"string_to_sign", signed_result->string_to_sign},
                      {"signature", signed_result->signature}};
}

}  // namespace

int main() {
  try {
    std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    boost::system::error_code ec;
    json::value parsed = json::parse(input, ec);
    if (ec || !parsed.is_array()) {
      std::fprintf(stderr, "sigv4_sign_tool: stdin is not a JSON array\n");
      return 2;
    }
    json::array out;
    for (const json::value& item : parsed.get_array()) out.push_back(SignOne(item));
    std::cout << json::serialize(out) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sigv4_sign_tool: %s\n", e.what());
    return 2;
  }
}
