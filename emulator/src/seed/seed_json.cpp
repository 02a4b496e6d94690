// The JSON seed format: {"version": 1, "account"?, "region"?, "keys": [ {...}, ... ]}. Every
// object is read by a MemberReader that refuses unknown members, so a typo is an error and not a
// silently ignored field.
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <initializer_list>
#include <kms/internal/encoding.hpp>
#include <optional>
#include <string>
#include <utility>

#include "config.hpp"
#include "domain/rotation.hpp"
#include "seed/seed_check.hpp"
#include "seed/seed_formats.hpp"
#include "seed/seed_values.hpp"

namespace kms::emulator::seed {
namespace {

namespace json = boost::json;

constexpr std::string_view kDateRule = "must be an ISO 8601 date such as 2025-01-31T12:00:00Z";

// Reads members of one object; the first problem is kept and later reads do nothing.
class MemberReader {
 public:
  MemberReader(const json::object& object, std::string where,
               std::initializer_list<std::string_view> known)
      : object_(object), where_(std::move(where)) {
    for (const auto& member : object) {
      bool ok = false;
      for (std::string_view name : known) ok = ok || member.key() == name;
      if (!ok) Fail("", "unknown member '" + std::string(member.key()) + "'");
    }
  }

  const json::value* Value(std::string_view name) const {
    return error_ ? nullptr : object_.if_contains(name);
  }

  std::optional<std::string> String(std::string_view name) {
    const json::value* v = Value(name);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) return Fail(name, "must be a string"), std::nullopt;
    return std::string(v->get_string());
  }

  std::optional<int64_t> Integer(std::string_view name, int64_t min, int64_t max) {
    const json::value* v = Value(name);
    if (v == nullptr) return std::nullopt;
    if (!v->is_int64() || v->get_int64() < min || v->get_int64() > max) {
      Fail(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return std::nullopt;
    }
    return v->get_int64();
  }

  std::optional<bool> Boolean(std::string_view name) {
    const json::value* v = Value(name);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) return Fail(name, "must be true or false"), std::nullopt;
    return v->get_bool();
  }

  std::optional<int64_t> Date(std::string_view name) {
    auto text = String(name);
    if (!text) return std::nullopt;
    auto ms = ParseIso8601(*text);
    if (!ms) Fail(name, std::string(kDateRule));
    return ms;
  }

  // A string member that must name one of an enum's values (Parse returns nullopt otherwise).
  template <class Parse>
  auto Enum(std::string_view name, Parse parse, std::string_view allowed)
      -> decltype(parse(std::string_view())) {
    auto text = String(name);
    if (!text) return std::nullopt;
    auto v = parse(*text);
    if (!v) Fail(name, "must be one of " + std::string(allowed));
    return v;
  }

  void Fail(std::string_view field, const std::string& problem) {
    if (!error_) error_ = FieldError(where_, field, problem);
  }
  void Take(const Status& status) {
    if (!status && !error_) error_ = status.error();
  }
  bool ok() const { return !error_.has_value(); }
  Status Finish() const {
    if (error_) return *error_;
    return {};
  }
  const std::string& where() const { return where_; }

