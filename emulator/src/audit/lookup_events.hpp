// CloudTrail LookupEvents over the audit trail: the request checked as the CloudTrail model says
// (one lookup attribute, StartTime <= EndTime, MaxResults 1-50, NextToken), the page of events of
// the caller's account and region, newest first, each with its record as CloudTrailEvent.
#pragma once

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <string>

#include "api/context.hpp"

namespace kms::emulator {
class AuditLog;
}

namespace kms::emulator::audit {

// A CloudTrail error: its __type (the model's exception name), message and HTTP status.
struct CloudTrailError {
  std::string type;
  std::string message;
  int status = 400;
};

// Lets boost::system::result<T, CloudTrailError>::value() throw when misused (never in our code).
[[noreturn]] void throw_exception_from_error(const CloudTrailError& e,
                                             const boost::source_location& loc);

template <class T>
using CloudTrailResult = boost::system::result<T, CloudTrailError>;

// The LookupEvents response for `input` ({"Events": [...], "NextToken": ...}), over `log` (null:
// the trail is off, and there are no events). Errors, status 400 (messages ours: AWS's are not
// documented):
//   InvalidLookupAttributesException  more than one attribute, an unknown AttributeKey, a missing
//                                     key or value, or a value outside 1-2000 characters
//   InvalidTimeRangeException         StartTime after EndTime
//   InvalidMaxResultsException        MaxResults outside 1-50
//   InvalidNextTokenException         a token we did not issue, or issued for other parameters
//   InvalidEventCategoryException     an EventCategory other than "insight"
//   SerializationException            a member of the wrong JSON type
//   KMSInternalException (500)        the database failed
// Waits for the events queued before the call (AuditLog::Flush). Thread-safe.
CloudTrailResult<boost::json::object> LookupEvents(AuditLog* log, const RequestContext& ctx,
                                                   const boost::json::object& input);

}  // namespace kms::emulator::audit
