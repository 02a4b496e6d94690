// Tests for standard-mode retries: which answers are retried, how many attempts, the backoff
// delays (recorded, never slept), re-signing per attempt and the retry quota.
#include <doctest/doctest.h>

#include <atomic>
#include <kms/client.hpp>
#include <thread>

#include "client/fake_transport.hpp"

using kms::ErrorCode;
using kms::test::Answer;
using kms::test::ErrorAnswer;
using kms::test::FakeTransport;
using kms::test::MakeClient;
using kms::test::Recorded;
using std::chrono::milliseconds;
using Script = std::vector<kms::Result<kms::HttpResponse>>;

namespace {

kms::Error TransportError(ErrorCode code, std::string message) {
  return kms::MakeError(code, std::move(message));
}

const kms::HttpResponse kOk = Answer(200, R"({"KeyId":"k"})");

struct Run {
  std::shared_ptr<FakeTransport> transport;
  std::shared_ptr<Recorded> recorded = std::make_shared<Recorded>();
  kms::KmsClient client;

  explicit Run(Script script, std::optional<int> max_attempts = std::nullopt, double random = 0.5)
      : transport(std::make_shared<FakeTransport>(std::move(script))),
        client(MakeClient(transport, recorded, max_attempts, random)) {}

  kms::Result<kms::CancelKeyDeletionResponse> Call() const {
    return client.CancelKeyDeletion({"k"});
  }
};

}  // namespace

TEST_CASE("A 500 is retried and the next success returned") {
  Run run({ErrorAnswer(500, "KMSInternalException", "internal"), kOk});
  auto r = run.Call();
  REQUIRE(r.has_value());
  CHECK(r->KeyId == "k");
  CHECK(run.transport->attempts() == 2);
  CHECK(run.recorded->sleeps == std::vector<milliseconds>{milliseconds(500)});
}

TEST_CASE("ThrottlingException is retried with exponential backoff up to 3 attempts") {
  Run run({ErrorAnswer(400, "ThrottlingException", "Rate exceeded")});
  auto r = run.Call();
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kThrottling);
  CHECK(r.error().message == "Rate exceeded");
  CHECK(r.error().http_status == 400);
  CHECK(run.transport->attempts() == 3);
  CHECK(run.recorded->sleeps == std::vector<milliseconds>{milliseconds(500), milliseconds(1000)});
}

TEST_CASE("502, 503 and 504 without an AWS type are retried") {
  for (int status : {502, 503, 504}) {
    CAPTURE(status);
    Run run({Answer(status, "<html>gateway</html>"), kOk});
    REQUIRE(run.Call().has_value());
    CHECK(run.transport->attempts() == 2);
  }
}

TEST_CASE("A 503 DependencyTimeoutException that persists is returned after 3 attempts") {
  Run run({ErrorAnswer(503, "DependencyTimeoutException", "timed out", "r-3")});
  auto r = run.Call();
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kDependencyTimeout);
  CHECK(r.error().http_status == 503);
  CHECK(r.error().request_id == "r-3");
  CHECK(run.transport->attempts() == 3);
}

TEST_CASE("Client errors (4xx) are never retried") {
  const std::pair<int, const char*> cases[] = {{400, "ValidationException"},
                                               {400, "NotFoundException"},
                                               {400, "AccessDeniedException"},
                                               {400, "KMSInvalidStateException"},
                                               {403, "UnrecognizedClientException"},
                                               {413, "RequestEntityTooLargeException"},
                                               {404, "SomethingUnknown"}};
  for (const auto& [status, type] : cases) {
    CAPTURE(type);
    Run run({ErrorAnswer(status, type, "no"), kOk});
    REQUIRE_FALSE(run.Call().has_value());
    CHECK(run.transport->attempts() == 1);
    CHECK(run.recorded->sleeps.empty());
  }
}

TEST_CASE("botocore's other throttling codes are retried, known to the SDK or not") {
  for (const char* type :
       {"LimitExceededException", "RequestLimitExceeded", "TooManyRequestsException", "Throttling",
        "com.amazonaws.kms#ThrottlingException", "RequestTimeoutException"}) {
    CAPTURE(type);
    Run run({ErrorAnswer(400, type, "slow down"), kOk});
    REQUIRE(run.Call().has_value());
    CHECK(run.transport->attempts() == 2);
  }
}

TEST_CASE("Transport failures are retried") {
  Run run({TransportError(ErrorCode::kInternal,
                          "Could not connect to the endpoint URL: \"http://127.0.0.1:4599/\""),
           TransportError(ErrorCode::kDependencyTimeout,
                          "Read timeout on endpoint URL: \"http://127.0.0.1:4599/\""),
           kOk});
  REQUIRE(run.Call().has_value());
  CHECK(run.transport->attempts() == 3);
}

TEST_CASE("A transport failure that persists is returned as is after the last attempt") {
  Run run({TransportError(ErrorCode::kDependencyTimeout,
                          "Read timeout on endpoint URL: \"http://127.0.0.1:4599/\"")});
  auto r = run.Call();
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kDependencyTimeout);
  CHECK(r.error().message == "Read timeout on endpoint URL: \"http://127.0.0.1:4599/\"");
  CHECK(r.error().http_status == 0);
  CHECK(run.transport->attempts() == 3);
}

TEST_CASE("max_attempts 1 disables retries and a larger value allows more") {
  Run once({ErrorAnswer(500, "KMSInternalException", "x")}, 1);
  REQUIRE_FALSE(once.Call().has_value());
  CHECK(once.transport->attempts() == 1);
  Run five({ErrorAnswer(500, "KMSInternalException", "x")}, 5);
  REQUIRE_FALSE(five.Call().has_value());
  CHECK(five.transport->attempts() == 5);
  CHECK(five.recorded->sleeps == std::vector<milliseconds>{milliseconds(500), milliseconds(1000),
                                                           milliseconds(2000), milliseconds(4000)});
}

