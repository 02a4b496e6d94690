// The TCP listener: binds host:port, accepts connections and starts a session for each, and stops
// gracefully (no new connections, idle ones closed, in-flight requests finished).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <kms/result.hpp>
#include <memory>
#include <string>

#include "server/router.hpp"
#include "server/session.hpp"

namespace kms::emulator {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Resolves `host` (an IP address or a name), binds and listens; `port` 0 picks a free port.
  // kInternal error "cannot listen on HOST:PORT: <reason>" when that fails. `router` must
  // outlive `ioc`. Call from one thread before the io_context runs.
  static Result<std::shared_ptr<Listener>> Open(boost::asio::io_context& ioc, const Router& router,
                                                const std::string& host, uint16_t port,
                                                const SessionLimits& limits);

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
  Listener(Private, boost::asio::io_context& ioc, const Router& router,
           const SessionLimits& limits);

 private:
  void Accept();
  void OnAccept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;  // on a strand, with retry_timer_
  boost::asio::steady_timer retry_timer_;
  boost::asio::ip::tcp::endpoint endpoint_;
  const Router& router_;
  const SessionLimits limits_;
  std::shared_ptr<SessionRegistry> registry_ = std::make_shared<SessionRegistry>();
};

}  // namespace kms::emulator
