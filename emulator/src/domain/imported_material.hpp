// Imported key material over Key snapshots: what ImportKeyMaterial, DeleteImportedKeyMaterial and
// expiry change, and the ExpirationModel / ValidTo that DescribeKey shows. Pure functions; the
// store persists the result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/key.hpp"

namespace kms::emulator {

// AWS's ImportType.
enum class ImportType { kNewKeyMaterial, kExistingKeyMaterial };

inline constexpr std::string_view kExpirationModelExpires = "KEY_MATERIAL_EXPIRES";
inline constexpr std::string_view kExpirationModelDoesNotExpire = "KEY_MATERIAL_DOES_NOT_EXPIRE";

// True while the material's bytes are present (ListKeyRotations' ImportState IMPORTED). Pure.
inline bool IsImported(const KeyMaterial& material) { return material.bytes != nullptr; }

// True when the key has material and all of it is imported: only then is an EXTERNAL key usable
// (AWS: deleting or letting expire any of its materials makes the key PendingImport). Pure.
bool AllMaterialImported(const Key& key);

// KeyMetadata's ExpirationModel: for EXTERNAL keys whose current material is imported,
// KEY_MATERIAL_EXPIRES when EarliestValidTo has a value, else KEY_MATERIAL_DOES_NOT_EXPIRE;
// nullopt otherwise. Pure.
std::optional<std::string_view> ExpirationModelOf(const Key& key);

// KeyMetadata's ValidTo: the earliest expiry of the imported materials permanently associated
// with the key (all but one pending rotation); nullopt when none expires. Pure.
std::optional<int64_t> EarliestValidTo(const Key& key);

// One ImportKeyMaterial request, after unwrapping and CheckImportedMaterial.
struct MaterialImport {
  std::shared_ptr<const internal::SecretBytes> bytes;
  std::string material_id;                  // ImportedMaterialId of the bytes
  std::optional<ImportType> type;           // absent: AWS's default
  std::optional<std::string> requested_id;  // the request's KeyMaterialId
  std::optional<std::string> description;   // the request's KeyMaterialDescription
  std::optional<int64_t> valid_to_ms;       // set for KEY_MATERIAL_EXPIRES
  int64_t now_ms = 0;
};

// Applies an import to the key. ImportType defaults to NEW_KEY_MATERIAL for a key that never had
// material, else EXISTING_KEY_MATERIAL. New material becomes current when it is the key's first,
// otherwise it waits for RotateKeyOnDemand (PENDING_ROTATION). Existing material gets its bytes
// back and the new expiration (and description when given). A PendingImport key whose materials
// are then all imported becomes Enabled; other states stay. Errors (the key is then unchanged):
// KMSInvalidStateException when new material meets material already pending rotation (AWS's
// message); IncorrectKeyMaterialException when new material is already the key's, when existing
// material is not the key's or not `requested_id`, or when the key has none to reimport. Pure.
Status ApplyImport(Key& key, const MaterialImport& import);

// Deletes the bytes of `material_id` (ImportState PENDING_IMPORT, expiration cleared,
// description kept), or removes it entirely when it is pending rotation (never permanently
// associated). When permanently associated material goes, the key becomes PendingImport unless it
// is PendingDeletion or PendingReplicaDeletion (AWS). No change for material already deleted or
// an id the key lacks. Pure.
void DeleteMaterial(Key& key, std::string_view material_id);

// True when some imported material of the key has a ValidTo at or before `now_ms`. Pure.
bool HasExpiredMaterial(const Key& key, int64_t now_ms);

// DeleteMaterial for every material whose ValidTo is at or before `now_ms`; returns how many.
// Pure.
size_t ExpireMaterial(Key& key, int64_t now_ms);

}  // namespace kms::emulator
