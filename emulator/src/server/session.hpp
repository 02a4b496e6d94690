// One HTTP/1.1 connection (Beast), plain or TLS: read a request with a body limit and timeouts,
// hand it to the router, write the response, repeat while keep-alive. Beast itself stays in
// session.cpp; this header only needs Asio's socket type.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "server/router.hpp"

namespace boost::asio::ssl {
class context;
}

namespace kms::emulator {

struct SessionLimits {
  size_t body_limit = 1024 * 1024;  // larger: 413 RequestEntityTooLargeException, then close
  size_t header_limit = 16 * 1024;  // larger: 413 as well
  // From the first byte of a request until it is fully read (so a slowloris client cannot
  // stretch one request forever).
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
  // Between requests on a keep-alive connection.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  // Writing one response to a client that does not read.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
};

// What the registry can ask of a live connection.
class Connection {
 public:
  virtual ~Connection() = default;
  // Stops reading: an idle connection closes now, one handling a request closes after writing
  // its response. Thread-safe (posts to the connection's strand).
  virtual void Shutdown() = 0;
};

// The set of live connections, so a graceful stop can reach them all. Thread-safe.
class SessionRegistry {
 public:
  // Adds a connection; false (the caller closes it) once StopAll has run.
  bool Add(const std::shared_ptr<Connection>& connection);
  // Called by a connection as it is destroyed.
  void Remove(const Connection* connection);
  // Refuses new connections and asks every live one to shut down.
  void StopAll();
  // Blocks until no connection is left or `timeout` passes; true when none is left.
  bool WaitEmpty(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable empty_;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections_;
  bool stopping_ = false;
};

// Serves one accepted connection until it closes; the connection keeps itself alive through its
// pending operations and is tracked in `registry`. With `tls` (not null) the connection is HTTPS:
// a TLS handshake within read_timeout first, then the same HTTP exchange. `router` and `tls` must
// outlive the io_context.
void StartSession(boost::asio::ip::tcp::socket socket, const Router& router,
                  const SessionLimits& limits, std::shared_ptr<SessionRegistry> registry,
                  boost::asio::ssl::context* tls);

}  // namespace kms::emulator
