// `kmsctl audit`: the emulator's CloudTrail events through LookupEvents, as a list (every page,
// newest first) or followed live (polled every second, printed oldest first, until SIGINT).
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <csignal>
#include <map>
#include <thread>

#include "audit_format.hpp"
#include "cloudtrail.hpp"
#include "render.hpp"
#include "time_arg.hpp"
#include "tool_commands.hpp"

namespace kms::cli {
namespace {

namespace json = boost::json;
using std::chrono::seconds;

constexpr int kMaxPage = 50;           // LookupEvents' MaxResults limit
constexpr int kFollowBacklog = 10;     // events shown before following, unless --max-items
constexpr seconds kFollowOverlap{10};  // re-read window: events are stored shortly after their time

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void OnInterrupt(int) { g_interrupted = 1; }

// SIGINT and SIGTERM set g_interrupted while this lives; the old handlers come back after.
class InterruptScope {
 public:
  InterruptScope() {
    g_interrupted = 0;
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptScope() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

struct Query {
  std::optional<std::string> resource;    // ResourceName filter (server side)
  std::optional<std::string> event_name;  // EventName: server side alone, else client side
  std::optional<SystemTime> start, end;
};

// The key ARN for --key-id: ARNs as given, anything else through DescribeKey.
Result<std::string> ResourceArn(Context& ctx, const std::string& key_id) {
  if (key_id.starts_with("arn:")) return key_id;
  auto client = ctx.Client();
  if (!client) return client.error();
  ctx.operation = "DescribeKey";
  auto described = (*client)->DescribeKey({key_id, {}});
  if (!described) return described.error();
  ctx.operation = "LookupEvents";
  if (!described->KeyMetadata) return MakeError(ErrorCode::kInternal, "DescribeKey gave no Arn");
  return described->KeyMetadata->Arn;
}

// --event-name with --key-id: the server filters by key (one attribute only), this by name.
bool MatchesEventName(const json::object& event, const Query& q) {
  if (!q.event_name || !q.resource) return true;
  const json::value* name = event.if_contains("EventName");
  return name != nullptr && name->is_string() && name->get_string() == *q.event_name;
}

double Epoch(SystemTime t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

json::object Request(const Query& q, std::optional<SystemTime> start, int max_results) {
  json::object request;
  if (q.resource || q.event_name) {
    bool by_key = q.resource.has_value();
    request["LookupAttributes"] =
        json::array{json::object{{"AttributeKey", by_key ? "ResourceName" : "EventName"},
                                 {"AttributeValue", by_key ? *q.resource : *q.event_name}}};
  }
  if (start) request["StartTime"] = Epoch(*start);
  if (q.end) request["EndTime"] = Epoch(*q.end);
  request["MaxResults"] = max_results;
  return request;
}

// Up to `limit` events (0: all) matching `q` from `start` on, newest first, every page.
Result<std::vector<json::object>> Lookup(Context& ctx, const CloudTrailClient& trail,
                                         const Query& q, std::optional<SystemTime> start,
                                         size_t limit) {
  std::vector<json::object> events;
  std::string token;
  for (int page = 0; page < 100'000; ++page) {
    size_t wanted = limit == 0 ? kMaxPage : std::min<size_t>(kMaxPage, limit - events.size());
    json::object request = Request(q, start, static_cast<int>(wanted));
    if (!token.empty()) request["NextToken"] = token;
    auto response = trail.Call("LookupEvents", request, ctx.error_type);
    if (!response) return response.error();
    if (const json::value* list = response->if_contains("Events"); list && list->is_array()) {
      for (const json::value& e : list->get_array()) {
        if (!e.is_object() || !MatchesEventName(e.get_object(), q)) continue;
        events.push_back(e.get_object());
        if (limit != 0 && events.size() == limit) return events;
      }
    }
    const json::value* next = response->if_contains("NextToken");
    if (next == nullptr || !next->is_string() || !ctx.globals().paginate) break;
    token = std::string(next->get_string());
  }
  return events;
}

// RenderJson's text on one line: its line breaks and indentation are all structural (strings
// escape their own line breaks), so dropping them keeps the same JSON, numbers printed alike.
std::string OneLine(const json::object& event) {
  std::string indented = RenderJson(ApiShape(event)), out;
  for (size_t i = 0; i < indented.size(); ++i) {
    if (indented[i] != '\n') {
      out += indented[i];
      continue;
    }
    while (i + 1 < indented.size() && indented[i + 1] == ' ') ++i;
  }
  return out;
}

void Print(Context& ctx, const json::object& event, bool text) {
  ctx.out() << (text ? EventLine(event) : OneLine(event)) << "\n";
  ctx.out().flush();
}

// Polls every second, printing each event not printed yet, oldest first, until interrupted.
Status Follow(Context& ctx, const CloudTrailClient& trail, const Query& q, size_t backlog) {
  InterruptScope interrupts;
  const bool text = WantsText(ctx.globals());
  SystemTime newest = std::chrono::system_clock::now();
  auto window = [&] {
    return q.start ? std::max(*q.start, newest - kFollowOverlap) : newest - kFollowOverlap;
  };
  // The overlap window before now counts as seen (bar the backlog), so polls only show new ones.
  auto recent = Lookup(ctx, trail, q, window(), 0);
  if (!recent) return recent.error();
  auto initial = Lookup(ctx, trail, q, q.start, backlog);
  if (!initial) return initial.error();
  std::map<std::string, SystemTime> seen;  // event id -> time, within the overlap window
  auto show = [&](std::vector<json::object>& events, bool print) {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      auto [id, time] = EventIdAndTime(*it);
      if (!seen.emplace(id, time).second) continue;
      newest = std::max(newest, time);
      if (print) Print(ctx, *it, text);
    }
    std::erase_if(seen, [&](const auto& entry) { return entry.second < newest - kFollowOverlap; });
  };
  show(*initial, true);
  show(*recent, false);
  while (!g_interrupted) {
    for (int i = 0; i < 10 && !g_interrupted; ++i) std::this_thread::sleep_for(seconds(1) / 10);
    if (g_interrupted) break;
    auto events = Lookup(ctx, trail, q, window(), 0);
    if (!events) return events.error();
    show(*events, true);
  }
  return {};
}

Result<Query> QueryArgs(Context& ctx, const Args& args) {
  Query q;
  auto now = std::chrono::system_clock::now();
  if (auto start = args.String("--start-time")) {
    auto t = ParseTimeArg(*start, now);
    if (!t) return t.error();
    q.start = *t;
  }
  if (auto end = args.String("--end-time")) {
    auto t = ParseTimeArg(*end, now);
    if (!t) return t.error();
    q.end = *t;
  }
  q.event_name = args.String("--event-name");
  if (auto key_id = args.String("--key-id")) {
    auto arn = ResourceArn(ctx, *key_id);
    if (!arn) return arn.error();
    q.resource = std::move(*arn);
  }
  return q;
}

}  // namespace

Status AuditCommand(Context& ctx, const Args& args, Output& out) {
  bool follow = args.Bool("--follow").value_or(false);
  ctx.usage_error = true;
  if (follow && args.Has("--end-time")) {
    return MakeError(ErrorCode::kValidation, "argument --end-time: not allowed with --follow");
  }
  int max_items = args.Int("--max-items").value_or(0);
  if (max_items < 0 || (args.Has("--max-items") && max_items == 0)) {
    return MakeError(ErrorCode::kValidation, "argument --max-items: must be at least 1");
  }
  ctx.usage_error = false;
  auto trail = CloudTrailClient::Create(ClientConfigFrom(ctx.globals()));
  if (!trail) return trail.error();
  auto q = QueryArgs(ctx, args);
  if (!q) return q.error();
  if (follow) return Follow(ctx, *trail, *q, max_items == 0 ? kFollowBacklog : max_items);
  auto events = Lookup(ctx, *trail, *q, q->start, static_cast<size_t>(max_items));
  if (!events) return events.error();
  if (WantsText(ctx.globals())) {
    std::string text;
    for (const json::object& e : *events) text += EventLine(e) + "\n";
    out.SetText(text);
    return {};
  }
  json::array& list = out.Data()["Events"].emplace_array();
  for (const json::object& e : *events) list.push_back(ApiShape(e));
  return {};
}

}  // namespace kms::cli
