// Mapping between the domain's Grant and the grants / grant_tokens tables. Callers own the
// connection's lock and any transaction; these functions only run statements.
#pragma once

#include <kms/result.hpp>
#include <string_view>
#include <vector>

#include "domain/grant.hpp"
#include "store/sqlite.hpp"

namespace kms::emulator::rows {

// Inserts the grant row and its first token. kInternal on an SQL failure (e.g. a taken id).
Status InsertGrant(sqlite::Database& db, const Grant& grant, std::string_view token);
// Records another token for an existing grant. kInternal on an SQL failure.
Status InsertGrantToken(sqlite::Database& db, std::string_view grant_id, std::string_view token);
// Deletes a grant and its tokens.
Status DeleteGrant(sqlite::Database& db, std::string_view grant_id);

// Grants of one key, oldest first (creation date, then grant id). kInternal when a row is
// unreadable.
Result<std::vector<Grant>> GrantsOfKey(sqlite::Database& db, std::string_view account,
                                       std::string_view region, std::string_view key_id);
// The key's grants named `name` (for idempotent CreateGrant), oldest first.
Result<std::vector<Grant>> GrantsOfKeyNamed(sqlite::Database& db, std::string_view account,
                                            std::string_view region, std::string_view key_id,
                                            std::string_view name);
// The key's grant `grant_id` (zero or one).
Result<std::vector<Grant>> GrantOfKey(sqlite::Database& db, std::string_view account,
                                      std::string_view region, std::string_view key_id,
                                      std::string_view grant_id);
// How many grants the key has.
Result<int64_t> CountGrantsOfKey(sqlite::Database& db, std::string_view account,
                                 std::string_view region, std::string_view key_id);
// Grants in `region` whose retiring principal is `principal`, oldest first.
Result<std::vector<Grant>> GrantsRetirableBy(sqlite::Database& db, std::string_view region,
                                             std::string_view principal);
// The grant holding `token` (zero or one).
Result<std::vector<Grant>> GrantsWithToken(sqlite::Database& db, std::string_view token);

}  // namespace kms::emulator::rows
