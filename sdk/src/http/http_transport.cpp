// The HTTP/1.1 transport over Boost.Beast: TCP or TLS, connect/read timeouts, keep-alive pool.
// Each connection owns an io_context; every step is an async operation bounded by the
// tcp_stream's expiry and driven to completion by io_context::run, so calls are synchronous.
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <kms/transport.hpp>
#include <mutex>
#include <vector>

namespace kms {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr uint32_t kHeaderLimit = 64 * 1024;

std::string Quoted(const Endpoint& e) { return "\"" + e.Url() + "\""; }

Error ConnectTimeout(const Endpoint& e) {
  return MakeError(ErrorCode::kDependencyTimeout, "Connect timeout on endpoint URL: " + Quoted(e));
}
Error ReadTimeout(const Endpoint& e) {
  return MakeError(ErrorCode::kDependencyTimeout, "Read timeout on endpoint URL: " + Quoted(e));
}
Error WriteTimeout(const Endpoint& e) {
  return MakeError(ErrorCode::kDependencyTimeout, "Write timeout on endpoint URL: " + Quoted(e));
}
Error ConnectFailed(const Endpoint& e, const error_code& ec) {
  return MakeError(ErrorCode::kInternal, "Could not connect to the endpoint URL: " + Quoted(e) +
                                             " (" + ec.message() + ")");
}
Error Closed(const Endpoint& e) {
  return MakeError(ErrorCode::kInternal,
                   "Connection was closed before we received a valid response from endpoint "
                   "URL: " +
                       Quoted(e) + ".");
}
Error Malformed(const Endpoint& e, const std::string& why) {
  return MakeError(ErrorCode::kInternal,
                   "Invalid HTTP response from endpoint URL: " + Quoted(e) + " (" + why + ")");
}

// One connection; used by one thread at a time (it is taken out of the pool while in use).
struct Connection {
  asio::io_context ioc{1};
  std::unique_ptr<beast::tcp_stream> tcp;                     // http
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;  // https
  beast::flat_buffer buffer;

  beast::tcp_stream& Lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }

  // Runs the io_context until the operation just started (and its timer) completes.
  void Run() {
    ioc.restart();
    ioc.run();
  }

  // Wipes what the read buffer held (responses may carry plaintext).
  void WipeBuffer() {
    buffer.clear();
    auto spare = buffer.prepare(buffer.capacity());
    OPENSSL_cleanse(spare.data(), spare.size());
  }

  ~Connection() { WipeBuffer(); }
};

// An idle keep-alive connection is usable when the peer has neither closed it nor sent
// anything since the last response (a non-blocking peek finds nothing to read).
bool StillOpen(Connection& conn) {
  char byte;
  auto fd = conn.Lowest().socket().native_handle();
  ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// What an exchange learnt besides its result.
struct ExchangeInfo {
  bool keep_alive = false;  // the response allows reusing the connection
  // Failed before any response byte, and not by a timeout: on a reused connection this is the
  // server having closed it while idle, worth one more try on a fresh connection.
  bool before_response = false;
};

class HttpTransport final : public Transport {
 public:
  HttpTransport(HttpTransportOptions options, std::unique_ptr<ssl::context> tls_context)
      : options_(std::move(options)), tls_context_(std::move(tls_context)) {}

  Result<HttpResponse> Send(const HttpRequest& request, const Endpoint& endpoint) override;

 private:
  Result<std::vector<tcp::endpoint>> Resolve(Connection& conn, const Endpoint& endpoint,
                                             SteadyTime deadline);
  Result<std::unique_ptr<Connection>> Connect(const Endpoint& endpoint);
  Status Handshake(Connection& conn, const Endpoint& endpoint, SteadyTime deadline);
  Result<HttpResponse> Exchange(Connection& conn, const HttpRequest& request,
                                const Endpoint& endpoint, ExchangeInfo& info);
  template <class Stream>
  Status WriteRequest(Stream& stream, Connection& conn, const HttpRequest& request,
                      const Endpoint& endpoint, ExchangeInfo& info);
  template <class Stream>
  Result<HttpResponse> ReadResponse(Stream& stream, Connection& conn, const Endpoint& endpoint,
                                    ExchangeInfo& info);

  std::unique_ptr<Connection> TakeIdle(const std::string& key);
  void ReturnIdle(const std::string& key, std::unique_ptr<Connection> conn);

  const HttpTransportOptions options_;
  const std::unique_ptr<ssl::context> tls_context_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;  // guarded by mutex_
};

std::string PoolKey(const Endpoint& e) {
  return e.scheme + "://" + e.host + ":" + std::to_string(e.port);
}

std::unique_ptr<Connection> HttpTransport::TakeIdle(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto& idle = idle_[key];
  while (!idle.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle.back());
    idle.pop_back();
    if (StillOpen(*conn)) return conn;
  }
  return nullptr;
}

