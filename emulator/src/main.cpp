// kms-emulator: parses flags, loads the callers and the TLS certificate, opens the key store,
// serves HTTP or HTTPS until SIGINT/SIGTERM, then finishes in-flight requests, closes the
// database and exits 0. Bad flags exit 2; files that cannot be used (credentials, certificate,
// database, address, seed) exit 1, each with one line on stderr.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api/lifecycle.hpp"
#include "audit/audit_log.hpp"
#include "config.hpp"
#include "domain/clock.hpp"
#include "seed/seed.hpp"
#include "server/admin.hpp"
#include "server/credentials_file.hpp"
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

// The --seed file, parsed and validated before the database is touched; null without --seed.
kms::Result<std::shared_ptr<const kms::emulator::seed::Seed>> LoadSeed(const Config& config) {
  if (config.seed.empty()) return std::shared_ptr<const kms::emulator::seed::Seed>();
  auto seed = kms::emulator::seed::LoadSeedFile(config.seed, {config.account_id, config.region});
  if (!seed) return seed.error();
  return std::make_shared<const kms::emulator::seed::Seed>(std::move(*seed));
}

// Creates the seed's missing keys and aliases; existing ones stay as they are.
kms::Status ApplySeed(const kms::emulator::seed::Seed* seed, kms::emulator::Services& services) {
  if (seed == nullptr) return {};
  auto outcome = kms::emulator::seed::ApplySeed(services.store, *seed, services.clock.NowMs());
  if (!outcome) return outcome.error();
  for (const std::string& warning : outcome->warnings) {
    std::fprintf(stderr, "kms-emulator: %s\n", warning.c_str());
  }
  std::fprintf(stderr,
               "kms-emulator: seed %s: %zu keys created, %zu already there, %zu aliases "
               "created\n",
               seed->name.c_str(), outcome->keys_created, outcome->keys_present,
               outcome->aliases_created);
  return {};
}

// The audit trail (--audit on): in the key store's database, and --audit-log when given.
kms::Result<std::unique_ptr<kms::emulator::AuditLog>> OpenAudit(const Config& config,
                                                                const kms::emulator::Clock& clock) {
  if (!config.audit) return std::unique_ptr<kms::emulator::AuditLog>();
  kms::emulator::AuditOptions options;
  options.db_path = config.db;
  options.log_path = config.audit_log;
  options.retention_days = config.audit_retention_days;
  options.max_events = config.audit_max_events;
  return kms::emulator::AuditLog::Open(options, clock);
}

// The router's caller settings: --auth, and the --credentials file when one is given.
kms::Result<kms::emulator::AuthConfig> LoadAuth(const Config& config) {
  kms::emulator::AuthConfig auth;
  auth.mode =
      config.auth == "sigv4" ? kms::emulator::AuthMode::kSigV4 : kms::emulator::AuthMode::kNone;
  if (config.credentials.empty()) return auth;
  auto callers = kms::emulator::CallerDirectory::Load(config.credentials, config.account_id);
  if (!callers) return callers.error();
  auth.callers = std::make_shared<const kms::emulator::CallerDirectory>(std::move(*callers));
  return auth;
}

// The TLS context for --tls-cert/--tls-key, or null for plain HTTP.
kms::Result<std::shared_ptr<net::ssl::context>> LoadTls(const Config& config) {
  if (config.tls_cert.empty()) return std::shared_ptr<net::ssl::context>();
  return kms::emulator::MakeTlsContext(config.tls_cert, config.tls_key);
}

// Every second: deletes keys whose deletion date has passed, rotates keys whose automatic
// rotation is due and deletes imported key material whose ValidTo has passed, so all happen on
// the emulator clock.
void ScheduleExpiry(net::steady_timer& timer, kms::emulator::Services& services) {
  timer.expires_after(kExpiryInterval);
  timer.async_wait([&timer, &services](boost::system::error_code ec) {
    if (ec) return;  // cancelled: shutting down
    auto deleted = services.store.DeleteExpiredKeys(services.clock.NowMs());
    if (!deleted) {
      std::fprintf(stderr, "kms-emulator: deleting expired keys failed: %s\n",
                   deleted.error().message.c_str());
    }
    auto rotated = kms::emulator::RotateDueKeys(services.store, services.clock.NowMs());
    if (!rotated) {
      std::fprintf(stderr, "kms-emulator: automatic key rotation failed: %s\n",
                   rotated.error().message.c_str());
    }
    auto expired = kms::emulator::ExpireImportedMaterial(services.store, services.clock.NowMs());
    if (!expired) {
      std::fprintf(stderr, "kms-emulator: expiring imported key material failed: %s\n",
                   expired.error().message.c_str());
    }
    ScheduleExpiry(timer, services);
  });
}