 private:
  const json::object& object_;
  std::string where_;
  std::optional<Error> error_;
};

constexpr std::string_view kKeySpecNames =
    "SYMMETRIC_DEFAULT, RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, "
    "ECC_NIST_P521, ECC_SECG_P256K1, ECC_NIST_EDWARDS25519, HMAC_224, HMAC_256, HMAC_384, "
    "HMAC_512, SM2";

std::optional<KeyState> ParseSeedState(std::string_view s) {
  if (s == "Enabled") return KeyState::kEnabled;
  if (s == "Disabled") return KeyState::kDisabled;
  if (s == "PendingDeletion") return KeyState::kPendingDeletion;
  return std::nullopt;
}

std::optional<Origin> ParseSeedOrigin(std::string_view s) {
  if (s == "AWS_KMS") return Origin::kAwsKms;
  if (s == "EXTERNAL") return Origin::kExternal;
  return std::nullopt;
}

// The bytes of the one of base64 / hex / pem a material gives.
void ReadMaterialBytes(MemberReader& r, SeedMaterial& m) {
  auto b64 = r.String("base64");
  auto hex = r.String("hex");
  auto pem = r.String("pem");
  if (!r.ok()) return;
  int given = (b64 ? 1 : 0) + (hex ? 1 : 0) + (pem ? 1 : 0);
  if (given != 1) return r.Fail("", "give exactly one of base64, hex or pem");
  if (b64) {
    auto bytes = internal::Base64DecodeSecret(*b64);
    if (!bytes) return r.Fail("base64", "not valid base64");
    m.bytes = std::move(*bytes);
  } else if (hex) {
    auto bytes = DecodeHex(*hex);
    if (!bytes) return r.Fail("hex", "not valid hex");
    m.bytes = std::move(*bytes);
  } else {
    auto key = ParsePemPrivateKey(*pem);
    if (!key) return r.Fail("pem", key.error().message);
    m.pem_spec = key->spec;
    m.bytes = std::move(key->pkcs8_der);
  }
}

Result<SeedMaterial> ReadMaterial(const json::value& v, const std::string& key_where,
                                  size_t index) {
  SeedMaterial m;
  m.where = "materials[" + std::to_string(index) + "]";
  if (!v.is_object()) return FieldError(key_where, m.where, "must be an object");
  MemberReader r(v.get_object(), key_where + ": " + m.where,
                 {"id", "base64", "hex", "pem", "creationDate", "rotationType"});
  m.id = r.String("id");
  if (m.id && !IsMaterialId(*m.id)) r.Fail("id", "must be 64 lower-case hex digits");
  ReadMaterialBytes(r, m);
  m.created_ms = r.Date("creationDate");
  m.rotation = r.Enum("rotationType", ParseRotationType, "AUTOMATIC, ON_DEMAND");
  if (Status s = r.Finish(); !s) return s.error();
  return m;
}

Status ReadMaterials(MemberReader& r, SeedKey& key) {
  const json::value* list = r.Value("materials");
  if (list == nullptr) return {};
  if (!list->is_array()) return FieldError(r.where(), "materials", "must be an array");
  for (size_t i = 0; i < list->get_array().size(); ++i) {
    auto m = ReadMaterial(list->get_array()[i], r.where(), i);
    if (!m) return m.error();
    key.materials.push_back(std::move(*m));
  }
  return {};
}

Status ReadRotation(MemberReader& r, SeedKey& key) {
  const json::value* v = r.Value("rotation");
  if (v == nullptr) return {};
  if (!v->is_object()) return FieldError(r.where(), "rotation", "must be an object");
  MemberReader rot(v->get_object(), r.where() + ": rotation",
                   {"enabled", "periodDays", "nextRotationDate"});
  auto enabled = rot.Boolean("enabled");
  auto period = rot.Integer("periodDays", 1, 100'000);
  auto next = rot.Date("nextRotationDate");
  if (rot.ok() && !enabled) rot.Fail("enabled", "required (true or false)");
  if (rot.ok() && !*enabled && (period || next)) {
    rot.Fail("", "periodDays and nextRotationDate need enabled: true");
  }
  if (Status s = rot.Finish(); !s) return s;
  if (*enabled) {
    key.rotation_period_days = static_cast<int>(period.value_or(kDefaultRotationPeriodDays));
    key.next_rotation_ms = next;
  }
  return {};
}

Status ReadTagsAndAliases(MemberReader& r, SeedKey& key) {
  if (const json::value* tags = r.Value("tags")) {
    if (!tags->is_object()) return FieldError(r.where(), "tags", "must be an object of strings");
    for (const auto& tag : tags->get_object()) {
      if (!tag.value().is_string()) {
        return FieldError(r.where(), "tags",
                          "the value of '" + std::string(tag.key()) + "' must be a string");
      }
      key.tags.push_back(Tag{std::string(tag.key()), std::string(tag.value().get_string())});
    }
  }
  if (const json::value* aliases = r.Value("aliases")) {
    if (!aliases->is_array()) return FieldError(r.where(), "aliases", "must be an array");
    for (const json::value& alias : aliases->get_array()) {
      if (!alias.is_string()) return FieldError(r.where(), "aliases", "must hold strings");
      key.aliases.emplace_back(alias.get_string());
    }
  }
  return {};
}

// "policy": a string of JSON, or the policy document itself as an object.
void ReadPolicy(MemberReader& r, SeedKey& key) {
  const json::value* v = r.Value("policy");
  if (v == nullptr) return;
  if (v->is_string()) {
    key.policy = std::string(v->get_string());
  } else if (v->is_object()) {
    key.policy = json::serialize(*v);
  } else {
    r.Fail("policy", "must be a policy document (an object or a string of JSON)");
  }
}

void ReadScope(MemberReader& r, std::string& account, std::string& region) {
  if (auto a = r.String("account")) {
    if (!IsAccountId(*a)) return r.Fail("account", "must be 12 digits");
    account = *a;
  }
  if (auto g = r.String("region")) {
    if (!IsValidRegion(*g)) return r.Fail("region", "must be a region name such as us-east-1");
    region = *g;
  }
}

void ReadKeyFields(MemberReader& r, SeedKey& key) {
  ReadScope(r, key.account, key.region);
  key.spec = r.Enum("keySpec", ParseKeySpec, kKeySpecNames);
  key.usage = r.Enum("keyUsage", ParseKeyUsage,
                     "ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT");
  key.origin = r.Enum("origin", ParseSeedOrigin, "AWS_KMS, EXTERNAL").value_or(Origin::kAwsKms);
  key.description = r.String("description").value_or("");
  key.state = r.Enum("state", ParseSeedState, "Enabled, Disabled, PendingDeletion");
  key.deletion_ms = r.Date("deletionDate");
  key.pending_window_days = static_cast<int>(r.Integer("pendingWindowDays", 7, 30).value_or(30));
  key.creation_ms = r.Date("creationDate");
  ReadPolicy(r, key);
}

Result<SeedKey> ReadKey(const json::value& v, size_t index, const SeedDefaults& defaults) {
  std::string where = "keys[" + std::to_string(index) + "]";
  if (!v.is_object()) return FieldError(where, "", "must be an object");
  const json::value* id = v.get_object().if_contains("id");
  if (id == nullptr) return FieldError(where, "id", "required");
  if (!id->is_string() || !(IsKeyUuid(id->get_string()) || IsMultiRegionKeyId(id->get_string()))) {
    return FieldError(where, "id",
                      "must be a key id: a lower-case UUID or mrk- and 32 lower-case hex digits");
  }
  SeedKey key;
  key.id = std::string(id->get_string());
  key.where = where + " (" + key.id + ")";
  key.account = defaults.account;
  key.region = defaults.region;
  MemberReader r(v.get_object(), key.where,
                 {"id", "account", "region", "keySpec", "keyUsage", "origin", "description",
                  "state", "deletionDate", "pendingWindowDays", "creationDate", "policy", "tags",
                  "aliases", "rotation", "materials"});
  ReadKeyFields(r, key);
  if (r.ok()) r.Take(ReadTagsAndAliases(r, key));
  if (r.ok()) r.Take(ReadRotation(r, key));
  if (r.ok()) r.Take(ReadMaterials(r, key));
  if (Status s = r.Finish(); !s) return s.error();
  if (Status s = FinishKey(key, kJsonFields); !s) return s.error();
  return key;
}

Result<json::value> ParseJson(std::string_view text) {
  json::parser parser;
  boost::system::error_code ec;
  size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::make_error_code(json::error::extra_data);
  if (ec) {
    size_t line = 1;
    for (size_t i = 0; i < used && i < text.size(); ++i) line += text[i] == '\n' ? 1 : 0;
    return MakeError(ErrorCode::kValidation,
                     "line " + std::to_string(line) + ": not valid JSON: " + ec.message());
  }
  return parser.release();
}

}  // namespace

bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<std::vector<SeedKey>> ReadJsonSeed(std::string_view text, const SeedDefaults& defaults) {
  auto doc = ParseJson(text);
  if (!doc) return doc.error();
  if (!doc->is_object()) return FieldError("the document", "", "must be a JSON object");
  MemberReader r(doc->get_object(), "the document", {"version", "account", "region", "keys"});
  (void)r.Integer("version", 1, 1);  // optional; only 1 exists
  SeedDefaults scope = defaults;
  ReadScope(r, scope.account, scope.region);
  const json::value* keys = r.Value("keys");
  if (r.ok() && (keys == nullptr || !keys->is_array())) r.Fail("keys", "must be an array");
  if (Status s = r.Finish(); !s) return s.error();
  std::vector<SeedKey> out;
  for (size_t i = 0; i < keys->get_array().size(); ++i) {
    auto key = ReadKey(keys->get_array()[i], i, scope);
    if (!key) return key.error();
    out.push_back(std::move(*key));
  }
  if (Status s = CheckAcrossKeys(out, kJsonFields); !s) return s.error();
  return out;
}

}  // namespace kms::emulator::seed
