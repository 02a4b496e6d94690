// Rotation rules over Key snapshots.
#include "domain/rotation.hpp"

#include <algorithm>
#include <utility>

#include "domain/asymmetric_key.hpp"

namespace kms::emulator {
namespace {

int64_t PeriodMs(int days) { return static_cast<int64_t>(days) * kRotationDayMs; }

}  // namespace

std::string_view ToString(RotationType type) {
  return type == RotationType::kOnDemand ? "ON_DEMAND" : "AUTOMATIC";
}

std::string_view ToString(KeyMaterialState state) {
  switch (state) {
    case KeyMaterialState::kCurrent:
      return "CURRENT";
    case KeyMaterialState::kPendingRotation:
      return "PENDING_ROTATION";
    default:
      return "NON_CURRENT";
  }
}

std::optional<RotationType> ParseRotationType(std::string_view name) {
  if (name == "AUTOMATIC") return RotationType::kAutomatic;
  if (name == "ON_DEMAND") return RotationType::kOnDemand;
  return std::nullopt;
}

void EnableAutomaticRotation(Key& key, int period_days, int64_t now_ms) {
  int64_t next = now_ms + PeriodMs(period_days);
  if (AutomaticRotationEnabled(key)) {
    // AWS documents that the period counts from enabling or the last rotation (n/v: how a
    // changed period moves an existing schedule); the anchor is kept, never moved into the past.
    int64_t anchor = *key.next_rotation_ms - PeriodMs(*key.rotation_period_days);
    next = std::max(anchor + PeriodMs(period_days), now_ms);
  }
  key.rotation_period_days = period_days;
  key.next_rotation_ms = next;
}

void DisableAutomaticRotation(Key& key) {
  key.rotation_period_days.reset();
  key.next_rotation_ms.reset();
}

bool IsRotationDue(const Key& key, int64_t now_ms) {
  // AWS: a multi-Region replica rotates with its primary (the store copies the material).
  return AutomaticRotationEnabled(key) && key.state == KeyState::kEnabled &&
         !key.IsMultiRegionReplica() && *key.next_rotation_ms <= now_ms;
}

Result<KeyMaterial> NewSymmetricMaterial(int64_t now_ms) {
  return NewKeyMaterial(KeySpec::kSymmetricDefault, now_ms);
}

const KeyMaterial* PendingRotationMaterial(const Key& key) {
  for (size_t i = 1; i < key.materials.size(); ++i) {
    const KeyMaterial& material = key.materials[i];
    if (material.id == key.current_material_id) continue;
    bool rotated = std::any_of(key.rotations.begin(), key.rotations.end(),
                               [&](const Rotation& r) { return r.material_id == material.id; });
    if (!rotated) return &material;
  }
  return nullptr;
}

KeyMaterialState MaterialState(const Key& key, const KeyMaterial& material) {
  if (material.id == key.current_material_id) return KeyMaterialState::kCurrent;
  if (&material == PendingRotationMaterial(key)) return KeyMaterialState::kPendingRotation;
  return KeyMaterialState::kNonCurrent;
}

size_t OnDemandRotationCount(const Key& key) {
  return static_cast<size_t>(
      std::count_if(key.rotations.begin(), key.rotations.end(),
                    [](const Rotation& r) { return r.type == RotationType::kOnDemand; }));
}

void CompleteRotation(Key& key, std::string_view material_id, RotationType type, int64_t now_ms) {
  key.current_material_id = std::string(material_id);
  key.rotations.push_back(Rotation{std::string(material_id), type, now_ms});
  if (type == RotationType::kAutomatic && AutomaticRotationEnabled(key)) {
    key.next_rotation_ms = now_ms + PeriodMs(*key.rotation_period_days);
  }
}

}  // namespace kms::emulator
