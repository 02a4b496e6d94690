// How `kmsctl audit` shows a CloudTrail event (a LookupEvents "Events" item): one text line, or
// the API's shape with EventTime in epoch seconds as kmsctl prints times.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <utility>

#include "time_arg.hpp"

namespace kms::cli {

// Tab-separated: time (ISO 8601 UTC), event name, user, resources (the part of each ARN after
// the account: "key/<id>", "alias/<name>"; comma-joined), encryption context of the request
// ("k=v,k2=v2", sorted by key), error code. Empty fields print as "-". Pure.
std::string EventLine(const boost::json::object& event);

// The event as LookupEvents returned it, EventTime as epoch seconds with a fraction
// (1714564800.0, as other kmsctl times). Pure.
boost::json::object ApiShape(const boost::json::object& event);

// The event's EventId and EventTime ("" and the epoch when absent). Pure.
std::pair<std::string, SystemTime> EventIdAndTime(const boost::json::object& event);

}  // namespace kms::cli
