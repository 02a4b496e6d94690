// Tests for imported key material: CreateKey with Origin EXTERNAL, GetParametersForImport,
// ImportKeyMaterial, DeleteImportedKeyMaterial, ValidTo expiry (ExpireImportedMaterial), the
// wrapping algorithms and material rules (domain/import_wrapping) and persistence.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <filesystem>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>
#include <string>
#include <vector>

#include "api/lifecycle.hpp"
#include "domain/asymmetric_key.hpp"
#include "domain/import_wrapping.hpp"
#include "domain/imported_material.hpp"
#include "management_fixture.hpp"

using kms::ErrorCode;
using kms::internal::Base64Decode;
using kms::internal::Base64Encode;
using kms::internal::SecretBytes;
using namespace kms::emulator;
using namespace kms::emulator::testing;

namespace {

std::string Validation1(const std::string& violation) {
  return "1 validation error detected: " + violation;
}

std::vector<uint8_t> Bytes(const std::string& base64) {
  auto bytes = Base64Decode(base64);
  REQUIRE(bytes.has_value());
  return *bytes;
}

SecretBytes RandomMaterial(size_t n) { return kms::internal::RandomSecret(n).value(); }

std::string Seconds(int64_t ms) {
  return boost::json::serialize(boost::json::value(static_cast<double>(ms) / 1000.0));
}

// An EXTERNAL key of `spec` (CreateKey body members) and its id.
std::string NewExternalKey(Fixture& f, const std::string& extra = "") {
  std::string body = R"({"Origin":"EXTERNAL")" + extra + "}";
  return Str(f.NewKey(body).at("KeyId"));
}

struct Params {
  std::string token;  // base64
  std::vector<uint8_t> public_key;
  boost::json::object response;
};

Params GetParams(Fixture& f, const std::string& key_id,
                 const std::string& algorithm = "RSAES_OAEP_SHA_256",
                 const std::string& spec = "RSA_2048") {
  auto r =
      f.Ok(GetParametersForImport, R"({"KeyId":")" + key_id + R"(","WrappingAlgorithm":")" +
                                       algorithm + R"(","WrappingKeySpec":")" + spec + R"("})");
  return Params{Str(r.at("ImportToken")), Bytes(Str(r.at("PublicKey"))), r};
}

std::string Wrap(const Params& params, std::string_view algorithm,
                 std::span<const uint8_t> material) {
  auto alg = ParseWrappingAlgorithm(algorithm);
  REQUIRE(alg.has_value());
  auto wrapped = WrapKeyMaterial(params.public_key, *alg, material);
  REQUIRE(wrapped.has_value());
  return Base64Encode(*wrapped);
}

std::string ImportBody(
    const std::string& key_id, const std::string& token, const std::string& wrapped,
    const std::string& extra = R"(,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE")") {
  return R"({"KeyId":")" + key_id + R"(","ImportToken":")" + token +
         R"(","EncryptedKeyMaterial":")" + wrapped + "\"" + extra + "}";
}

// Gets parameters, wraps `material` with RSAES_OAEP_SHA_256 and imports it; the response.
boost::json::object Import(
    Fixture& f, const std::string& key_id, std::span<const uint8_t> material,
    const std::string& extra = R"(,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE")") {
  Params p = GetParams(f, key_id);
  return f.Ok(ImportKeyMaterial,
              ImportBody(key_id, p.token, Wrap(p, "RSAES_OAEP_SHA_256", material), extra));
}

boost::json::object Metadata(Fixture& f, const std::string& key_id) {
  return f.Ok(DescribeKey, KeyIdJson(key_id)).at("KeyMetadata").as_object();
}

std::string State(Fixture& f, const std::string& key_id) {
  return Str(Metadata(f, key_id).at("KeyState"));
}

std::string EncryptText(Fixture& f, const std::string& key_id, std::string_view text) {
  return Str(
      f.Ok(Encrypt, R"({"KeyId":")" + key_id + R"(","Plaintext":")" + Base64Encode(text) + R"("})")
          .at("CiphertextBlob"));
}

std::string DecryptText(Fixture& f, const std::string& blob) {
  auto plaintext = Bytes(Str(f.Ok(Decrypt, Member("CiphertextBlob", blob)).at("Plaintext")));
  return std::string(plaintext.begin(), plaintext.end());
}

std::string PendingImport(const std::string& key_id) {
  return ArnOf(key_id) + " is pending import.";
}

int RsaBits(const std::vector<uint8_t>& spki) {
  const unsigned char* p = spki.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  REQUIRE(key != nullptr);
  int bits = EVP_PKEY_is_a(key, "RSA") ? EVP_PKEY_get_bits(key) : 0;
  EVP_PKEY_free(key);
  return bits;
}

}  // namespace

// ---- CreateKey with Origin EXTERNAL ----

TEST_CASE("CreateKey with Origin EXTERNAL makes a PendingImport key without material") {
  // AWS: test_import_key_symmetric "created-key".
  Fixture f;
  auto m = f.NewKey(R"({"Origin":"EXTERNAL","Description":"byok"})");
  CHECK(Str(m.at("Origin")) == "EXTERNAL");
  CHECK(Str(m.at("KeyState")) == "PendingImport");
  CHECK(m.at("Enabled").as_bool() == false);
  CHECK_FALSE(m.contains("CurrentKeyMaterialId"));
  CHECK_FALSE(m.contains("ExpirationModel"));
  CHECK_FALSE(m.contains("ValidTo"));
  auto key = f.store().FindKey(kAccount, kRegion, Str(m.at("KeyId")));
  REQUIRE(key != nullptr);
  CHECK(key->materials.empty());
}