void HttpTransport::ReturnIdle(const std::string& key, std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mutex_);
  auto& idle = idle_[key];
  if (idle.size() < options_.max_idle_connections) idle.push_back(std::move(conn));
}

Result<std::vector<tcp::endpoint>> HttpTransport::Resolve(Connection& conn,
                                                          const Endpoint& endpoint,
                                                          SteadyTime deadline) {
  std::string_view host = endpoint.host;
  if (auto it = options_.resolve_overrides.find(host); it != options_.resolve_overrides.end()) {
    host = it->second;
  }
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) return std::vector<tcp::endpoint>{tcp::endpoint(address, endpoint.port)};

  // getaddrinfo runs on Asio's resolver thread; the timer abandons it at the deadline.
  tcp::resolver resolver(conn.ioc);
  asio::steady_timer timer(conn.ioc, deadline);
  timer.async_wait([&](const error_code& e) {
    if (!e) resolver.cancel();
  });
  std::vector<tcp::endpoint> found;
  resolver.async_resolve(std::string(host), std::to_string(endpoint.port),
                         [&](const error_code& e, const tcp::resolver::results_type& results) {
                           ec = e;
                           timer.cancel();
                           for (const auto& entry : results) found.push_back(entry.endpoint());
                         });
  conn.Run();
  if (ec == asio::error::operation_aborted) return ConnectTimeout(endpoint);
  if (ec) return ConnectFailed(endpoint, ec);
  return found;
}

Status HttpTransport::Handshake(Connection& conn, const Endpoint& endpoint, SteadyTime deadline) {
  conn.tls =
      std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*conn.tcp), *tls_context_);
  conn.tcp.reset();
  SSL* ssl = conn.tls->native_handle();
  error_code ip_check;
  asio::ip::make_address(endpoint.host, ip_check);
  bool is_ip = !ip_check;
  // RFC 6066: SNI carries DNS names only.
  if (!is_ip) SSL_set_tlsext_host_name(ssl, endpoint.host.c_str());
  if (options_.verify_tls) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str())
                   : X509_VERIFY_PARAM_set1_host(param, endpoint.host.c_str(), 0);
    if (ok != 1) {
      return MakeError(ErrorCode::kInternal, "SSL validation failed for " + endpoint.Url() +
                                                 " cannot verify host " + endpoint.host);
    }
  }
  error_code ec;
  conn.Lowest().expires_at(deadline);
  conn.tls->async_handshake(ssl::stream_base::client, [&](const error_code& e) { ec = e; });
  conn.Run();
  if (ec == beast::error::timeout) return ConnectTimeout(endpoint);
  if (!ec) return {};
  long verify = SSL_get_verify_result(ssl);
  std::string why = verify != X509_V_OK ? std::string("certificate verify failed: ") +
                                              X509_verify_cert_error_string(verify)
                                        : ec.message();
  return MakeError(ErrorCode::kInternal, "SSL validation failed for " + endpoint.Url() + " " + why);
}

Result<std::unique_ptr<Connection>> HttpTransport::Connect(const Endpoint& endpoint) {
  SteadyTime deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
  auto conn = std::make_unique<Connection>();
  auto addresses = Resolve(*conn, endpoint, deadline);
  if (!addresses) return addresses.error();
  conn->tcp = std::make_unique<beast::tcp_stream>(conn->ioc);
  error_code ec;
  conn->tcp->expires_at(deadline);
  conn->tcp->async_connect(*addresses, [&](const error_code& e, const tcp::endpoint&) { ec = e; });
  conn->Run();
  if (ec == beast::error::timeout) return ConnectTimeout(endpoint);
  if (ec) return ConnectFailed(endpoint, ec);
  conn->tcp->socket().set_option(tcp::no_delay(true), ec);
  if (endpoint.https()) {
    if (auto st = Handshake(*conn, endpoint, deadline); !st) return st.error();
  }
  return conn;
}

