// The key store's database schema: an ordered list of forward migrations, the applied version
// recorded in PRAGMA user_version.
#pragma once

#include <cstdint>
#include <kms/result.hpp>

#include "store/sqlite.hpp"

namespace kms::emulator::schema {

// The newest schema version this build knows.
inline constexpr int64_t kLatestVersion = 7;

// The database's schema version (0 for a new, empty file). Reads only the header: kInternal
// with SQLite's message ("file is not a database") for a foreign file, and kInternal "database
// schema version N is newer than this emulator supports (M)" for a newer one, and kInternal
// "database was not created by the kms emulator" for another program's SQLite database.
Result<int64_t> CheckVersion(sqlite::Database& db);

// Applies every migration above the database's version, each in its own transaction together
// with its user_version bump. Fails as CheckVersion() without touching the database.
Status Migrate(sqlite::Database& db);

}  // namespace kms::emulator::schema
