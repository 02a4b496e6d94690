// Reading a seed file (format by extension) and applying it to the key store: create what is
// missing, check what exists, never change it.
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>
#include <memory>
#include <sstream>
#include <utility>

#include "api/management.hpp"
#include "domain/asymmetric_key.hpp"
#include "domain/rotation.hpp"
#include "seed/seed.hpp"
#include "seed/seed_formats.hpp"

namespace kms::emulator::seed {
namespace {

constexpr size_t kMaxSeedFileBytes = 16 << 20;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Error Prefixed(std::string_view name, const Error& error) {
  return MakeError(error.code, "seed " + std::string(name) + ": " + error.message);
}

// What differs between an existing key and the seed's, or "" when the key is compatible.
std::string Difference(const SeedKey& seeded, const Key& existing) {
  if (existing.spec != *seeded.spec) {
    return "its KeySpec is " + std::string(ToString(existing.spec)) + ", the seed says " +
           std::string(ToString(*seeded.spec));
  }
  if (existing.usage != *seeded.usage) {
    return "its KeyUsage is " + std::string(ToString(existing.usage)) + ", the seed says " +
           std::string(ToString(*seeded.usage));
  }
  for (const SeedMaterial& m : seeded.materials) {
    const KeyMaterial* have = existing.FindMaterial(*m.id);
    if (have == nullptr) return "it has no key material " + *m.id + " (" + m.where + ")";
    if (have->bytes == nullptr || !have->bytes->Equals(m.bytes.span())) {
      return "its key material " + *m.id + " differs from " + m.where;
    }
  }
  return "";
}

Status AddMaterials(const SeedKey& s, Key& key) {
  for (size_t i = 0; i < s.materials.size(); ++i) {
    const SeedMaterial& m = s.materials[i];
    KeyMaterial material;
    material.id = *m.id;
    material.bytes = std::make_shared<const internal::SecretBytes>(m.bytes.Clone());
    material.created_ms = m.created_ms.value_or(key.creation_ms);
    if (i > 0) {
      key.rotations.push_back(Rotation{material.id, m.rotation.value_or(RotationType::kAutomatic),
                                       material.created_ms});
    }
    key.materials.push_back(std::move(material));
  }
  if (key.materials.empty() && s.origin == Origin::kAwsKms) {
    auto fresh = NewKeyMaterial(key.spec, key.creation_ms);
    if (!fresh) return fresh.error();
    key.materials.push_back(std::move(*fresh));
  }
  if (!key.materials.empty()) key.current_material_id = key.materials.back().id;
  return {};
}

Result<Key> BuildKey(const SeedKey& s, int64_t now_ms) {
  Key key;
  key.account = s.account;
  key.region = s.region;
  key.id = s.id;
  key.description = s.description;
  key.spec = *s.spec;
  key.usage = *s.usage;
  key.origin = s.origin;
  key.manager = KeyManager::kCustomer;
  key.state = *s.state;
  key.creation_ms = s.creation_ms.value_or(now_ms);
  if (key.state == KeyState::kPendingDeletion) {
    key.deletion_ms = s.deletion_ms;
    key.pending_window_days = s.pending_window_days;
  }
  key.policy = s.policy ? *s.policy : DefaultKeyPolicy(s.account);
  key.tags = s.tags;
  key.multi_region = IsMultiRegionKeyId(s.id);
  if (key.multi_region) key.primary_region = s.region;  // a seeded mrk- key is a primary
  if (Status added = AddMaterials(s, key); !added) return added.error();
  if (s.rotation_period_days) {
    key.rotation_period_days = *s.rotation_period_days;
    key.next_rotation_ms =
        s.next_rotation_ms.value_or(now_ms + *s.rotation_period_days * kRotationDayMs);
  }
  return key;
}

Status CreateAliases(KeyStore& store, const SeedKey& s, int64_t now_ms, SeedOutcome& outcome,
                     std::string_view name) {
  for (const std::string& alias_name : s.aliases) {
    auto existing = store.FindAlias(s.account, s.region, alias_name);
    if (existing) {
      if (existing->target_key_id != s.id) {
        outcome.warnings.push_back("seed " + std::string(name) + ": " + s.where + ": " +
                                   alias_name + " already points at key " +
                                   existing->target_key_id + "; left as it is");
      }
      continue;
    }
    Alias alias{s.account, s.region, alias_name, s.id, now_ms, now_ms};
    if (Status created = store.CreateAlias(alias); !created) return created;
    ++outcome.aliases_created;
  }
  return {};
}

}  // namespace

Result<Seed> ParseSeed(std::string_view name, std::string_view text, const SeedDefaults& defaults) {
  std::string lower = Lower(name);
  Result<std::vector<SeedKey>> keys = std::vector<SeedKey>();
  if (lower.ends_with(".json")) {
    keys = ReadJsonSeed(text, defaults);
  } else if (lower.ends_with(".yaml") || lower.ends_with(".yml")) {
    keys = ReadLocalKmsYaml(text, defaults);
  } else {
    return MakeError(ErrorCode::kValidation,
                     "seed " + std::string(name) +
                         ": the file name must end in .json (our format) or .yaml/.yml "
                         "(local-kms's format)");
  }
  if (!keys) return Prefixed(name, keys.error());
  return Seed{std::string(name), std::move(*keys)};
}

Result<Seed> LoadSeedFile(const std::string& path, const SeedDefaults& defaults) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kValidation,
                     "seed " + path + ": cannot read: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return MakeError(ErrorCode::kValidation, "seed " + path + ": cannot read");
  if (text.str().size() > kMaxSeedFileBytes) {
    return MakeError(ErrorCode::kValidation, "seed " + path + ": larger than 16 MiB");
  }
  return ParseSeed(path, text.str(), defaults);
}

Result<SeedOutcome> ApplySeed(KeyStore& store, const Seed& seed, int64_t now_ms) {
  SeedOutcome outcome;
  std::vector<const SeedKey*> missing;
  for (const SeedKey& s : seed.keys) {  // every conflict is found before anything is written
    auto existing = store.FindKey(s.account, s.region, s.id);
    if (!existing) {
      missing.push_back(&s);
      continue;
    }
    std::string difference = Difference(s, *existing);
    if (!difference.empty()) {
      return MakeError(ErrorCode::kAlreadyExists, "seed " + seed.name + ": " + s.where +
                                                      ": conflicts with the existing key " +
                                                      existing->Arn() + ": " + difference);
    }
    ++outcome.keys_present;
  }
  for (const SeedKey* s : missing) {
    auto key = BuildKey(*s, now_ms);
    if (!key) return Prefixed(seed.name, key.error());
    if (Status created = store.CreateKey(*key); !created)
      return Prefixed(seed.name, created.error());
    ++outcome.keys_created;
  }
  for (const SeedKey& s : seed.keys) {
    if (Status aliases = CreateAliases(store, s, now_ms, outcome, seed.name); !aliases) {
      return Prefixed(seed.name, aliases.error());
    }
  }
  return outcome;
}

}  // namespace kms::emulator::seed
