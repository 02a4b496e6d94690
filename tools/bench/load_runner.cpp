// Beast/Asio side of kms-bench: each connection runs on its own strand of one io_context, keeps
// one request in flight, replays shared read-only request bytes and records latencies into a
// vector reserved before the phase. Deadlines are enforced by one watchdog timer rather than a
// timer per request, and sockets use the concrete strand type (no type-erased executor).
#include "load_runner.hpp"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <thread>

namespace kms::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr size_t kBodyLimit = 1 << 20;
constexpr size_t kErrorBodyShown = 400;
// reserve() assumes at most this many answers per second over all connections; beyond it the
// vectors grow (amortised), which costs a copy but no correctness.
constexpr double kReservedRequestsPerSecond = 200000;
constexpr size_t kMaxReservePerConnection = size_t{1} << 22;
// How often the watchdog looks for exchanges past their deadline (timeout precision).
constexpr auto kWatchdogTick = std::chrono::milliseconds(50);
constexpr int64_t kIdle = INT64_MAX;  // deadline of a connection with nothing in flight

using Strand = asio::strand<asio::io_context::executor_type>;
using Socket = asio::basic_stream_socket<tcp, Strand>;

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// Shared by every connection during one RunPhase; `active` counts connections still busy.
struct Phase {
  const std::string* request = nullptr;
  Clock::time_point measure_start;
  Clock::time_point measure_end;
  std::atomic<int> active{0};
  std::promise<void> done;
};

class Connection {
 public:
  using OneShot = std::function<void(Result<HttpAnswer>)>;

  Connection(asio::io_context& ioc, const tcp::resolver::results_type& endpoints,
             Clock::duration timeout)
      : socket_(asio::make_strand(ioc.get_executor())), endpoints_(endpoints), timeout_(timeout) {}

  // Main thread, while idle: forget the previous phase's figures.
  void ResetStats(size_t reserve) {
    latencies_.clear();
    latencies_.reserve(reserve);
    errors_ = 0;
    first_error_.clear();
  }

  void StartPhase(Phase* phase) {
    phase_ = phase;
    request_ = phase->request;
    asio::post(socket_.get_executor(), [this] { Next(); });
  }

  void SendOnce(const std::string* request, OneShot done) {
    one_shot_ = std::move(done);
    request_ = request;
    asio::post(socket_.get_executor(), [this] { Exchange(); });
  }

  // Any thread (the watchdog): closes the socket if the exchange in flight is past its
  // deadline, so its pending operation ends and Done reports a timeout.
  void CheckDeadline(Clock::time_point now) {
    if (deadline_.load(std::memory_order_relaxed) > now.time_since_epoch().count()) return;
    asio::post(socket_.get_executor(), [this] {
      // Re-checked on the strand: the exchange may have finished in the meantime.
      if (timed_out_ ||
          deadline_.load(std::memory_order_relaxed) > Clock::now().time_since_epoch().count()) {
        return;
      }
      timed_out_ = true;
      error_code ignored;
      socket_.close(ignored);
    });
  }

  std::vector<uint64_t>& latencies() { return latencies_; }
  uint64_t errors() const { return errors_; }
  const std::string& first_error() const { return first_error_; }
  Clock::time_point first_error_at() const { return first_error_at_; }

 private:
  void Next() {
    auto now = Clock::now();
    if (now >= phase_->measure_end) return Finish();
    sent_at_ = now;
    Exchange();
  }

  // Connect if needed, write the request, read one answer; the whole step has one deadline.
  void Exchange() {
    deadline_.store((Clock::now() + timeout_).time_since_epoch().count(),
                    std::memory_order_relaxed);
    if (connected_) return Write();
    asio::async_connect(socket_, endpoints_, [this](error_code ec, const tcp::endpoint&) {
      if (ec) return Done(ec, true);
      connected_ = true;
      error_code ignored;
      socket_.set_option(tcp::no_delay(true), ignored);
      Write();
    });
  }

