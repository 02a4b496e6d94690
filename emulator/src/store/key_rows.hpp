// Mapping between the domain's Key/Alias and the rows of the schema's tables. Callers own the
// transaction; these functions only run statements on the connection they are given.
#pragma once

#include <cstdint>
#include <kms/result.hpp>
#include <memory>
#include <string_view>
#include <vector>

#include "domain/key.hpp"
#include "store/sqlite.hpp"

namespace kms::emulator::rows {

// Inserts the keys row with its materials and tags. kInternal for a material without bytes or
// an SQL failure (e.g. a duplicate tag key or material id).
Status InsertKey(sqlite::Database& db, const Key& key);
// Rewrites the keys row (never REPLACE: that would cascade to aliases) and replaces its
// materials and tags with the snapshot's. Errors as InsertKey().
Status UpdateKey(sqlite::Database& db, const Key& key);
// Deletes the key with its aliases, materials and tags (grants and policies by cascade).
Status DeleteKey(sqlite::Database& db, std::string_view account, std::string_view region,
                 std::string_view key_id);

Status InsertAlias(sqlite::Database& db, const Alias& alias);
Status UpdateAlias(sqlite::Database& db, const Alias& alias);
Status DeleteAlias(sqlite::Database& db, std::string_view account, std::string_view region,
                   std::string_view name);

// Every key, with its materials (oldest first) and tags (in the order added). kInternal for an
// enum column holding a name this build does not know.
Result<std::vector<std::shared_ptr<Key>>> LoadKeys(sqlite::Database& db);
Result<std::vector<Alias>> LoadAliases(sqlite::Database& db);

}  // namespace kms::emulator::rows
