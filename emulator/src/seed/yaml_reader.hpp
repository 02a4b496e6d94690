// A small reader for the YAML subset seed files use (local-kms's seed.yaml): block mappings,
// block sequences, plain / 'single' / "double" quoted scalars, literal (|) and folded (>) block
// scalars, comments and a leading "---". Everything else is refused with a line number.
#pragma once

#include <boost/json/value.hpp>
#include <kms/result.hpp>
#include <string_view>

namespace kms::emulator::seed {

// Reads one YAML document into JSON: mappings become objects (keys in file order), sequences
// arrays, every scalar a string (YAML's 1.2 core types are not interpreted: the caller decides
// what "true" or "365" means), except that `~`, `null` and an empty value become null.
// kValidation error "line N: <problem>" for anything outside the subset: flow collections
// ([...] and {...}), anchors, aliases, tags, multi-line quoted strings, tabs in indentation,
// duplicate keys, bad indentation, several documents. An empty document is null. Pure.
Result<boost::json::value> ReadYaml(std::string_view text);

}  // namespace kms::emulator::seed
