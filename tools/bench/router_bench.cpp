// kms-router-bench: what one request costs the emulator's own code, without sockets. Drives the
// real Router (key store, handlers, audit trail) in-process from N threads and prints CPU time per
// request, split into the request threads and the audit writer, so changes to the request path or
// the audit trail are measured without the kernel's loopback TCP or a load generator's noise.
// usage: kms-router-bench [--op GenerateDataKey|Decrypt|Encrypt] [--requests N] [--threads N]
//                         [--audit on|off] [--db PATH]   (default: a new file in $TMPDIR)
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.hpp"
#include "server/router.hpp"
#include "store/key_store.hpp"

namespace {

using namespace kms::emulator;

struct Options {
  std::string op = "GenerateDataKey";
  long requests = 200'000;
  int threads = 1;
  bool audit = true;
  std::string db;  // empty: a fresh file
};

[[noreturn]] void Usage(const char* message) {
  std::fprintf(stderr,
               "kms-router-bench: %s\nusage: kms-router-bench [--op GenerateDataKey|Decrypt|"
               "Encrypt] [--requests N] [--threads N] [--audit on|off] [--db PATH]\n",
               message);
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) Usage(("missing value for " + flag).c_str());
    std::string value = argv[++i];
    if (flag == "--op") {
      o.op = value;
    } else if (flag == "--requests") {
      o.requests = std::atol(value.c_str());
    } else if (flag == "--threads") {
      o.threads = std::atoi(value.c_str());
    } else if (flag == "--audit") {
      o.audit = value == "on";
      if (value != "on" && value != "off") Usage("--audit takes on or off");
    } else if (flag == "--db") {
      o.db = value;
    } else {
      Usage(("unknown flag " + flag).c_str());
    }
  }
  if (o.op != "GenerateDataKey" && o.op != "Decrypt" && o.op != "Encrypt") Usage("unknown --op");
  if (o.requests <= 0 || o.threads <= 0) Usage("--requests and --threads must be positive");
  return o;
}

kms::HttpRequest Request(const std::string& op, std::string body) {
  kms::HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.remote_address = "127.0.0.1";
  request.headers = {
      {"Host", "127.0.0.1:4599"},
      {"Content-Type", "application/x-amz-json-1.1"},
      {"X-Amz-Target", "TrentService." + op},
      {"User-Agent",
       "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.debian.12 prompt/off "
       "command/kms.generate-data-key"},
      {"X-Amz-Date", "20240101T000000Z"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/kms/aws4_request, "
       "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" +
           std::string(64, '0')}};
  request.body = std::move(body);
  return request;
}

std::string Member(const std::string& json, const char* name) {
  boost::json::value v = boost::json::parse(json);
  return std::string(v.as_object().at(name).as_string());
}

double CpuSeconds(int who) {
  rusage usage{};
  ::getrusage(who, &usage);
  auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  std::filesystem::path dir;
  if (o.db.empty()) {
    dir =
        std::filesystem::temp_directory_path() / ("kms-router-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    o.db = (dir / "kms.db").string();
  }
  auto store = KeyStore::Open(o.db);
  if (!store) Usage(("cannot open the key store: " + store.error().message).c_str());
  Clock clock;
  std::unique_ptr<AuditLog> audit;
  if (o.audit) {
    AuditOptions audit_options;
    audit_options.db_path = o.db;
    auto opened = AuditLog::Open(audit_options, clock);
    if (!opened) Usage(opened.error().message.c_str());
    audit = std::move(*opened);
  }
  Services services{**store, clock, audit.get()};
  Router router(services, RouterOptions{});

  boost::json::value created =
      boost::json::parse(router.Handle(Request("CreateKey", R"({"Description":"bench"})")).body);
  std::string key = std::string(created.at("KeyMetadata").at("KeyId").as_string());
  std::string body;
  std::string context = R"("EncryptionContext":{"purpose":"bench","tenant":"t-0001"})";
  if (o.op == "GenerateDataKey") {
    body = R"({"KeyId":")" + key + R"(","KeySpec":"AES_256",)" + context + "}";
  } else if (o.op == "Encrypt") {
    body = R"({"KeyId":")" + key + R"(","Plaintext":")" + std::string(43, 'A') + R"(=",)" +
           context + "}";
  } else {
    std::string encrypt = R"({"KeyId":")" + key + R"(","Plaintext":")" + std::string(43, 'A') +
                          R"(=",)" + context + "}";
    std::string blob = Member(router.Handle(Request("Encrypt", encrypt)).body, "CiphertextBlob");
    body = R"({"CiphertextBlob":")" + blob + R"(",)" + context + "}";
  }
  kms::HttpRequest request = Request(o.op, body);
  if (audit) (void)audit->Flush();

  std::atomic<long> failures{0};
  double cpu0 = CpuSeconds(RUSAGE_SELF);
  auto wall0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::vector<double> thread_cpu(static_cast<size_t>(o.threads));
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back([&, t] {
      double start = CpuSeconds(RUSAGE_THREAD);
      long n = o.requests / o.threads + (t < o.requests % o.threads ? 1 : 0);
      for (long i = 0; i < n; ++i) {
        if (router.Handle(request).status != 200) failures.fetch_add(1);
      }
      thread_cpu[static_cast<size_t>(t)] = CpuSeconds(RUSAGE_THREAD) - start;
    });
  }
  for (auto& thread : threads) thread.join();
  auto handled = std::chrono::steady_clock::now();
  if (audit) {
    if (auto flushed = audit->Flush(); !flushed) {
      std::fprintf(stderr, "kms-router-bench: audit flush: %s\n", flushed.error().message.c_str());
      return 1;
    }
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  double handled_wall = std::chrono::duration<double>(handled - wall0).count();
  double total = CpuSeconds(RUSAGE_SELF) - cpu0;
  double request_cpu = 0;
  for (double c : thread_cpu) request_cpu += c;
  double per = 1e6 / static_cast<double>(o.requests);
  std::printf(
      "%s audit %s, %ld requests, %d thread(s): %.2f us CPU/request (request threads %.2f, "
      "audit writer and other %.2f); %.0f req/s handled, %.0f req/s incl. audit flush; "
      "%ld failed\n",
      o.op.c_str(), o.audit ? "on" : "off", o.requests, o.threads, total * per, request_cpu * per,
      (total - request_cpu) * per, static_cast<double>(o.requests) / handled_wall,
      static_cast<double>(o.requests) / wall, failures.load());
  audit.reset();
  store->reset();
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return failures.load() == 0 ? 0 : 1;
}
