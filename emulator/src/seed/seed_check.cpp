// Format-independent rules for seeded keys.
#include "seed/seed_check.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "domain/asymmetric_key.hpp"
#include "domain/policy.hpp"
#include "domain/rotation.hpp"
#include "seed/seed_values.hpp"

namespace kms::emulator::seed {
namespace {

constexpr size_t kMaxTags = 50;
constexpr size_t kMaxAliases = 50;
constexpr size_t kMaxDescription = 8192;
constexpr size_t kMaxAliasName = 256;

std::string SpecName(KeySpec spec) { return std::string(ToString(spec)); }

Status CheckSpec(const SeedKey& key, KeySpec spec, const FieldNames& names) {
  if (IsMlDsaSpec(spec)) {
    return FieldError(key.where, names.spec,
                      SpecName(spec) +
                          " is not supported by this emulator (OpenSSL 3.0 has no "
                          "ML-DSA)");
  }
  if (spec == KeySpec::kSm2 && !Sm2Available(key.region)) {
    return FieldError(key.where, names.spec,
                      "SM2 keys exist only in the China Regions (cn-*), not in " + key.region);
  }
  return {};
}

// Defaults and the KeySpec x KeyUsage rule.
Status ResolveSpecAndUsage(SeedKey& key, const FieldNames& names) {
  if (!key.spec) {
    const SeedMaterial* first = key.materials.empty() ? nullptr : &key.materials.front();
    key.spec = first != nullptr && first->pem_spec ? *first->pem_spec : KeySpec::kSymmetricDefault;
  }
  if (Status spec = CheckSpec(key, *key.spec, names); !spec) return spec;
  if (!key.usage) key.usage = DefaultUsage(*key.spec);
  if (!key.usage) {
    return FieldError(
        key.where, names.usage,
        "required for " + SpecName(*key.spec) + " keys: ENCRYPT_DECRYPT or SIGN_VERIFY");
  }
  if (!UsageFitsSpec(*key.spec, *key.usage)) {
    return FieldError(key.where, names.usage,
                      std::string(ToString(*key.usage)) + " is not compatible with " +
                          SpecName(*key.spec) + " keys");
  }
  return {};
}

Status CheckMaterial(const SeedKey& key, const SeedMaterial& m, const FieldNames& names) {
  KeySpec spec = *key.spec;
  size_t size = SecretMaterialSize(spec);
  if (size == 0) {
    if (!m.pem_spec) {
      return FieldError(key.where, m.where,
                        "a " + SpecName(spec) + " key takes a PEM private key (pem)");
    }
    if (*m.pem_spec != spec) {
      return FieldError(key.where, m.where,
                        "the PEM key is " + SpecName(*m.pem_spec) + " but " +
                            std::string(names.spec) + " is " + SpecName(spec));
    }
    return {};
  }
  if (m.pem_spec) {
    return FieldError(key.where, m.where,
                      "a " + SpecName(spec) + " key takes " + std::to_string(size) +
                          " bytes of raw material, not a PEM key");
  }
  if (m.bytes.size() != size) {
    return FieldError(key.where, m.where,
                      "a " + SpecName(spec) + " key takes " + std::to_string(size) +
                          " bytes of material, not " + std::to_string(m.bytes.size()));
  }
  return {};
}

Status CheckMaterials(SeedKey& key, const FieldNames& names) {
  if (key.materials.size() > 1 && *key.spec != KeySpec::kSymmetricDefault) {
    return FieldError(key.where, names.materials,
                      "a " + SpecName(*key.spec) +
                          " key has one key material (only SYMMETRIC_DEFAULT keys rotate)");
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < key.materials.size(); ++i) {
    SeedMaterial& m = key.materials[i];
    if (Status ok = CheckMaterial(key, m, names); !ok) return ok;
    if (!m.id) m.id = DerivedMaterialId(key.id, m.bytes.span());
    if (!ids.insert(*m.id).second) {
      return FieldError(key.where, m.where, "key material id " + *m.id + " appears twice");
    }
    if (i == 0 && m.rotation) {
      return FieldError(key.where, m.where,
                        "rotationType: the first key material was not made by a rotation");
    }
  }
  return {};
}

Status CheckStateAndOrigin(SeedKey& key, const FieldNames& names) {
  if (key.origin != Origin::kAwsKms && key.origin != Origin::kExternal) {
    return FieldError(key.where, names.origin, "must be AWS_KMS or EXTERNAL");
  }
  if (key.origin == Origin::kExternal && *key.spec != KeySpec::kSymmetricDefault) {
    return FieldError(key.where, names.origin, "EXTERNAL keys in a seed must be SYMMETRIC_DEFAULT");
  }
  if (key.materials.empty() && key.origin == Origin::kExternal) {
    if (key.state) {
      return FieldError(key.where, names.state,
                        "an EXTERNAL key without key material is PendingImport");
    }
    key.state = KeyState::kPendingImport;
  }
  if (!key.state) key.state = KeyState::kEnabled;
  if (key.deletion_ms.has_value() != (*key.state == KeyState::kPendingDeletion)) {
    return FieldError(key.where, "deletionDate",
                      "required with state PendingDeletion, and only with it");
  }
  return {};
}

Status CheckRotation(const SeedKey& key, const FieldNames& names) {
  if (!key.rotation_period_days) return {};
  if (*key.spec != KeySpec::kSymmetricDefault || key.origin != Origin::kAwsKms) {
    return FieldError(key.where, names.rotation,
                      "only SYMMETRIC_DEFAULT keys of origin AWS_KMS rotate automatically");
  }
  int days = *key.rotation_period_days;
  if (days < kMinRotationPeriodDays || days > kMaxRotationPeriodDays) {
    return FieldError(key.where, names.rotation, "periodDays must be from 90 to 2560");
  }
  return {};
}

bool ReservedTag(std::string_view key) {
  if (key.size() < 4) return false;
  std::string prefix(key.substr(0, 4));
  std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return prefix == "aws:";
}

Status CheckTags(const SeedKey& key, const FieldNames& names) {
  if (key.tags.size() > kMaxTags) return FieldError(key.where, names.tags, "at most 50 tags");
  for (const Tag& tag : key.tags) {
    if (tag.key.empty() || tag.key.size() > 128) {
      return FieldError(key.where, names.tags, "a tag key has 1 to 128 characters");
    }
    if (tag.value.size() > 256) {
      return FieldError(key.where, names.tags,
                        "the value of tag '" + tag.key + "' is longer than 256 characters");
    }
    if (ReservedTag(tag.key)) {
      return FieldError(key.where, names.tags, "tag keys beginning with aws: are reserved");
    }
  }
  return {};
}

bool IsAliasText(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
           c == '/' || c == '_' || c == '-';
  });
}

