// Decoding the error responses of the JSON 1.1 protocol (private to kms_sdk).
#pragma once

#include <kms/error.hpp>
#include <kms/http.hpp>
#include <string>

namespace kms::internal {

// An error answer: the kms::Error for the caller, and the bare error type as sent (empty when
// the response named none), which retry classification needs even when the SDK does not know it.
struct ServiceFailure {
  Error error;
  std::string type;
};

// Decodes a non-2xx response. The type comes from x-amzn-ErrorType, else the body's `code`,
// else its `__type` (any "ns#" prefix and ":suffix" dropped); the message from the body's
// `message` or `Message`. Unknown types become kInternal (status >= 500) or kValidation with
// the message "<type>: <message>"; a response without a type becomes the same generic codes with
// "HTTP <status>" (plus up to 200 characters of a non-JSON body). http_status and request_id
// (x-amzn-RequestId) are always filled. Thread-safe (pure).
ServiceFailure DecodeServiceError(const HttpResponse& response);

}  // namespace kms::internal
