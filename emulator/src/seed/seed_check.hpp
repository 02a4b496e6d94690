// The rules every seeded key obeys whatever its file format: key spec and usage, material sizes
// and counts, rotation, state, tags, aliases and policy; and the rules across keys (unique ids
// and alias names per account and region). Messages name the field as the format spells it.
#pragma once

#include <kms/result.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "seed/seed.hpp"

namespace kms::emulator::seed {

// How a format names the fields the shared rules talk about.
struct FieldNames {
  std::string_view spec;
  std::string_view usage;
  std::string_view origin;
  std::string_view materials;
  std::string_view rotation;
  std::string_view state;
  std::string_view description;
  std::string_view policy;
  std::string_view tags;
  std::string_view aliases;
};

inline constexpr FieldNames kJsonFields{"keySpec", "keyUsage",    "origin", "materials", "rotation",
                                        "state",   "description", "policy", "tags",      "aliases"};
inline constexpr FieldNames kYamlFields{
    "KeySpec",          "Metadata.KeyUsage",    "Metadata.Origin", "BackingKeys", "NextKeyRotation",
    "Metadata.Enabled", "Metadata.Description", "Policy",          "Tags",        "Aliases"};

// kValidation error "<where>: <field>: <problem>" ("<where>: <problem>" when field is empty).
Error FieldError(std::string_view where, std::string_view field, std::string_view problem);

// Fills the defaults (spec from the PEM or SYMMETRIC_DEFAULT, usage from the spec, state) and
// checks the key's own rules. The first violation as FieldError. Pure apart from OpenSSL-free
// policy parsing.
Status FinishKey(SeedKey& key, const FieldNames& names);

// Unique (account, region, id) and alias names across the seed. The first violation as
// FieldError. Pure.
Status CheckAcrossKeys(const std::vector<SeedKey>& keys, const FieldNames& names);

}  // namespace kms::emulator::seed