TEST_CASE("CreateKey makes EXTERNAL HMAC and asymmetric keys too") {
  // AWS: test_import_key_hmac_keys, test_import_key_ecc_keys, test_import_key_rsa_aes_wrap_sha256.
  Fixture f;
  for (const char* body :
       {R"({"Origin":"EXTERNAL","KeySpec":"HMAC_384","KeyUsage":"GENERATE_VERIFY_MAC"})",
        R"({"Origin":"EXTERNAL","KeySpec":"ECC_NIST_P256","KeyUsage":"SIGN_VERIFY"})",
        R"({"Origin":"EXTERNAL","KeySpec":"RSA_4096","KeyUsage":"ENCRYPT_DECRYPT"})"}) {
    auto m = f.NewKey(body);
    CHECK(Str(m.at("KeyState")) == "PendingImport");
    CHECK(Str(m.at("Origin")) == "EXTERNAL");
  }
}

TEST_CASE("A key pending import refuses cryptographic and enable operations") {
  Fixture f;
  std::string id = NewExternalKey(f);
  // AWS: test_import_key_symmetric "encrypt-before-import-error".
  CHECK_AWS_ERROR(f.Call(Encrypt, R"({"KeyId":")" + id + R"(","Plaintext":"AA=="})"),
                  ErrorCode::kInvalidState, PendingImport(id));
  CHECK_AWS_ERROR(f.Call(GenerateDataKey, R"({"KeyId":")" + id + R"(","KeySpec":"AES_256"})"),
                  ErrorCode::kInvalidState, PendingImport(id));
  CHECK_AWS_ERROR(f.Call(EnableKey, KeyIdJson(id)), ErrorCode::kInvalidState, PendingImport(id));
  // AWS: key-state table footnote 6.
  CHECK_AWS_ERROR(f.Call(EnableKeyRotation, KeyIdJson(id)), ErrorCode::kUnsupportedOperation,
                  ArnOf(id) + " origin is EXTERNAL which is not valid for this operation.");
  std::string mac_key =
      NewExternalKey(f, R"(,"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC")");
  CHECK_AWS_ERROR(f.Call(GenerateMac, R"({"KeyId":")" + mac_key +
                                          R"(","Message":"AA==","MacAlgorithm":"HMAC_SHA_256"})"),
                  ErrorCode::kInvalidState, PendingImport(mac_key));
}

// ---- GetParametersForImport ----

TEST_CASE("GetParametersForImport returns an RSA wrapping key and a token valid for 24 hours") {
  Fixture f;
  std::string id = NewExternalKey(f);
  int64_t now = f.clock().NowMs();
  Params p = GetParams(f, id, "RSAES_OAEP_SHA_1", "RSA_3072");
  std::vector<std::string> names;
  for (const auto& kv : p.response) names.emplace_back(kv.key());
  CHECK(names ==
        std::vector<std::string>{"ImportToken", "KeyId", "ParametersValidTo", "PublicKey"});
  CHECK(Str(p.response.at("KeyId")) == ArnOf(id));
  CHECK(RsaBits(p.public_key) == 3072);
  double valid_to = p.response.at("ParametersValidTo").to_number<double>();
  CHECK(valid_to * 1000.0 >= static_cast<double>(now + kImportParametersLifetimeMs) - 1000.0);
  CHECK(valid_to * 1000.0 <= static_cast<double>(f.clock().NowMs() + kImportParametersLifetimeMs));
  CHECK(RsaBits(GetParams(f, id, "RSA_AES_KEY_WRAP_SHA_1", "RSA_2048").public_key) == 2048);
  CHECK(GetParams(f, id).token != GetParams(f, id).token);
}

TEST_CASE("GetParametersForImport refuses keys whose origin is not EXTERNAL") {
  // AWS: test_get_parameters_for_import_raises_for_non_external_kms_keys
  Fixture f;
  std::string id = f.NewKeyId();
  CHECK_AWS_ERROR(
      f.Call(GetParametersForImport,
             R"({"KeyId":")" + id +
                 R"(","WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"})"),
      ErrorCode::kUnsupportedOperation,
      ArnOf(id) + " origin is AWS_KMS which is not valid for this operation.");
}

TEST_CASE("GetParametersForImport validates its members") {
  Fixture f;
  std::string id = NewExternalKey(f);
  auto call = [&](const std::string& alg, const std::string& spec, const RequestContext& ctx) {
    return f.Call(GetParametersForImport,
                  R"({"KeyId":")" + id + R"(","WrappingAlgorithm":")" + alg +
                      R"(","WrappingKeySpec":")" + spec + R"("})",
                  ctx);
  };
  CHECK_AWS_ERROR(call("RSA_OAEP", "RSA_2048", f.Ctx()), ErrorCode::kValidation,
                  Validation1("Value 'RSA_OAEP' at 'wrappingAlgorithm' failed to satisfy "
                              "constraint: Member must satisfy enum value set: [RSAES_PKCS1_V1_5, "
                              "RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1, "
                              "RSA_AES_KEY_WRAP_SHA_256, SM2PKE]"));
  CHECK_AWS_ERROR(call("RSAES_OAEP_SHA_1", "RSA_1024", f.Ctx()), ErrorCode::kValidation,
                  Validation1("Value 'RSA_1024' at 'wrappingKeySpec' failed to satisfy "
                              "constraint: Member must satisfy enum value set: [RSA_2048, "
                              "RSA_3072, RSA_4096, SM2]"));
  CHECK_AWS_ERROR(f.Call(GetParametersForImport, KeyIdJson(id)), ErrorCode::kValidation,
                  "2 validation errors detected: Value null at 'wrappingAlgorithm' failed to "
                  "satisfy constraint: Member must not be null; Value null at 'wrappingKeySpec' "
                  "failed to satisfy constraint: Member must not be null");
  CHECK_AWS_ERROR(call("RSAES_PKCS1_V1_5", "RSA_2048", f.Ctx()), ErrorCode::kUnsupportedOperation,
                  "The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported.");
  CHECK_AWS_ERROR(call("SM2PKE", "RSA_2048", f.Ctx()), ErrorCode::kValidation,
                  "WrappingAlgorithm SM2PKE is not compatible with WrappingKeySpec RSA_2048.");
  CHECK_AWS_ERROR(call("RSAES_OAEP_SHA_1", "SM2", f.Ctx()), ErrorCode::kValidation,
                  "WrappingAlgorithm RSAES_OAEP_SHA_1 is not compatible with WrappingKeySpec SM2.");
  CHECK_AWS_ERROR(call("SM2PKE", "SM2", f.Ctx()), ErrorCode::kUnsupportedOperation,
                  "The SM2PKE wrapping algorithm is supported only in the China Regions.");
}

