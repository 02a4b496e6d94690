// Binding, the accept loop and the graceful stop of the TCP listener; loading the TLS context.
#include "server/listener.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kms::emulator {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// After an accept error other than a close (say, out of file descriptors), wait before retrying
// so the loop does not spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

Error ListenError(const std::string& host, uint16_t port, const boost::system::error_code& ec) {
  return MakeError(ErrorCode::kInternal,
                   "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
}

// The endpoint for host:port: a literal address, else the first address the name resolves to.
Result<tcp::endpoint> Resolve(net::io_context& ioc, const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  net::ip::address address = net::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return ListenError(host, port, ec);
  if (results.empty()) {
    return ListenError(host, port, make_error_code(net::error::host_not_found));
  }
  return results.begin()->endpoint();
}

Error TlsError(std::string message) {
  return MakeError(ErrorCode::kValidation, std::move(message));
}

// A clear "cannot read" before OpenSSL's less readable reasons for a missing file.
Status CheckReadable(std::string_view flag, const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  int error = errno;
  if (file != nullptr) {
    char byte = 0;
    error = std::fread(&byte, 1, 1, file) == 0 && std::ferror(file) ? errno : 0;  // e.g. EISDIR
    std::fclose(file);
  }
  if (error == 0) return {};
  return TlsError("cannot read " + std::string(flag) + " " + path + ": " + std::strerror(error));
}

}  // namespace

Result<std::shared_ptr<net::ssl::context>> MakeTlsContext(const std::string& cert_path,
                                                          const std::string& key_path) {
  if (Status st = CheckReadable("--tls-cert", cert_path); !st) return st.error();
  if (Status st = CheckReadable("--tls-key", key_path); !st) return st.error();
  auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use,
                   ec);
  // An encrypted key would otherwise make OpenSSL prompt on the terminal.
  ctx->set_password_callback(
      [](size_t, net::ssl::context::password_purpose) { return std::string(); }, ec);
  ctx->use_certificate_chain_file(cert_path, ec);
  if (ec) {
    return TlsError("--tls-cert " + cert_path + " holds no PEM certificate chain (" + ec.message() +
                    ")");
  }
  ctx->use_private_key_file(key_path, net::ssl::context::pem, ec);
  if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
    return TlsError("--tls-key " + key_path + " does not match the certificate in --tls-cert " +
                    cert_path);
  }
  if (ec) {
    return TlsError("--tls-key " + key_path + " holds no unencrypted PEM private key (" +
                    ec.message() + ")");
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    ERR_clear_error();
    return TlsError("--tls-key " + key_path + " does not match the certificate in --tls-cert " +
                    cert_path);
  }
  return ctx;
}

struct Listener::Private {};

Listener::Listener(Private, net::io_context& ioc, const Router& router, const SessionLimits& limits,
                   std::shared_ptr<net::ssl::context> tls)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_timer_(acceptor_.get_executor()),
      router_(router),
      limits_(limits),
      tls_(std::move(tls)) {}

Result<std::shared_ptr<Listener>> Listener::Open(net::io_context& ioc, const Router& router,
                                                 const std::string& host, uint16_t port,
                                                 const SessionLimits& limits,
                                                 std::shared_ptr<net::ssl::context> tls,
                                                 std::vector<net::any_io_executor> executors) {
  auto endpoint = Resolve(ioc, host, port);
  if (!endpoint) return endpoint.error();
  auto listener = std::make_shared<Listener>(Private{}, ioc, router, limits, std::move(tls));
  listener->session_executors_ = std::move(executors);
  tcp::acceptor& acceptor = listener->acceptor_;
  boost::system::error_code ec;
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return ListenError(host, port, ec);
  listener->endpoint_ = acceptor.local_endpoint(ec);
  if (ec) return ListenError(host, port, ec);
  return listener;
}

void Listener::Start() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->Accept(); });
}

void Listener::Stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->retry_timer_.cancel();
  });
  registry_->StopAll();
}

void Listener::Accept() {
  auto on_accept = [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
    self->OnAccept(ec, std::move(socket));
  };
  if (session_executors_.empty()) {
    // Each connection gets its own strand: its handlers never run concurrently.
    return acceptor_.async_accept(net::make_strand(ioc_), std::move(on_accept));
  }
  const net::any_io_executor& executor =
      session_executors_[next_executor_++ % session_executors_.size()];
  acceptor_.async_accept(executor, std::move(on_accept));
}

void Listener::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open()) return;  // stopped
  if (ec) {
    std::fprintf(stderr, "kms-emulator: accept failed: %s\n", ec.message().c_str());
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->Accept();
    });
    return;
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);  // responses are one write; send it now
  StartSession(std::move(socket), router_, limits_, registry_, tls_.get());
  Accept();
}

}  // namespace kms::emulator
