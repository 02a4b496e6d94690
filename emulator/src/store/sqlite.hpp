// A small RAII layer over the SQLite C API: a connection, prepared statements and a transaction
// guard. Every failure is a kms::Result error with code kInternal and SQLite's own message.
// None of these objects is thread-safe: the key store serializes all use of its connection.
#pragma once

#include <cstdint>
#include <kms/result.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace kms::emulator::sqlite {

// A prepared statement. Binders use SQLite's 1-based parameter indexes and return *this; the
// first bind failure is remembered and reported by the next Step()/Run().
class Statement {
 public:
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& BindText(int index, std::string_view text);
  // Binds without copying (SQLITE_STATIC): `text` must stay valid and unchanged until the
  // statement is stepped to completion and reset, or rebound. For large values on hot paths.
  Statement& BindTextNoCopy(int index, std::string_view text);
  Statement& BindInt(int index, int64_t value);
  Statement& BindNull(int index);
  // Binds NULL when `value` is empty.
  Statement& BindOptionalInt(int index, std::optional<int64_t> value);
  // Copies the bytes into SQLite (SQLITE_TRANSIENT); an empty span binds a zero-length blob,
  // never NULL.
  Statement& BindBlob(int index, std::span<const uint8_t> bytes);

  // Runs one step: true when a row is ready to read, false when the statement is done.
  Result<bool> Step();
  // Steps until done, ignoring rows, then resets so the statement can run again.
  Status Run();
  // Makes the statement runnable again; bindings stay until rebound.
  void Reset();

  // Columns of the current row (0-based). Views stay valid until the next Step() or Reset().
  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  std::string_view Text(int column) const;
  std::span<const uint8_t> Blob(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void NoteBindResult(int rc);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::optional<Error> bind_error_;
};

// One connection. Movable, closed (sqlite3_close_v2) when destroyed.
class Database {
 public:
  // Opens (creating if missing) the database at `path`, read-write, without URI parsing. SQLite
  // opens lazily: a file that is not a database is only detected by the first query.
  static Result<Database> Open(const std::string& path);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows we need.
  Status Exec(const std::string& sql);
  Result<Statement> Prepare(std::string_view sql);
  // The first column of the first row of `sql` (e.g. a PRAGMA); kInternal when there is no row.
  Result<int64_t> QueryInt(std::string_view sql);
  Result<std::string> QueryText(std::string_view sql);

  // kInternal with "SQLite: <sqlite3_errmsg>".
  Error LastError() const;
  bool InTransaction() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// Prepares `sql`, lets `bind(Statement&)` set its parameters, and runs it once (Run). Errors:
// Prepare's, the first bind failure, the step's.
template <class Bind>
Status RunStatement(Database& db, std::string_view sql, Bind&& bind) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt) return stmt.error();
  bind(*stmt);
  return stmt->Run();
}

// Steps `stmt` to its end, calling `on_row()` (returning Status) with each row ready to read.
// Errors: the first failed step, or the first error `on_row` returns (which stops the walk).
template <class OnRow>
Status ForEachRow(Statement& stmt, OnRow&& on_row) {
  while (true) {
    Result<bool> row = stmt.Step();
    if (!row) return row.error();
    if (!*row) return {};
    if (Status done = on_row(); !done) return done;
  }
}

// BEGIN IMMEDIATE ... COMMIT; rolled back on destruction unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Commits; on failure the destructor rolls back.
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;
  bool done_ = false;
};

}  // namespace kms::emulator::sqlite
