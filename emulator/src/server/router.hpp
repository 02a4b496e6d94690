// The router: turns one HTTP request into one HTTP response. POST / with X-Amz-Target
// "TrentService.<Op>" goes to the operation table; GET /health answers the health check. Every
// error is rendered here, once, as AWS JSON 1.1 does. Beast-free, so it is tested without I/O.
#pragma once

#include <kms/http.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "api/context.hpp"
#include "server/auth.hpp"

namespace kms::emulator {

class AdminEndpoint;

struct RouterOptions {
  std::string default_region = "us-east-1";  // when no SigV4 scope names one
  std::string default_account = "111122223333";
  AuthConfig auth = {};  // --auth and --credentials: who may call, and their accounts
  // The /_emulator admin endpoint (server/admin.hpp); null when --admin keeps it off, and then
  // /_emulator/* answers 403 {"message": ...}.
  std::shared_ptr<AdminEndpoint> admin = nullptr;
};

class Router {
 public:
  Router(Services& services, RouterOptions options)
      : services_(services), options_(std::move(options)) {}

  // Never throws and never answers 500 for anything a client sent; an unexpected exception
  // becomes 500 KMSInternalException and is logged to stderr. Thread-safe.
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  Services& services_;
  RouterOptions options_;
};

// Renders `error` as AWS JSON 1.1 does: status from the error table, body
// {"__type": "<Type>", "message": "<message>"} (no "message" when it is empty, as AWS), and the
// x-amzn-ErrorType and x-amzn-RequestId headers.
// Used by the router and by the session for errors found before routing (413). Thread-safe.
HttpResponse ErrorResponse(const Error& error, std::string_view request_id);

// Runs one handler: 200 with its serialized output, or its error rendered. The per-request
// catch-all: an exception becomes 500 KMSInternalException, its what() logged to stderr.
// Exposed so tests can drive the 500 path. Thread-safe if the handler is.
HttpResponse RunHandler(Handler handler, Services& services, const RequestContext& ctx,
                        const boost::json::object& input);

}  // namespace kms::emulator
