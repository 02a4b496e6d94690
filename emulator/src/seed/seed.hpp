// Seed files (--seed FILE, README "Seeding"): keys with fixed ids and key material, their aliases,
// tags and rotation, created at start-up. Two formats, chosen by the file's extension: our JSON
// format (.json, also what GET /_emulator/seed exports) and local-kms's seed YAML (.yaml/.yml).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <kms/types.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/key.hpp"
#include "store/key_store.hpp"

namespace kms::emulator::seed {

// One version of a key's material as the seed gives it.
struct SeedMaterial {
  std::string where;              // for messages: "materials[1]", "BackingKeys[0]", "PrivateKeyPem"
  std::optional<std::string> id;  // 64 lower-case hex; derived when absent
  internal::SecretBytes bytes;    // raw (symmetric, HMAC) or PKCS#8 DER (key pairs)
  std::optional<KeySpec> pem_spec;       // the key spec of a PEM private key
  std::optional<int64_t> created_ms;     // default: the key's creation date
  std::optional<RotationType> rotation;  // how it became current (not the first material)
};

struct SeedKey {
  std::string where;  // for messages: "keys[0] (<id>)", "Keys.Symmetric.Aes[0] (<id>)"
  std::string id;
  std::string account;
  std::string region;
  std::optional<KeySpec> spec;    // default: SYMMETRIC_DEFAULT, or the PEM's spec
  std::optional<KeyUsage> usage;  // default: the spec's natural usage
  Origin origin = Origin::kAwsKms;
  std::string description;
  std::optional<KeyState> state;       // default Enabled (PendingImport: EXTERNAL, no material)
  std::optional<int64_t> deletion_ms;  // PendingDeletion only
  int pending_window_days = 30;
  std::optional<int64_t> creation_ms;  // default: when the seed is applied
  std::optional<std::string> policy;   // default: AWS's default key policy
  std::vector<Tag> tags;
  std::vector<std::string> aliases;
  std::optional<int> rotation_period_days;  // set: automatic rotation enabled
  std::optional<int64_t> next_rotation_ms;  // default: one period after the seed is applied
  std::vector<SeedMaterial> materials;      // oldest first, the last one current
};

struct Seed {
  std::string name;  // the file name, for messages
  std::vector<SeedKey> keys;
};

// Where keys go when the seed does not say.
struct SeedDefaults {
  std::string account;
  std::string region;
};

// Parses and validates seed text; `name` picks the format (.json, .yaml, .yml) and prefixes
// every message. kValidation error "seed <name>: <where>: <field>: <problem>", e.g.
// "seed s.json: keys[0] (1234abcd-...): keySpec: must be one of SYMMETRIC_DEFAULT, ...". Pure.
Result<Seed> ParseSeed(std::string_view name, std::string_view text, const SeedDefaults& defaults);

// Reads `path` and ParseSeed()s it. kValidation error "seed <path>: cannot read: <reason>" when
// the file cannot be read. Thread-safe.
Result<Seed> LoadSeedFile(const std::string& path, const SeedDefaults& defaults);

// What ApplySeed did.
struct SeedOutcome {
  size_t keys_created = 0;
  size_t keys_present = 0;  // already there and compatible: left untouched
  size_t aliases_created = 0;
  std::vector<std::string> warnings;  // e.g. an alias that exists with another target
};

// Creates the seed's keys and aliases that are missing, at `now_ms`; never changes what exists,
// so applying the same seed again changes nothing. An existing key must be compatible (same key
// spec and usage, and every seeded material present with the same bytes), else kAlreadyExists
// "seed <name>: <where>: conflicts with the existing key <arn>: <difference>" and nothing is
// written. An alias that exists with another target is kept and reported in `warnings`.
// Thread-safe (store writes are serialized), but meant for start-up and admin reset.
Result<SeedOutcome> ApplySeed(KeyStore& store, const Seed& seed, int64_t now_ms);

// The whole store (every account and region) as a seed JSON document that ParseSeed reads back
// into the same keys, materials, aliases, tags, policies, states and rotation schedules.
// Keys of another origin than AWS_KMS/EXTERNAL are exported as their material says. Thread-safe.
boost::json::object ExportSeed(const KeyStore& store);

}  // namespace kms::emulator::seed
