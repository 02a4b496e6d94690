// The router: turns one HTTP request into one HTTP response. POST / with X-Amz-Target
// "TrentService.<Op>" goes to the operation table; GET /health answers the health check. Every
// error is rendered here, once, as AWS JSON 1.1 does. Beast-free, so it is tested without I/O.
#pragma once

#include <kms/http.hpp>
#include <string>

#include "api/context.hpp"

namespace kms::emulator {

struct RouterOptions {
  std::string default_region = "us-east-1";  // when no SigV4 scope names one
  std::string default_account = "111122223333";
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

}  // namespace kms::emulator