template <class Stream>
Status HttpTransport::WriteRequest(Stream& stream, Connection& conn, const HttpRequest& request,
                                   const Endpoint& endpoint, ExchangeInfo& info) {
  // span_body: the body is sent from the caller's buffer, never copied (it may be plaintext).
  http::request<http::span_body<const char>> req;
  req.version(11);
  req.method_string(request.method.empty() ? "POST" : request.method);
  req.target(request.target.empty() ? endpoint.path : request.target);
  for (const auto& [name, value] : request.headers) req.insert(name, value);
  if (!request.HasHeader("Host")) req.set(http::field::host, endpoint.HostHeader());
  req.body() = {request.body.data(), request.body.size()};
  req.prepare_payload();

  error_code ec;
  conn.Lowest().expires_after(options_.read_timeout);
  http::async_write(stream, req, [&](const error_code& e, size_t) { ec = e; });
  conn.Run();
  info.before_response = ec && ec != beast::error::timeout;
  if (ec == beast::error::timeout) return WriteTimeout(endpoint);
  if (ec) return Closed(endpoint);
  return {};
}

template <class Stream>
Result<HttpResponse> HttpTransport::ReadResponse(Stream& stream, Connection& conn,
                                                 const Endpoint& endpoint, ExchangeInfo& info) {
  http::response_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(options_.max_response_body);
  error_code ec;
  conn.Lowest().expires_after(options_.read_timeout);
  http::async_read(stream, conn.buffer, parser, [&](const error_code& e, size_t) { ec = e; });
  conn.Run();
  info.before_response = ec && !parser.got_some() && ec != beast::error::timeout;
  if (ec == beast::error::timeout) return ReadTimeout(endpoint);
  bool parse_error = ec.category() == http::make_error_code(http::error::end_of_stream).category();
  if (parse_error && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return Malformed(endpoint, ec.message());  // includes body_limit and header_limit
  }
  if (ec) return Closed(endpoint);

  auto message = parser.release();
  info.keep_alive = message.keep_alive();
  HttpResponse response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(message.body());
  conn.WipeBuffer();
  return response;
}

Result<HttpResponse> HttpTransport::Exchange(Connection& conn, const HttpRequest& request,
                                             const Endpoint& endpoint, ExchangeInfo& info) {
  if (conn.tls) {
    if (auto st = WriteRequest(*conn.tls, conn, request, endpoint, info); !st) return st.error();
    return ReadResponse(*conn.tls, conn, endpoint, info);
  }
  if (auto st = WriteRequest(*conn.tcp, conn, request, endpoint, info); !st) return st.error();
  return ReadResponse(*conn.tcp, conn, endpoint, info);
}

Result<HttpResponse> HttpTransport::Send(const HttpRequest& request, const Endpoint& endpoint) {
  const std::string key = PoolKey(endpoint);
  std::unique_ptr<Connection> conn = TakeIdle(key);
  bool reused = conn != nullptr;
  for (;;) {
    if (!conn) {
      auto fresh = Connect(endpoint);
      if (!fresh) return fresh.error();
      conn = std::move(*fresh);
    }
    ExchangeInfo info;
    auto response = Exchange(*conn, request, endpoint, info);
    if (response) {
      if (info.keep_alive) ReturnIdle(key, std::move(conn));
      return response;
    }
    // A reused connection the server had already closed: one more try on a fresh one.
    if (!reused || !info.before_response) return response.error();
    reused = false;
    conn.reset();
  }
}

Result<std::unique_ptr<ssl::context>> MakeTlsContext(const HttpTransportOptions& options) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  error_code ec;
  if (options.ca_bundle) {
    context->load_verify_file(*options.ca_bundle, ec);
    if (ec) {
      return MakeError(ErrorCode::kValidation, "Unable to load the CA bundle: " +
                                                   *options.ca_bundle + " (" + ec.message() + ")");
    }
  } else {
    context->set_default_verify_paths(ec);  // a missing system store fails at handshake time
  }
  context->set_verify_mode(options.verify_tls ? ssl::verify_peer : ssl::verify_none, ec);
  return context;
}

}  // namespace

Result<std::shared_ptr<Transport>> MakeHttpTransport(const HttpTransportOptions& options) {
  auto context = MakeTlsContext(options);
  if (!context) return context.error();
  return std::shared_ptr<Transport>(std::make_shared<HttpTransport>(options, std::move(*context)));
}

}  // namespace kms
