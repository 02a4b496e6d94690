// Fixture for the key-management, alias and tag handler tests: an in-memory KeyStore, a Clock
// tests can advance, request contexts per account/region, and helpers to call a handler with a
// JSON string and to check AWS errors by code and exact message.
#pragma once

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <kms/internal/random.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "api/handlers.hpp"
#include "store/key_store.hpp"

namespace kms::emulator::testing {

inline const std::string kAccount = "111122223333";
inline const std::string kOtherAccount = "444455556666";
inline const std::string kRegion = "us-east-1";
inline const std::string kOtherRegion = "eu-west-1";
inline constexpr int64_t kDayMs = 86'400'000;

// AWS's default key policy for a key of kAccount, byte for byte as GetKeyPolicy returns it.
inline const std::string kDefaultPolicy =
    "{\n"
    "  \"Version\" : \"2012-10-17\",\n"
    "  \"Id\" : \"key-default-1\",\n"
    "  \"Statement\" : [ {\n"
    "    \"Sid\" : \"Enable IAM User Permissions\",\n"
    "    \"Effect\" : \"Allow\",\n"
    "    \"Principal\" : {\n"
    "      \"AWS\" : \"arn:aws:iam::111122223333:root\"\n"
    "    },\n"
    "    \"Action\" : \"kms:*\",\n"
    "    \"Resource\" : \"*\"\n"
    "  } ]\n"
    "}";

inline boost::json::object Json(std::string_view text) {
  return boost::json::parse(text).as_object();
}

// {"<member>":"<value>"}
inline std::string Member(std::string_view member, std::string_view value) {
  return "{\"" + std::string(member) + "\":\"" + std::string(value) + "\"}";
}

inline std::string KeyIdJson(std::string_view key_id) { return Member("KeyId", key_id); }

class Fixture {
 public:
  Fixture() : store_(KeyStore::Open(":memory:").value()), services_{*store_, clock_} {}

  RequestContext Ctx(const std::string& account = kAccount,
                     const std::string& region = kRegion) const {
    RequestContext ctx;
    ctx.account = account;
    ctx.region = region;
    ctx.request_id = "00000000-0000-4000-8000-000000000000";
    ctx.now_ms = clock_.NowMs();
    return ctx;
  }

  Result<boost::json::object> Call(Handler handler, std::string_view json,
                                   const RequestContext& ctx) {
    return handler(services_, ctx, Json(json));
  }
  Result<boost::json::object> Call(Handler handler, std::string_view json) {
    return Call(handler, json, Ctx());
  }

  // The response of a call that must succeed.
  boost::json::object Ok(Handler handler, std::string_view json, const RequestContext& ctx) {
    auto result = Call(handler, json, ctx);
    if (!result) {
      std::string text = std::string(TypeName(result.error().code)) + ": " + result.error().message;
      FAIL_CHECK(text);
    }
    REQUIRE(result.has_value());
    return *result;
  }
  boost::json::object Ok(Handler handler, std::string_view json) {
    return Ok(handler, json, Ctx());
  }

  // Creates a symmetric key (CreateKey body `json`) and returns its KeyMetadata.
  boost::json::object NewKey(std::string_view json, const RequestContext& ctx) {
    return Ok(kms::emulator::CreateKey, json, ctx).at("KeyMetadata").as_object();
  }
  boost::json::object NewKey(std::string_view json = "{}") { return NewKey(json, Ctx()); }
  // The KeyId of a new key.
  std::string NewKeyId(const RequestContext& ctx) {
    return std::string(NewKey("{}", ctx).at("KeyId").as_string());
  }
  std::string NewKeyId() { return NewKeyId(Ctx()); }

  // Inserts a key CreateKey cannot make yet (other specs, usages, states); returns its id.
  std::string InsertKey(KeySpec spec, KeyUsage usage, KeyState state) {
    Key key;
    key.account = kAccount;
    key.region = kRegion;
    key.id = internal::RandomUuid();
    key.spec = spec;
    key.usage = usage;
    key.state = state;
    key.origin = state == KeyState::kPendingImport ? Origin::kExternal : Origin::kAwsKms;
    key.creation_ms = clock_.NowMs();
    REQUIRE(store_->CreateKey(key).has_value());
    return key.id;
  }

  KeyStore& store() { return *store_; }
  Clock& clock() { return clock_; }
  Services& services() { return services_; }

 private:
  std::unique_ptr<KeyStore> store_;
  Clock clock_;
  Services services_;
};

inline std::string ArnOf(std::string_view key_id, const std::string& account = kAccount,
                         const std::string& region = kRegion) {
  return "arn:aws:kms:" + region + ":" + account + ":key/" + std::string(key_id);
}

inline std::string Str(const boost::json::value& v) { return std::string(v.as_string()); }

}  // namespace kms::emulator::testing

// Checks that `result` failed with `code` and exactly `message`.
#define CHECK_AWS_ERROR(result, expected_code, expected_message)         \
  do {                                                                   \
    auto&& aws_result_ = (result);                                       \
    REQUIRE_FALSE(aws_result_.has_value());                              \
    CHECK(std::string(::kms::TypeName(aws_result_.error().code)) ==      \
          std::string(::kms::TypeName(expected_code)));                  \
    CHECK(aws_result_.error().message == std::string(expected_message)); \
  } while (false)
