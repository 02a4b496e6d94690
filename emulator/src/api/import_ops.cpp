// Imported key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial.
// Wrapping keys and import tokens are kept in SQLite for their 24 hours; the material itself
// lives in the key like generated material, with its import state and expiry.
#include <array>
#include <boost/json/object.hpp>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/key_metadata.hpp"
#include "api/key_resolver.hpp"
#include "api/management.hpp"
#include "domain/asymmetric_key.hpp"
#include "domain/import_wrapping.hpp"
#include "domain/imported_material.hpp"

namespace kms::emulator {
namespace {

constexpr size_t kImportTokenBytes = 32;
constexpr std::string_view kExpirationModels[] = {kExpirationModelExpires,
                                                  kExpirationModelDoesNotExpire};
constexpr std::string_view kImportTypes[] = {"NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"};
constexpr BlobRule kCiphertextRule{.required = true, .min = 1, .max = 6144};

Error Validation(std::string message) {
  return MakeError(ErrorCode::kValidation, std::move(message));
}

Error Unsupported(std::string message) {
  return MakeError(ErrorCode::kUnsupportedOperation, std::move(message));
}

bool IsHex64(std::string_view s) {
  for (char c : s) {
    if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return false;
  }
  return !s.empty();
}

// KeyMaterialDescription's pattern ^[a-zA-Z0-9:/_\s.-]+$ (Java's \s: space, \t \n \x0B \f \r).
bool IsMaterialDescription(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view(":/_.- \t\n\x0B\f\r").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return !s.empty();
}

constexpr StringRule kMaterialIdRule{
    .min = 64, .max = 64, .pattern = "^[a-f0-9]+$", .check = IsHex64};

// AWS: the origin rule of the three operations (key-state table footnote 9), then their state
// rule: Enabled, Disabled and PendingImport keys pass (DeleteImportedKeyMaterial also admits a
// key pending deletion, `allow_pending_deletion`), other states fail as crypto operations do.
Status RequireImportable(const Key& key, bool allow_pending_deletion) {
  if (key.origin != Origin::kExternal) {
    // AWS: test_get_parameters_for_import_raises_for_non_external_kms_keys
    return Unsupported(key.Arn() + " origin is " + std::string(ToString(key.origin)) +
                       " which is not valid for this operation.");
  }
  switch (key.state) {
    case KeyState::kEnabled:
    case KeyState::kDisabled:
    case KeyState::kPendingImport:
      return {};
    case KeyState::kPendingDeletion:
    case KeyState::kPendingReplicaDeletion:
      if (allow_pending_deletion) return {};
      return RequireEnabled(key);
    default:
      return RequireEnabled(key);
  }
}

// The wrapping combinations AWS offers (n/v: the messages of these refusals are not recorded).
Status CheckWrapping(WrappingAlgorithm alg, WrappingKeySpec spec, std::string_view region) {
  if (alg == WrappingAlgorithm::kRsaesPkcs1V15) {
    // AWS: not supported for imports since October 10, 2023 (model documentation).
    return Unsupported("The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported.");
  }
  bool sm2_alg = alg == WrappingAlgorithm::kSm2Pke;
  bool sm2_spec = spec == WrappingKeySpec::kSm2;
  if (sm2_alg != sm2_spec) {
    return Validation("WrappingAlgorithm " + std::string(ToString(alg)) +
                      " is not compatible with WrappingKeySpec " + std::string(ToString(spec)) +
                      ".");
  }
  bool china = Sm2Available(region);
  if (sm2_alg && !china) {
    return Unsupported("The SM2PKE wrapping algorithm is supported only in the China Regions.");
  }
  bool rsa_aes = alg == WrappingAlgorithm::kRsaAesKeyWrapSha1 ||
                 alg == WrappingAlgorithm::kRsaAesKeyWrapSha256;
  if (rsa_aes && china) {
    // AWS: the RSA_AES wrapping algorithms are not supported in China Regions (developer guide).
    return Unsupported("The " + std::string(ToString(alg)) +
                       " wrapping algorithm is not supported in the China Regions.");
  }
  return {};
}

boost::json::string Base64(std::span<const uint8_t> bytes) {
  return boost::json::string(internal::Base64Encode(bytes));
}

// ---- ImportKeyMaterial ----

struct ImportInput {
  std::string key_id;
  internal::SecretBytes token;
  internal::SecretBytes wrapped;
  std::optional<int64_t> valid_to_ms;
  std::optional<ImportType> type;
  std::optional<std::string> description;
  std::optional<std::string> material_id;
};

Result<ImportInput> ReadImport(const boost::json::object& body) {
  InputReader in(body);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto token = in.Blob("ImportToken", kCiphertextRule);
  auto wrapped = in.Blob("EncryptedKeyMaterial", kCiphertextRule);
  auto valid_to = in.TimestampMs("ValidTo");
  auto model = in.Enum("ExpirationModel", kExpirationModels);
  auto type = in.Enum("ImportType", kImportTypes);
  auto description =
      in.String("KeyMaterialDescription",
                {.max = 256, .pattern = "^[a-zA-Z0-9:/_\\s.-]+$", .check = IsMaterialDescription});
  auto material_id = in.String("KeyMaterialId", kMaterialIdRule);
  if (Status status = in.Finish(); !status) return status.error();
  ImportInput out;
  out.key_id = std::string(*key_id);
  out.token = std::move(*token);
  out.wrapped = std::move(*wrapped);
  // AWS: ExpirationModel defaults to KEY_MATERIAL_EXPIRES (test_import_key_symmetric).
  bool expires = model.value_or(kExpirationModelExpires) == kExpirationModelExpires;
  if (expires && !valid_to) {
    return Validation("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
  }
  if (!expires && valid_to) {  // n/v
    return Validation(
        "A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE");
  }
  out.valid_to_ms = valid_to;
  if (type) {
    out.type =
        *type == kImportTypes[0] ? ImportType::kNewKeyMaterial : ImportType::kExistingKeyMaterial;
  }
  if (description) out.description = std::string(*description);
  if (material_id) out.material_id = std::string(*material_id);
  if (out.type == ImportType::kNewKeyMaterial && out.material_id) {  // n/v
    return Validation(
        "A KeyMaterialId cannot be specified when the ImportType is NEW_KEY_MATERIAL");
  }
  return out;
}

// n/v: the ValidTo range is documented (a future date at most 365 days ahead); the messages are
// not recorded.
Status CheckValidTo(const ImportInput& in, int64_t now_ms) {
  if (!in.valid_to_ms) return {};
  if (*in.valid_to_ms <= now_ms) return Validation("The validTo date must be in the future.");
  if (*in.valid_to_ms > now_ms + kMaxValidToMs) {
    return Validation("The validTo date must be at most 365 days in the future.");
  }
  return {};
}

// AWS: ImportType, KeyMaterialId and KeyMaterialDescription are only for symmetric encryption
// keys (n/v: the message).
Status CheckSymmetricOnlyMembers(const Key& key, const ImportInput& in) {
  if (key.spec == KeySpec::kSymmetricDefault) return {};
  if (in.type || in.material_id || in.description) {
    return Validation(
        "ImportType, KeyMaterialId and KeyMaterialDescription are valid only for symmetric "
        "encryption KMS keys.");
  }
  return {};
}

// The wrapping key the import token names, after checking it belongs to `key` and is still
// valid (n/v: the messages).
Result<ImportParameters> TokenParameters(const Services& services, const RequestContext& ctx,
                                         const Key& key, const internal::SecretBytes& token) {
  Error invalid = MakeError(ErrorCode::kInvalidImportToken,
                            "The import token is invalid or is associated with a different KMS "
                            "key.");
  if (token.size() != kImportTokenBytes) return invalid;
  auto params = services.store.FindImportParameters(internal::HexEncode(token.span()));
  if (!params) return params.error();
  if (!*params || (*params)->account != key.account || (*params)->region != key.region ||
      (*params)->key_id != key.id) {
    return invalid;
  }
  if ((*params)->valid_to_ms < ctx.now_ms) {
    return MakeError(ErrorCode::kExpiredImportToken,
                     "The import token is expired. Use GetParametersForImport to get a new import "
                     "token and public key.");
  }
  return std::move(**params);
}

// The MaterialImport of the request: the unwrapped material, checked for the key's spec.
Result<MaterialImport> UnwrapForKey(const Key& key, const ImportParameters& params,
                                    ImportInput&& in, int64_t now_ms) {
  auto unwrapped =
      UnwrapKeyMaterial(params.private_key->span(), params.algorithm, in.wrapped.span());
  if (!unwrapped) return unwrapped.error();
  auto material = CheckImportedMaterial(key.spec, std::move(*unwrapped));
  if (!material) return material.error();
  MaterialImport import;
  import.material_id = ImportedMaterialId(key.id, material->span());
  import.bytes = std::make_shared<const internal::SecretBytes>(std::move(*material));
  import.type = in.type;
  import.requested_id = std::move(in.material_id);
  import.description = std::move(in.description);
  import.valid_to_ms = in.valid_to_ms;
  import.now_ms = now_ms;
  return import;
}

// KeyId and, for symmetric encryption keys (the only ones that show material ids), the
// KeyMaterialId of the response.
boost::json::object KeyAndMaterial(const Key& key, std::string_view material_id) {
  boost::json::object out;
  out["KeyId"] = key.Arn();
  if (key.spec == KeySpec::kSymmetricDefault && !material_id.empty()) {
    out["KeyMaterialId"] = material_id;
  }
  return out;
}

}  // namespace

KMS_HANDLER(GetParametersForImport) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto algorithm = in.Enum("WrappingAlgorithm", kWrappingAlgorithmNames, /*required=*/true);
  auto spec = in.Enum("WrappingKeySpec", kWrappingKeySpecNames, /*required=*/true);
  if (Status status = in.Finish(); !status) return status.error();
  auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  if (Status st = RequireImportable(**key, false); !st) return st.error();
  ImportParameters params;
  params.algorithm = *ParseWrappingAlgorithm(*algorithm);
  params.key_spec = *ParseWrappingKeySpec(*spec);
  if (Status st = CheckWrapping(params.algorithm, params.key_spec, ctx.region); !st) {
    return st.error();
  }
  auto private_key = NewWrappingKey(params.key_spec);
  if (!private_key) return private_key.error();
  auto public_key = WrappingPublicKey(private_key->span());
  if (!public_key) return public_key.error();
  std::array<uint8_t, kImportTokenBytes> token{};
  if (Status st = internal::RandomFill(token); !st) return st.error();
  params.token_id = internal::HexEncode(token);
  params.account = (*key)->account;
  params.region = (*key)->region;
  params.key_id = (*key)->id;
  params.private_key = std::make_shared<const internal::SecretBytes>(std::move(*private_key));
  params.valid_to_ms = ctx.now_ms + kImportParametersLifetimeMs;
  if (Status st = services.store.PutImportParameters(params, ctx.now_ms); !st) return st.error();
  boost::json::object out;
  out["ImportToken"] = Base64(token);
  out["KeyId"] = (*key)->Arn();
  out["ParametersValidTo"] = EpochSeconds(params.valid_to_ms);
  out["PublicKey"] = Base64(*public_key);
  return out;
}

KMS_HANDLER(ImportKeyMaterial) {
  auto in = ReadImport(input);
  if (!in) return in.error();
  if (Status st = CheckValidTo(*in, ctx.now_ms); !st) return st.error();
  auto key = ResolveOwnKey(services, ctx, in->key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  if (Status st = RequireImportable(**key, false); !st) return st.error();
  if (Status st = CheckSymmetricOnlyMembers(**key, *in); !st) return st.error();
  auto params = TokenParameters(services, ctx, **key, in->token);
  if (!params) return params.error();
  auto import = UnwrapForKey(**key, *params, std::move(*in), ctx.now_ms);
  if (!import) return import.error();
  auto updated = MutateKey(services, ctx, **key, [&](Key& k) -> Status {
    if (Status st = RequireImportable(k, false); !st) return st;
    return ApplyImport(k, *import);
  });
  if (!updated) return updated.error();
  return KeyAndMaterial(**updated, import->material_id);
}

KMS_HANDLER(DeleteImportedKeyMaterial) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto material_id = in.String("KeyMaterialId", kMaterialIdRule);
  if (Status status = in.Finish(); !status) return status.error();
  auto key = ResolveOwnKey(services, ctx, *key_id, /*allow_alias=*/false);
  if (!key) return key.error();
  std::string deleted;
  auto updated = MutateKey(services, ctx, **key, [&](Key& k) -> Status {
    if (Status st = RequireImportable(k, /*allow_pending_deletion=*/true); !st) return st;
    deleted = material_id ? std::string(*material_id) : k.current_material_id;
    if (material_id && k.FindMaterial(deleted) == nullptr) {  // n/v: the message
      return MakeError(ErrorCode::kNotFound,
                       "Key material " + deleted + " is not associated with " + k.Arn() + ".");
    }
    DeleteMaterial(k, deleted);
    return {};
  });
  if (!updated) return updated.error();
  return KeyAndMaterial(**updated, deleted);
}

}  // namespace kms::emulator
