// The /_emulator admin endpoint: clock, seed export and reset.
#include "server/admin.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <utility>

#include "api/lifecycle.hpp"
#include "seed/seed_values.hpp"

namespace kms::emulator {
namespace {

namespace json = boost::json;

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxAdvanceSeconds = 3'153'600'000;  // 100 years
constexpr int64_t kMaxAdvanceDays = 36'500;

constexpr std::string_view kPaths =
    "GET or POST /_emulator/clock, GET /_emulator/seed, POST /_emulator/reset";

AdminResponse Ok(const json::object& body) { return {200, json::serialize(body)}; }

// Milliseconds to advance by, from {"advanceSeconds": N} or {"advanceDays": N}.
Result<int64_t> ReadAdvance(std::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) {
    return MakeError(ErrorCode::kValidation,
                     "The body must be a JSON object: {\"advanceSeconds\": N} or "
                     "{\"advanceDays\": N}");
  }
  const json::object& o = doc.get_object();
  for (const auto& member : o) {
    if (member.key() != "advanceSeconds" && member.key() != "advanceDays") {
      return MakeError(ErrorCode::kValidation, "Unknown member '" + std::string(member.key()) +
                                                   "': give advanceSeconds or advanceDays");
    }
  }
  if (o.size() != 1) {
    return MakeError(ErrorCode::kValidation, "Give exactly one of advanceSeconds or advanceDays");
  }
  bool days = o.contains("advanceDays");
  const json::value& v = days ? o.at("advanceDays") : o.at("advanceSeconds");
  int64_t max = days ? kMaxAdvanceDays : kMaxAdvanceSeconds;
  if (!v.is_int64() || v.get_int64() < 0 || v.get_int64() > max) {
    return MakeError(ErrorCode::kValidation, std::string(days ? "advanceDays" : "advanceSeconds") +
                                                 " must be an integer from 0 to " +
                                                 std::to_string(max));
  }
  return v.get_int64() * (days ? kDayMs : kSecondMs);
}

json::object ClockJson(const Clock& clock) {
  return json::object{{"now", seed::FormatIso8601(clock.NowMs())},
                      {"offsetSeconds", clock.OffsetMs() / kSecondMs}};
}

}  // namespace

Result<SweepResult> RunLifecycleSweep(KeyStore& store, int64_t now_ms) {
  SweepResult result;
  auto deleted = store.DeleteExpiredKeys(now_ms);
  if (!deleted) return deleted.error();
  result.deleted_keys = *deleted;
  auto rotated = RotateDueKeys(store, now_ms);
  if (!rotated) return rotated.error();
  result.rotated_keys = *rotated;
  auto expired = ExpireImportedMaterial(store, now_ms);
  if (!expired) return expired.error();
  result.expired_materials = *expired;
  return result;
}

AdminResponse AdminError(int status, std::string_view message) {
  return {status, json::serialize(json::object{{"message", message}})};
}

bool AdminEndpoint::Claims(std::string_view path) {
  return path == kAdminPrefix ||
         (path.starts_with(kAdminPrefix) && path[kAdminPrefix.size()] == '/');
}

AdminResponse AdminEndpoint::Handle(std::string_view method, std::string_view path,
                                    std::string_view body) {
  std::string route(path.substr(kAdminPrefix.size()));
  bool get = method == "GET";
  bool post = method == "POST";
  if (route == "/clock") {
    if (get) return GetClock();
    if (post) return AdvanceClock(body);
    return AdminError(405, "Use GET or POST for /_emulator/clock");
  }
  if (route == "/seed") {
    if (get) return Ok(seed::ExportSeed(services_.store));
    return AdminError(405, "Use GET for /_emulator/seed");
  }
  if (route == "/reset") {
    if (post) return Reset();
    return AdminError(405, "Use POST for /_emulator/reset");
  }
  return AdminError(404, "No admin endpoint at " + std::string(method) + " " + std::string(path) +
                             "; there are " + std::string(kPaths));
}

AdminResponse AdminEndpoint::GetClock() const { return Ok(ClockJson(services_.clock)); }

AdminResponse AdminEndpoint::AdvanceClock(std::string_view body) {
  auto ms = ReadAdvance(body);
  if (!ms) return AdminError(400, ms.error().message);
  services_.clock.Advance(*ms);
  auto swept = RunLifecycleSweep(services_.store, services_.clock.NowMs());
  if (!swept) return AdminError(500, "The lifecycle sweep failed: " + swept.error().message);
  json::object out = ClockJson(services_.clock);
  out["deletedKeys"] = swept->deleted_keys;
  out["rotatedKeys"] = swept->rotated_keys;
  out["expiredMaterials"] = swept->expired_materials;
  return Ok(out);
}

AdminResponse AdminEndpoint::Reset() {
  auto keys = services_.store.FindKeys([](const Key&) { return true; });
  for (const auto& key : keys) {
    // DeleteKey takes the key's aliases and grants with it.
    Status deleted = services_.store.DeleteKey(key->account, key->region, key->id);
    if (!deleted && deleted.error().code != ErrorCode::kNotFound) {
      return AdminError(500, "Reset failed: " + deleted.error().message);
    }
  }
  size_t seeded = 0;
  if (seed_) {
    auto applied = seed::ApplySeed(services_.store, *seed_, services_.clock.NowMs());
    if (!applied) return AdminError(500, "Reset failed: " + applied.error().message);
    seeded = applied->keys_created;
  }
  return Ok(json::object{{"deletedKeys", keys.size()}, {"seededKeys", seeded}});
}

}  // namespace kms::emulator
