// The automatic-rotation and imported-material expiry sweeps.
#include "api/lifecycle.hpp"

#include <string>
#include <utility>

#include "domain/imported_material.hpp"
#include "domain/rotation.hpp"

namespace kms::emulator {

Result<size_t> RotateDueKeys(KeyStore& store, int64_t now_ms) {
  auto due = store.FindKeys([now_ms](const Key& key) { return IsRotationDue(key, now_ms); });
  size_t rotated = 0;
  for (const auto& key : due) {
    bool did_rotate = false;
    auto updated = store.UpdateKey(key->account, key->region, key->id, [&](Key& k) -> Status {
      // Re-checked on the current snapshot: a request may have changed the key meanwhile.
      if (!IsRotationDue(k, now_ms)) return {};
      auto material = NewSymmetricMaterial(now_ms);
      if (!material) return material.error();
      std::string id = material->id;
      k.materials.push_back(std::move(*material));
      CompleteRotation(k, id, RotationType::kAutomatic, now_ms);
      did_rotate = true;
      return {};
    });
    // A key deleted since FindKeys is no error.
    if (!updated && updated.error().code != ErrorCode::kNotFound) return updated.error();
    if (did_rotate) ++rotated;
  }
  return rotated;
}

Result<size_t> ExpireImportedMaterial(KeyStore& store, int64_t now_ms) {
  auto due = store.FindKeys([now_ms](const Key& key) { return HasExpiredMaterial(key, now_ms); });
  size_t expired = 0;
  for (const auto& key : due) {
    bool did_expire = false;
    auto updated = store.UpdateKey(key->account, key->region, key->id, [&](Key& k) -> Status {
      // Re-checked on the current snapshot: the material may have been reimported meanwhile.
      did_expire = ExpireMaterial(k, now_ms) > 0;
      return {};
    });
    if (!updated && updated.error().code != ErrorCode::kNotFound) return updated.error();
    if (did_expire) ++expired;
  }
  return expired;
}

}  // namespace kms::emulator
