// Imported-material rules over Key snapshots.
#include "domain/imported_material.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "domain/rotation.hpp"

namespace kms::emulator {
namespace {

Error IncorrectMaterial(std::string message) {
  return MakeError(ErrorCode::kIncorrectKeyMaterial, std::move(message));
}

// n/v: AWS's messages for these IncorrectKeyMaterialException cases are not recorded; the texts
// follow the exception's model documentation.
Status ImportNew(Key& key, const MaterialImport& import) {
  if (const KeyMaterial* pending = PendingRotationMaterial(key)) {
    // AWS: test_import_key_material_raises_if_there_is_already_key_material_pending
    return MakeError(ErrorCode::kInvalidState,
                     "New key material (id: " + import.material_id +
                         ") cannot be imported into KMS key " + key.Arn() +
                         ", because another key material (id: " + pending->id +
                         ") is pending rotation.");
  }
  if (key.FindMaterial(import.material_id) != nullptr) {
    return IncorrectMaterial("The key material in the request is already associated with " +
                             key.Arn() + ".");
  }
  KeyMaterial material;
  material.id = import.material_id;
  material.bytes = import.bytes;
  material.created_ms = import.now_ms;
  material.valid_to_ms = import.valid_to_ms;
  material.description = import.description.value_or("");
  bool first = key.materials.empty();
  key.materials.push_back(std::move(material));
  if (first) key.current_material_id = import.material_id;
  return {};
}

Status ImportExisting(Key& key, const MaterialImport& import) {
  if (key.materials.empty()) {
    return IncorrectMaterial("No key material has been imported into " + key.Arn() +
                             " yet; import new key material first.");
  }
  if (import.requested_id && *import.requested_id != import.material_id) {
    return IncorrectMaterial("The key material in the request is not the key material " +
                             *import.requested_id + ".");
  }
  auto it = std::find_if(key.materials.begin(), key.materials.end(),
                         [&](const KeyMaterial& m) { return m.id == import.material_id; });
  if (it == key.materials.end()) {
    return IncorrectMaterial(
        "The key material in the request is not the same key material that was previously "
        "imported into " +
        key.Arn() + ".");
  }
  it->bytes = import.bytes;
  it->valid_to_ms = import.valid_to_ms;
  if (import.description) it->description = *import.description;
  return {};
}

bool KeepsStateWithoutMaterial(KeyState state) {
  return state == KeyState::kPendingDeletion || state == KeyState::kPendingReplicaDeletion;
}

}  // namespace

bool AllMaterialImported(const Key& key) {
  return !key.materials.empty() && std::all_of(key.materials.begin(), key.materials.end(),
                                               [](const KeyMaterial& m) { return IsImported(m); });
}

std::optional<int64_t> EarliestValidTo(const Key& key) {
  const KeyMaterial* pending = PendingRotationMaterial(key);
  std::optional<int64_t> earliest;
  for (const KeyMaterial& m : key.materials) {
    if (&m == pending || !IsImported(m) || !m.valid_to_ms) continue;
    if (!earliest || *m.valid_to_ms < *earliest) earliest = m.valid_to_ms;
  }
  return earliest;
}

std::optional<std::string_view> ExpirationModelOf(const Key& key) {
  const KeyMaterial* current = key.CurrentMaterial();
  if (key.origin != Origin::kExternal || current == nullptr || !IsImported(*current)) {
    return std::nullopt;
  }
  return EarliestValidTo(key) ? kExpirationModelExpires : kExpirationModelDoesNotExpire;
}

Status ApplyImport(Key& key, const MaterialImport& import) {
  ImportType type = import.type.value_or(key.materials.empty() ? ImportType::kNewKeyMaterial
                                                               : ImportType::kExistingKeyMaterial);
  Status applied =
      type == ImportType::kNewKeyMaterial ? ImportNew(key, import) : ImportExisting(key, import);
  if (!applied) return applied;
  if (key.state == KeyState::kPendingImport && AllMaterialImported(key)) {
    key.state = KeyState::kEnabled;
  }
  return {};
}

void DeleteMaterial(Key& key, std::string_view material_id) {
  auto it = std::find_if(key.materials.begin(), key.materials.end(),
                         [&](const KeyMaterial& m) { return m.id == material_id; });
  if (it == key.materials.end() || !IsImported(*it)) return;
  if (&*it == PendingRotationMaterial(key)) {
    key.materials.erase(it);  // AWS: not permanently associated; different material may follow
    return;
  }
  it->bytes.reset();
  it->valid_to_ms.reset();
  if (!KeepsStateWithoutMaterial(key.state)) key.state = KeyState::kPendingImport;
}

bool HasExpiredMaterial(const Key& key, int64_t now_ms) {
  return std::any_of(key.materials.begin(), key.materials.end(), [now_ms](const KeyMaterial& m) {
    return IsImported(m) && m.valid_to_ms && *m.valid_to_ms <= now_ms;
  });
}

size_t ExpireMaterial(Key& key, int64_t now_ms) {
  std::vector<std::string> expired;
  for (const KeyMaterial& m : key.materials) {
    if (IsImported(m) && m.valid_to_ms && *m.valid_to_ms <= now_ms) expired.push_back(m.id);
  }
  for (const std::string& id : expired) DeleteMaterial(key, id);
  return expired.size();
}

}  // namespace kms::emulator
