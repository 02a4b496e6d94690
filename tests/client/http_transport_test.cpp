// Tests for the Beast HTTP transport against in-test servers on 127.0.0.1: canned answers,
// keep-alive reuse, stale pooled connections, timeouts, closed and refused connections.
#include <doctest/doctest.h>

#include <kms/client.hpp>
#include <kms/transport.hpp>

#include "client/temp_dir.hpp"
#include "client/test_server.hpp"

using kms::ErrorCode;
using kms::test::Behaviour;
using kms::test::EndpointOf;
using kms::test::JsonResponse;
using kms::test::MakeTransport;
using kms::test::Post;
using kms::test::Quoted;
using kms::test::TestServer;
using std::chrono::milliseconds;

TEST_CASE("The transport sends the request and returns status, headers and body") {
  TestServer server(Behaviour::kAnswer, {JsonResponse(400, R"({"__type":"NotFoundException"})",
                                                      "x-amzn-RequestId: rid-1\r\n")});
  auto transport = MakeTransport();
  auto endpoint = EndpointOf(server.Url());
  auto response = transport->Send(Post(), endpoint);
  REQUIRE_MESSAGE(response.has_value(), (response ? "" : response.error().message));
  CHECK(response->status == 400);
  CHECK(response->Header("x-amzn-requestid") == "rid-1");
  CHECK(response->body == R"({"__type":"NotFoundException"})");
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const std::string& raw = requests[0];
  CHECK(raw.rfind("POST / HTTP/1.1\r\n", 0) == 0);
  CHECK(raw.find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n") != std::string::npos);
  CHECK(raw.find("X-Amz-Target: TrentService.DescribeKey\r\n") != std::string::npos);
  CHECK(raw.find("Content-Length: 13\r\n") != std::string::npos);
  CHECK(raw.substr(raw.size() - 13) == R"({"KeyId":"k"})");
}

TEST_CASE("A host name is resolved (localhost, from /etc/hosts)") {
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, "{}")});
  auto transport = MakeTransport();
  auto endpoint = EndpointOf(server.Url("localhost"));
  auto r = transport->Send(Post(), endpoint);
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  CHECK(server.requests().at(0).find("Host: localhost:" + std::to_string(server.port())) !=
        std::string::npos);
}

TEST_CASE("Keep-alive connections are reused") {
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, "{}")});
  auto transport = MakeTransport();
  auto endpoint = EndpointOf(server.Url());
  for (int i = 0; i < 3; ++i) REQUIRE(transport->Send(Post(), endpoint).has_value());
  CHECK(server.requests().size() == 3);
  CHECK(server.connections() == 1);
}

TEST_CASE("One transport serves concurrent callers, each on its own pooled connection") {
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, R"({"ok":true})")});
  auto transport = MakeTransport();
  auto endpoint = EndpointOf(server.Url());
  std::atomic<int> ok{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto r = transport->Send(Post(), endpoint);
        if (r && r->body == R"({"ok":true})") ++ok;
      }
    });
  }
  for (auto& c : callers) c.join();
  CHECK(ok == 100);
  CHECK(server.requests().size() == 100);
  CHECK(server.connections() >= 1);
  CHECK(server.connections() <= 4);
}

TEST_CASE("A response with Connection: close is not reused") {
  TestServer server(Behaviour::kAnswerThenClose,
                    {JsonResponse(200, "{}", "Connection: close\r\n")});
  auto transport = MakeTransport();
  auto endpoint = EndpointOf(server.Url());
  REQUIRE(transport->Send(Post(), endpoint).has_value());
  REQUIRE(transport->Send(Post(), endpoint).has_value());
  CHECK(server.connections() == 2);
}

TEST_CASE("A pooled connection the server closed is replaced by a fresh one") {
  // The server answers with keep-alive and then closes: the pooled connection is stale.
  TestServer server(Behaviour::kAnswerThenClose, {JsonResponse(200, R"({"n":1})")});
  auto transport = MakeTransport();
  auto endpoint = EndpointOf(server.Url());
  REQUIRE(transport->Send(Post(), endpoint).has_value());
  std::this_thread::sleep_for(milliseconds(50));  // let the FIN arrive
  auto second = transport->Send(Post(), endpoint);
  REQUIRE_MESSAGE(second.has_value(), (second ? "" : second.error().message));
  CHECK(second->body == R"({"n":1})");
  CHECK(server.connections() == 2);
  CHECK(server.requests().size() == 2);
}

TEST_CASE("A request that finds its pooled connection closed is sent once more on a new one") {
  // The pooled connection looks alive when taken, but the server drops it on the next request
  // (an idle-timeout race): the request goes out again on a fresh connection.
  TestServer server(Behaviour::kDropSecond, {JsonResponse(200, R"({"n":1})")});
  auto transport = MakeTransport();
  auto endpoint = EndpointOf(server.Url());
  REQUIRE(transport->Send(Post(), endpoint).has_value());
  auto second = transport->Send(Post("{\"again\":1}"), endpoint);
  REQUIRE_MESSAGE(second.has_value(), (second ? "" : second.error().message));
  CHECK(second->body == R"({"n":1})");
  CHECK(server.connections() == 2);
  auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[1].find("{\"again\":1}") != std::string::npos);
  CHECK(requests[2].find("{\"again\":1}") != std::string::npos);
}

