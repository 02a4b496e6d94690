// A scripted Transport for client tests: records every request and answers from a list.
#pragma once

#include <boost/json/parse.hpp>
#include <chrono>
#include <kms/client.hpp>
#include <memory>
#include <mutex>
#include <vector>

namespace kms::test {

class FakeTransport : public Transport {
 public:
  // Answers in order; the last answer repeats.
  explicit FakeTransport(std::vector<Result<HttpResponse>> script) : script_(std::move(script)) {}

  Result<HttpResponse> Send(const HttpRequest& request, const Endpoint& endpoint) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    urls_.push_back(endpoint.Url());
    return script_[std::min(requests_.size() - 1, script_.size() - 1)];
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  size_t attempts() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }
  std::vector<std::string> urls() const {
    std::lock_guard lock(mutex_);
    return urls_;
  }

 private:
  const std::vector<Result<HttpResponse>> script_;
  mutable std::mutex mutex_;
  std::vector<HttpRequest> requests_;
  std::vector<std::string> urls_;
};

inline HttpResponse Answer(int status, std::string body, HttpHeaders headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

// A transport that answers 200 with `body` to everything.
inline std::shared_ptr<FakeTransport> OkTransport(std::string body = "{}") {
  return std::make_shared<FakeTransport>(
      std::vector<Result<HttpResponse>>{Answer(200, std::move(body))});
}

// An AWS-style error answer: status, {"__type": type, "message": message}, a request id.
inline HttpResponse ErrorAnswer(int status, const std::string& type, const std::string& message,
                                const std::string& request_id = "req-1") {
  return Answer(status, R"({"__type":")" + type + R"(","message":")" + message + R"("})",
                {{"x-amzn-RequestId", request_id}});
}

// 2015-08-30T12:36:00Z, the SigV4 test-suite time.
inline std::chrono::system_clock::time_point TestTime() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));
}

struct Recorded {
  std::vector<std::chrono::milliseconds> sleeps;
};

// A client over `transport` for us-east-1 at http://127.0.0.1:4599, fixed credentials and clock,
// an empty environment, and retries that record their sleeps instead of sleeping.
inline KmsClient MakeClient(std::shared_ptr<Transport> transport,
                            std::shared_ptr<Recorded> recorded = nullptr,
                            std::optional<int> max_attempts = std::nullopt, double random01 = 0.5) {
  ClientConfig config;
  config.region = "us-east-1";
  config.endpoint_url = "http://127.0.0.1:4599";
  config.credentials = Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  config.environment = FixedEnvironment({});
  config.transport = std::move(transport);
  config.clock = TestTime;
  config.retry.max_attempts = max_attempts;
  config.retry.random = [random01] { return random01; };
  if (!recorded) recorded = std::make_shared<Recorded>();
  config.retry.sleep = [recorded](std::chrono::milliseconds d) { recorded->sleeps.push_back(d); };
  auto client = KmsClient::Create(config);
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

inline boost::json::object BodyOf(const HttpRequest& request) {
  return boost::json::parse(request.body).as_object();
}

}  // namespace kms::test
