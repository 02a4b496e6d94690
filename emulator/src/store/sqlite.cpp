// RAII wrapper over sqlite3: connection, prepared statement, transaction guard.
#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <utility>

namespace kms::emulator::sqlite {
namespace {

Error SqliteError(sqlite3* db) {
  std::string message = "SQLite: ";
  message += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return MakeError(ErrorCode::kInternal, std::move(message));
}

}  // namespace

// ---- Statement ----

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

void Statement::NoteBindResult(int rc) {
  if (rc != SQLITE_OK && !bind_error_) bind_error_ = SqliteError(db_);
}

Statement& Statement::BindText(int index, std::string_view text) {
  NoteBindResult(sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindTextNoCopy(int index, std::string_view text) {
  NoteBindResult(sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(),
                                     SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindInt(int index, int64_t value) {
  NoteBindResult(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBindResult(sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::BindOptionalInt(int index, std::optional<int64_t> value) {
  return value ? BindInt(index, *value) : BindNull(index);
}

Statement& Statement::BindBlob(int index, std::span<const uint8_t> bytes) {
  // sqlite3_bind_blob64 with a null pointer would bind NULL, not an empty blob.
  if (bytes.empty()) {
    NoteBindResult(sqlite3_bind_zeroblob(stmt_, index, 0));
  } else {
    NoteBindResult(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  }
  return *this;
}

Result<bool> Statement::Step() {
  if (bind_error_) return *bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_);
}

Status Statement::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row) {
      Reset();
      return row.error();
    }
    if (!*row) break;
  }
  Reset();
  return {};
}

void Statement::Reset() { sqlite3_reset(stmt_); }

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::string_view Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::span<const uint8_t> Statement::Blob(int column) const {
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
  if (data == nullptr) return {};
  return {data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

// ---- Database ----

namespace {

// SQLite keeps allocation statistics under a global mutex taken on every malloc and free of every
// connection; nothing here reads them. Must precede SQLite's initialization (the first open):
// if something initialized it earlier, the call fails harmlessly and statistics stay on.
void ConfigureLibraryOnce() {
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
}

}  // namespace

Result<Database> Database::Open(const std::string& path) {
  ConfigureLibraryOnce();
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(db);
    sqlite3_close_v2(db);
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  return Database(db);
}

Database::~Database() { sqlite3_close_v2(db_); }

Database::Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Status Database::Exec(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return LastError();
  }
  return {};
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return LastError();
  }
  return Statement(db_, stmt);
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  Result<Statement> stmt = Prepare(sql);
  if (!stmt) return stmt.error();
  Result<bool> row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return MakeError(ErrorCode::kInternal, "SQLite: no row from " + std::string(sql));
  return stmt->Int(0);
}

Result<std::string> Database::QueryText(std::string_view sql) {
  Result<Statement> stmt = Prepare(sql);
  if (!stmt) return stmt.error();
  Result<bool> row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return MakeError(ErrorCode::kInternal, "SQLite: no row from " + std::string(sql));
  return std::string(stmt->Text(0));
}

Error Database::LastError() const { return SqliteError(db_); }

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---- Transaction ----

Result<Transaction> Transaction::Begin(Database& db) {
  Status begun = db.Exec("BEGIN IMMEDIATE");
  if (!begun) return begun.error();
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr && !done_ && db_->InTransaction()) {
    // Nothing useful to do if ROLLBACK itself fails; the next BEGIN reports the broken state.
    (void)db_->Exec("ROLLBACK");
  }
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), done_(other.done_) {}

Status Transaction::Commit() {
  Status committed = db_->Exec("COMMIT");
  if (committed) done_ = true;
  return committed;
}

}  // namespace kms::emulator::sqlite
