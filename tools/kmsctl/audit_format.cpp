// One-line and JSON forms of CloudTrail events for `kmsctl audit`.
#include "audit_format.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

namespace kms::cli {
namespace {

namespace json = boost::json;

std::string StringMember(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

double EventSeconds(const json::object& event) {
  const json::value* v = event.if_contains("EventTime");
  return v != nullptr && v->is_number() ? v->to_number<double>() : 0.0;
}

// "arn:aws:kms:us-east-1:111122223333:key/abc" -> "key/abc".
std::string_view ShortArn(std::string_view arn) {
  size_t colons = 0, pos = 0;
  for (; pos < arn.size() && colons < 5; ++pos) colons += arn[pos] == ':';
  return colons == 5 ? arn.substr(pos) : arn;
}

std::string Resources(const json::object& event) {
  std::string out;
  const json::value* list = event.if_contains("Resources");
  if (list == nullptr || !list->is_array()) return out;
  for (const json::value& r : list->get_array()) {
    if (!r.is_object()) continue;
    std::string name = StringMember(r.get_object(), "ResourceName");
    if (name.empty()) continue;
    out += (out.empty() ? "" : ",") + std::string(ShortArn(name));
  }
  return out;
}

// The CloudTrail record (a JSON string in the event), parsed; empty object when it is not.
json::object Record(const json::object& event) {
  json::error_code ec;
  json::value record = json::parse(StringMember(event, "CloudTrailEvent"), ec);
  if (ec || !record.is_object()) return {};
  return std::move(record.get_object());
}

std::string Context(const json::object& record) {
  const json::value* params = record.if_contains("requestParameters");
  if (params == nullptr || !params->is_object()) return {};
  const json::value* context = params->get_object().if_contains("encryptionContext");
  if (context == nullptr || !context->is_object()) return {};
  std::map<std::string, std::string> sorted;
  for (const auto& [k, v] : context->get_object()) {
    sorted[std::string(k)] = v.is_string() ? std::string(v.get_string()) : json::serialize(v);
  }
  std::string out;
  for (const auto& [k, v] : sorted) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

std::string OrDash(std::string s) { return s.empty() ? "-" : s; }

}  // namespace

std::pair<std::string, SystemTime> EventIdAndTime(const json::object& event) {
  auto time = std::chrono::duration_cast<SystemTime::duration>(
      std::chrono::duration<double>(EventSeconds(event)));
  return {StringMember(event, "EventId"), SystemTime(time)};
}

std::string EventLine(const json::object& event) {
  json::object record = Record(event);
  std::string fields[] = {FormatIsoTime(EventIdAndTime(event).second),
                          OrDash(StringMember(event, "EventName")),
                          OrDash(StringMember(event, "Username")),
                          OrDash(Resources(event)),
                          OrDash(Context(record)),
                          OrDash(StringMember(record, "errorCode"))};
  std::string line;
  for (const std::string& f : fields) line += (line.empty() ? "" : "\t") + f;
  return line;
}

json::object ApiShape(const json::object& event) {
  json::object out = event;
  if (out.contains("EventTime")) out["EventTime"] = EventSeconds(event);
  return out;
}

}  // namespace kms::cli