TEST_CASE("GetParametersForImport refuses the RSA_AES algorithms in the China Regions") {
  Fixture f;
  RequestContext china = f.Ctx(kAccount, "cn-north-1");
  std::string id = Str(f.NewKey(R"({"Origin":"EXTERNAL"})", china).at("KeyId"));
  CHECK_AWS_ERROR(
      f.Call(
          GetParametersForImport,
          R"({"KeyId":")" + id +
              R"(","WrappingAlgorithm":"RSA_AES_KEY_WRAP_SHA_256","WrappingKeySpec":"RSA_2048"})",
          china),
      ErrorCode::kUnsupportedOperation,
      "The RSA_AES_KEY_WRAP_SHA_256 wrapping algorithm is not supported in the China "
      "Regions.");
}

TEST_CASE("GetParametersForImport takes key ids and ARNs of the caller only, in a usable state") {
  Fixture f;
  std::string id = NewExternalKey(f);
  f.Ok(CreateAlias, R"({"AliasName":"alias/byok","TargetKeyId":")" + id + R"("})");
  std::string tail = R"(","WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"})";
  CHECK_AWS_ERROR(f.Call(GetParametersForImport, R"({"KeyId":"alias/byok)" + tail),
                  ErrorCode::kNotFound, "Invalid keyId 'alias/byok'");
  CHECK_AWS_ERROR(
      f.Call(GetParametersForImport, R"({"KeyId":")" + ArnOf(id) + tail, f.Ctx(kOtherAccount)),
      ErrorCode::kNotFound, "Key '" + ArnOf(id) + "' does not exist");
  CHECK(f.Call(GetParametersForImport, R"({"KeyId":")" + ArnOf(id) + tail).has_value());
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})");
  // AWS: key-state table footnote 8.
  CHECK_AWS_ERROR(f.Call(GetParametersForImport, R"({"KeyId":")" + id + tail),
                  ErrorCode::kInvalidState, ArnOf(id) + " is pending deletion.");
}

// ---- ImportKeyMaterial ----

TEST_CASE("ImportKeyMaterial accepts material wrapped with each wrapping algorithm") {
  for (const char* alg : {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1",
                          "RSA_AES_KEY_WRAP_SHA_256"}) {
    CAPTURE(alg);
    Fixture f;
    std::string id = NewExternalKey(f);
    Params p = GetParams(f, id, alg);
    SecretBytes material = RandomMaterial(32);
    auto r = f.Ok(ImportKeyMaterial, ImportBody(id, p.token, Wrap(p, alg, material.span())));
    CHECK(Str(r.at("KeyId")) == ArnOf(id));
    std::string material_id = Str(r.at("KeyMaterialId"));
    CHECK(material_id == ImportedMaterialId(id, material.span()));
    // AWS: test_import_key_symmetric "describe-key-after-import".
    auto m = Metadata(f, id);
    CHECK(Str(m.at("KeyState")) == "Enabled");
    CHECK(m.at("Enabled").as_bool());
    CHECK(Str(m.at("CurrentKeyMaterialId")) == material_id);
    CHECK(Str(m.at("ExpirationModel")) == "KEY_MATERIAL_DOES_NOT_EXPIRE");
    CHECK_FALSE(m.contains("ValidTo"));
    CHECK(DecryptText(f, EncryptText(f, id, "hello")) == "hello");
    auto key = f.store().FindKey(kAccount, kRegion, id);
    CHECK(key->CurrentMaterial()->bytes->Equals(material.span()));
  }
}

TEST_CASE("A ciphertext of imported material decrypts after delete and reimport of it") {
  Fixture f;
  std::string id = NewExternalKey(f);
  SecretBytes material = RandomMaterial(32);
  std::string first_id = Str(Import(f, id, material.span()).at("KeyMaterialId"));
  std::string blob = EncryptText(f, id, "kept");
  auto deleted = f.Ok(DeleteImportedKeyMaterial, KeyIdJson(id));
  CHECK(Str(deleted.at("KeyId")) == ArnOf(id));
  CHECK(Str(deleted.at("KeyMaterialId")) == first_id);
  // AWS: test_import_key_symmetric "describe-key-after-deleted-import".
  auto m = Metadata(f, id);
  CHECK(Str(m.at("KeyState")) == "PendingImport");
  CHECK(Str(m.at("CurrentKeyMaterialId")) == first_id);
  CHECK_FALSE(m.contains("ExpirationModel"));
  CHECK_AWS_ERROR(f.Call(Decrypt, Member("CiphertextBlob", blob)), ErrorCode::kInvalidState,
                  PendingImport(id));
  CHECK(Str(Import(f, id, material.span()).at("KeyMaterialId")) == first_id);
  CHECK(State(f, id) == "Enabled");
  CHECK(DecryptText(f, blob) == "kept");
}

