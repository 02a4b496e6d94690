// One HTTP/1.1 connection over Beast, plain or TLS: (TLS handshake,) idle wait, header, optional
// 100 Continue, body, route, write, repeat while keep-alive. Every state has a deadline, oversized
// requests get a 413 JSON answer before the connection closes, and a graceful stop closes idle
// connections at once.
#include "server/session.hpp"

#include <openssl/ssl.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <kms/internal/random.hpp>
#include <optional>
#include <type_traits>
#include <utility>

namespace kms::emulator {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr size_t kFirstReadSize = 4096;
constexpr size_t kDrainReadSize = 16 * 1024;
constexpr size_t kKeepBufferCapacity = 64 * 1024;
// How long, after answering 413/400, we keep reading (and discarding) what the client still
// sends, so closing does not reset the connection before the client has read our answer.
constexpr std::chrono::seconds kLingerTime{2};
// How long a TLS connection we close waits for the client's close_notify after sending ours.
constexpr std::chrono::milliseconds kTlsShutdownTime{500};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// True for a header name or value that would break the message's framing (never produced by the
// router; checked so a future header cannot smuggle a second response).
bool Unsafe(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

// The response as HTTP/1.x bytes in `wire` (replaced): status line, the router's headers,
// Content-Length, the Connection token where the version's default needs one (as Beast's
// keep_alive() sets it), then the body. One buffer written with one call: Beast's serializer
// walks a sequence of many small buffers per response, which cost more than routing the
// request itself at tens of thousands of requests per second.
void SerializeResponse(const HttpResponse& out, unsigned version, bool keep_alive,
                       std::string& wire) {
  auto status = http::int_to_status(static_cast<unsigned>(out.status));
  std::string_view reason = http::obsolete_reason(status);
  wire.clear();
  wire.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ")
      .append(std::to_string(out.status))
      .append(" ")
      .append(reason)
      .append("\r\n");
  for (const auto& [name, value] : out.headers) {
    if (Unsafe(name) || Unsafe(value) || IEquals(name, "Content-Length") ||
        IEquals(name, "Connection")) {
      continue;
    }
    wire.append(name).append(": ").append(value).append("\r\n");
  }
  wire.append("Content-Length: ").append(std::to_string(out.body.size())).append("\r\n");
  if (version == 10 && keep_alive) wire.append("Connection: keep-alive\r\n");
  if (version != 10 && !keep_alive) wire.append("Connection: close\r\n");
  wire.append("\r\n").append(out.body);
}

// `Stream` is PlainStream or TlsStream; everything but the handshake and the close is shared.
template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(Stream stream, const Router& router, const SessionLimits& limits,
          std::shared_ptr<SessionRegistry> registry)
      : stream_(std::move(stream)),
        buffer_(limits.body_limit + limits.header_limit + kFirstReadSize),
        router_(router),
        limits_(limits),
        registry_(std::move(registry)) {
    beast::error_code ec;
    auto peer = Socket().remote_endpoint(ec);
    if (!ec) remote_address_ = peer.address().to_string();
  }
  ~Session() override { registry_->Remove(this); }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->Begin(); });
  }

  void Shutdown() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->OnShutdown(); });
  }

 private:
  enum class State { kIdle, kReading, kWriting, kDraining, kClosed };

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  tcp::socket& Socket() { return Lowest().socket(); }

  // TLS: the handshake, within read_timeout, comes first; a failed one closes quietly (a client
  // that does not trust our certificate, or plain HTTP sent to the TLS port).
  void Begin() {
    if constexpr (kTls) {
      state_ = State::kReading;
      Lowest().expires_after(limits_.read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Close();
                                self->handshake_done_ = true;
                                self->NoteTlsDetails();
                                self->WaitForRequest();
                              });
    } else {
      WaitForRequest();
    }
  }

  // The negotiated protocol and cipher, for the audit trail's tlsDetails. OpenSSL returns static
  // strings.
  void NoteTlsDetails() {
    if constexpr (kTls) {
      SSL* ssl = stream_.native_handle();
      if (const char* version = SSL_get_version(ssl)) tls_version_ = version;
      if (const char* cipher = SSL_CIPHER_get_name(SSL_get_current_cipher(ssl))) {
        tls_cipher_ = cipher;
      }
    }
  }

  // Between requests: wait (idle timeout) for the first byte of the next one.
  void WaitForRequest() {
    if (stopping_) return CloseGracefully();
    if (buffer_.size() == 0 && buffer_.capacity() > kKeepBufferCapacity) buffer_.shrink_to_fit();
    if (buffer_.size() > 0) return ReadHeader();  // pipelined request already buffered
    state_ = State::kIdle;
    Lowest().expires_after(limits_.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstReadSize),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  // From the first byte on, the whole request must arrive within read_timeout.
  void ReadHeader() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->body_limit(limits_.body_limit);
    parser_->header_limit(static_cast<uint32_t>(limits_.header_limit));
    Lowest().expires_after(limits_.read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    if (parser_->is_done()) return OnRequest();
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_ =
          http::response<http::empty_body>(http::status::continue_, parser_->get().version());
      return http::async_write(stream_, continue_,
                               [self = this->shared_from_this()](beast::error_code ec, size_t) {
                                 if (ec) return self->Close();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->OnReadError(ec);
                       self->OnRequest();
                     });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit || ec == http::error::buffer_overflow) {
      return Reject(
          ErrorCode::kRequestEntityTooLarge,
          "Request body must be at most " + std::to_string(limits_.body_limit) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return Reject(
          ErrorCode::kRequestEntityTooLarge,
          "Request headers must be at most " + std::to_string(limits_.header_limit) + " bytes");
    }
    // A malformed request (not a closed, reset or timed-out connection) gets a 400 before the
    // close, so a broken client learns why.
    if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return Reject(ErrorCode::kSerialization, "Malformed HTTP request: " + ec.message());
    }
    Close();
  }

  void OnRequest() {
    auto& request = parser_->get();
    HttpRequest in;
    in.method = std::string(request.method_string());
    in.target = std::string(request.target());
    in.headers.reserve(16);
    for (const auto& field : request) {
      in.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    in.body = std::move(request.body());
    in.remote_address = remote_address_;
    in.tls_version = tls_version_;
    in.tls_cipher = tls_cipher_;
    bool keep_alive = request.keep_alive();
    unsigned version = request.version();
    bool head = request.method() == http::verb::head;
    parser_.reset();
    HttpResponse out = router_.Handle(in);
    if (head) out.body.clear();  // HEAD: status and headers only (Content-Length then says 0)
    Write(std::move(out), keep_alive, version);
  }

  // Answers with an error found before routing, then closes.
  void Reject(ErrorCode code, std::string message) {
    unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    parser_.reset();
    Write(ErrorResponse(MakeError(code, std::move(message)), internal::RandomUuid()), false,
          version, true);
  }

  void Write(HttpResponse out, bool keep_alive, unsigned version, bool linger = false) {
    keep_alive_ = keep_alive && !stopping_;
    SerializeResponse(out, version, keep_alive_, wire_);
    state_ = State::kWriting;
    Lowest().expires_after(limits_.write_timeout);
    net::async_write(stream_, net::buffer(wire_),
                     [self = this->shared_from_this(), linger](beast::error_code ec, size_t) {
                       self->OnWrite(ec, linger);
                     });
  }

  void OnWrite(beast::error_code ec, bool linger) {
    if (ec) return Close();
    if (linger) return Linger();
    if (!keep_alive_ || stopping_) return CloseGracefully();
    WaitForRequest();
  }

  // Half-closes, then reads and discards what the client still sends for a short while.
  void Linger() {
    if (stopping_) return Close();
    beast::error_code ec;
    Socket().shutdown(tcp::socket::shutdown_send, ec);
    state_ = State::kDraining;
    Lowest().expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(kDrainReadSize),
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->Close();
                              self->Drain();
                            });
  }

  void OnShutdown() {
    stopping_ = true;
    // A request being written finishes first (OnWrite then closes); anything else is not in
    // flight and closes now.
    if (state_ != State::kWriting) Close();
  }

  // Closes at once; with TLS, without close_notify (safe with a read pending).
  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    CloseSocket();
  }

  // Closes when no operation is pending: with TLS, sends close_notify first and waits briefly for
  // the client's.
  void CloseGracefully() {
    if constexpr (kTls) {
      if (state_ == State::kClosed || !handshake_done_) return Close();
      state_ = State::kClosed;
      Lowest().expires_after(kTlsShutdownTime);
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->CloseSocket(); });
    } else {
      Close();
    }
  }

  void CloseSocket() {
    beast::error_code ec;
    Socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().close();
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string wire_;  // the response being written; keeps its capacity between requests
  bool keep_alive_ = false;
  http::response<http::empty_body> continue_;
  const Router& router_;
  const SessionLimits limits_;
  std::shared_ptr<SessionRegistry> registry_;
  std::string remote_address_;
  std::string_view tls_version_;
  std::string_view tls_cipher_;
  State state_ = State::kIdle;
  bool stopping_ = false;
  bool handshake_done_ = false;  // TLS only
};

