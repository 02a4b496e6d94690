// local-kms's seed.yaml (nsmithuk/local-kms README "Seeding file format"), read with our YAML
// subset reader: AES keys with hex BackingKeys (the last one current, as local-kms rotates by
// appending), RSA and ECC keys from PrivateKeyPem, and top-level Aliases.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <initializer_list>
#include <string>
#include <utility>

#include "domain/rotation.hpp"
#include "seed/seed_check.hpp"
#include "seed/seed_formats.hpp"
#include "seed/seed_values.hpp"
#include "seed/yaml_reader.hpp"

namespace kms::emulator::seed {
namespace {

namespace json = boost::json;

enum class Family { kAes, kRsa, kEcc };

// The mapping at `v`, every key among `known`; null for a null value (an empty section).
Result<const json::object*> Mapping(const json::value* v, std::string_view where,
                                    std::initializer_list<std::string_view> known) {
  if (v == nullptr || v->is_null()) return static_cast<const json::object*>(nullptr);
  if (!v->is_object()) return FieldError(where, "", "must be a mapping");
  for (const auto& member : v->get_object()) {
    bool ok = false;
    for (std::string_view name : known) ok = ok || member.key() == name;
    if (!ok) return FieldError(where, "", "unknown key '" + std::string(member.key()) + "'");
  }
  return &v->get_object();
}

// The list at `v` (null: empty).
Result<const json::array*> List(const json::value* v, std::string_view where) {
  if (v == nullptr || v->is_null()) return static_cast<const json::array*>(nullptr);
  if (!v->is_array()) return FieldError(where, "", "must be a list");
  return &v->get_array();
}

// A scalar member as text; nullopt when absent or null.
Result<std::optional<std::string>> Text(const json::object& m, std::string_view name,
                                        std::string_view where) {
  const json::value* v = m.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return FieldError(where, name, "must be a single value");
  return std::optional<std::string>(std::string(v->get_string()));
}

Status ReadMetadata(const json::object& item, std::string_view item_where, SeedKey& key) {
  auto meta = Mapping(item.if_contains("Metadata"), std::string(item_where) + ": Metadata",
                      {"KeyId", "Description", "KeyUsage", "Origin", "Enabled"});
  if (!meta) return meta.error();
  std::string meta_where = std::string(item_where) + ": Metadata";
  if (*meta == nullptr) return FieldError(item_where, "Metadata", "required (with KeyId)");
  auto id = Text(**meta, "KeyId", meta_where);
  if (!id) return id.error();
  if (!*id || !(IsKeyUuid(**id) || IsMultiRegionKeyId(**id))) {
    return FieldError(meta_where, "KeyId",
                      "must be a key id: a lower-case UUID or mrk- and 32 lower-case hex digits");
  }
  key.id = **id;
  key.where = std::string(item_where) + " (" + key.id + ")";
  auto description = Text(**meta, "Description", meta_where);
  auto usage = Text(**meta, "KeyUsage", meta_where);
  auto origin = Text(**meta, "Origin", meta_where);
  auto enabled = Text(**meta, "Enabled", meta_where);
  for (auto* r : {&description, &usage, &origin, &enabled}) {
    if (!*r) return r->error();
  }
  key.description = description->value_or("");
  if (*usage) {
    key.usage = ParseKeyUsage(**usage);
    if (!key.usage) {
      return FieldError(key.where, kYamlFields.usage,
                        "must be one of ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, "
                        "KEY_AGREEMENT");
    }
  }
  if (*origin) {
    if (**origin != "AWS_KMS" && **origin != "EXTERNAL") {
      return FieldError(key.where, kYamlFields.origin, "must be AWS_KMS or EXTERNAL");
    }
    key.origin = **origin == "EXTERNAL" ? Origin::kExternal : Origin::kAwsKms;
  }
  if (*enabled) {
    if (**enabled != "true" && **enabled != "false") {
      return FieldError(key.where, kYamlFields.state, "must be true or false");
    }
    key.state = **enabled == "true" ? KeyState::kEnabled : KeyState::kDisabled;
  }
  return {};
}

Status ReadBackingKeys(const json::object& item, SeedKey& key) {
  auto list = List(item.if_contains("BackingKeys"), key.where + ": BackingKeys");
  if (!list) return list.error();
  if (*list == nullptr || (*list)->empty()) {
    if (key.origin == Origin::kExternal) return {};
    return FieldError(key.where, "BackingKeys", "at least one hex-encoded 256-bit key");
  }
  if (key.origin == Origin::kExternal && (*list)->size() > 1) {
    return FieldError(key.where, "BackingKeys", "an EXTERNAL key has at most one backing key");
  }
  for (size_t i = 0; i < (*list)->size(); ++i) {
    SeedMaterial m;
    m.where = "BackingKeys[" + std::to_string(i) + "]";
    const json::value& v = (**list)[i];
    auto bytes = v.is_string() ? DecodeHex(v.get_string()) : std::nullopt;
    if (!bytes) return FieldError(key.where, m.where, "must be hex (openssl rand -hex 32)");
    m.bytes = std::move(*bytes);
    if (i > 0) m.rotation = RotationType::kAutomatic;
    key.materials.push_back(std::move(m));
  }
  return {};
}

Status ReadNextRotation(const json::object& item, SeedKey& key) {
  auto next = Text(item, "NextKeyRotation", key.where);
  if (!next) return next.error();
  if (!*next) return {};
  auto ms = ParseIso8601(**next);
  if (!ms) {
    return FieldError(key.where, "NextKeyRotation",
                      "must be an ISO 8601 date such as 2019-09-12T15:19:21+00:00");
  }
  key.rotation_period_days = kDefaultRotationPeriodDays;
  key.next_rotation_ms = *ms;
  return {};
}

Status ReadPrivateKey(const json::object& item, Family family, SeedKey& key) {
  auto pem = Text(item, "PrivateKeyPem", key.where);
  if (!pem) return pem.error();
  if (!*pem) return FieldError(key.where, "PrivateKeyPem", "required");
  auto parsed = ParsePemPrivateKey(**pem);
  if (!parsed) return FieldError(key.where, "PrivateKeyPem", parsed.error().message);
  bool rsa = parsed->spec == KeySpec::kRsa2048 || parsed->spec == KeySpec::kRsa3072 ||
             parsed->spec == KeySpec::kRsa4096;
  if ((family == Family::kRsa) != rsa) {
    return FieldError(key.where, "PrivateKeyPem",
                      std::string("is a ") + std::string(ToString(parsed->spec)) + " key, not " +
                          (family == Family::kRsa ? "an RSA" : "an ECC") + " key");
  }
  SeedMaterial m;
  m.where = "PrivateKeyPem";
  m.pem_spec = parsed->spec;
  m.bytes = std::move(parsed->pkcs8_der);
  key.spec = parsed->spec;
  key.materials.push_back(std::move(m));
  return {};
}

Result<SeedKey> ReadKey(const json::value& v, Family family, std::string where,
                        const SeedDefaults& defaults) {
  auto item = family == Family::kAes
                  ? Mapping(&v, where, {"Metadata", "BackingKeys", "NextKeyRotation"})
                  : Mapping(&v, where, {"Metadata", "PrivateKeyPem"});
  if (!item) return item.error();
  if (*item == nullptr) return FieldError(where, "", "must be a mapping");
  SeedKey key;
  key.account = defaults.account;
  key.region = defaults.region;
  if (Status s = ReadMetadata(**item, where, key); !s) return s.error();
  if (family == Family::kAes) {
    key.spec = KeySpec::kSymmetricDefault;
    if (Status s = ReadBackingKeys(**item, key); !s) return s.error();
    if (Status s = ReadNextRotation(**item, key); !s) return s.error();
  } else if (Status s = ReadPrivateKey(**item, family, key); !s) {
    return s.error();
  }
  return key;  // FinishKey()ed once its aliases are known
}

Status ReadFamily(const json::object* section, std::string_view name, Family family,
                  std::string_view path, const SeedDefaults& defaults, std::vector<SeedKey>& out) {
  if (section == nullptr) return {};
  std::string where = std::string(path) + "." + std::string(name);
  auto list = List(section->if_contains(name), where);
  if (!list) return list.error();
  if (*list == nullptr) return {};
  for (size_t i = 0; i < (*list)->size(); ++i) {
    auto key = ReadKey((**list)[i], family, where + "[" + std::to_string(i) + "]", defaults);
    if (!key) return key.error();
    out.push_back(std::move(*key));
  }
  return {};
}

Status ReadKeys(const json::object& doc, const SeedDefaults& defaults, std::vector<SeedKey>& out) {
  auto keys = Mapping(doc.if_contains("Keys"), "Keys", {"Symmetric", "Asymmetric"});
  if (!keys) return keys.error();
  if (*keys == nullptr) return {};
  auto symmetric = Mapping((*keys)->if_contains("Symmetric"), "Keys.Symmetric", {"Aes"});
  if (!symmetric) return symmetric.error();
  auto asymmetric = Mapping((*keys)->if_contains("Asymmetric"), "Keys.Asymmetric", {"Rsa", "Ecc"});
  if (!asymmetric) return asymmetric.error();
  if (Status s = ReadFamily(*symmetric, "Aes", Family::kAes, "Keys.Symmetric", defaults, out); !s) {
    return s;
  }
  if (Status s = ReadFamily(*asymmetric, "Rsa", Family::kRsa, "Keys.Asymmetric", defaults, out);
      !s) {
    return s;
  }
  return ReadFamily(*asymmetric, "Ecc", Family::kEcc, "Keys.Asymmetric", defaults, out);
}

// Top-level Aliases: each joins the aliases of the key it targets (a key of this seed).
Status ReadAliases(const json::object& doc, std::vector<SeedKey>& keys) {
  auto list = List(doc.if_contains("Aliases"), "Aliases");
  if (!list) return list.error();
  if (*list == nullptr) return {};
  for (size_t i = 0; i < (*list)->size(); ++i) {
    std::string where = "Aliases[" + std::to_string(i) + "]";
    auto alias = Mapping(&(**list)[i], where, {"AliasName", "TargetKeyId"});
    if (!alias) return alias.error();
    if (*alias == nullptr) return FieldError(where, "", "must be a mapping");
    auto name = Text(**alias, "AliasName", where);
    if (!name) return name.error();
    if (!*name) return FieldError(where, "AliasName", "required");
    auto target = Text(**alias, "TargetKeyId", where);
    if (!target) return target.error();
    if (!*target) return FieldError(where, "TargetKeyId", "required");
    SeedKey* key = nullptr;
    for (SeedKey& k : keys) key = k.id == **target ? &k : key;
    if (key == nullptr) {
      return FieldError(where, "TargetKeyId", "no key of this seed has the id " + **target);
    }
    key->aliases.push_back(**name);
  }
  return {};
}

}  // namespace

Result<std::vector<SeedKey>> ReadLocalKmsYaml(std::string_view text, const SeedDefaults& defaults) {
  auto doc = ReadYaml(text);
  if (!doc) return doc.error();
  std::vector<SeedKey> keys;
  if (doc->is_null()) return keys;
  auto top = Mapping(&*doc, "the document", {"Keys", "Aliases"});
  if (!top) return top.error();
  if (Status s = ReadKeys(**top, defaults, keys); !s) return s.error();
  if (Status s = ReadAliases(**top, keys); !s) return s.error();
  // Alias names are checked once they are attached to their keys.
  for (SeedKey& key : keys) {
    if (Status s = FinishKey(key, kYamlFields); !s) return s.error();
  }
  if (Status s = CheckAcrossKeys(keys, kYamlFields); !s) return s.error();
  return keys;
}

}  // namespace kms::emulator::seed
