// Tests for the transport over TLS against in-test servers on 127.0.0.1 presenting certificates
// of a CA made in the test: trust (CA bundle, system store), host-name and IP checks, SNI.
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

namespace {

struct Pki {
  kms::test::TempDir dir;
  kms::test::KeyAndCert ca = kms::test::MakeCert("kms test CA", nullptr, "");
  std::string ca_file = dir.Write("ca.pem", ca.CertPem());

  kms::test::KeyAndCert Server(const std::string& san) const {
    return kms::test::MakeCert("kms test server", &ca, san);
  }
};

kms::HttpTransportOptions TrustingCa(const Pki& pki) {
  kms::HttpTransportOptions options;
  options.ca_bundle = pki.ca_file;
  options.resolve_overrides = {{"kms.test", "127.0.0.1"}, {"other.test", "127.0.0.1"}};
  return options;
}

}  // namespace

TEST_CASE("TLS succeeds with the CA bundle, sending SNI and verifying the host name") {
  Pki pki;
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, R"({"tls":true})")},
                    kms::test::MakeServerContext(pki.Server("DNS:kms.test")));
  auto transport = MakeTransport(TrustingCa(pki));
  auto endpoint = EndpointOf(server.Url("kms.test"));
  auto r = transport->Send(Post(), endpoint);
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  CHECK(r->body == R"({"tls":true})");
  CHECK(server.sni() == "kms.test");
  REQUIRE(transport->Send(Post(), endpoint).has_value());
  CHECK(server.connections() == 1);  // TLS connections are reused too
  CHECK(server.requests().at(0).find("Host: kms.test:" + std::to_string(server.port())) !=
        std::string::npos);
}

TEST_CASE("TLS to an IP address verifies the certificate's IP entry and sends no SNI") {
  Pki pki;
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, "{}")},
                    kms::test::MakeServerContext(pki.Server("IP:127.0.0.1")));
  auto transport = MakeTransport(TrustingCa(pki));
  auto r = transport->Send(Post(), EndpointOf(server.Url("127.0.0.1")));
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  CHECK(server.sni() == "");
}

TEST_CASE("TLS fails without the CA: the system store does not trust a private CA") {
  Pki pki;
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, "{}")},
                    kms::test::MakeServerContext(pki.Server("DNS:kms.test")));
  kms::HttpTransportOptions options;
  options.resolve_overrides = {{"kms.test", "127.0.0.1"}};
  auto transport = MakeTransport(options);
  auto endpoint = EndpointOf(server.Url("kms.test"));
  auto r = transport->Send(Post(), endpoint);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kInternal);
  CHECK(r.error().http_status == 0);
  CHECK(r.error().message == "SSL validation failed for " + endpoint.Url() +
                                 " certificate verify failed: unable to get local issuer "
                                 "certificate");
  CHECK(server.requests().empty());
}

TEST_CASE("TLS fails when the certificate names another host") {
  Pki pki;
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, "{}")},
                    kms::test::MakeServerContext(pki.Server("DNS:kms.test,IP:127.0.0.1")));
  auto transport = MakeTransport(TrustingCa(pki));
  auto endpoint = EndpointOf(server.Url("other.test"));
  auto r = transport->Send(Post(), endpoint);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message == "SSL validation failed for " + endpoint.Url() +
                                 " certificate verify failed: hostname mismatch");
  CHECK(server.requests().empty());
}

TEST_CASE("TLS fails when the certificate lacks the IP address connected to") {
  Pki pki;
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, "{}")},
                    kms::test::MakeServerContext(pki.Server("DNS:kms.test")));
  auto transport = MakeTransport(TrustingCa(pki));
  auto endpoint = EndpointOf(server.Url("127.0.0.1"));
  auto r = transport->Send(Post(), endpoint);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message == "SSL validation failed for " + endpoint.Url() +
                                 " certificate verify failed: IP address mismatch");
}

TEST_CASE("verify_tls = false accepts an untrusted certificate") {
  Pki pki;
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, "{}")},
                    kms::test::MakeServerContext(pki.Server("DNS:elsewhere.test")));
  kms::HttpTransportOptions options;
  options.verify_tls = false;
  auto transport = MakeTransport(options);
  REQUIRE(transport->Send(Post(), EndpointOf(server.Url("127.0.0.1"))).has_value());
}

TEST_CASE("KmsClient trusts the CA bundle from AWS_CA_BUNDLE") {
  Pki pki;
  TestServer server(Behaviour::kAnswer, {JsonResponse(200, R"({"KeyId":"k"})")},
                    kms::test::MakeServerContext(pki.Server("IP:127.0.0.1")));
  kms::ClientConfig config;
  config.environment = kms::FixedEnvironment({{"AWS_REGION", "us-east-1"},
                                              {"AWS_ACCESS_KEY_ID", "A"},
                                              {"AWS_SECRET_ACCESS_KEY", "S"},
                                              {"AWS_ENDPOINT_URL", server.Url()},
                                              {"AWS_CA_BUNDLE", pki.ca_file}});
  auto client = kms::KmsClient::Create(config);
  REQUIRE(client.has_value());
  auto r = client->CancelKeyDeletion({"k"});
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  CHECK(r->KeyId == "k");
}

TEST_CASE("A CA bundle without certificates is rejected when the transport is made") {
  kms::test::TempDir dir;
  kms::HttpTransportOptions options;
  options.ca_bundle = dir.Write("empty.pem", "not a certificate\n");
  auto t = kms::MakeHttpTransport(options);
  REQUIRE_FALSE(t.has_value());
  CHECK(t.error().code == ErrorCode::kValidation);
  CHECK(t.error().message.rfind("Unable to load the CA bundle: " + *options.ca_bundle + " (", 0) ==
        0);
}