TEST_CASE("ImportKeyMaterial checks ExpirationModel and ValidTo") {
  Fixture f;
  std::string id = NewExternalKey(f);
  Params p = GetParams(f, id);
  std::string wrapped = Wrap(p, "RSAES_OAEP_SHA_256", RandomMaterial(32).span());
  int64_t now = f.clock().NowMs();
  // AWS: test_import_key_symmetric "import-expiring-key-without-valid-to" (the default model).
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial, ImportBody(id, p.token, wrapped, "")),
                  ErrorCode::kValidation,
                  "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(id, p.token, wrapped, R"(,"ExpirationModel":"KEY_MATERIAL_EXPIRES")")),
      ErrorCode::kValidation,
      "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(id, p.token, wrapped,
                        R"(,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE","ValidTo":)" +
                            Seconds(now + kDayMs))),
      ErrorCode::kValidation,
      "A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE");
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial,
                         ImportBody(id, p.token, wrapped, R"(,"ValidTo":)" + Seconds(now - 1000))),
                  ErrorCode::kValidation, "The validTo date must be in the future.");
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(id, p.token, wrapped, R"(,"ValidTo":)" + Seconds(now + 366 * kDayMs))),
      ErrorCode::kValidation, "The validTo date must be at most 365 days in the future.");
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial, ImportBody(id, p.token, wrapped, R"(,"ValidTo":"tomorrow")")),
      ErrorCode::kSerialization, "STRING_VALUE can not be converted to a Timestamp");
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial, ImportBody(id, p.token, wrapped, R"(,"ExpirationModel":"NEVER")")),
      ErrorCode::kValidation,
      Validation1("Value 'NEVER' at 'expirationModel' failed to satisfy constraint: "
                  "Member must satisfy enum value set: [KEY_MATERIAL_EXPIRES, "
                  "KEY_MATERIAL_DOES_NOT_EXPIRE]"));
  CHECK(State(f, id) == "PendingImport");
}

TEST_CASE("ImportKeyMaterial validates ImportType, KeyMaterialId and KeyMaterialDescription") {
  Fixture f;
  std::string id = NewExternalKey(f);
  Params p = GetParams(f, id);
  std::string wrapped = Wrap(p, "RSAES_OAEP_SHA_256", RandomMaterial(32).span());
  std::string hex64(64, 'a');
  std::string never = R"(,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE")";
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(
                 id, p.token, wrapped,
                 never + R"(,"ImportType":"NEW_KEY_MATERIAL","KeyMaterialId":")" + hex64 + "\"")),
      ErrorCode::kValidation,
      "A KeyMaterialId cannot be specified when the ImportType is NEW_KEY_MATERIAL");
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial,
                         ImportBody(id, p.token, wrapped, never + R"(,"KeyMaterialId":"ABC")")),
                  ErrorCode::kValidation,
                  "2 validation errors detected: Value 'ABC' at 'keyMaterialId' failed to satisfy "
                  "constraint: Member must have length greater than or equal to 64; Value 'ABC' "
                  "at 'keyMaterialId' failed to satisfy constraint: Member must satisfy regular "
                  "expression pattern: ^[a-f0-9]+$");
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(id, p.token, wrapped, never + R"(,"KeyMaterialDescription":"a*b")")),
      ErrorCode::kValidation,
      Validation1("Value 'a*b' at 'keyMaterialDescription' failed to satisfy constraint: Member "
                  "must satisfy regular expression pattern: ^[a-zA-Z0-9:/_\\s.-]+$"));
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial,
                         ImportBody(id, p.token, wrapped, never + R"(,"ImportType":"OTHER")")),
                  ErrorCode::kValidation,
                  Validation1("Value 'OTHER' at 'importType' failed to satisfy constraint: Member "
                              "must satisfy enum value set: [NEW_KEY_MATERIAL, "
                              "EXISTING_KEY_MATERIAL]"));
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial, KeyIdJson(id)), ErrorCode::kValidation,
                  "2 validation errors detected: Value null at 'importToken' failed to satisfy "
                  "constraint: Member must not be null; Value null at 'encryptedKeyMaterial' "
                  "failed to satisfy constraint: Member must not be null");
}

TEST_CASE("ImportKeyMaterial refuses a token that is unknown, another key's or expired") {
  Fixture f;
  std::string id = NewExternalKey(f);
  std::string other = NewExternalKey(f);
  Params p = GetParams(f, id);
  Params q = GetParams(f, other);
  SecretBytes material = RandomMaterial(32);
  std::string invalid = "The import token is invalid or is associated with a different KMS key.";
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial, ImportBody(id, Base64Encode(RandomMaterial(32).span()),
                                           Wrap(p, "RSAES_OAEP_SHA_256", material.span()))),
      ErrorCode::kInvalidImportToken, invalid);
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial,
                         ImportBody(id, "AAAA", Wrap(p, "RSAES_OAEP_SHA_256", material.span()))),
                  ErrorCode::kInvalidImportToken, invalid);
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial,
                         ImportBody(id, q.token, Wrap(q, "RSAES_OAEP_SHA_256", material.span()))),
                  ErrorCode::kInvalidImportToken, invalid);
  f.clock().Advance(kImportParametersLifetimeMs + 1);
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial,
                         ImportBody(id, p.token, Wrap(p, "RSAES_OAEP_SHA_256", material.span()))),
                  ErrorCode::kExpiredImportToken,
                  "The import token is expired. Use GetParametersForImport to get a new import "
                  "token and public key.");
  CHECK(State(f, id) == "PendingImport");
}

TEST_CASE("ImportKeyMaterial refuses material it cannot unwrap") {
  Fixture f;
  std::string id = NewExternalKey(f);
  Params p = GetParams(f, id, "RSAES_OAEP_SHA_256");
  SecretBytes material = RandomMaterial(32);
  // Wrapped with another algorithm than the token's.
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial,
                         ImportBody(id, p.token, Wrap(p, "RSAES_OAEP_SHA_1", material.span()))),
                  ErrorCode::kInvalidCiphertext, "");
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial, ImportBody(id, p.token, Base64Encode(RandomMaterial(256).span()))),
      ErrorCode::kInvalidCiphertext, "");
  Params aes = GetParams(f, id, "RSA_AES_KEY_WRAP_SHA_256");
  auto wrapped = Bytes(Wrap(aes, "RSA_AES_KEY_WRAP_SHA_256", material.span()));
  wrapped.back() ^= 1;  // the AES key wrap's integrity check fails
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial, ImportBody(id, aes.token, Base64Encode(wrapped))),
                  ErrorCode::kInvalidCiphertext, "");
  wrapped.resize(256);  // only the RSA part
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial, ImportBody(id, aes.token, Base64Encode(wrapped))),
                  ErrorCode::kInvalidCiphertext, "");
  CHECK(State(f, id) == "PendingImport");
}

