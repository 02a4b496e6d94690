// Error responses: type, message, status and request id from a non-2xx JSON 1.1 answer.
#include "errors.hpp"

#include <boost/json/parse.hpp>

namespace kms::internal {
namespace {

namespace json = boost::json;

constexpr size_t kBodySnippet = 200;

// "com.amazonaws.kms#NotFoundException:http://..." -> "NotFoundException".
std::string BareType(std::string_view type) {
  if (auto colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  if (auto hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
  return std::string(type);
}

std::string StringMember(const json::object* body, std::string_view key) {
  if (body == nullptr) return {};
  const json::value* v = body->if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->get_string());
}

ErrorCode GenericCode(int status) {
  return status >= 500 ? ErrorCode::kInternal : ErrorCode::kValidation;
}

// "HTTP <status>", then the JSON body's message, or the start of a body that is not JSON.
std::string NoTypeMessage(const HttpResponse& response, bool json_body,
                          const std::string& json_message) {
  std::string message = "HTTP " + std::to_string(response.status);
  if (json_body && !json_message.empty()) {
    message += ": " + json_message;
  } else if (!json_body && !response.body.empty()) {
    message += ": " + response.body.substr(0, kBodySnippet);
  }
  return message;
}

}  // namespace

ServiceFailure DecodeServiceError(const HttpResponse& response) {
  json::error_code ec;
  json::value parsed = json::parse(response.body, ec);
  const json::object* body = !ec ? parsed.if_object() : nullptr;

  ServiceFailure out;
  std::string type(response.Header("x-amzn-ErrorType"));
  if (type.empty()) type = StringMember(body, "code");
  if (type.empty()) type = StringMember(body, "__type");
  out.type = BareType(type);
  std::string message = StringMember(body, "message");
  if (message.empty()) message = StringMember(body, "Message");

  if (out.type.empty()) {
    out.error =
        MakeError(GenericCode(response.status), NoTypeMessage(response, body != nullptr, message));
  } else if (auto code = ErrorCodeFromType(out.type)) {
    out.error = MakeError(*code, std::move(message));
  } else {
    out.error = MakeError(GenericCode(response.status), out.type + ": " + message);
  }
  out.error.http_status = response.status;
  out.error.request_id = std::string(response.Header("x-amzn-RequestId"));
  return out;
}

}  // namespace kms::internal
