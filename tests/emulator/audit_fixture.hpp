// Fixture for the audit trail tests: an in-memory key store, a clock tests can advance, an
// AuditLog on its own in-memory database, and a Router wired to both, so each test drives KMS and
// CloudTrail requests exactly as a client would and reads back the records they produced.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "api/cloudtrail_ops.hpp"
#include "audit/audit_log.hpp"
#include "server/router.hpp"
#include "store/key_store.hpp"

namespace kms::emulator::testing {

inline const std::string kAuditAccount = "111122223333";
inline const std::string kAuditRegion = "us-east-1";
inline const std::string kAccessKey = "AKIAIOSFODNN7EXAMPLE";
inline const std::string kUserAgent = "audit-test/1.0 (unit)";

inline boost::json::object ParseObject(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  REQUIRE_MESSAGE(!ec, "not JSON: " << text);
  REQUIRE(v.is_object());
  return v.as_object();
}

// The Authorization header of a SigV4-signed request (parsed for the caller, not verified).
inline std::string Authorization(std::string_view access_key, std::string_view region) {
  return "AWS4-HMAC-SHA256 Credential=" + std::string(access_key) + "/20240101/" +
         std::string(region) + "/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
}

class AuditFixture {
 public:
  explicit AuditFixture(AuditOptions options = {}, AuthConfig auth = {})
      : store_(KeyStore::Open(":memory:").value()),
        audit_(AuditLog::Open(options, clock_).value()),
        services_{*store_, clock_, audit_.get()},
        router_(services_, RouterOptions{kAuditRegion, kAuditAccount, std::move(auth)}) {}

  // POST / with X-Amz-Target `target`, signed by `access_key` for `region`.
  HttpResponse Send(std::string target, std::string body, std::string_view access_key = kAccessKey,
                    std::string_view region = kAuditRegion) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/";
    request.remote_address = "192.0.2.10";
    request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                       {"X-Amz-Target", std::move(target)},
                       {"User-Agent", kUserAgent},
                       {"X-Amz-Date", "20240101T000000Z"}};
    if (!access_key.empty()) {
      request.headers.emplace_back("Authorization", Authorization(access_key, region));
    }
    request.body = std::move(body);
    return router_.Handle(request);
  }

  HttpResponse Kms(std::string_view operation, std::string body,
                   std::string_view access_key = kAccessKey) {
    return Send("TrentService." + std::string(operation), std::move(body), access_key);
  }

  // A KMS call that must succeed; its response members.
  boost::json::object Ok(std::string_view operation, std::string body) {
    HttpResponse response = Kms(operation, std::move(body));
    INFO(operation << " answered " << response.body);
    REQUIRE(response.status == 200);
    return ParseObject(response.body);
  }

  std::string NewKeyId() {
    return std::string(Ok("CreateKey", "{}").at("KeyMetadata").at("KeyId").as_string());
  }

  HttpResponse LookupEvents(std::string body, std::string_view access_key = kAccessKey,
                            std::string_view region = kAuditRegion) {
    return Send(std::string(kCloudTrailTargetPrefix) + "LookupEvents", std::move(body), access_key,
                region);
  }

  // Every stored record of the default account and region, newest first.
  std::vector<boost::json::object> Records() {
    REQUIRE(audit_->Flush().has_value());
    audit::LookupQuery query;
    query.account = kAuditAccount;
    query.region = kAuditRegion;
    query.limit = 1'000'000;
    auto events = audit_->Lookup(query);
    REQUIRE(events.has_value());
    std::vector<boost::json::object> out;
    for (const auto& e : *events) out.push_back(ParseObject(e.record));
    return out;
  }

  // The newest record.
  boost::json::object Last() {
    auto records = Records();
    REQUIRE_FALSE(records.empty());
    return records.front();
  }

  // The newest stored event (columns and record).
  audit::StoredEvent LastStored() {
    REQUIRE(audit_->Flush().has_value());
    audit::LookupQuery query;
    query.account = kAuditAccount;
    query.region = kAuditRegion;
    query.limit = 1;
    auto events = audit_->Lookup(query);
    REQUIRE(events.has_value());
    REQUIRE(events->size() == 1);
    return (*events)[0];
  }

  KeyStore& store() { return *store_; }
  Clock& clock() { return clock_; }
  AuditLog& audit() { return *audit_; }
  Services& services() { return services_; }

 private:
  std::unique_ptr<KeyStore> store_;
  Clock clock_;
  std::unique_ptr<AuditLog> audit_;
  Services services_;
  Router router_;
};

// A fresh directory under the system temp dir, removed with its contents on destruction.
class AuditTempDir {
 public:
  AuditTempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("kms-audit-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~AuditTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  AuditTempDir(const AuditTempDir&) = delete;
  AuditTempDir& operator=(const AuditTempDir&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string KeyArnOf(std::string_view key_id) {
  return "arn:aws:kms:" + kAuditRegion + ":" + kAuditAccount + ":key/" + std::string(key_id);
}

inline std::string Text(const boost::json::value& v) { return std::string(v.as_string()); }

}  // namespace kms::emulator::testing