TEST_CASE("ImportKeyMaterial checks the material against the key spec") {
  Fixture f;
  std::string id = NewExternalKey(f);
  Params p = GetParams(f, id, "RSA_AES_KEY_WRAP_SHA_256");
  CHECK_AWS_ERROR(
      f.Call(
          ImportKeyMaterial,
          ImportBody(id, p.token, Wrap(p, "RSA_AES_KEY_WRAP_SHA_256", RandomMaterial(16).span()))),
      ErrorCode::kIncorrectKeyMaterial,
      "Key material for a SYMMETRIC_DEFAULT KMS key must be 32 bytes long.");
  std::string mac = NewExternalKey(f, R"(,"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC")");
  Params q = GetParams(f, mac, "RSA_AES_KEY_WRAP_SHA_256");
  CHECK_AWS_ERROR(
      f.Call(
          ImportKeyMaterial,
          ImportBody(mac, q.token, Wrap(q, "RSA_AES_KEY_WRAP_SHA_256", RandomMaterial(65).span()))),
      ErrorCode::kIncorrectKeyMaterial,
      "Key material for a HMAC_256 KMS key must be 32 to 64 bytes long.");
  std::string ecc = NewExternalKey(f, R"(,"KeySpec":"ECC_NIST_P256","KeyUsage":"SIGN_VERIFY")");
  Params r = GetParams(f, ecc, "RSA_AES_KEY_WRAP_SHA_256");
  auto p384 = GenerateKeyMaterial(kms::KeySpec::kEccNistP384);
  REQUIRE(p384.has_value());
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(ecc, r.token, Wrap(r, "RSA_AES_KEY_WRAP_SHA_256", p384->span()))),
      ErrorCode::kIncorrectKeyMaterial,
      "The key material does not match the key spec ECC_NIST_P256 of the KMS key.");
  CHECK_AWS_ERROR(
      f.Call(
          ImportKeyMaterial,
          ImportBody(ecc, r.token, Wrap(r, "RSA_AES_KEY_WRAP_SHA_256", RandomMaterial(32).span()))),
      ErrorCode::kIncorrectKeyMaterial,
      "The key material is not a DER-encoded PKCS#8 private key.");
}

TEST_CASE("Reimporting needs the same material as before") {
  Fixture f;
  std::string id = NewExternalKey(f);
  SecretBytes material = RandomMaterial(32);
  std::string material_id = Str(Import(f, id, material.span()).at("KeyMaterialId"));
  Params p = GetParams(f, id);
  std::string other = Wrap(p, "RSAES_OAEP_SHA_256", RandomMaterial(32).span());
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial, ImportBody(id, p.token, other)),
                  ErrorCode::kIncorrectKeyMaterial,
                  "The key material in the request is not the same key material that was "
                  "previously imported into " +
                      ArnOf(id) + ".");
  std::string same = Wrap(p, "RSAES_OAEP_SHA_256", material.span());
  std::string wrong_id(64, '0');
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(id, p.token, same,
                        R"(,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE","KeyMaterialId":")" +
                            wrong_id + "\"")),
      ErrorCode::kIncorrectKeyMaterial,
      "The key material in the request is not the key material " + wrong_id + ".");
  // The same material with its id, now with an expiry: the expiration changes.
  int64_t valid_to = f.clock().NowMs() + 10 * kDayMs;
  auto r = f.Ok(ImportKeyMaterial, ImportBody(id, p.token, same,
                                              R"(,"ValidTo":)" + Seconds(valid_to) +
                                                  R"(,"KeyMaterialId":")" + material_id + "\""));
  CHECK(Str(r.at("KeyMaterialId")) == material_id);
  auto m = Metadata(f, id);
  CHECK(Str(m.at("ExpirationModel")) == "KEY_MATERIAL_EXPIRES");
  CHECK(m.at("ValidTo") == boost::json::value(static_cast<double>(valid_to) / 1000.0));
}

TEST_CASE("EXISTING_KEY_MATERIAL needs material imported before") {
  Fixture f;
  std::string id = NewExternalKey(f);
  Params p = GetParams(f, id);
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(id, p.token, Wrap(p, "RSAES_OAEP_SHA_256", RandomMaterial(32).span()),
                        R"(,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE",)"
                        R"("ImportType":"EXISTING_KEY_MATERIAL")")),
      ErrorCode::kIncorrectKeyMaterial,
      "No key material has been imported into " + ArnOf(id) +
          " yet; import new key material first.");
}

TEST_CASE("NEW_KEY_MATERIAL adds material pending rotation, one at a time") {
  Fixture f;
  std::string id = NewExternalKey(f);
  SecretBytes first = RandomMaterial(32);
  std::string first_id = Str(Import(f, id, first.span()).at("KeyMaterialId"));
  std::string blob = EncryptText(f, id, "before rotation");
  std::string new_type =
      R"(,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE","ImportType":"NEW_KEY_MATERIAL",)"
      R"("KeyMaterialDescription":"second one")";
  Params p = GetParams(f, id);
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(id, p.token, Wrap(p, "RSAES_OAEP_SHA_256", first.span()), new_type)),
      ErrorCode::kIncorrectKeyMaterial,
      "The key material in the request is already associated with " + ArnOf(id) + ".");
  SecretBytes second = RandomMaterial(32);
  auto r = f.Ok(ImportKeyMaterial,
                ImportBody(id, p.token, Wrap(p, "RSAES_OAEP_SHA_256", second.span()), new_type));
  std::string second_id = Str(r.at("KeyMaterialId"));
  // AWS: test_rotate_key_on_demand_updates_current_key_material_for_external_keys.
  CHECK(Str(Metadata(f, id).at("CurrentKeyMaterialId")) == first_id);
  auto rotations =
      f.Ok(ListKeyRotations, R"({"KeyId":")" + id + R"(","IncludeKeyMaterial":"ALL_KEY_MATERIAL"})")
          .at("Rotations")
          .as_array();
  REQUIRE(rotations.size() == 2);
  CHECK(Str(rotations[1].at("KeyMaterialState")) == "PENDING_ROTATION");
  CHECK(Str(rotations[1].at("ImportState")) == "IMPORTED");
  CHECK(Str(rotations[1].at("KeyMaterialDescription")) == "second one");
  // AWS: test_import_key_material_raises_if_there_is_already_key_material_pending
  SecretBytes third = RandomMaterial(32);
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(id, p.token, Wrap(p, "RSAES_OAEP_SHA_256", third.span()), new_type)),
      ErrorCode::kInvalidState,
      "New key material (id: " + ImportedMaterialId(id, third.span()) +
          ") cannot be imported into KMS key " + ArnOf(id) +
          ", because another key material (id: " + second_id + ") is pending rotation.");
  f.Ok(RotateKeyOnDemand, KeyIdJson(id));
  CHECK(Str(Metadata(f, id).at("CurrentKeyMaterialId")) == second_id);
  CHECK(DecryptText(f, blob) == "before rotation");
  CHECK(DecryptText(f, EncryptText(f, id, "after")) == "after");
}