std::string Url(const net::ip::tcp::endpoint& endpoint, bool tls) {
  std::string host = endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  return (tls ? "https://" : "http://") + host + ":" + std::to_string(endpoint.port());
}

void LogStart(const Config& config, const kms::emulator::AuthConfig& auth, unsigned threads) {
  std::string callers = auth.callers ? std::to_string(auth.callers->size()) + " callers" : "none";
  std::fprintf(stderr,
               "kms-emulator: region %s, account %s, database %s, %u threads, auth %s "
               "(credentials: %s)\n",
               config.region.c_str(), config.account_id.c_str(), config.db.c_str(), threads,
               config.auth.c_str(), callers.c_str());
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

// The I/O threads: one io_context each, run by that thread alone. A connection lives on one of
// them, so its handlers run in order without a strand (whose locking and polymorphic executor
// copies cost more per request than routing it), and each thread waits in its own epoll.
class IoThreads {
 public:
  explicit IoThreads(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) {
      contexts_.push_back(std::make_unique<net::io_context>(1));
      guards_.push_back(net::make_work_guard(*contexts_.back()));
    }
  }
  // The first context also runs the listener, the signals and the expiry timer.
  net::io_context& Main() { return *contexts_.front(); }
  std::vector<net::any_io_executor> Executors() {
    std::vector<net::any_io_executor> out;
    for (auto& context : contexts_) out.push_back(context->get_executor());
    return out;
  }

  // Runs every context on its thread until `stop` is set, then gives in-flight requests
  // kShutdownGrace to finish before stopping the rest.
  void RunUntilStopped(kms::emulator::Listener& listener, StopRequest& stop) {
    std::vector<std::thread> pool;
    for (auto& context : contexts_) pool.emplace_back([&context] { context->run(); });
    stop.Wait();
    if (!listener.WaitIdle(kShutdownGrace)) {
      std::fprintf(stderr, "kms-emulator: closing connections still busy after %lld ms\n",
                   static_cast<long long>(kShutdownGrace.count()));
    }
    guards_.clear();
    for (auto& context : contexts_) context->stop();
    for (auto& thread : pool) thread.join();
    std::fprintf(stderr, "kms-emulator: stopped\n");
  }

 private:
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
};

int Serve(const Config& config) {
  auto auth = LoadAuth(config);
  if (!auth) {
    std::fprintf(stderr, "kms-emulator: %s\n", auth.error().message.c_str());
    return kExitFailure;
  }
  auto tls = LoadTls(config);
  if (!tls) {
    std::fprintf(stderr, "kms-emulator: %s\n", tls.error().message.c_str());
    return kExitFailure;
  }
  auto seed = LoadSeed(config);
  if (!seed) {
    std::fprintf(stderr, "kms-emulator: %s\n", seed.error().message.c_str());
    return kExitFailure;
  }
  auto store = kms::emulator::KeyStore::Open(config.db);
  if (!store) {
    std::fprintf(stderr, "kms-emulator: cannot open database %s: %s\n", config.db.c_str(),
                 store.error().message.c_str());
    return kExitFailure;
  }
  kms::emulator::Clock clock;
  auto audit = OpenAudit(config, clock);  // declared after the store: closed before it
  if (!audit) {
    std::fprintf(stderr, "kms-emulator: %s\n", audit.error().message.c_str());
    return kExitFailure;
  }
  kms::emulator::Services services{**store, clock, audit->get()};
  if (auto seeded = ApplySeed(seed->get(), services); !seeded) {
    std::fprintf(stderr, "kms-emulator: %s\n", seeded.error().message.c_str());
    return kExitFailure;
  }
  kms::emulator::RouterOptions router_options{config.region, config.account_id, *auth};
  if (kms::emulator::AdminEnabled(config)) {
    router_options.admin = std::make_shared<kms::emulator::AdminEndpoint>(services, *seed);
  }
  kms::emulator::Router router(services, std::move(router_options));
  unsigned threads = config.threads != 0 ? config.threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;

  IoThreads io(threads);
  net::io_context& ioc = io.Main();
  auto listener = kms::emulator::Listener::Open(ioc, router, config.host, config.port, {},
                                                std::move(*tls), io.Executors());
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

  std::printf("kms-emulator listening on %s\n",
              Url((*listener)->LocalEndpoint(), (*listener)->IsTls()).c_str());
  std::fflush(stdout);
  LogStart(config, *auth, threads);

  (*listener)->Start();
  ScheduleExpiry(expiry, services);
  io.RunUntilStopped(**listener, stop);
  if (*audit) (*audit)->Close();  // every queued event written before the database closes
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
    if (auto combination = kms::emulator::CheckFlagCombinations(*config); !combination) {
      std::fprintf(stderr, "kms-emulator: %s\nRun 'kms-emulator --help' for usage.\n",
                   combination.error().message.c_str());
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