Status CheckAliases(const SeedKey& key, const FieldNames& names) {
  if (key.aliases.size() > kMaxAliases) {
    return FieldError(key.where, names.aliases, "at most 50 aliases per key");
  }
  for (const std::string& name : key.aliases) {
    std::string problem;
    if (!name.starts_with("alias/") || name.size() == 6) {
      problem = "'" + name + "' must start with alias/ and go on";
    } else if (name.size() > kMaxAliasName || !IsAliasText(name)) {
      problem = "'" + name + "' must be at most 256 of a-z A-Z 0-9 : / _ -";
    } else if (name.starts_with("alias/aws/")) {
      problem = "'" + name + "': alias/aws/ is reserved for AWS managed keys";
    }
    if (!problem.empty()) return FieldError(key.where, names.aliases, problem);
  }
  return {};
}

Status CheckTexts(SeedKey& key, const FieldNames& names) {
  if (key.description.size() > kMaxDescription) {
    return FieldError(key.where, names.description, "at most 8192 characters");
  }
  if (key.policy) {
    // Stored re-printed, as CreateKey and PutKeyPolicy store it. The lockout check is AWS's
    // guard for API callers; a seed is the operator's own choice.
    auto policy = NormalizeKeyPolicy(*key.policy, key.account, /*bypass_lockout_check=*/true);
    if (!policy) return FieldError(key.where, names.policy, policy.error().message);
    key.policy = std::move(*policy);
  }
  return {};
}

}  // namespace

Error FieldError(std::string_view where, std::string_view field, std::string_view problem) {
  std::string message(where);
  message.append(": ");
  if (!field.empty()) message.append(field).append(": ");
  message.append(problem);
  return MakeError(ErrorCode::kValidation, std::move(message));
}

Status FinishKey(SeedKey& key, const FieldNames& names) {
  if (Status s = ResolveSpecAndUsage(key, names); !s) return s;
  if (Status s = CheckMaterials(key, names); !s) return s;
  if (Status s = CheckStateAndOrigin(key, names); !s) return s;
  if (Status s = CheckRotation(key, names); !s) return s;
  if (Status s = CheckTags(key, names); !s) return s;
  if (Status s = CheckAliases(key, names); !s) return s;
  return CheckTexts(key, names);
}

Status CheckAcrossKeys(const std::vector<SeedKey>& keys, const FieldNames& names) {
  using Scope = std::tuple<std::string, std::string, std::string>;  // account, region, name
  std::map<Scope, const SeedKey*> ids;
  std::map<Scope, const SeedKey*> aliases;
  for (const SeedKey& key : keys) {
    auto [it, fresh] = ids.emplace(Scope{key.account, key.region, key.id}, &key);
    if (!fresh) {
      return FieldError(key.where, "",
                        "the key id is already used by " + it->second->where + " in account " +
                            key.account + ", region " + key.region);
    }
    for (const std::string& alias : key.aliases) {
      auto [a, new_alias] = aliases.emplace(Scope{key.account, key.region, alias}, &key);
      if (!new_alias) {
        return FieldError(key.where, names.aliases,
                          alias + " is already an alias of " + a->second->where);
      }
    }
  }
  return {};
}

}  // namespace kms::emulator::seed
