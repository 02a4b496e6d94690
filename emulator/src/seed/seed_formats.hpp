// The two seed file formats, each read into SeedKeys that FinishKey and CheckAcrossKeys have
// passed. Messages lack the "seed <file>: " prefix, which ParseSeed adds.
#pragma once

#include <kms/result.hpp>
#include <string_view>
#include <vector>

#include "seed/seed.hpp"

namespace kms::emulator::seed {

// Our JSON format (README "Seeding"). Errors: "line N: not valid JSON: <reason>", then
// "<where>: <field>: <problem>" for the first violation. Pure.
Result<std::vector<SeedKey>> ReadJsonSeed(std::string_view text, const SeedDefaults& defaults);

// local-kms's seed.yaml: Keys.Symmetric.Aes, Keys.Asymmetric.Rsa / Ecc, Aliases. Errors:
// ReadYaml's "line N: ...", then "<where>: <field>: <problem>". Pure.
Result<std::vector<SeedKey>> ReadLocalKmsYaml(std::string_view text, const SeedDefaults& defaults);

// True for 12 decimal digits. Pure.
bool IsAccountId(std::string_view s);

}  // namespace kms::emulator::seed