TEST_CASE("Only symmetric keys take ImportType, KeyMaterialId and KeyMaterialDescription") {
  Fixture f;
  std::string mac = NewExternalKey(f, R"(,"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC")");
  Params p = GetParams(f, mac);
  CHECK_AWS_ERROR(
      f.Call(ImportKeyMaterial,
             ImportBody(mac, p.token, Wrap(p, "RSAES_OAEP_SHA_256", RandomMaterial(32).span()),
                        R"(,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE",)"
                        R"("ImportType":"NEW_KEY_MATERIAL")")),
      ErrorCode::kValidation,
      "ImportType, KeyMaterialId and KeyMaterialDescription are valid only for symmetric "
      "encryption KMS keys.");
}

TEST_CASE("Imported HMAC material computes the HMAC a client computes") {
  // AWS: test_import_key_hmac_keys
  Fixture f;
  std::string mac = NewExternalKey(f, R"(,"KeySpec":"HMAC_512","KeyUsage":"GENERATE_VERIFY_MAC")");
  SecretBytes material = RandomMaterial(100);
  Params p = GetParams(f, mac, "RSAES_OAEP_SHA_256", "RSA_2048");
  auto r = f.Ok(ImportKeyMaterial,
                ImportBody(mac, p.token, Wrap(p, "RSAES_OAEP_SHA_256", material.span())));
  CHECK_FALSE(r.contains("KeyMaterialId"));  // AWS shows material ids of symmetric keys only
  auto m = Metadata(f, mac);
  CHECK(Str(m.at("KeyState")) == "Enabled");
  CHECK(Str(m.at("ExpirationModel")) == "KEY_MATERIAL_DOES_NOT_EXPIRE");
  auto out = f.Ok(GenerateMac, R"({"KeyId":")" + mac +
                                   R"(","Message":"bWVzc2FnZQ==","MacAlgorithm":"HMAC_SHA_512"})");
  std::string message = "message";
  auto expected = ComputeHmac(MacAlgorithm::kHmacSha512, material.span(),
                              {reinterpret_cast<const uint8_t*>(message.data()), message.size()});
  CHECK(Bytes(Str(out.at("Mac"))) == expected);
}

TEST_CASE("Imported asymmetric material signs and shows its public key") {
  // AWS: test_import_key_ecc_keys, test_import_key_rsa_aes_wrap_sha256
  Fixture f;
  for (kms::KeySpec spec : {kms::KeySpec::kEccNistP256, kms::KeySpec::kRsa2048}) {
    std::string name(kms::ToString(spec));
    CAPTURE(name);
    std::string id = NewExternalKey(f, R"(,"KeySpec":")" + name + R"(","KeyUsage":"SIGN_VERIFY")");
    auto private_key = GenerateKeyMaterial(spec);
    REQUIRE(private_key.has_value());
    Params p = GetParams(f, id, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048");
    f.Ok(ImportKeyMaterial,
         ImportBody(id, p.token, Wrap(p, "RSA_AES_KEY_WRAP_SHA_256", private_key->span())));
    auto parsed = ParsePrivateKey(private_key->span());
    REQUIRE(parsed.has_value());
    auto spki = PublicKeyDer(parsed->get());
    REQUIRE(spki.has_value());
    CHECK(Bytes(Str(f.Ok(GetPublicKey, KeyIdJson(id)).at("PublicKey"))) == *spki);
    std::string alg = spec == kms::KeySpec::kRsa2048 ? "RSASSA_PSS_SHA_256" : "ECDSA_SHA_256";
    auto signed_out = f.Ok(
        Sign, R"({"KeyId":")" + id + R"(","Message":"AA==","SigningAlgorithm":")" + alg + R"("})");
    auto verified =
        f.Ok(Verify, R"({"KeyId":")" + id + R"(","Message":"AA==","SigningAlgorithm":")" + alg +
                         R"(","Signature":")" + Str(signed_out.at("Signature")) + R"("})");
    CHECK(verified.at("SignatureValid").as_bool());
  }
}

// ---- State rules ----

TEST_CASE("ImportKeyMaterial keeps a disabled key disabled and refuses one pending deletion") {
  Fixture f;
  std::string id = NewExternalKey(f);
  SecretBytes material = RandomMaterial(32);
  Import(f, id, material.span());
  f.Ok(DisableKey, KeyIdJson(id));
  Import(f, id, material.span());
  CHECK(State(f, id) == "Disabled");
  Params p = GetParams(f, id);
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})");
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial,
                         ImportBody(id, p.token, Wrap(p, "RSAES_OAEP_SHA_256", material.span()))),
                  ErrorCode::kInvalidState, ArnOf(id) + " is pending deletion.");
}

