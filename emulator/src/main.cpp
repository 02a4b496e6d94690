// kms-emulator: parses flags, opens the key store, serves HTTP until SIGINT/SIGTERM, then
// finishes in-flight requests, closes the database and exits 0.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "config.hpp"
#include "domain/clock.hpp"
#include "server/listener.hpp"
#include "server/router.hpp"
#include "store/key_store.hpp"

namespace {

namespace net = boost::asio;
using kms::emulator::Config;

constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;
// After SIGTERM, in-flight requests get this long to finish before the process stops anyway.
constexpr std::chrono::milliseconds kShutdownGrace{1000};
constexpr std::chrono::seconds kExpiryInterval{1};

// Flags the contract names but this version does not implement yet: refusing them beats
// silently running without TLS, verification or seeding.
const char* Unimplemented(const Config& config) {
  if (config.auth != "none") return "--auth sigv4 is not implemented yet (only --auth none)";
  if (!config.credentials.empty()) return "--credentials is not implemented yet";
  if (!config.seed.empty()) return "--seed is not implemented yet";
  if (!config.tls_cert.empty() || !config.tls_key.empty()) {
    return "--tls-cert/--tls-key are not implemented yet";
  }
  if (!config.audit_log.empty()) return "--audit-log is not implemented yet";
  return nullptr;
}

// Deletes keys whose deletion date has passed, every second, so scheduled deletion happens.
void ScheduleExpiry(net::steady_timer& timer, kms::emulator::Services& services) {
  timer.expires_after(kExpiryInterval);
  timer.async_wait([&timer, &services](boost::system::error_code ec) {
    if (ec) return;  // cancelled: shutting down
    auto deleted = services.store.DeleteExpiredKeys(services.clock.NowMs());
    if (!deleted) {
      std::fprintf(stderr, "kms-emulator: deleting expired keys failed: %s\n",
                   deleted.error().message.c_str());
    }
    ScheduleExpiry(timer, services);
  });
}

std::string Url(const net::ip::tcp::endpoint& endpoint) {
  std::string host = endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(endpoint.port());
}

// One-shot flag set by the signal handler (on an io thread) and awaited by main.
class StopRequest {
 public:
  void Set() {
    std::lock_guard lock(mutex_);
    set_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return set_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool set_ = false;
};

// Runs the io_context on `threads` threads until `stop` is set, then gives in-flight requests
// kShutdownGrace to finish before stopping the rest.
void RunUntilStopped(net::io_context& ioc, kms::emulator::Listener& listener, StopRequest& stop,
                     unsigned threads) {
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  stop.Wait();
  if (!listener.WaitIdle(kShutdownGrace)) {
    std::fprintf(stderr, "kms-emulator: closing connections still busy after %lld ms\n",
                 static_cast<long long>(kShutdownGrace.count()));
  }
  ioc.stop();
  for (auto& thread : pool) thread.join();
  std::fprintf(stderr, "kms-emulator: stopped\n");
}

int Serve(const Config& config) {
  auto store = kms::emulator::KeyStore::Open(config.db);
  if (!store) {
    std::fprintf(stderr, "kms-emulator: cannot open database %s: %s\n", config.db.c_str(),
                 store.error().message.c_str());
    return kExitFailure;
  }
  kms::emulator::Clock clock;
  kms::emulator::Services services{**store, clock};
  kms::emulator::Router router(services, {config.region, config.account_id});
  unsigned threads = config.threads != 0 ? config.threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;

  net::io_context ioc(static_cast<int>(threads));
  auto listener = kms::emulator::Listener::Open(ioc, router, config.host, config.port, {});
  if (!listener) {
    std::fprintf(stderr, "kms-emulator: %s\n", listener.error().message.c_str());
    return kExitFailure;
  }
  auto control = net::make_strand(ioc);  // serializes the signal and the expiry timer
  net::signal_set signals(control, SIGINT, SIGTERM);
  net::steady_timer expiry(control);
  StopRequest stop;
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    (*listener)->Stop();
    expiry.cancel();
    stop.Set();
  });

  std::printf("kms-emulator listening on %s\n", Url((*listener)->LocalEndpoint()).c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "kms-emulator: region %s, account %s, database %s, %u threads\n",
               config.region.c_str(), config.account_id.c_str(), config.db.c_str(), threads);

  (*listener)->Start();
  ScheduleExpiry(expiry, services);
  RunUntilStopped(ioc, **listener, stop, threads);
  return 0;  // the store closes SQLite as it goes out of scope, after the io_context
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    auto config =
        kms::emulator::ParseConfig(args, [](const char* name) { return std::getenv(name); });
    if (!config) {
      std::fprintf(stderr, "kms-emulator: %s\nRun 'kms-emulator --help' for usage.\n",
                   config.error().message.c_str());
      return kExitUsage;
    }
    if (config->help) {
      std::fputs(kms::emulator::Usage().c_str(), stdout);
      return 0;
    }
    if (const char* missing = Unimplemented(*config)) {
      std::fprintf(stderr, "kms-emulator: %s\n", missing);
      return kExitUsage;
    }
    return Serve(*config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kms-emulator: fatal: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "kms-emulator: fatal: unknown exception\n");
  }
  return kExitFailure;
}
