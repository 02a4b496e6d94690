// Grant <-> rows. Operations are stored as a JSON array of names, constraints as the JSON object
// ListGrants shows (NULL when the grant has none).
#include "store/grant_rows.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <optional>
#include <string>
#include <utility>

namespace kms::emulator::rows {
namespace {

constexpr std::string_view kGrantColumns =
    "g.grant_id, g.account, g.region, g.key_id, g.name, g.grantee_principal, "
    "g.retiring_principal, g.operations, g.constraints, g.issuing_account, g.creation_ms";

Error Internal(std::string message) { return MakeError(ErrorCode::kInternal, std::move(message)); }

boost::json::object ContextJson(const ContextMap& context) {
  boost::json::object out;
  for (const auto& [k, v] : context) out[k] = v;
  return out;
}

std::string OperationsText(const Grant& grant) {
  boost::json::array ops;
  for (const std::string& op : grant.operations) ops.emplace_back(op);
  return boost::json::serialize(ops);
}

std::optional<std::string> ConstraintsText(const GrantConstraints& c) {
  if (c.empty()) return std::nullopt;
  boost::json::object out;
  if (c.encryption_context_equals) {
    out["EncryptionContextEquals"] = ContextJson(*c.encryption_context_equals);
  }
  if (c.encryption_context_subset) {
    out["EncryptionContextSubset"] = ContextJson(*c.encryption_context_subset);
  }
  return boost::json::serialize(out);
}

void BindOptionalText(sqlite::Statement& stmt, int index, const std::optional<std::string>& s) {
  if (s) {
    stmt.BindText(index, *s);
  } else {
    stmt.BindNull(index);
  }
}

std::optional<std::string> OptionalText(const sqlite::Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return std::string(row.Text(column));
}

// A string->string JSON object, or nullopt when `v` is not one.
std::optional<ContextMap> ReadContext(const boost::json::value* v) {
  if (v == nullptr || !v->is_object()) return std::nullopt;
  ContextMap out;
  for (const auto& kv : v->get_object()) {
    if (!kv.value().is_string()) return std::nullopt;
    out.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
  }
  return out;
}

Status ReadOperations(std::string_view text, Grant& grant) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return Internal("grant " + grant.id + " has unreadable operations");
  for (const auto& op : v.get_array()) {
    if (!op.is_string()) return Internal("grant " + grant.id + " has unreadable operations");
    grant.operations.emplace_back(op.get_string());
  }
  return {};
}

Status ReadConstraints(std::string_view text, Grant& grant) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return Internal("grant " + grant.id + " has unreadable constraints");
  const boost::json::object& o = v.get_object();
  grant.constraints.encryption_context_equals =
      ReadContext(o.if_contains("EncryptionContextEquals"));
  grant.constraints.encryption_context_subset =
      ReadContext(o.if_contains("EncryptionContextSubset"));
  return {};
}

Result<Grant> ReadGrant(const sqlite::Statement& row) {
  Grant grant;
  grant.id = row.Text(0);
  grant.account = row.Text(1);
  grant.region = row.Text(2);
  grant.key_id = row.Text(3);
  grant.name = OptionalText(row, 4);
  grant.grantee_principal = row.Text(5);
  grant.retiring_principal = OptionalText(row, 6);
  if (Status read = ReadOperations(row.Text(7), grant); !read) return read.error();
  if (!row.IsNull(8)) {
    if (Status read = ReadConstraints(row.Text(8), grant); !read) return read.error();
  }
  grant.issuing_account = row.Text(9);
  grant.creation_ms = row.Int(10);
  return grant;
}

Result<std::vector<Grant>> ReadAll(sqlite::Statement& stmt) {
  std::vector<Grant> grants;
  while (true) {
    Result<bool> row = stmt.Step();
    if (!row) return row.error();
    if (!*row) return grants;
    Result<Grant> grant = ReadGrant(stmt);
    if (!grant) return grant.error();
    grants.push_back(std::move(*grant));
  }
}

// SELECT of every grant column from `grants g` plus `rest` (joins, WHERE, ORDER BY).
std::string SelectGrants(std::string_view rest) {
  std::string sql = "SELECT ";
  sql.append(kGrantColumns).append(" FROM grants g ").append(rest);
  return sql;
}

}  // namespace

