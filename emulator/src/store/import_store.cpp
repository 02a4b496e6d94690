// KeyStore's import parameters (GetParametersForImport's wrapping keys and import tokens): SQLite
// only, under the writer lock (WithDatabase), so a token stays usable across a restart.
#include <memory>
#include <optional>
#include <string>

#include "store/key_store.hpp"
#include "store/sqlite.hpp"

namespace kms::emulator {
namespace {

Error Internal(std::string message) { return MakeError(ErrorCode::kInternal, std::move(message)); }

Status DeleteExpired(sqlite::Database& db, int64_t now_ms) {
  return sqlite::RunStatement(db, "DELETE FROM import_parameters WHERE valid_to_ms < ?1",
                              [&](sqlite::Statement& stmt) { stmt.BindInt(1, now_ms); });
}

Status Insert(sqlite::Database& db, const ImportParameters& params) {
  return sqlite::RunStatement(
      db,
      "INSERT INTO import_parameters (token_id, account, region, key_id, wrapping_algorithm, "
      "wrapping_key_spec, private_key, valid_to_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      [&](sqlite::Statement& stmt) {
        stmt.BindText(1, params.token_id).BindText(2, params.account).BindText(3, params.region);
        stmt.BindText(4, params.key_id).BindText(5, ToString(params.algorithm));
        stmt.BindText(6, ToString(params.key_spec)).BindBlob(7, params.private_key->span());
        stmt.BindInt(8, params.valid_to_ms);
      });
}

Result<ImportParameters> ReadRow(const sqlite::Statement& row) {
  ImportParameters params;
  params.token_id = std::string(row.Text(0));
  params.account = std::string(row.Text(1));
  params.region = std::string(row.Text(2));
  params.key_id = std::string(row.Text(3));
  auto algorithm = ParseWrappingAlgorithm(row.Text(4));
  auto key_spec = ParseWrappingKeySpec(row.Text(5));
  if (!algorithm || !key_spec) {
    return Internal("import parameters " + params.token_id + " have an unknown algorithm or spec");
  }
  params.algorithm = *algorithm;
  params.key_spec = *key_spec;
  std::span<const uint8_t> blob = row.Blob(6);
  params.private_key = std::make_shared<const internal::SecretBytes>(blob.data(), blob.size());
  params.valid_to_ms = row.Int(7);
  return params;
}

}  // namespace

Status KeyStore::PutImportParameters(const ImportParameters& params, int64_t now_ms) {
  if (params.private_key == nullptr) return Internal("import parameters without a private key");
  return WithDatabase([&](sqlite::Database& db) -> Status {
    if (FindKey(params.account, params.region, params.key_id) == nullptr) {
      return MakeError(
          ErrorCode::kNotFound,
          "Key '" + KeyArn(params.region, params.account, params.key_id) + "' does not exist");
    }
    Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(db);
    if (!tx) return tx.error();
    Status written = DeleteExpired(db, now_ms);
    if (written) written = Insert(db, params);
    if (!written) return written;
    return tx->Commit();
  });
}

Result<std::optional<ImportParameters>> KeyStore::FindImportParameters(
    std::string_view token_id) const {
  std::optional<ImportParameters> found;
  Status read = WithDatabase([&](sqlite::Database& db) -> Status {
    Result<sqlite::Statement> stmt = db.Prepare(
        "SELECT token_id, account, region, key_id, wrapping_algorithm, wrapping_key_spec, "
        "private_key, valid_to_ms FROM import_parameters WHERE token_id = ?1");
    if (!stmt) return stmt.error();
    stmt->BindText(1, token_id);
    Result<bool> row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return {};
    auto params = ReadRow(*stmt);
    if (!params) return params.error();
    found = std::move(*params);
    return {};
  });
  if (!read) return read.error();
  return found;
}

}  // namespace kms::emulator