TEST_CASE("Backoff is capped at 20 seconds before the jitter") {
  Run run({ErrorAnswer(500, "KMSInternalException", "x")}, 8, 1.0);
  REQUIRE_FALSE(run.Call().has_value());
  CHECK(run.recorded->sleeps == std::vector<milliseconds>{milliseconds(1000), milliseconds(2000),
                                                          milliseconds(4000), milliseconds(8000),
                                                          milliseconds(16000), milliseconds(20000),
                                                          milliseconds(20000)});
}

TEST_CASE("Full jitter: a random draw of 0 retries at once") {
  Run run({ErrorAnswer(500, "KMSInternalException", "x"), kOk}, std::nullopt, 0.0);
  REQUIRE(run.Call().has_value());
  CHECK(run.recorded->sleeps == std::vector<milliseconds>{milliseconds(0)});
}

TEST_CASE("Every attempt is signed afresh with the clock's current time") {
  auto transport =
      std::make_shared<FakeTransport>(Script{ErrorAnswer(500, "KMSInternalException", "x"), kOk});
  kms::ClientConfig config;
  config.region = "us-east-1";
  config.endpoint_url = "http://127.0.0.1:4599";
  config.credentials = kms::Credentials{"A", "B", ""};
  config.environment = kms::FixedEnvironment({});
  config.transport = transport;
  auto now = std::make_shared<int>(0);
  config.clock = [now] { return kms::test::TestTime() + std::chrono::seconds((*now)++); };
  config.retry.sleep = [](milliseconds) {};
  auto client = kms::KmsClient::Create(config);
  REQUIRE(client.has_value());
  REQUIRE(client->EnableKey({"k"}).has_value());
  auto requests = transport->requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].Header("X-Amz-Date") == "20150830T123600Z");
  CHECK(requests[1].Header("X-Amz-Date") == "20150830T123601Z");
  CHECK(requests[0].Header("Authorization") != requests[1].Header("Authorization"));
  CHECK(requests[0].body == requests[1].body);
}

TEST_CASE("The retry quota stops retrying after 500 tokens of failures") {
  // Each failing call takes two retries at 5 tokens: 50 calls drain the 500-token bucket.
  Run run({ErrorAnswer(500, "KMSInternalException", "x")});
  for (int i = 0; i < 50; ++i) REQUIRE_FALSE(run.Call().has_value());
  CHECK(run.transport->attempts() == 150);
  REQUIRE_FALSE(run.Call().has_value());
  CHECK(run.transport->attempts() == 151);
}

TEST_CASE("Timeouts cost 10 quota tokens per retry") {
  Run run({TransportError(ErrorCode::kDependencyTimeout, "Read timeout")});
  for (int i = 0; i < 25; ++i) REQUIRE_FALSE(run.Call().has_value());
  CHECK(run.transport->attempts() == 75);
  REQUIRE_FALSE(run.Call().has_value());
  CHECK(run.transport->attempts() == 76);
}

TEST_CASE("Successes refill the retry quota") {
  // Drain to 0, then one success without retry gives back 1 token: not enough for a retry (5).
  // Five more successes give 5: the next failure is retried once.
  Script script;
  for (int i = 0; i < 150; ++i) script.push_back(ErrorAnswer(500, "KMSInternalException", "x"));
  for (int i = 0; i < 5; ++i) script.push_back(kOk);
  script.push_back(ErrorAnswer(500, "KMSInternalException", "x"));
  Run run(std::move(script));
  for (int i = 0; i < 50; ++i) REQUIRE_FALSE(run.Call().has_value());
  for (int i = 0; i < 5; ++i) REQUIRE(run.Call().has_value());
  CHECK(run.transport->attempts() == 155);
  REQUIRE_FALSE(run.Call().has_value());
  CHECK(run.transport->attempts() == 157);  // one retry, then the quota is empty again
}

TEST_CASE("Without the retry quota, retries never run out") {
  auto transport =
      std::make_shared<FakeTransport>(Script{ErrorAnswer(500, "KMSInternalException", "x")});
  kms::ClientConfig config;
  config.region = "us-east-1";
  config.credentials = kms::Credentials{"A", "B", ""};
  config.environment = kms::FixedEnvironment({});
  config.transport = transport;
  config.retry.retry_quota = false;
  config.retry.sleep = [](milliseconds) {};
  auto client = kms::KmsClient::Create(config);
  REQUIRE(client.has_value());
  for (int i = 0; i < 60; ++i) REQUIRE_FALSE(client->EnableKey({"k"}).has_value());
  CHECK(transport->attempts() == 180);
}

TEST_CASE("Concurrent callers share one client and one retry quota") {
  // 200 failing calls from 4 threads, 2 attempts allowed each: exactly 100 retries fit in the
  // 500-token quota, whatever the interleaving.
  auto transport =
      std::make_shared<FakeTransport>(Script{ErrorAnswer(500, "KMSInternalException", "x")});
  kms::ClientConfig config;
  config.region = "us-east-1";
  config.credentials = kms::Credentials{"A", "B", ""};
  config.environment = kms::FixedEnvironment({});
  config.transport = transport;
  config.retry.max_attempts = 2;
  config.retry.sleep = [](milliseconds) {};  // the default PRNG draws the jitter
  auto client = kms::KmsClient::Create(config);
  REQUIRE(client.has_value());
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (!client->DisableKey({"k"})) ++failures;
      }
    });
  }
  for (auto& c : callers) c.join();
  CHECK(failures == 200);
  CHECK(transport->attempts() == 300);
}