Status InsertGrant(sqlite::Database& db, const Grant& grant, std::string_view token) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "INSERT INTO grants (grant_id, account, region, key_id, name, grantee_principal, "
      "retiring_principal, operations, constraints, token, issuing_account, creation_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!stmt) return stmt.error();
  stmt->BindText(1, grant.id).BindText(2, grant.account).BindText(3, grant.region);
  stmt->BindText(4, grant.key_id);
  BindOptionalText(*stmt, 5, grant.name);
  stmt->BindText(6, grant.grantee_principal);
  BindOptionalText(*stmt, 7, grant.retiring_principal);
  stmt->BindText(8, OperationsText(grant));
  BindOptionalText(*stmt, 9, ConstraintsText(grant.constraints));
  stmt->BindText(10, token).BindText(11, grant.issuing_account).BindInt(12, grant.creation_ms);
  Status ran = stmt->Run();
  if (!ran) return ran;
  return InsertGrantToken(db, grant.id, token);
}

Status InsertGrantToken(sqlite::Database& db, std::string_view grant_id, std::string_view token) {
  Result<sqlite::Statement> stmt =
      db.Prepare("INSERT INTO grant_tokens (token, grant_id) VALUES (?1, ?2)");
  if (!stmt) return stmt.error();
  return stmt->BindText(1, token).BindText(2, grant_id).Run();
}

Status DeleteGrant(sqlite::Database& db, std::string_view grant_id) {
  // grant_tokens rows go by cascade.
  Result<sqlite::Statement> stmt = db.Prepare("DELETE FROM grants WHERE grant_id = ?1");
  if (!stmt) return stmt.error();
  return stmt->BindText(1, grant_id).Run();
}

Result<std::vector<Grant>> GrantsOfKey(sqlite::Database& db, std::string_view account,
                                       std::string_view region, std::string_view key_id) {
  Result<sqlite::Statement> stmt =
      db.Prepare(SelectGrants("WHERE g.account = ?1 AND g.region = ?2 AND g.key_id = ?3 "
                              "ORDER BY g.creation_ms, g.grant_id"));
  if (!stmt) return stmt.error();
  stmt->BindText(1, account).BindText(2, region).BindText(3, key_id);
  return ReadAll(*stmt);
}

Result<std::vector<Grant>> GrantsOfKeyNamed(sqlite::Database& db, std::string_view account,
                                            std::string_view region, std::string_view key_id,
                                            std::string_view name) {
  Result<sqlite::Statement> stmt = db.Prepare(
      SelectGrants("WHERE g.account = ?1 AND g.region = ?2 AND g.key_id = ?3 AND g.name = ?4 "
                   "ORDER BY g.creation_ms, g.grant_id"));
  if (!stmt) return stmt.error();
  stmt->BindText(1, account).BindText(2, region).BindText(3, key_id).BindText(4, name);
  return ReadAll(*stmt);
}

Result<std::vector<Grant>> GrantOfKey(sqlite::Database& db, std::string_view account,
                                      std::string_view region, std::string_view key_id,
                                      std::string_view grant_id) {
  Result<sqlite::Statement> stmt = db.Prepare(
      SelectGrants("WHERE g.grant_id = ?4 AND g.account = ?1 AND g.region = ?2 AND g.key_id = ?3"));
  if (!stmt) return stmt.error();
  stmt->BindText(1, account).BindText(2, region).BindText(3, key_id).BindText(4, grant_id);
  return ReadAll(*stmt);
}

Result<int64_t> CountGrantsOfKey(sqlite::Database& db, std::string_view account,
                                 std::string_view region, std::string_view key_id) {
  Result<sqlite::Statement> stmt =
      db.Prepare("SELECT count(*) FROM grants WHERE account = ?1 AND region = ?2 AND key_id = ?3");
  if (!stmt) return stmt.error();
  stmt->BindText(1, account).BindText(2, region).BindText(3, key_id);
  Result<bool> row = stmt->Step();
  if (!row) return row.error();
  return *row ? stmt->Int(0) : 0;
}

Result<std::vector<Grant>> GrantsRetirableBy(sqlite::Database& db, std::string_view region,
                                             std::string_view principal) {
  Result<sqlite::Statement> stmt =
      db.Prepare(SelectGrants("WHERE g.region = ?1 AND g.retiring_principal = ?2 "
                              "ORDER BY g.creation_ms, g.grant_id"));
  if (!stmt) return stmt.error();
  stmt->BindText(1, region).BindText(2, principal);
  return ReadAll(*stmt);
}

Result<std::vector<Grant>> GrantsWithToken(sqlite::Database& db, std::string_view token) {
  Result<sqlite::Statement> stmt =
      db.Prepare(SelectGrants("JOIN grant_tokens t ON t.grant_id = g.grant_id WHERE t.token = ?1"));
  if (!stmt) return stmt.error();
  stmt->BindText(1, token);
  return ReadAll(*stmt);
}

}  // namespace kms::emulator::rows
