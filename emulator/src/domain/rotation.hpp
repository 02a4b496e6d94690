// Key-material rotation: AWS's limits, the automatic schedule, the states ListKeyRotations shows
// and the change a rotation makes to a key. Pure functions over Key; the store persists them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <kms/result.hpp>
#include <optional>
#include <string_view>

#include "domain/key.hpp"

namespace kms::emulator {

// AWS: RotationPeriodInDays is 90..2560, 365 when EnableKeyRotation does not give one.
inline constexpr int kMinRotationPeriodDays = 90;
inline constexpr int kMaxRotationPeriodDays = 2560;
inline constexpr int kDefaultRotationPeriodDays = 365;
// AWS: at most 25 on-demand rotations per key (a non-adjustable quota).
inline constexpr size_t kMaxOnDemandRotations = 25;
// AWS: RotateKeyOnDemand is a ConflictException while an automatic rotation is due within this.
inline constexpr int64_t kRotationConflictWindowMs = 20 * 60 * 1000;
inline constexpr int64_t kRotationDayMs = 86'400'000;

// AWS's KeyMaterialState.
enum class KeyMaterialState { kCurrent, kNonCurrent, kPendingRotation };

// "AUTOMATIC" / "ON_DEMAND". Pure.
std::string_view ToString(RotationType type);
// "CURRENT" / "NON_CURRENT" / "PENDING_ROTATION". Pure.
std::string_view ToString(KeyMaterialState state);
// The RotationType of a wire name; nullopt for any other text. Pure.
std::optional<RotationType> ParseRotationType(std::string_view name);

// True when automatic rotation is enabled (EnableKeyRotation). Pure.
inline bool AutomaticRotationEnabled(const Key& key) {
  return key.rotation_period_days.has_value() && key.next_rotation_ms.has_value();
}

// Enables automatic rotation every `period_days`. When rotation was off, the first rotation is
// `period_days` after `now_ms`; when it was on, the schedule keeps its anchor (the last
// automatic rotation, or the day rotation was enabled) and only the period changes, so a
// shorter period may make the key due at once. Pure.
void EnableAutomaticRotation(Key& key, int period_days, int64_t now_ms);
// Turns automatic rotation off (the rotation history stays). Pure.
void DisableAutomaticRotation(Key& key);

// True when the key's automatic rotation is due at `now_ms`: enabled, key Enabled (AWS does not
// rotate disabled or pending-deletion keys; a re-enabled overdue key rotates at once), not a
// multi-Region replica (those rotate with their primary). Pure.
bool IsRotationDue(const Key& key, int64_t now_ms);

// Fresh symmetric key material: 32 random bytes under a random 64-hex-char id, created at
// `now_ms`. kInternal if the system RNG fails. Thread-safe.
Result<KeyMaterial> NewSymmetricMaterial(int64_t now_ms);

// The imported material waiting for RotateKeyOnDemand, or nullptr: a material that is neither
// the key's first nor current and never became current by a rotation (KeyMaterialState
// PENDING_ROTATION). Only EXTERNAL keys have one. Pure.
const KeyMaterial* PendingRotationMaterial(const Key& key);

// The state ListKeyRotations shows for `material` of `key`. Pure.
KeyMaterialState MaterialState(const Key& key, const KeyMaterial& material);

// How many on-demand rotations the key has had. Pure.
size_t OnDemandRotationCount(const Key& key);

// Makes `material_id` (already in key.materials) current and records the rotation at `now_ms`.
// An automatic rotation also moves the next automatic date one period past `now_ms`; an
// on-demand one leaves the schedule alone (AWS). Pure.
void CompleteRotation(Key& key, std::string_view material_id, RotationType type, int64_t now_ms);

}  // namespace kms::emulator