  void Write() {
    asio::async_write(socket_, asio::buffer(*request_), [this](error_code ec, size_t) {
      if (ec) return Done(ec, false);
      parser_.emplace();
      parser_->body_limit(kBodyLimit);
      http::async_read(socket_, buffer_, *parser_,
                       [this](error_code read_ec, size_t) { Done(read_ec, false); });
    });
  }

  void Done(error_code ec, bool connect_failed) {
    deadline_.store(kIdle, std::memory_order_relaxed);
    if (timed_out_) {
      timed_out_ = false;
      ec = asio::error::timed_out;
    }
    if (ec || !parser_->keep_alive()) Disconnect();
    if (one_shot_) {
      OneShot done = std::move(one_shot_);
      one_shot_ = nullptr;
      if (ec) return done(MakeError(ErrorCode::kInternal, Describe(ec, connect_failed)));
      return done(HttpAnswer{static_cast<int>(parser_->get().result_int()),
                             std::move(parser_->get().body())});
    }
    OnPhaseAnswer(ec, connect_failed);
  }

  void OnPhaseAnswer(error_code ec, bool connect_failed) {
    auto now = Clock::now();
    // Requests count by the time they were sent, so the ones in flight when the window closes
    // are awaited and their latency (or timeout) is not lost.
    bool in_window = sent_at_ >= phase_->measure_start && sent_at_ < phase_->measure_end;
    if (ec) {
      // A refused connect is counted even in warm-up, and ends this connection's phase: a
      // down endpoint must show as errors, not as a silent zero or a busy reconnect loop.
      if (in_window || connect_failed) RecordError(Describe(ec, connect_failed), now);
      if (connect_failed) return Finish();
    } else if (in_window) {
      latencies_.push_back(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent_at_).count()));
      unsigned status = parser_->get().result_int();
      if (status != 200) {
        RecordError("HTTP " + std::to_string(status) + ": " +
                        parser_->get().body().substr(0, kErrorBodyShown),
                    now);
      }
    }
    Next();
  }

  static std::string Describe(error_code ec, bool connect_failed) {
    return (connect_failed ? "connect: " : "connection: ") + ec.message();
  }

  void RecordError(std::string message, Clock::time_point at) {
    if (errors_++ == 0) {
      first_error_ = std::move(message);
      first_error_at_ = at;
    }
  }

  void Disconnect() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    connected_ = false;
    buffer_.clear();
  }

  void Finish() {
    if (phase_->active.fetch_sub(1, std::memory_order_acq_rel) == 1) phase_->done.set_value();
  }

  Socket socket_;
  const tcp::resolver::results_type& endpoints_;
  Clock::duration timeout_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  bool connected_ = false;
  bool timed_out_ = false;                // the watchdog closed the socket
  std::atomic<int64_t> deadline_{kIdle};  // steady_clock ticks; read by the watchdog
  const std::string* request_ = nullptr;
  Phase* phase_ = nullptr;
  OneShot one_shot_;
  Clock::time_point sent_at_;
  std::vector<uint64_t> latencies_;
  uint64_t errors_ = 0;
  std::string first_error_;
  Clock::time_point first_error_at_;
};

}  // namespace

struct LoadRunner::Impl {
  explicit Impl(int threads) : ioc(threads) {}
  ~Impl() { Stop(); }

  // Ends the I/O threads (and so the watchdog); pending handlers are then only destroyed.
  void Stop() {
    guard.reset();
    ioc.stop();
    for (std::thread& t : threads) t.join();
    threads.clear();
  }

  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> guard{ioc.get_executor()};
  asio::steady_timer watchdog{ioc};
  tcp::resolver::results_type endpoints;
  Clock::duration timeout{};
  std::vector<std::unique_ptr<Connection>> connections;
  std::vector<std::thread> threads;
  bool stopped = false;

