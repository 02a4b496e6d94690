// Test helpers for the transport tests: an HTTP(S) server (a thread per connection) on 127.0.0.1:0
// with canned behaviour (POSIX sockets and OpenSSL, no Asio), and throwaway CA / server
// certificates.
#pragma once

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <kms/transport.hpp>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kms::test {

// ---------------------------------------------------------------------------------------------
// Certificates.

struct KeyAndCert {
  std::shared_ptr<EVP_PKEY> key;
  std::shared_ptr<X509> cert;

  std::string CertPem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_X509(bio.get(), cert.get());
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(n));
  }
};

inline void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) throw std::runtime_error("bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A P-256 certificate for `common_name`: self-signed CA when `issuer` is null, else a server
// certificate signed by `issuer` with subjectAltName `san` ("DNS:kms.test,IP:127.0.0.1").
inline KeyAndCert MakeCert(const std::string& common_name, const KeyAndCert* issuer,
                           const std::string& san) {
  static std::atomic<long> serial{1};
  KeyAndCert out;
  out.key.reset(EVP_EC_gen("P-256"), EVP_PKEY_free);
  out.cert.reset(X509_new(), X509_free);
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, out.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* issuer_cert = issuer ? issuer->cert.get() : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert));
  if (issuer == nullptr) {
    AddExtension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    AddExtension(cert, cert, NID_subject_key_identifier, "hash");
  } else {
    AddExtension(cert, issuer_cert, NID_subject_alt_name, san.c_str());
    AddExtension(cert, issuer_cert, NID_ext_key_usage, "serverAuth");
    AddExtension(cert, issuer_cert, NID_authority_key_identifier, "keyid");
  }
  X509_sign(cert, issuer ? issuer->key.get() : out.key.get(), EVP_sha256());
  return out;
}

// A server SSL_CTX presenting `server` (TLS 1.2+). Records the SNI name clients send.
inline std::shared_ptr<SSL_CTX> MakeServerContext(const KeyAndCert& server) {
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_use_certificate(ctx.get(), server.cert.get());
  SSL_CTX_use_PrivateKey(ctx.get(), server.key.get());
  return ctx;
}

// ---------------------------------------------------------------------------------------------
// The server.

enum class Behaviour {
  kAnswer,              // answer every request, keep the connection open
  kAnswerThenClose,     // answer one request per connection, then close it
  kCloseWithoutAnswer,  // read the request, close without answering
  kNeverAnswer,         // read the request, then stay silent until the client leaves
  kDropSecond,          // answer the first request of a connection, close on the second
};

class TestServer {
 public:
  // `responses` are raw HTTP responses, served in turn (the last one repeats).
  TestServer(Behaviour behaviour, std::vector<std::string> responses,
             std::shared_ptr<SSL_CTX> tls = nullptr)
      : behaviour_(behaviour), responses_(std::move(responses)), tls_(std::move(tls)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }

  ~TestServer() {
    stop_ = true;
    thread_.join();
    for (auto& worker : workers_) worker.join();
    ::close(listen_fd_);
  }

  uint16_t port() const { return port_; }
  std::string Url(const std::string& host = "127.0.0.1") const {
    return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_);
  }
  int connections() const { return connections_; }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::string sni() const {
    std::lock_guard lock(mutex_);
    return sni_;
  }

 private:
  // Waits until `fd` is readable or the server stops; false on stop.
  bool WaitReadable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }

  void Loop() {
    while (WaitReadable(listen_fd_)) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      timeval tv{5, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      workers_.emplace_back([this, fd] {  // one thread per connection, joined on destruction
        Serve(fd);
        ::close(fd);
      });
    }
  }

  void Serve(int fd) {
    SSL* ssl = nullptr;
    if (tls_) {
      ssl = SSL_new(tls_.get());
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) != 1) {
        SSL_free(ssl);
        ERR_clear_error();
        return;
      }
      const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
      std::lock_guard lock(mutex_);
      sni_ = name ? name : "";
    }
    for (int served = 0;; ++served) {
      std::string request;
      if (!ReadRequest(fd, ssl, request)) break;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      if (behaviour_ == Behaviour::kCloseWithoutAnswer) break;
      if (behaviour_ == Behaviour::kDropSecond && served == 1) break;
      if (behaviour_ == Behaviour::kNeverAnswer) {
        char byte;
        while (WaitReadable(fd) && (ssl ? SSL_read(ssl, &byte, 1) : ::recv(fd, &byte, 1, 0)) > 0) {
        }
        break;
      }
      Write(fd, ssl, NextResponse());
      if (behaviour_ == Behaviour::kAnswerThenClose) break;
    }
    if (ssl != nullptr) SSL_free(ssl);
  }

  std::string NextResponse() {
    std::lock_guard lock(mutex_);
    std::string r = responses_[std::min(next_, responses_.size() - 1)];
    ++next_;
    return r;
  }

  static void Write(int fd, SSL* ssl, const std::string& data) {
    if (ssl != nullptr) {
      SSL_write(ssl, data.data(), static_cast<int>(data.size()));
    } else {
      ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    }
  }

  // Reads one request (headers and Content-Length body); false when the client left.
  bool ReadRequest(int fd, SSL* ssl, std::string& out) {
    size_t header_end = std::string::npos;
    size_t need = std::string::npos;
    char buf[4096];
    while (need == std::string::npos || out.size() < need) {
      if ((ssl == nullptr || SSL_pending(ssl) == 0) && !WaitReadable(fd)) return false;
      int n =
          ssl ? SSL_read(ssl, buf, sizeof buf) : static_cast<int>(::recv(fd, buf, sizeof buf, 0));
      if (n <= 0) return false;
      out.append(buf, static_cast<size_t>(n));
      if (header_end == std::string::npos) {
        header_end = out.find("\r\n\r\n");
        if (header_end != std::string::npos) need = header_end + 4 + ContentLength(out);
      }
    }
    return true;
  }

  static size_t ContentLength(const std::string& head) {
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t pos = lower.find("\r\ncontent-length:");
    if (pos == std::string::npos) return 0;
    return std::stoul(lower.substr(pos + 17));
  }

  const Behaviour behaviour_;
  const std::vector<std::string> responses_;
  const std::shared_ptr<SSL_CTX> tls_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  size_t next_ = 0;                    // guarded by mutex_
  std::vector<std::string> requests_;  // guarded by mutex_
  std::string sni_;                    // guarded by mutex_
  std::thread thread_;                 // accepts
  std::vector<std::thread> workers_;   // serve connections; only the accept thread adds
};

// A JSON 1.1 POST like the client sends, without signature.
inline HttpRequest Post(std::string body = R"({"KeyId":"k"})") {
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers = {{"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "TrentService.DescribeKey"}};
  r.body = std::move(body);
  return r;
}

inline Endpoint EndpointOf(const std::string& url) {
  auto e = ParseEndpoint(url);
  REQUIRE(e.has_value());
  return *e;
}

inline std::shared_ptr<Transport> MakeTransport(HttpTransportOptions options = {}) {
  auto t = MakeHttpTransport(options);
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message));
  return *t;
}

// The endpoint URL in double quotes, as transport error messages quote it.
inline std::string Quoted(const Endpoint& e) { return "\"" + e.Url() + "\""; }

// A raw HTTP/1.1 response with a JSON body and keep-alive.
inline std::string JsonResponse(int status, const std::string& body,
                                const std::string& extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Type: application/x-amz-json-1.1\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace kms::test
