// The /_emulator admin endpoint: clock, sweep, export, reset, every error, and how the router
// serves it (off, on, --auth sigv4).
#include "server/admin.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <functional>
#include <kms/sigv4.hpp>
#include <memory>
#include <string>

#include "config.hpp"
#include "server/credentials_file.hpp"
#include "server/router.hpp"
#include "store/key_store.hpp"

namespace kms::emulator {
namespace {

constexpr int64_t kDayMs = 86'400'000;
const std::string kId = "11111111-2222-4333-8444-555555555555";
const std::string kSeedText = R"({"keys": [{"id": ")" + kId +
                              R"(", "aliases": ["alias/seeded"], "materials": [{"hex": ")" +
                              std::string(64, 'a') + R"("}]}]})";

std::string Msg(std::string_view message) {
  return R"({"message":")" + std::string(message) + R"("})";
}

class AdminFixture {
 public:
  explicit AdminFixture(bool with_seed = false)
      : store_(KeyStore::Open(":memory:").value()), services_{*store_, clock_} {
    std::shared_ptr<const seed::Seed> seed;
    if (with_seed) {
      auto parsed = seed::ParseSeed("s.json", kSeedText, {"111122223333", "us-east-1"});
      REQUIRE(parsed.has_value());
      REQUIRE(seed::ApplySeed(*store_, *parsed, clock_.NowMs()).has_value());
      seed = std::make_shared<const seed::Seed>(std::move(*parsed));
    }
    admin_ = std::make_shared<AdminEndpoint>(services_, seed);
  }

  AdminResponse Call(std::string_view method, std::string_view path, std::string_view body = "") {
    return admin_->Handle(method, path, body);
  }
  boost::json::object OkJson(std::string_view method, std::string_view path,
                             std::string_view body = "") {
    AdminResponse r = Call(method, path, body);
    REQUIRE(r.status == 200);
    return boost::json::parse(r.body).as_object();
  }
  // A key of the default account and region, Enabled, with `mutate` applied before it is stored.
  void AddKey(const std::string& id, const std::function<void(Key&)>& mutate = nullptr) {
    auto parsed = seed::ParseSeed("k.json", R"({"keys": [{"id": ")" + id + R"("}]})",
                                  {"111122223333", "us-east-1"});
    REQUIRE(parsed.has_value());
    REQUIRE(seed::ApplySeed(*store_, *parsed, clock_.NowMs()).has_value());
    if (mutate) {
      REQUIRE(store_
                  ->UpdateKey("111122223333", "us-east-1", id,
                              [&](Key& k) -> Status {
                                mutate(k);
                                return {};
                              })
                  .has_value());
    }
  }
  KeyStore& store() { return *store_; }
  Clock& clock() { return clock_; }
  Services& services() { return services_; }
  std::shared_ptr<AdminEndpoint> admin() { return admin_; }

 private:
  std::unique_ptr<KeyStore> store_;
  Clock clock_;
  Services services_;
  std::shared_ptr<AdminEndpoint> admin_;
};

HttpRequest Request(std::string method, std::string target, std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers.emplace_back("Host", "127.0.0.1:4599");
  r.body = std::move(body);
  return r;
}

}  // namespace

TEST_CASE("The admin endpoint claims /_emulator and the paths under it only") {
  CHECK(AdminEndpoint::Claims("/_emulator"));
  CHECK(AdminEndpoint::Claims("/_emulator/clock"));
  CHECK(AdminEndpoint::Claims("/_emulator/"));
  CHECK_FALSE(AdminEndpoint::Claims("/_emulatorx"));
  CHECK_FALSE(AdminEndpoint::Claims("/"));
  CHECK_FALSE(AdminEndpoint::Claims("/health"));
}

