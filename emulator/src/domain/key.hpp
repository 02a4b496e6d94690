// The emulator's model of a KMS key and an alias. Keys are immutable once published: the store
// hands out shared_ptr<const Key> snapshots and replaces them whole on every change.
#pragma once

#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/types.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kms::emulator {

// One version of a key's material. `id` is 64 lower-case hex chars, as AWS's KeyMaterialId.
struct KeyMaterial {
  std::string id;
  std::shared_ptr<const internal::SecretBytes> bytes;  // shared by key snapshots, never copied
  int64_t created_ms = 0;
  // Imported material (EXTERNAL keys) only. `bytes` is null while the material is deleted or
  // expired (ImportState PENDING_IMPORT) until the same material is imported again. valid_to_ms:
  // when it expires (ExpirationModel KEY_MATERIAL_EXPIRES); unset means it does not expire.
  std::optional<int64_t> valid_to_ms = std::nullopt;
  std::string description = {};  // KeyMaterialDescription
};

struct Tag {
  std::string key;
  std::string value;
};

// AWS's RotationType.
enum class RotationType { kAutomatic, kOnDemand };

// One completed rotation: the material that became current, how, and when.
struct Rotation {
  std::string material_id;
  RotationType type = RotationType::kAutomatic;
  int64_t date_ms = 0;
};

struct Key {
  std::string account;
  std::string region;
  std::string id;  // UUID (or mrk-<32 hex> for multi-Region keys)
  std::string description;
  KeySpec spec = KeySpec::kSymmetricDefault;
  KeyUsage usage = KeyUsage::kEncryptDecrypt;
  Origin origin = Origin::kAwsKms;
  KeyManager manager = KeyManager::kCustomer;
  KeyState state = KeyState::kEnabled;
  int64_t creation_ms = 0;
  std::optional<int64_t> deletion_ms;  // set while PendingDeletion
  std::optional<int> pending_window_days;
  std::string policy;
  std::vector<Tag> tags;  // in the order they were added; keys unique
  bool multi_region = false;
  // Multi-Region keys: the Region of the set's primary key (this key's own region when it is the
  // primary). Empty for single-Region keys.
  std::string primary_region;
  std::vector<KeyMaterial> materials;  // every version ever used, oldest first
  std::string current_material_id;
  // Automatic rotation: both set while enabled (EnableKeyRotation), both unset otherwise.
  std::optional<int> rotation_period_days;
  std::optional<int64_t> next_rotation_ms;
  std::vector<Rotation> rotations;  // completed rotations, oldest first

  // arn:aws:kms:<region>:<account>:key/<id>
  std::string Arn() const;
  // The material with `material_id`, or nullptr.
  const KeyMaterial* FindMaterial(std::string_view material_id) const;
  // The material new ciphertexts are made with; nullptr when the key has none (PendingImport).
  const KeyMaterial* CurrentMaterial() const { return FindMaterial(current_material_id); }
  // The primary key of a multi-Region set; false for replicas and single-Region keys.
  bool IsMultiRegionPrimary() const { return multi_region && primary_region == region; }
  // A replica key of a multi-Region set.
  bool IsMultiRegionReplica() const { return multi_region && primary_region != region; }
};

struct Alias {
  std::string account;
  std::string region;
  std::string name;  // "alias/..."
  std::string target_key_id;
  int64_t creation_ms = 0;
  int64_t last_updated_ms = 0;

  // arn:aws:kms:<region>:<account>:<name>
  std::string Arn() const;
};

// arn:aws:kms:<region>:<account>:key/<key_id>
std::string KeyArn(std::string_view region, std::string_view account, std::string_view key_id);

// True for the canonical lower-case 8-4-4-4-12 UUID form.
bool IsKeyUuid(std::string_view s);
// True for "mrk-" followed by 32 lower-case hex chars.
bool IsMultiRegionKeyId(std::string_view s);

}  // namespace kms::emulator
