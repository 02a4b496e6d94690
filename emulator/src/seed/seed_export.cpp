// The store as a JSON seed document (GET /_emulator/seed): explicit account, region and material
// ids everywhere, so a fresh emulator started with it decrypts every earlier ciphertext.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <kms/internal/encoding.hpp>
#include <tuple>

#include "domain/asymmetric_key.hpp"
#include "domain/rotation.hpp"
#include "seed/seed.hpp"
#include "seed/seed_values.hpp"

namespace kms::emulator::seed {
namespace {

namespace json = boost::json;

// The seed state a key is exported with (the seed knows Enabled, Disabled, PendingDeletion;
// PendingImport follows from an EXTERNAL key without material). Transitional states of other
// features are exported as the nearest of those.
std::optional<std::string_view> SeedState(const Key& key) {
  switch (key.state) {
    case KeyState::kPendingImport:
      return std::nullopt;
    case KeyState::kDisabled:
    case KeyState::kUnavailable:
      return "Disabled";
    case KeyState::kPendingDeletion:
    case KeyState::kPendingReplicaDeletion:
      return key.deletion_ms ? "PendingDeletion" : "Disabled";
    default:
      return "Enabled";
  }
}

const Rotation* RotationOf(const Key& key, std::string_view material_id) {
  for (const Rotation& r : key.rotations) {
    if (r.material_id == material_id) return &r;
  }
  return nullptr;
}

json::object MaterialJson(const Key& key, const KeyMaterial& m, bool first) {
  json::object out;
  out["id"] = m.id;
  if (IsAsymmetricSpec(key.spec)) {
    out["pem"] = Pkcs8Pem(m.bytes->span());
  } else {
    out["base64"] = internal::Base64Encode(m.bytes->span());
  }
  out["creationDate"] = FormatIso8601(m.created_ms);
  if (const Rotation* r = RotationOf(key, m.id); r != nullptr && !first) {
    out["rotationType"] = ToString(r->type);
  }
  return out;
}

// Oldest first with the current material last: the seed's rule for which one is current.
json::array MaterialsJson(const Key& key) {
  std::vector<const KeyMaterial*> order;
  for (const KeyMaterial& m : key.materials) {
    if (m.bytes != nullptr && m.id != key.current_material_id) order.push_back(&m);
  }
  if (const KeyMaterial* current = key.CurrentMaterial(); current && current->bytes) {
    order.push_back(current);
  }
  json::array out;
  for (size_t i = 0; i < order.size(); ++i) out.push_back(MaterialJson(key, *order[i], i == 0));
  return out;
}

void AddLifecycle(const Key& key, json::object& out) {
  if (auto state = SeedState(key)) out["state"] = *state;
  if (out.contains("state") && out["state"] == "PendingDeletion") {
    out["deletionDate"] = FormatIso8601(*key.deletion_ms);
    out["pendingWindowDays"] = key.pending_window_days.value_or(30);
  }
  if (AutomaticRotationEnabled(key)) {
    out["rotation"] = json::object{{"enabled", true},
                                   {"periodDays", *key.rotation_period_days},
                                   {"nextRotationDate", FormatIso8601(*key.next_rotation_ms)}};
  }
}

json::object KeyJson(const KeyStore& store, const Key& key) {
  json::object out;
  out["id"] = key.id;
  out["account"] = key.account;
  out["region"] = key.region;
  out["keySpec"] = ToString(key.spec);
  out["keyUsage"] = ToString(key.usage);
  if (key.origin != Origin::kAwsKms) out["origin"] = ToString(key.origin);
  if (!key.description.empty()) out["description"] = key.description;
  out["creationDate"] = FormatIso8601(key.creation_ms);
  AddLifecycle(key, out);
  out["policy"] = key.policy;
  json::object tags;
  for (const Tag& tag : key.tags) tags[tag.key] = tag.value;
  if (!tags.empty()) out["tags"] = std::move(tags);
  json::array aliases;
  for (const Alias& alias : store.ListAliases(key.account, key.region)) {
    if (alias.target_key_id == key.id) aliases.emplace_back(alias.name);
  }
  if (!aliases.empty()) out["aliases"] = std::move(aliases);
  out["materials"] = MaterialsJson(key);
  return out;
}

}  // namespace

json::object ExportSeed(const KeyStore& store) {
  auto keys = store.FindKeys([](const Key&) { return true; });
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return std::tie(a->account, a->region, a->id) < std::tie(b->account, b->region, b->id);
  });
  json::array out;
  for (const auto& key : keys) out.push_back(KeyJson(store, *key));
  return json::object{{"version", 1}, {"keys", std::move(out)}};
}

}  // namespace kms::emulator::seed
