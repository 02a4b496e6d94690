// Fuzz target: the router with an arbitrary X-Amz-Target operation and JSON body must answer
// every request with a well-formed response and never a 500.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "api/context.hpp"
#include "server/router.hpp"
#include "store/key_store.hpp"

namespace {
struct World {
  std::unique_ptr<kms::emulator::KeyStore> store;
  kms::emulator::Clock clock;
  std::unique_ptr<kms::emulator::Services> services;
  std::unique_ptr<kms::emulator::Router> router;
  World() {
    auto opened = kms::emulator::KeyStore::Open(":memory:");
    if (!opened) std::abort();
    store = std::move(*opened);
    services = std::make_unique<kms::emulator::Services>(kms::emulator::Services{*store, clock});
    router = std::make_unique<kms::emulator::Router>(*services, kms::emulator::RouterOptions{});
  }
};
// Operations the fuzzer picks from by the first input byte (a key is created on first use).
constexpr const char* kOps[] = {"CreateKey",
                                "DescribeKey",
                                "Encrypt",
                                "Decrypt",
                                "ReEncrypt",
                                "GenerateDataKey",
                                "ListKeys",
                                "ListAliases",
                                "CreateAlias",
                                "TagResource",
                                "UntagResource",
                                "GenerateRandom",
                                "ScheduleKeyDeletion",
                                "UpdateAlias",
                                "GenerateDataKeyWithoutPlaintext",
                                "ListResourceTags"};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  if (size == 0) return 0;
  kms::HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", std::string("TrentService.") +
                                          kOps[data[0] % (sizeof kOps / sizeof kOps[0])]}};
  request.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  kms::HttpResponse response = world.router->Handle(request);
  if (response.status >= 500 || response.Header("x-amzn-RequestId").empty()) std::abort();
  return 0;
}
