// What a handler gets: the services it may use and the request's caller context.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <kms/result.hpp>
#include <string>

#include "domain/clock.hpp"
#include "store/key_store.hpp"

namespace kms::emulator {

class AuditLog;

// Long-lived services shared by all requests. Thread-safe.
struct Services {
  KeyStore& store;
  Clock& clock;
  // The audit trail (audit/audit_log.hpp), or null when it is off: LookupEvents and
  // GetKeyLastUsage read it; the router records every call into it.
  AuditLog* audit = nullptr;
};

// The caller of one request, from its SigV4 credential scope (or the defaults).
struct RequestContext {
  std::string account;     // 12 digits
  std::string region;      // e.g. us-east-1
  std::string access_key;  // may be empty
  std::string request_id;  // UUID, also sent as x-amzn-RequestId
  int64_t now_ms = 0;      // the clock, read once per request
  // The caller named by the access key in the --credentials file (its section name), empty when
  // the key is not in the file (or there is none).
  std::string user_name;
  // "arn:aws:iam::<account>:user/<user_name>", or "arn:aws:iam::<account>:root" when user_name
  // is empty.
  std::string principal_arn;
};

// A handler reads its members from `input`, acts, and returns the response members.
using Handler = Result<boost::json::object> (*)(Services& services, const RequestContext& ctx,
                                                const boost::json::object& input);

}  // namespace kms::emulator
