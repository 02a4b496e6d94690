// LookupEvents: request checks, the paging token, and the Event list as CloudTrail returns it.
#include "audit/lookup_events.hpp"

#include <boost/json/array.hpp>
#include <charconv>
#include <cmath>
#include <kms/internal/encoding.hpp>
#include <kms/internal/hash.hpp>
#include <stdexcept>

#include "api/input.hpp"
#include "audit/audit_log.hpp"
#include "audit/record_builder.hpp"

namespace kms::emulator::audit {
namespace {

constexpr int kDefaultMaxResults = 50;
constexpr int kMaxMaxResults = 50;
constexpr size_t kMaxAttributeValue = 2000;
constexpr std::string_view kTokenVersion = "v1";

struct KeyName {
  std::string_view name;
  LookupKey key;
};
constexpr KeyName kKeys[] = {
    {"EventId", LookupKey::kEventId},           {"EventName", LookupKey::kEventName},
    {"ReadOnly", LookupKey::kReadOnly},         {"Username", LookupKey::kUsername},
    {"ResourceType", LookupKey::kResourceType}, {"ResourceName", LookupKey::kResourceName},
    {"EventSource", LookupKey::kEventSource},   {"AccessKeyId", LookupKey::kAccessKeyId}};

CloudTrailError Fail(std::string_view type, std::string message) {
  return CloudTrailError{std::string(type), std::move(message)};
}

CloudTrailError InvalidAttributes(std::string message) {
  return Fail("InvalidLookupAttributesException", std::move(message));
}

std::string_view KindOf(const boost::json::value& v) {
  if (v.is_string()) return "STRING_VALUE";
  if (v.is_bool()) return "BOOLEAN_VALUE";
  if (v.is_number()) return "NUMBER_VALUE";
  if (v.is_array()) return "Start of list";
  return "Start of structure or map";
}

CloudTrailError WrongType(const boost::json::value& v, std::string_view wanted) {
  std::string message(KindOf(v));
  if (!message.starts_with("Start of")) message.append(" can not be converted to ").append(wanted);
  return Fail("SerializationException", std::move(message));
}

const boost::json::value* Member(const boost::json::object& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

std::optional<CloudTrailError> ReadAttribute(const boost::json::value& item, LookupQuery& query) {
  if (!item.is_object()) return WrongType(item, "a LookupAttribute");
  const boost::json::value* key = Member(item.get_object(), "AttributeKey");
  const boost::json::value* value = Member(item.get_object(), "AttributeValue");
  if (key != nullptr && !key->is_string()) return WrongType(*key, "an String");
  if (value != nullptr && !value->is_string()) return WrongType(*value, "an String");
  if (key == nullptr || value == nullptr) {
    return InvalidAttributes(
        "A lookup attribute needs both an AttributeKey and an AttributeValue.");
  }
  std::string_view name = key->get_string();
  auto found = std::find_if(std::begin(kKeys), std::end(kKeys),
                            [&](const KeyName& k) { return k.name == name; });
  if (found == std::end(kKeys)) {
    return InvalidAttributes("Lookup attribute key '" + std::string(name) +
                             "' is not valid. Valid keys: EventId, EventName, ReadOnly, Username, "
                             "ResourceType, ResourceName, EventSource, AccessKeyId.");
  }
  std::string_view text = value->get_string();
  if (text.empty() || text.size() > kMaxAttributeValue) {
    return InvalidAttributes("The value of lookup attribute " + std::string(name) +
                             " must be 1 to 2000 characters long.");
  }
  query.key = found->key;
  query.value = std::string(text);
  return std::nullopt;
}

std::optional<CloudTrailError> ReadAttributes(const boost::json::object& input,
                                              LookupQuery& query) {
  const boost::json::value* list = Member(input, "LookupAttributes");
  if (list == nullptr) return std::nullopt;
  if (!list->is_array()) return WrongType(*list, "a List");
  const boost::json::array& items = list->get_array();
  if (items.size() > 1) {
    return InvalidAttributes("Only one lookup attribute is allowed; the request has " +
                             std::to_string(items.size()) + ".");
  }
  if (items.empty()) return std::nullopt;
  return ReadAttribute(items[0], query);
}

// A JSON 1.1 timestamp (epoch seconds, possibly fractional) in epoch milliseconds.
std::optional<CloudTrailError> ReadTime(const boost::json::object& input, std::string_view name,
                                        std::optional<int64_t>& out) {
  const boost::json::value* v = Member(input, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) return WrongType(*v, "a Timestamp");
  double seconds = v->to_number<double>();
  if (!std::isfinite(seconds) || std::fabs(seconds) > 1e13) {
    return Fail("InvalidTimeRangeException", "The " + std::string(name) + " is out of range.");
  }
  out = static_cast<int64_t>(std::floor(seconds)) * 1000;
  return std::nullopt;
}

// CloudTrail times have whole seconds: an event is in [StartTime, EndTime] when its second is.
std::optional<CloudTrailError> ReadTimeRange(const boost::json::object& input, LookupQuery& query) {
  std::optional<int64_t> start, end;
  if (auto e = ReadTime(input, "StartTime", start)) return e;
  if (auto e = ReadTime(input, "EndTime", end)) return e;
  if (start && end && *start > *end) {
    return Fail("InvalidTimeRangeException", "StartTime must not be after EndTime.");
  }
  if (start) query.start_ms = *start;
  if (end) query.end_ms = *end + 999;
  return std::nullopt;
}

CloudTrailError FromKmsError(const Error& error) {
  return CloudTrailError{std::string(TypeName(error.code)), error.message, HttpStatus(error.code)};
}

// The parameters a NextToken is bound to, as a short digest.
std::string Fingerprint(const LookupQuery& query, std::string_view category) {
  std::string text = query.account + "|" + query.region + "|" +
                     std::to_string(static_cast<int>(query.key)) + "|" + query.value + "|" +
                     std::to_string(query.start_ms) + "|" + std::to_string(query.end_ms) + "|" +
                     std::string(category);
  return internal::HexSha256(text).substr(0, 16);
}

std::string MakeToken(const StoredEvent& last, const std::string& fingerprint) {
  std::string text = std::string(kTokenVersion) + "|" + std::to_string(last.id) + "|" + fingerprint;
  return internal::Base64Encode(std::string_view(text));
}

std::optional<int64_t> ParseId(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || v <= 0) return std::nullopt;
  return v;
}

std::optional<CloudTrailError> ReadToken(std::string_view token, const std::string& fingerprint,
                                         LookupQuery& query) {
  CloudTrailError invalid =
      Fail("InvalidNextTokenException",
           "The NextToken is not valid, or was issued for a request with other parameters.");
  auto bytes = internal::Base64Decode(token);
  if (!bytes) return invalid;
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  size_t first = text.find('|');
  size_t second = first == std::string_view::npos ? first : text.find('|', first + 1);
  if (second == std::string_view::npos) return invalid;
  auto id = ParseId(text.substr(first + 1, second - first - 1));
  if (text.substr(0, first) != kTokenVersion || !id || text.substr(second + 1) != fingerprint) {
    return invalid;
  }
  query.before_id = *id;
  return std::nullopt;
}

boost::json::object EventJson(StoredEvent& e) {
  boost::json::object out;
  out.reserve(9);
  out.emplace("EventId", e.event_id);
  out.emplace("EventName", e.event_name);
  out.emplace("ReadOnly", e.read_only ? "true" : "false");
  if (!e.access_key_id.empty()) out.emplace("AccessKeyId", e.access_key_id);
  int64_t seconds = e.time_ms >= 0 ? e.time_ms / 1000 : -((-e.time_ms + 999) / 1000);
  out.emplace("EventTime", seconds);
  out.emplace("EventSource", kEventSource);
  out.emplace("Username", e.username);
  boost::json::array resources;
  for (const std::string& arn : e.resources) {
    resources.emplace_back(
        boost::json::object{{"ResourceType", kResourceType}, {"ResourceName", arn}});
  }
  out.emplace("Resources", std::move(resources));
  out.emplace("CloudTrailEvent", std::move(e.record));
  return out;
}

}  // namespace

void throw_exception_from_error(const CloudTrailError& e, const boost::source_location&) {
  throw std::runtime_error(e.type + ": " + e.message);
}

CloudTrailResult<boost::json::object> LookupEvents(AuditLog* log, const RequestContext& ctx,
                                                   const boost::json::object& input) {
  InputReader in(input);
  auto max_results = in.Integer("MaxResults");
  auto token = in.String("NextToken");
  auto category = in.String("EventCategory");
  if (Status read = in.Finish(); !read) return FromKmsError(read.error());
  LookupQuery query;
  query.account = ctx.account;
  query.region = ctx.region;
  if (auto e = ReadAttributes(input, query)) return *e;
  if (auto e = ReadTimeRange(input, query)) return *e;
  if (category && *category != "insight") {
    return Fail("InvalidEventCategoryException", "EventCategory '" + std::string(*category) +
                                                     "' is not valid; it can only be insight.");
  }
  if (max_results && (*max_results < 1 || *max_results > kMaxMaxResults)) {
    return Fail("InvalidMaxResultsException", "MaxResults must be from 1 to 50.");
  }
  std::string fingerprint = Fingerprint(query, category.value_or(""));
  if (token) {
    if (auto e = ReadToken(*token, fingerprint, query)) return *e;
  }
  boost::json::object out;
  out.emplace("Events", boost::json::array());
  // The trail holds management events only: an Insights lookup, or no trail, finds nothing.
  if (log == nullptr || category) return out;
  query.limit = static_cast<int>(max_results.value_or(kDefaultMaxResults)) + 1;
  (void)log->Flush();  // write errors are logged by the writer; the lookup shows what is stored
  auto events = log->Lookup(query);
  if (!events) return FromKmsError(events.error());
  bool more = events->size() == static_cast<size_t>(query.limit);
  if (more) events->pop_back();
  boost::json::array& list = out["Events"].as_array();
  list.reserve(events->size());
  for (StoredEvent& e : *events) list.emplace_back(EventJson(e));
  if (more) out.emplace("NextToken", MakeToken(events->back(), fingerprint));
  return out;
}

}  // namespace kms::emulator::audit