  void Watch() {
    watchdog.expires_after(kWatchdogTick);
    watchdog.async_wait([this](error_code ec) {
      if (ec) return;  // cancelled: stopping
      auto now = Clock::now();
      for (auto& c : connections) c->CheckDeadline(now);
      Watch();
    });
  }
};

LoadRunner::LoadRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LoadRunner::~LoadRunner() = default;

Result<std::unique_ptr<LoadRunner>> LoadRunner::Start(const Endpoint& endpoint, int connections,
                                                      int threads, double timeout_s) {
  auto impl = std::make_unique<Impl>(threads);
  tcp::resolver resolver(impl->ioc);
  error_code ec;
  impl->endpoints = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
  if (ec) {
    return MakeError(ErrorCode::kInternal, "cannot resolve " + endpoint.host + ": " + ec.message());
  }
  impl->timeout = Seconds(timeout_s);
  for (int i = 0; i < connections; ++i) {
    impl->connections.push_back(
        std::make_unique<Connection>(impl->ioc, impl->endpoints, impl->timeout));
  }
  impl->Watch();
  for (int i = 0; i < threads; ++i) impl->threads.emplace_back([io = &impl->ioc] { io->run(); });
  return std::unique_ptr<LoadRunner>(new LoadRunner(std::move(impl)));
}

Result<HttpAnswer> LoadRunner::Send(const std::string& request) {
  if (impl_->stopped) return MakeError(ErrorCode::kInternal, "the load generator was stopped");
  std::promise<Result<HttpAnswer>> answer;
  std::future<Result<HttpAnswer>> future = answer.get_future();
  impl_->connections.front()->SendOnce(
      &request, [&answer](Result<HttpAnswer> result) { answer.set_value(std::move(result)); });
  // The connection's own deadline ends the exchange; this bound only guards against a bug.
  if (future.wait_for(impl_->timeout + std::chrono::seconds(5)) != std::future_status::ready) {
    impl_->Stop();
    impl_->stopped = true;
    return MakeError(ErrorCode::kInternal, "request did not finish within its timeout");
  }
  return future.get();
}

Result<PhaseResult> LoadRunner::RunPhase(const std::string& request, double warmup_s,
                                         double duration_s) {
  if (impl_->stopped) return MakeError(ErrorCode::kInternal, "the load generator was stopped");
  auto& connections = impl_->connections;
  Phase phase;
  phase.request = &request;
  phase.measure_start = Clock::now() + Seconds(warmup_s);
  phase.measure_end = phase.measure_start + Seconds(duration_s);
  phase.active = static_cast<int>(connections.size());
  auto reserve = static_cast<size_t>(duration_s * kReservedRequestsPerSecond /
                                     static_cast<double>(connections.size()));
  for (auto& c : connections) c->ResetStats(std::min(reserve, kMaxReservePerConnection));
  std::future<void> done = phase.done.get_future();
  for (auto& c : connections) c->StartPhase(&phase);
  // Each in-flight exchange ends by its own deadline after the window closes.
  auto bound = phase.measure_end + 2 * impl_->timeout + std::chrono::seconds(5);
  if (done.wait_until(bound) != std::future_status::ready) {
    impl_->Stop();
    impl_->stopped = true;
    return MakeError(ErrorCode::kInternal, "connections did not settle after the window");
  }
  PhaseResult result;
  result.window_s = duration_s;
  Clock::time_point first_error_at = Clock::time_point::max();
  size_t total = 0;
  for (auto& c : connections) total += c->latencies().size();
  result.latencies_ns.reserve(total);
  for (auto& c : connections) {
    result.latencies_ns.insert(result.latencies_ns.end(), c->latencies().begin(),
                               c->latencies().end());
    result.errors += c->errors();
    if (c->errors() > 0 && c->first_error_at() < first_error_at) {
      first_error_at = c->first_error_at();
      result.first_error = c->first_error();
    }
  }
  return result;
}

}  // namespace kms::bench