TEST_CASE("ImportKeyMaterial and DeleteImportedKeyMaterial refuse keys KMS made") {
  Fixture f;
  std::string id = f.NewKeyId();
  std::string message = ArnOf(id) + " origin is AWS_KMS which is not valid for this operation.";
  CHECK_AWS_ERROR(f.Call(DeleteImportedKeyMaterial, KeyIdJson(id)),
                  ErrorCode::kUnsupportedOperation, message);
  CHECK_AWS_ERROR(f.Call(ImportKeyMaterial, ImportBody(id, "AAAA", "AAAA")),
                  ErrorCode::kUnsupportedOperation, message);
}

TEST_CASE("DeleteImportedKeyMaterial by state and by KeyMaterialId") {
  Fixture f;
  std::string never = NewExternalKey(f);
  auto r = f.Ok(DeleteImportedKeyMaterial, KeyIdJson(never));  // AWS: no effect
  CHECK(Str(r.at("KeyId")) == ArnOf(never));
  CHECK_FALSE(r.contains("KeyMaterialId"));
  CHECK(State(f, never) == "PendingImport");

  std::string id = NewExternalKey(f);
  SecretBytes material = RandomMaterial(32);
  std::string material_id = Str(Import(f, id, material.span()).at("KeyMaterialId"));
  std::string unknown(64, 'f');
  CHECK_AWS_ERROR(f.Call(DeleteImportedKeyMaterial,
                         R"({"KeyId":")" + id + R"(","KeyMaterialId":")" + unknown + R"("})"),
                  ErrorCode::kNotFound,
                  "Key material " + unknown + " is not associated with " + ArnOf(id) + ".");
  f.Ok(DisableKey, KeyIdJson(id));
  f.Ok(DeleteImportedKeyMaterial,
       R"({"KeyId":")" + id + R"(","KeyMaterialId":")" + material_id + R"("})");
  CHECK(State(f, id) == "PendingImport");

  // AWS: the state of a key pending deletion does not change; cancelling leaves it PendingImport.
  Import(f, id, material.span());
  f.Ok(ScheduleKeyDeletion, R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})");
  f.Ok(DeleteImportedKeyMaterial, KeyIdJson(id));
  CHECK(State(f, id) == "PendingDeletion");
  f.Ok(CancelKeyDeletion, KeyIdJson(id));
  CHECK(State(f, id) == "PendingImport");
}

TEST_CASE("Deleting material pending rotation removes it from the key") {
  Fixture f;
  std::string id = NewExternalKey(f);
  Import(f, id, RandomMaterial(32).span());
  std::string pending = Str(
      Import(f, id, RandomMaterial(32).span(),
             R"(,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE","ImportType":"NEW_KEY_MATERIAL")")
          .at("KeyMaterialId"));
  f.Ok(DeleteImportedKeyMaterial,
       R"({"KeyId":")" + id + R"(","KeyMaterialId":")" + pending + R"("})");
  CHECK(State(f, id) == "Enabled");
  CHECK(f.store().FindKey(kAccount, kRegion, id)->materials.size() == 1);
  // Different new material may take its place.
  Import(f, id, RandomMaterial(32).span(),
         R"(,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE","ImportType":"NEW_KEY_MATERIAL")");
  CHECK(f.store().FindKey(kAccount, kRegion, id)->materials.size() == 2);
}

// ---- Expiry ----

TEST_CASE("Material expires at its ValidTo and the key returns to PendingImport") {
  Fixture f;
  std::string id = NewExternalKey(f);
  SecretBytes material = RandomMaterial(32);
  int64_t valid_to = f.clock().NowMs() + 2 * kDayMs;
  Import(f, id, material.span(), R"(,"ValidTo":)" + Seconds(valid_to));
  auto m = Metadata(f, id);
  CHECK(Str(m.at("ExpirationModel")) == "KEY_MATERIAL_EXPIRES");
  CHECK(m.at("ValidTo") == boost::json::value(static_cast<double>(valid_to) / 1000.0));
  std::string blob = EncryptText(f, id, "expiring");

  CHECK(ExpireImportedMaterial(f.store(), valid_to - 1).value() == 0);
  CHECK(State(f, id) == "Enabled");
  f.clock().Advance(2 * kDayMs);
  CHECK(ExpireImportedMaterial(f.store(), valid_to).value() == 1);
  m = Metadata(f, id);
  CHECK(Str(m.at("KeyState")) == "PendingImport");
  CHECK_FALSE(m.contains("ExpirationModel"));
  CHECK_FALSE(m.contains("ValidTo"));
  CHECK_AWS_ERROR(f.Call(Decrypt, Member("CiphertextBlob", blob)), ErrorCode::kInvalidState,
                  PendingImport(id));
  CHECK(ExpireImportedMaterial(f.store(), valid_to + kDayMs).value() == 0);

  Import(f, id, material.span());
  CHECK(State(f, id) == "Enabled");
  CHECK(DecryptText(f, blob) == "expiring");
}

// ---- Domain ----

TEST_CASE("UnwrapKeyMaterial reverses WrapKeyMaterial and fails cleanly on corruption") {
  for (WrappingKeySpec spec : {WrappingKeySpec::kRsa2048}) {
    auto private_key = NewWrappingKey(spec);
    REQUIRE(private_key.has_value());
    auto public_key = WrappingPublicKey(private_key->span());
    REQUIRE(public_key.has_value());
    for (WrappingAlgorithm alg :
         {WrappingAlgorithm::kRsaesOaepSha1, WrappingAlgorithm::kRsaesOaepSha256,
          WrappingAlgorithm::kRsaAesKeyWrapSha1, WrappingAlgorithm::kRsaAesKeyWrapSha256}) {
      CAPTURE(ToString(alg));
      SecretBytes material = RandomMaterial(48);
      auto wrapped = WrapKeyMaterial(*public_key, alg, material.span());
      REQUIRE(wrapped.has_value());
      auto unwrapped = UnwrapKeyMaterial(private_key->span(), alg, *wrapped);
      REQUIRE(unwrapped.has_value());
      CHECK(unwrapped->Equals(material.span()));
      // Every single-byte corruption fails cleanly.
      for (size_t i = 0; i < wrapped->size(); i += 53) {
        auto corrupt = *wrapped;
        corrupt[i] ^= 0x01;
        auto result = UnwrapKeyMaterial(private_key->span(), alg, corrupt);
        CHECK_FALSE(result.has_value());
        if (!result) CHECK(result.error().code == ErrorCode::kInvalidCiphertext);
      }
    }
  }
  auto private_key = NewWrappingKey(WrappingKeySpec::kRsa2048).value();
  CHECK(UnwrapKeyMaterial(private_key.span(), WrappingAlgorithm::kRsaesPkcs1V15,
                          RandomMaterial(256).span())
            .error()
            .code == ErrorCode::kInvalidCiphertext);
}