template <class Stream>
void Launch(Stream stream, const Router& router, const SessionLimits& limits,
            const std::shared_ptr<SessionRegistry>& registry) {
  auto session = std::make_shared<Session<Stream>>(std::move(stream), router, limits, registry);
  if (!registry->Add(session)) return;  // stopping: the socket closes with the session
  session->Start();
}

}  // namespace

bool SessionRegistry::Add(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  connections_.emplace(connection.get(), connection);
  return true;
}

void SessionRegistry::Remove(const Connection* connection) {
  std::lock_guard lock(mutex_);
  connections_.erase(connection);
  if (connections_.empty()) empty_.notify_all();
}

void SessionRegistry::StopAll() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [ptr, weak] : connections_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
  }
  // Outside the lock: dropping the last reference runs ~Session, which calls Remove.
  for (auto& connection : live) connection->Shutdown();
}

bool SessionRegistry::WaitEmpty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return empty_.wait_for(lock, timeout, [this] { return connections_.empty(); });
}

void StartSession(tcp::socket socket, const Router& router, const SessionLimits& limits,
                  std::shared_ptr<SessionRegistry> registry, net::ssl::context* tls) {
  if (tls != nullptr) {
    return Launch(TlsStream(beast::tcp_stream(std::move(socket)), *tls), router, limits, registry);
  }
  Launch(PlainStream(std::move(socket)), router, limits, registry);
}

}  // namespace kms::emulator
