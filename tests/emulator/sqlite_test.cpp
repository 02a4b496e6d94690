// Tests for the SQLite RAII wrapper: binding, reading, errors, the transaction guard and the
// library configuration.
#include "store/sqlite.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <array>
#include <string>

namespace kms::emulator::sqlite {
namespace {

Database OpenMemory() {
  Result<Database> db = Database::Open(":memory:");
  REQUIRE(db.has_value());
  return std::move(*db);
}

int64_t Count(Database& db, std::string_view sql) {
  Result<int64_t> n = db.QueryInt(sql);
  REQUIRE(n.has_value());
  return *n;
}

TEST_CASE("Statement binds and reads back text, integers, NULLs and blobs") {
  Database db = OpenMemory();
  REQUIRE(db.Exec("CREATE TABLE t (s TEXT, i INTEGER, n INTEGER, b BLOB, e BLOB)").has_value());
  Result<Statement> insert = db.Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)");
  REQUIRE(insert.has_value());
  const std::array<uint8_t, 4> bytes = {0x00, 0xff, 0x10, 0x00};
  insert->BindText(1, std::string_view("h\0llo", 5)).BindInt(2, -1234567890123);
  insert->BindOptionalInt(3, std::nullopt).BindBlob(4, bytes).BindBlob(5, {});
  REQUIRE(insert->Run().has_value());

  Result<Statement> select = db.Prepare("SELECT s, i, n, b, e, e IS NULL FROM t");
  REQUIRE(select.has_value());
  Result<bool> row = select->Step();
  REQUIRE(row.has_value());
  REQUIRE(*row);
  CHECK(select->Text(0) == std::string_view("h\0llo", 5));
  CHECK(select->Int(1) == -1234567890123);
  CHECK(select->IsNull(2));
  CHECK_FALSE(select->OptionalInt(2).has_value());
  CHECK(select->OptionalInt(1) == -1234567890123);
  std::span<const uint8_t> blob = select->Blob(3);
  CHECK(std::equal(blob.begin(), blob.end(), bytes.begin(), bytes.end()));
  CHECK(select->Blob(4).empty());
  CHECK(select->Int(5) == 0);  // an empty blob is stored as a blob, not NULL
  Result<bool> done = select->Step();
  REQUIRE(done.has_value());
  CHECK_FALSE(*done);
}

TEST_CASE("Prepare reports SQLite's message for invalid SQL") {
  Database db = OpenMemory();
  Result<Statement> stmt = db.Prepare("SELEC 1");
  REQUIRE_FALSE(stmt.has_value());
  CHECK(stmt.error().code == ErrorCode::kInternal);
  CHECK(stmt.error().message == "SQLite: near \"SELEC\": syntax error");
}

TEST_CASE("A failed bind is reported by the next Step") {
  Database db = OpenMemory();
  Result<Statement> stmt = db.Prepare("SELECT ?1");
  REQUIRE(stmt.has_value());
  stmt->BindInt(2, 1).BindInt(1, 1);
  Result<bool> row = stmt->Step();
  REQUIRE_FALSE(row.has_value());
  CHECK(row.error().code == ErrorCode::kInternal);
  CHECK(row.error().message == "SQLite: column index out of range");
}

TEST_CASE("Run reports a constraint violation and leaves the statement reusable") {
  Database db = OpenMemory();
  REQUIRE(db.Exec("CREATE TABLE t (k TEXT PRIMARY KEY)").has_value());
  Result<Statement> insert = db.Prepare("INSERT INTO t VALUES (?1)");
  REQUIRE(insert.has_value());
  REQUIRE(insert->BindText(1, "a").Run().has_value());
  Status again = insert->Run();
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().message == "SQLite: UNIQUE constraint failed: t.k");
  CHECK(insert->BindText(1, "b").Run().has_value());
  CHECK(Count(db, "SELECT count(*) FROM t") == 2);
}

TEST_CASE("QueryInt and QueryText report a query that returns no row") {
  Database db = OpenMemory();
  Result<int64_t> n = db.QueryInt("SELECT 1 WHERE 0");
  REQUIRE_FALSE(n.has_value());
  CHECK(n.error().message == "SQLite: no row from SELECT 1 WHERE 0");
  Result<std::string> s = db.QueryText("SELECT 'x' WHERE 0");
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().message == "SQLite: no row from SELECT 'x' WHERE 0");
  Result<std::string> x = db.QueryText("SELECT 'x'");
  REQUIRE(x.has_value());
  CHECK(*x == "x");
}

TEST_CASE("A transaction that is not committed is rolled back") {
  Database db = OpenMemory();
  REQUIRE(db.Exec("CREATE TABLE t (x)").has_value());
  {
    Result<Transaction> tx = Transaction::Begin(db);
    REQUIRE(tx.has_value());
    REQUIRE(db.Exec("INSERT INTO t VALUES (1)").has_value());
    CHECK(db.InTransaction());
  }
  CHECK_FALSE(db.InTransaction());
  CHECK(Count(db, "SELECT count(*) FROM t") == 0);
}

TEST_CASE("A committed transaction keeps its writes") {
  Database db = OpenMemory();
  REQUIRE(db.Exec("CREATE TABLE t (x)").has_value());
  {
    Result<Transaction> tx = Transaction::Begin(db);
    REQUIRE(tx.has_value());
    REQUIRE(db.Exec("INSERT INTO t VALUES (1)").has_value());
    REQUIRE(tx->Commit().has_value());
  }
  CHECK(Count(db, "SELECT count(*) FROM t") == 1);
}

TEST_CASE("Beginning a transaction inside another is an error") {
  Database db = OpenMemory();
  Result<Transaction> outer = Transaction::Begin(db);
  REQUIRE(outer.has_value());
  Result<Transaction> inner = Transaction::Begin(db);
  REQUIRE_FALSE(inner.has_value());
  CHECK(inner.error().message == "SQLite: cannot start a transaction within a transaction");
}

TEST_CASE("Opening a database leaves SQLite's allocation statistics off") {
  Database db = OpenMemory();
  REQUIRE(db.Exec("CREATE TABLE t (x); INSERT INTO t VALUES (randomblob(100000))").has_value());
  // With statistics on (SQLite's default) this counts every byte SQLite holds; off, it stays 0.
  sqlite3_int64 current = -1, highest = -1;
  REQUIRE(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highest, 0) == SQLITE_OK);
  CHECK(current == 0);
  CHECK(highest == 0);
}

}  // namespace
}  // namespace kms::emulator::sqlite
