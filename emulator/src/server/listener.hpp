// The TCP listener: binds host:port, accepts connections and starts a session (HTTP, or HTTPS with
// a TLS context) for each, and stops gracefully (no new connections, idle ones closed, in-flight
// requests finished). Also loads the TLS certificate and key.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <kms/result.hpp>
#include <memory>
#include <string>
#include <vector>

#include "server/router.hpp"
#include "server/session.hpp"

namespace kms::emulator {

// A TLS 1.2+ server context holding the PEM certificate chain at `cert_path` (leaf first) and
// the unencrypted PEM private key at `key_path`. kValidation errors:
//   "cannot read --tls-cert <path>: <reason>" (and --tls-key) when a file cannot be opened;
//   "--tls-cert <path> holds no PEM certificate chain (<openssl reason>)";
//   "--tls-key <path> holds no unencrypted PEM private key (<openssl reason>)";
//   "--tls-key <path> does not match the certificate in --tls-cert <path>".
// Never prompts for a passphrase. Thread-safe.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeTlsContext(const std::string& cert_path,
                                                                  const std::string& key_path);

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Resolves `host` (an IP address or a name), binds and listens; `port` 0 picks a free port.
  // With `tls` every connection speaks HTTPS. Connections are dealt to `session_executors` in
  // turn (each should be an io_context that one thread runs, so a connection's handlers never
  // run concurrently and need no strand); with none, each connection gets a strand of `ioc`.
  // kInternal error "cannot listen on HOST:PORT: <reason>" when that fails. `router` must
  // outlive the io_contexts. Call from one thread before they run.
  static Result<std::shared_ptr<Listener>> Open(
      boost::asio::io_context& ioc, const Router& router, const std::string& host, uint16_t port,
      const SessionLimits& limits, std::shared_ptr<boost::asio::ssl::context> tls = nullptr,
      std::vector<boost::asio::any_io_executor> session_executors = {});

  // True when connections speak HTTPS.
  bool IsTls() const { return tls_ != nullptr; }

  // The bound address and port (the real port when 0 was asked for).
  boost::asio::ip::tcp::endpoint LocalEndpoint() const { return endpoint_; }

  // Starts accepting. Call once.
  void Start();

  // Stops accepting and asks every connection to shut down (idle ones close at once, in-flight
  // requests are answered first). Thread-safe; idempotent.
  void Stop();

  // Blocks until every connection has closed or `timeout` passes; true when all have closed.
  // Thread-safe; call from a thread that is not running the io_context.
  bool WaitIdle(std::chrono::milliseconds timeout) { return registry_->WaitEmpty(timeout); }

  struct Private;  // lets Open use make_shared with a private constructor
  Listener(Private, boost::asio::io_context& ioc, const Router& router, const SessionLimits& limits,
           std::shared_ptr<boost::asio::ssl::context> tls);

 private:
  void Accept();
  void OnAccept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;  // on a strand, with retry_timer_
  boost::asio::steady_timer retry_timer_;
  boost::asio::ip::tcp::endpoint endpoint_;
  const Router& router_;
  const SessionLimits limits_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // null: plain HTTP
  std::vector<boost::asio::any_io_executor> session_executors_;
  size_t next_executor_ = 0;  // the acceptor's strand only
  std::shared_ptr<SessionRegistry> registry_ = std::make_shared<SessionRegistry>();
};

}  // namespace kms::emulator