TEST_CASE("A server that closes without answering gives a connection-closed error") {
  TestServer server(Behaviour::kCloseWithoutAnswer, {""});
  auto transport = MakeTransport();
  auto endpoint = EndpointOf(server.Url());
  auto r = transport->Send(Post(), endpoint);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kInternal);
  CHECK(r.error().http_status == 0);
  CHECK(r.error().message ==
        "Connection was closed before we received a valid response from endpoint URL: " +
            Quoted(endpoint) + ".");
  CHECK(server.connections() == 1);  // a fresh connection is not tried twice
}

TEST_CASE("A server that never answers trips the read timeout, within bounds") {
  TestServer server(Behaviour::kNeverAnswer, {""});
  kms::HttpTransportOptions options;
  options.read_timeout = milliseconds(200);
  auto transport = MakeTransport(options);
  auto endpoint = EndpointOf(server.Url());
  auto start = std::chrono::steady_clock::now();
  auto r = transport->Send(Post(), endpoint);
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kDependencyTimeout);
  CHECK(r.error().http_status == 0);
  CHECK(r.error().message == "Read timeout on endpoint URL: " + Quoted(endpoint));
  CHECK(elapsed >= milliseconds(190));
  CHECK(elapsed < milliseconds(3000));
}

TEST_CASE("A truncated response body is a connection-closed error") {
  TestServer server(Behaviour::kAnswerThenClose,
                    {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\""});
  auto transport = MakeTransport();
  auto endpoint = EndpointOf(server.Url());
  auto r = transport->Send(Post(), endpoint);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kInternal);
  CHECK(r.error().message ==
        "Connection was closed before we received a valid response from endpoint URL: " +
            Quoted(endpoint) + ".");
}

TEST_CASE("A response that is not HTTP is reported as invalid") {
  TestServer server(Behaviour::kAnswerThenClose, {"SSH-2.0-OpenSSH\r\n\r\n"});
  auto transport = MakeTransport();
  auto endpoint = EndpointOf(server.Url());
  auto r = transport->Send(Post(), endpoint);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kInternal);
  CHECK(r.error().message.rfind(
            "Invalid HTTP response from endpoint URL: " + Quoted(endpoint) + " (", 0) == 0);
}

TEST_CASE("A response body over the limit is rejected") {
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, std::string(2048, ' ') + "{}")});
  kms::HttpTransportOptions options;
  options.max_response_body = 1024;
  auto transport = MakeTransport(options);
  auto endpoint = EndpointOf(server.Url());
  auto r = transport->Send(Post(), endpoint);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message ==
        "Invalid HTTP response from endpoint URL: " + Quoted(endpoint) + " (body limit exceeded)");
}

TEST_CASE("A refused connection is a could-not-connect error") {
  uint16_t port;
  {
    TestServer closed(Behaviour::kAnswer, {""});
    port = closed.port();
  }  // nothing listens on `port` any more
  auto transport = MakeTransport();
  auto endpoint = EndpointOf("http://127.0.0.1:" + std::to_string(port));
  auto r = transport->Send(Post(), endpoint);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kInternal);
  CHECK(r.error().http_status == 0);
  CHECK(r.error().message ==
        "Could not connect to the endpoint URL: " + Quoted(endpoint) + " (Connection refused)");
}

TEST_CASE("A listener whose accept queue is full trips the connect timeout") {
  // Linux drops SYNs to a listener with a full accept queue, so connect() hangs.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 0) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  int filler = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(::connect(filler, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);

  kms::HttpTransportOptions options;
  options.connect_timeout = milliseconds(300);
  auto transport = MakeTransport(options);
  auto endpoint = EndpointOf("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  auto start = std::chrono::steady_clock::now();
  auto r = transport->Send(Post(), endpoint);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ::close(filler);
  ::close(listener);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kDependencyTimeout);
  CHECK(r.error().message == "Connect timeout on endpoint URL: " + Quoted(endpoint));
  CHECK(elapsed >= milliseconds(290));
  CHECK(elapsed < milliseconds(3000));
}

TEST_CASE("KmsClient over the real transport talks to an HTTP server end to end") {
  TestServer server(Behaviour::kAnswer,
                    {JsonResponse(200, R"({"KeyId":"arn:aws:kms:us-east-1:1:key/k"})")});
  kms::ClientConfig config;
  config.endpoint_url = server.Url();
  config.region = "us-east-1";
  config.credentials = kms::Credentials{"AKID", "SECRET", ""};
  config.environment = kms::FixedEnvironment({});
  auto client = kms::KmsClient::Create(config);
  REQUIRE(client.has_value());
  auto r = client->CancelKeyDeletion({"k"});
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  CHECK(r->KeyId == "arn:aws:kms:us-east-1:1:key/k");
  auto raw = server.requests().at(0);
  CHECK(raw.find("X-Amz-Target: TrentService.CancelKeyDeletion\r\n") != std::string::npos);
  CHECK(raw.find("User-Agent: kms-cpp-sdk/0.1\r\n") != std::string::npos);
  CHECK(raw.find("Authorization: AWS4-HMAC-SHA256 Credential=AKID/") != std::string::npos);
}

TEST_CASE("KmsClient retries a server that closes without answering, then gives up") {
  TestServer server(Behaviour::kCloseWithoutAnswer, {""});
  kms::ClientConfig config;
  config.endpoint_url = server.Url();
  config.region = "us-east-1";
  config.credentials = kms::Credentials{"AKID", "SECRET", ""};
  config.environment = kms::FixedEnvironment({});
  config.retry.sleep = [](milliseconds) {};
  auto client = kms::KmsClient::Create(config);
  REQUIRE(client.has_value());
  auto r = client->EnableKey({"k"});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message.rfind("Connection was closed before we received a valid response", 0) ==
        0);
  CHECK(server.connections() == 3);
}
