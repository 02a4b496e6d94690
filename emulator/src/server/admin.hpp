// The emulator's admin endpoint, /_emulator/... on the KMS port: not part of the KMS API, plain
// JSON in and out. Moves the clock (and runs the lifecycle sweep at once), exports the state as a
// seed file and resets it. Beast-free: method, path and body in, status and body out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <kms/result.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "api/context.hpp"
#include "seed/seed.hpp"

namespace kms::emulator {

// Path prefix of every admin request.
inline constexpr std::string_view kAdminPrefix = "/_emulator";

struct AdminResponse {
  int status = 200;
  std::string body;  // JSON; errors are {"message": "..."}
};

// What one lifecycle sweep did.
struct SweepResult {
  size_t deleted_keys = 0;
  size_t rotated_keys = 0;
  size_t expired_materials = 0;  // keys whose imported material expired
};

// The sweep the server's 1-second timer runs: deletes keys whose deletion date is at or before
// `now_ms`, rotates keys whose automatic rotation is due and expires imported key material whose
// ValidTo has passed. The first store error. Thread-safe.
Result<SweepResult> RunLifecycleSweep(KeyStore& store, int64_t now_ms);

class AdminEndpoint {
 public:
  // `seed`: the --seed file, applied again after a reset; null when there is none.
  AdminEndpoint(Services& services, std::shared_ptr<const seed::Seed> seed)
      : services_(services), seed_(std::move(seed)) {}

  // True for "/_emulator" and every path under it. Pure.
  static bool Claims(std::string_view path);

  // Serves one admin request (`path` without the query string):
  //   GET  /_emulator/clock  -> 200 {"now": ISO 8601, "offsetSeconds": N}
  //   POST /_emulator/clock  {"advanceSeconds": N} or {"advanceDays": N} (N >= 0) -> the clock,
  //        then the lifecycle sweep at once: 200 {"now", "offsetSeconds", "deletedKeys",
  //        "rotatedKeys"}
  //   GET  /_emulator/seed   -> 200 the state as a seed JSON document (seed::ExportSeed)
  //   POST /_emulator/reset  -> deletes every key, alias and grant (the audit trail and clock
  //        stay), applies the --seed file again: 200 {"deletedKeys": N, "seededKeys": M}
  // Errors: 400 (body), 404 (no such admin path), 405 (method), 500 (store failure), each
  // {"message": "..."}. Thread-safe.
  AdminResponse Handle(std::string_view method, std::string_view path, std::string_view body);

 private:
  AdminResponse GetClock() const;
  AdminResponse AdvanceClock(std::string_view body);
  AdminResponse Reset();

  Services& services_;
  std::shared_ptr<const seed::Seed> seed_;
};

// {"message": "<message>"} with `status`. Pure.
AdminResponse AdminError(int status, std::string_view message);

}  // namespace kms::emulator