TEST_CASE("ImportedMaterialId depends on the key and the material only") {
  SecretBytes a = RandomMaterial(32);
  SecretBytes b = RandomMaterial(32);
  std::string id = ImportedMaterialId("k1", a.span());
  CHECK(id.size() == 64);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(ImportedMaterialId("k1", a.span()) == id);
  CHECK(ImportedMaterialId("k2", a.span()) != id);
  CHECK(ImportedMaterialId("k1", b.span()) != id);
}

TEST_CASE("CheckImportedMaterial applies AWS's HMAC size ranges") {
  struct Case {
    kms::KeySpec spec;
    size_t min, max;
  };
  for (Case c : {Case{kms::KeySpec::kHmac224, 28, 64}, Case{kms::KeySpec::kHmac256, 32, 64},
                 Case{kms::KeySpec::kHmac384, 48, 128}, Case{kms::KeySpec::kHmac512, 64, 128}}) {
    CHECK(CheckImportedMaterial(c.spec, RandomMaterial(c.min)).has_value());
    CHECK(CheckImportedMaterial(c.spec, RandomMaterial(c.max)).has_value());
    CHECK(CheckImportedMaterial(c.spec, RandomMaterial(c.min - 1)).error().code ==
          ErrorCode::kIncorrectKeyMaterial);
    CHECK(CheckImportedMaterial(c.spec, RandomMaterial(c.max + 1)).error().code ==
          ErrorCode::kIncorrectKeyMaterial);
  }
}

// ---- Persistence ----

TEST_CASE("Import tokens and imported material state survive reopening the database") {
  std::string dir_pattern = "/tmp/kms-import-test-XXXXXX";
  REQUIRE(mkdtemp(dir_pattern.data()) != nullptr);
  std::string path = dir_pattern + "/kms.db";
  std::string id, token, deleted_id;
  std::vector<uint8_t> public_key;
  SecretBytes material = RandomMaterial(32);
  Clock clock;
  auto ctx_of = [&clock] {
    RequestContext ctx;
    ctx.account = kAccount;
    ctx.region = kRegion;
    ctx.now_ms = clock.NowMs();
    return ctx;
  };
  int64_t valid_to = clock.NowMs() + 30 * kDayMs;
  {
    auto store = KeyStore::Open(path);
    REQUIRE(store.has_value());
    Services services{**store, clock};
    auto key = CreateKey(services, ctx_of(), Json(R"({"Origin":"EXTERNAL"})"));
    REQUIRE(key.has_value());
    id = Str(key->at("KeyMetadata").at("KeyId"));
    auto params = GetParametersForImport(
        services, ctx_of(),
        Json(R"({"KeyId":")" + id +
             R"(","WrappingAlgorithm":"RSA_AES_KEY_WRAP_SHA_256","WrappingKeySpec":"RSA_2048"})"));
    REQUIRE(params.has_value());
    token = Str(params->at("ImportToken"));
    public_key = Bytes(Str(params->at("PublicKey")));
  }
  {
    auto store = KeyStore::Open(path);
    REQUIRE(store.has_value());
    Services services{**store, clock};
    Params p{token, public_key, {}};
    auto imported = ImportKeyMaterial(
        services, ctx_of(),
        Json(ImportBody(
            id, token, Wrap(p, "RSA_AES_KEY_WRAP_SHA_256", material.span()),
            R"(,"ValidTo":)" + Seconds(valid_to) + R"(,"KeyMaterialDescription":"from disk")")));
    REQUIRE(imported.has_value());
    deleted_id = Str(imported->at("KeyMaterialId"));
    REQUIRE(DeleteImportedKeyMaterial(services, ctx_of(), Json(KeyIdJson(id))).has_value());
  }
  {
    auto store = KeyStore::Open(path);
    REQUIRE(store.has_value());
    auto key = (*store)->FindKey(kAccount, kRegion, id);
    REQUIRE(key != nullptr);
    CHECK(key->state == kms::KeyState::kPendingImport);
    REQUIRE(key->materials.size() == 1);
    CHECK(key->materials[0].id == deleted_id);
    CHECK(key->materials[0].bytes == nullptr);
    CHECK(key->materials[0].description == "from disk");
    CHECK_FALSE(key->materials[0].valid_to_ms.has_value());
    Services services{**store, clock};
    Params p{token, public_key, {}};
    auto again = ImportKeyMaterial(
        services, ctx_of(),
        Json(ImportBody(id, token, Wrap(p, "RSA_AES_KEY_WRAP_SHA_256", material.span()),
                        R"(,"ValidTo":)" + Seconds(valid_to))));
    REQUIRE(again.has_value());
    auto reloaded = (*store)->FindKey(kAccount, kRegion, id);
    CHECK(reloaded->state == kms::KeyState::kEnabled);
    CHECK(reloaded->materials[0].valid_to_ms == valid_to);
  }
  {
    auto store = KeyStore::Open(path);
    REQUIRE(store.has_value());
    auto key = (*store)->FindKey(kAccount, kRegion, id);
    REQUIRE(key != nullptr);
    REQUIRE(key->materials[0].bytes != nullptr);
    CHECK(key->materials[0].bytes->Equals(material.span()));
    CHECK(key->materials[0].valid_to_ms == valid_to);
    CHECK(key->materials[0].description == "from disk");
  }
  std::filesystem::remove_all(dir_pattern);
}