TEST_CASE("GET /_emulator/clock shows the time and the offset") {
  AdminFixture f;
  auto clock = f.OkJson("GET", "/_emulator/clock");
  CHECK(clock.at("offsetSeconds").as_int64() == 0);
  CHECK(clock.at("now").as_string().size() == 20);
  f.clock().Advance(90'500);
  CHECK(f.OkJson("GET", "/_emulator/clock").at("offsetSeconds").as_int64() == 90);
}

TEST_CASE("POST /_emulator/clock advances by seconds or days") {
  AdminFixture f;
  auto out = f.OkJson("POST", "/_emulator/clock", R"({"advanceSeconds": 30})");
  CHECK(out.at("offsetSeconds").as_int64() == 30);
  CHECK(out.at("deletedKeys").as_int64() == 0);
  CHECK(out.at("rotatedKeys").as_int64() == 0);
  CHECK(out.at("expiredMaterials").as_int64() == 0);
  out = f.OkJson("POST", "/_emulator/clock", R"({"advanceDays": 2})");
  CHECK(out.at("offsetSeconds").as_int64() == 30 + 2 * 86400);
  CHECK(f.clock().OffsetMs() == (30 + 2 * 86400) * 1000LL);
}

TEST_CASE("POST /_emulator/clock refuses every malformed body with 400 and a message") {
  AdminFixture f;
  const std::string kNotObject =
      Msg(R"(The body must be a JSON object: {\"advanceSeconds\": N} or {\"advanceDays\": N})");
  for (std::string_view body : {"", "nope", "[1]", "1"}) {
    AdminResponse r = f.Call("POST", "/_emulator/clock", body);
    CHECK(r.status == 400);
    CHECK(r.body == kNotObject);
  }
  auto check = [&](std::string_view body, std::string_view message) {
    AdminResponse r = f.Call("POST", "/_emulator/clock", body);
    CHECK(r.status == 400);
    CHECK(r.body == Msg(message));
  };
  check(R"({"advance": 1})", "Unknown member 'advance': give advanceSeconds or advanceDays");
  check("{}", "Give exactly one of advanceSeconds or advanceDays");
  check(R"({"advanceSeconds": 1, "advanceDays": 1})",
        "Give exactly one of advanceSeconds or advanceDays");
  check(R"({"advanceSeconds": -1})", "advanceSeconds must be an integer from 0 to 3153600000");
  check(R"({"advanceSeconds": 1.5})", "advanceSeconds must be an integer from 0 to 3153600000");
  check(R"({"advanceSeconds": "1"})", "advanceSeconds must be an integer from 0 to 3153600000");
  check(R"({"advanceSeconds": 3153600001})",
        "advanceSeconds must be an integer from 0 to 3153600000");
  check(R"({"advanceDays": 36501})", "advanceDays must be an integer from 0 to 36500");
  CHECK(f.clock().OffsetMs() == 0);
}

TEST_CASE("Advancing the clock deletes due keys and rotates due keys at once") {
  AdminFixture f;
  int64_t now = f.clock().NowMs();
  const std::string doomed = "22222222-2222-4333-8444-555555555555";
  const std::string rotating = "33333333-2222-4333-8444-555555555555";
  f.AddKey(doomed, [&](Key& k) {
    k.state = KeyState::kPendingDeletion;
    k.deletion_ms = now + 7 * kDayMs;
    k.pending_window_days = 7;
  });
  f.AddKey(rotating, [&](Key& k) {
    k.rotation_period_days = 90;
    k.next_rotation_ms = now + 90 * kDayMs;
  });
  auto out = f.OkJson("POST", "/_emulator/clock", R"({"advanceDays": 6})");
  CHECK(out.at("deletedKeys").as_int64() == 0);
  CHECK(f.store().FindKey("111122223333", "us-east-1", doomed) != nullptr);
  out = f.OkJson("POST", "/_emulator/clock", R"({"advanceDays": 1})");
  CHECK(out.at("deletedKeys").as_int64() == 1);
  CHECK(f.store().FindKey("111122223333", "us-east-1", doomed) == nullptr);
  out = f.OkJson("POST", "/_emulator/clock", R"({"advanceDays": 83})");
  CHECK(out.at("rotatedKeys").as_int64() == 1);
  CHECK(f.store().FindKey("111122223333", "us-east-1", rotating)->materials.size() == 2);
}

TEST_CASE("Admin paths answer 404 and wrong methods 405, each with a message") {
  AdminFixture f;
  AdminResponse r = f.Call("GET", "/_emulator/time");
  CHECK(r.status == 404);
  CHECK(r.body == Msg("No admin endpoint at GET /_emulator/time; there are GET or POST "
                      "/_emulator/clock, GET /_emulator/seed, POST /_emulator/reset"));
  r = f.Call("GET", "/_emulator");
  CHECK(r.status == 404);
  r = f.Call("DELETE", "/_emulator/clock");
  CHECK(r.status == 405);
  CHECK(r.body == Msg("Use GET or POST for /_emulator/clock"));
  r = f.Call("POST", "/_emulator/seed");
  CHECK(r.status == 405);
  CHECK(r.body == Msg("Use GET for /_emulator/seed"));
  r = f.Call("GET", "/_emulator/reset");
  CHECK(r.status == 405);
  CHECK(r.body == Msg("Use POST for /_emulator/reset"));
}

TEST_CASE("GET /_emulator/seed exports a seed that --seed reads back") {
  AdminFixture f(/*with_seed=*/true);
  AdminResponse r = f.Call("GET", "/_emulator/seed");
  REQUIRE(r.status == 200);
  auto parsed = seed::ParseSeed("export.json", r.body, {"999999999999", "eu-west-1"});
  REQUIRE(parsed.has_value());
  REQUIRE(parsed->keys.size() == 1);
  CHECK(parsed->keys[0].id == kId);
  CHECK(parsed->keys[0].account == "111122223333");
  CHECK(parsed->keys[0].aliases == std::vector<std::string>{"alias/seeded"});
  auto key = f.store().FindKey("111122223333", "us-east-1", kId);
  CHECK(*parsed->keys[0].materials[0].id == key->current_material_id);
}

TEST_CASE("POST /_emulator/reset deletes keys, aliases and grants, then seeds again") {
  AdminFixture f(/*with_seed=*/true);
  f.AddKey("44444444-2222-4333-8444-555555555555");
  Grant grant;
  grant.id = std::string(64, 'e');
  grant.account = "111122223333";
  grant.region = "us-east-1";
  grant.key_id = kId;
  grant.grantee_principal = "arn:aws:iam::111122223333:root";
  grant.operations = {"Decrypt"};
  grant.issuing_account = "arn:aws:iam::111122223333:root";
  REQUIRE(f.store().CreateGrant(grant, "token-1", 50000).has_value());
  REQUIRE(f.store()
              .UpdateKey("111122223333", "us-east-1", kId,
                         [](Key& k) -> Status {
                           k.description = "changed";
                           return {};
                         })
              .has_value());

  auto out = f.OkJson("POST", "/_emulator/reset");
  CHECK(out.at("deletedKeys").as_int64() == 2);
  CHECK(out.at("seededKeys").as_int64() == 1);
  auto keys = f.store().ListKeys("111122223333", "us-east-1");
  REQUIRE(keys.size() == 1);
  CHECK(keys[0]->id == kId);
  CHECK(keys[0]->description.empty());  // the seed's, not the changed one
  CHECK(f.store().FindAlias("111122223333", "us-east-1", "alias/seeded").has_value());
  auto token = f.store().FindGrantByToken("token-1");
  REQUIRE(token.has_value());
  CHECK_FALSE(token->has_value());
}

TEST_CASE("POST /_emulator/reset without a seed leaves an empty store") {
  AdminFixture f;
  f.AddKey("44444444-2222-4333-8444-555555555555");
  auto out = f.OkJson("POST", "/_emulator/reset");
  CHECK(out.at("deletedKeys").as_int64() == 1);
  CHECK(out.at("seededKeys").as_int64() == 0);
  CHECK(f.store().ListKeys("111122223333", "us-east-1").empty());
}

TEST_CASE("The router serves /_emulator when the admin endpoint is on, as plain JSON") {
  AdminFixture f;
  Router router(f.services(), RouterOptions{"us-east-1", "111122223333", {}, f.admin()});
  HttpResponse r = router.Handle(Request("GET", "/_emulator/clock?x=1"));
  CHECK(r.status == 200);
  CHECK(r.Header("Content-Type") == "application/json");
  CHECK(r.Header("x-amzn-ErrorType").empty());
  r = router.Handle(Request("POST", "/_emulator/clock", "{}"));
  CHECK(r.status == 400);
  CHECK(r.body == Msg("Give exactly one of advanceSeconds or advanceDays"));
  // Everything else is still the KMS protocol's answer.
  r = router.Handle(Request("GET", "/other"));
  CHECK(r.status == 404);
  CHECK(r.Header("x-amzn-ErrorType") == "UnknownOperationException");
}

TEST_CASE("The router answers 403 for /_emulator when the admin endpoint is off") {
  AdminFixture f;
  Router router(f.services(), RouterOptions{"us-east-1", "111122223333"});
  HttpResponse r = router.Handle(Request("GET", "/_emulator/clock"));
  CHECK(r.status == 403);
  CHECK(r.Header("Content-Type") == "application/json");
  CHECK(r.body == Msg("The admin endpoint is off; start kms-emulator with --admin on"));
}

TEST_CASE("With --auth sigv4 the admin endpoint needs a request signed by a known caller") {
  AdminFixture f;
  auto callers = CallerDirectory::Parse(
      "[alice]\naws_access_key_id = AKIAALICE\naws_secret_access_key = alice-secret\n", "callers",
      "111122223333");
  REQUIRE(callers.has_value());
  AuthConfig auth{AuthMode::kSigV4, std::make_shared<const CallerDirectory>(std::move(*callers))};
  Router router(f.services(), RouterOptions{"us-east-1", "111122223333", auth, f.admin()});
  HttpResponse r = router.Handle(Request("GET", "/_emulator/clock"));
  CHECK(r.status == 403);
  CHECK(r.body.starts_with(
      R"({"message":"The admin endpoint needs a request signed by a caller of --credentials )"
      R"((--auth sigv4): )"));

  HttpRequest request = Request("GET", "/_emulator/clock");
  REQUIRE(sigv4::Sign(request, {"AKIAALICE", "alice-secret", ""}, "us-east-1", "kms",
                      sigv4::Clock::now())
              .has_value());
  r = router.Handle(request);
  CHECK(r.status == 200);

  HttpRequest wrong = Request("GET", "/_emulator/clock");
  REQUIRE(sigv4::Sign(wrong, {"AKIAALICE", "not-the-secret", ""}, "us-east-1", "kms",
                      sigv4::Clock::now())
              .has_value());
  CHECK(router.Handle(wrong).status == 403);
}

TEST_CASE("AdminEnabled: auto turns the endpoint on for loopback binds only") {
  Config config;
  CHECK(AdminEnabled(config));  // 127.0.0.1
  config.host = "0.0.0.0";
  CHECK_FALSE(AdminEnabled(config));
  config.host = "::1";
  CHECK(AdminEnabled(config));
  config.host = "localhost";
  CHECK(AdminEnabled(config));
  config.admin = "off";
  CHECK_FALSE(AdminEnabled(config));
  config.host = "0.0.0.0";
  config.admin = "on";
  CHECK(AdminEnabled(config));
  auto parsed = ParseConfig({"--admin", "maybe"}, nullptr);
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().message == "--admin: invalid value 'maybe': must be auto, on or off");
  auto env = ParseConfig(
      {}, [](const char* name) { return std::string_view(name) == "KMS_ADMIN" ? "off" : nullptr; });
  REQUIRE(env.has_value());
  CHECK(env->admin == "off");
}

}  // namespace kms::emulator
