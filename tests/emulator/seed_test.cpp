// Seed files: the YAML subset reader, every validation message of both formats, applying a seed
// idempotently, conflicts, and export -> parse round trips.
#include "seed/seed.hpp"

#include <doctest/doctest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json/serialize.hpp>
#include <kms/internal/encoding.hpp>
#include <kms/internal/hash.hpp>
#include <string>

#include "domain/asymmetric_key.hpp"
#include "seed/seed_values.hpp"
#include "seed/yaml_reader.hpp"
#include "store/key_store.hpp"

namespace kms::emulator::seed {
namespace {

const SeedDefaults kDefaults{"111122223333", "us-east-1"};
const std::string kId = "11111111-2222-4333-8444-555555555555";
const std::string kId2 = "22222222-2222-4333-8444-555555555555";
const std::string kHex32 = std::string(64, 'a');

std::string Yaml(std::string_view text) {
  auto v = ReadYaml(text);
  REQUIRE(v.has_value());
  return boost::json::serialize(*v);
}

std::string YamlError(std::string_view text) {
  auto v = ReadYaml(text);
  REQUIRE_FALSE(v.has_value());
  CHECK(v.error().code == ErrorCode::kValidation);
  return v.error().message;
}

// The message ParseSeed gives for a JSON seed whose keys array holds `key`.
std::string KeyError(std::string_view key) {
  auto seed = ParseSeed("s.json", "{\"keys\": [" + std::string(key) + "]}", kDefaults);
  REQUIRE_FALSE(seed.has_value());
  CHECK(seed.error().code == ErrorCode::kValidation);
  return seed.error().message;
}

std::string JsonError(std::string_view text) {
  auto seed = ParseSeed("s.json", text, kDefaults);
  REQUIRE_FALSE(seed.has_value());
  return seed.error().message;
}

std::string YamlSeedError(std::string_view text) {
  auto seed = ParseSeed("s.yaml", text, kDefaults);
  REQUIRE_FALSE(seed.has_value());
  return seed.error().message;
}

std::string Key(std::string_view members) {
  return "{\"id\": \"" + kId + "\"" + (members.empty() ? "" : ", ") + std::string(members) + "}";
}

const std::string kWhere = "seed s.json: keys[0] (" + kId + "): ";

std::string EcPem() {
  auto der = GenerateKeyMaterial(KeySpec::kEccNistP256);
  REQUIRE(der.has_value());
  return Pkcs8Pem(der->span());
}

// PKCS#8 PEM of a key OpenSSL made for a test (the key is freed).
std::string PemOf(EVP_PKEY* key) {
  REQUIRE(key != nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

std::string JsonString(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

}  // namespace

TEST_CASE("ReadYaml reads block mappings, sequences and compact sequence items") {
  CHECK(Yaml("a: 1\nb:\n  c: x y\n  d:\n    - p\n    - q\n") ==
        R"({"a":"1","b":{"c":"x y","d":["p","q"]}})");
  CHECK(Yaml("l:\n- k: v\n  m: w\n- - n\n") == R"({"l":[{"k":"v","m":"w"},["n"]]})");
  CHECK(Yaml("---\n# comment\nk: v # trailing\n\n...\n") == R"({"k":"v"})");
  CHECK(Yaml("") == "null");
  CHECK(Yaml("a:\nb: ~\nc: null\n") == R"({"a":null,"b":null,"c":null})");
  CHECK(Yaml("t: 2019-09-12T15:19:21+00:00\nu: http://x\n") ==
        R"({"t":"2019-09-12T15:19:21+00:00","u":"http://x"})");
}

TEST_CASE("ReadYaml reads quoted scalars and keys") {
  auto v = ReadYaml("a: 'it''s # x'\n\"b c\": \"q\\\"\\n\\u00e9\\x41\"\n");
  REQUIRE(v.has_value());
  CHECK(v->at("a").as_string() == "it's # x");
  CHECK(v->at("b c").as_string() ==
        "q\"\n\xc3\xa9"
        "A");
}

TEST_CASE("ReadYaml reads literal and folded block scalars with every chomping") {
  CHECK(Yaml("p: |\n  line 1\n    more\n\n  line 3\nq: x\n") ==
        R"({"p":"line 1\n  more\n\nline 3\n","q":"x"})");
  CHECK(Yaml("p: |-\n  a\n  b\n\n") == R"({"p":"a\nb"})");
  CHECK(Yaml("p: |+\n  a\n\n\nq: 1\n") == R"({"p":"a\n\n\n","q":"1"})");
  CHECK(Yaml("p: >\n  a\n  b\n\n  c\n") == R"({"p":"a b\nc\n"})");
  CHECK(Yaml("p: |2\n    x\n") == R"({"p":"  x\n"})");
  CHECK(Yaml("- |\n  in a list\n- b\n") == R"(["in a list\n","b"])");
  CHECK(Yaml("p: |\nq: 1\n") == R"({"p":"","q":"1"})");
}

TEST_CASE("ReadYaml refuses what is outside its subset, naming the line") {
  CHECK(YamlError("a: [1, 2]\n") ==
        "line 1: flow collections ([...] and {...}) are not supported; use block style");
  CHECK(YamlError("a: {b: 1}\n") ==
        "line 1: flow collections ([...] and {...}) are not supported; use block style");
  CHECK(YamlError("a: &x 1\n") == "line 1: anchors, aliases and tags are not supported");
  CHECK(YamlError("&x a: 1\n") == "line 1: anchors, aliases and tags are not supported");
  CHECK(YamlError("[a]: 1\n") == "line 1: complex mapping keys are not supported");
  CHECK(YamlError("a: 'open\n") == "line 1: a quoted string must end on its line");
  CHECK(YamlError("a: \"x\" y\n") == "line 1: unexpected text after a quoted string");
  CHECK(YamlError("a: \"\\q\"\n") == "line 1: unsupported escape '\\q'");
  CHECK(YamlError("a: 1\n\tb: 2\n") == "line 2: tabs are not allowed in indentation");
  CHECK(YamlError("a: 1\na: 2\n") == "line 2: duplicate key 'a'");
  CHECK(YamlError("a: 1\n   b: 2\n") == "line 2: unexpected indentation");
  CHECK(YamlError("a: 1\n- b\n") == "line 2: a sequence item where a mapping key was expected");
  CHECK(YamlError("just text\n") == "line 1: expected 'key: value' or '- item'");
  CHECK(YamlError("a: 1\n---\nb: 2\n") == "line 2: only one document is supported");
  CHECK(YamlError("a: 1\n...\nb: 2\n") == "line 3: only one document is supported");
  CHECK(YamlError("--- x\n") == "line 1: content after '---' is not supported");
  CHECK(YamlError("a: |x\n") == "line 1: bad block scalar header '|x'");
  CHECK(YamlError("  a: 1\nb: 2\n") == "line 2: unexpected indentation");
}

TEST_CASE("ParseIso8601 reads UTC and offset dates and refuses impossible ones") {
  CHECK(ParseIso8601("1970-01-01T00:00:00Z") == 0);
  CHECK(ParseIso8601("2019-09-12T15:19:21+00:00") == 1568301561000);
  CHECK(ParseIso8601("2019-09-12T17:19:21+02:00") == 1568301561000);
  CHECK(ParseIso8601("2019-09-12T15:19:21.250Z") == 1568301561250);
  CHECK(ParseIso8601("2024-02-29T00:00:00Z").has_value());
  CHECK_FALSE(ParseIso8601("2023-02-29T00:00:00Z").has_value());
  CHECK_FALSE(ParseIso8601("2023-01-01T24:00:00Z").has_value());
  CHECK_FALSE(ParseIso8601("2023-01-01T00:00:00").has_value());
  CHECK_FALSE(ParseIso8601("2023-01-01").has_value());
  CHECK(FormatIso8601(1568301561000) == "2019-09-12T15:19:21Z");
}

TEST_CASE("The material id of a seeded material is HMAC-SHA256 of the key id under it") {
  internal::SecretBytes material(32);
  std::string expected = internal::HexEncode(
      internal::HmacSha256(material.span(), "kms-emulator seed material id " + kId));
  CHECK(DerivedMaterialId(kId, material.span()) == expected);
  CHECK(DerivedMaterialId(kId2, material.span()) != expected);
}

TEST_CASE("ParseSeed picks the format by extension") {
  CHECK(ParseSeed("s.JSON", "{\"keys\": []}", kDefaults).has_value());
  CHECK(ParseSeed("s.yml", "", kDefaults).has_value());
  auto bad = ParseSeed("s.toml", "", kDefaults);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message ==
        "seed s.toml: the file name must end in .json (our format) or .yaml/.yml (local-kms's "
        "format)");
  auto missing = LoadSeedFile("/nonexistent/seed.json", kDefaults);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message ==
        "seed /nonexistent/seed.json: cannot read: No such file or directory");
}

TEST_CASE("A JSON seed reports document errors with the member at fault") {
  CHECK(JsonError("{\"keys\": [}") == "seed s.json: line 1: not valid JSON: syntax error");
  CHECK(JsonError("[]") == "seed s.json: the document: must be a JSON object");
  CHECK(JsonError("{\"keys\": [], \"x\": 1}") == "seed s.json: the document: unknown member 'x'");
  CHECK(JsonError("{}") == "seed s.json: the document: keys: must be an array");
  CHECK(JsonError("{\"version\": 2, \"keys\": []}") ==
        "seed s.json: the document: version: must be an integer from 1 to 1");
  CHECK(JsonError("{\"account\": \"12\", \"keys\": []}") ==
        "seed s.json: the document: account: must be 12 digits");
  CHECK(JsonError("{\"region\": \"mars\", \"keys\": []}") ==
        "seed s.json: the document: region: must be a region name such as us-east-1");
  CHECK(KeyError("1") == "seed s.json: keys[0]: must be an object");
  CHECK(KeyError("{}") == "seed s.json: keys[0]: id: required");
  CHECK(KeyError("{\"id\": \"ABC\"}") ==
        "seed s.json: keys[0]: id: must be a key id: a lower-case UUID or mrk- and 32 lower-case "
        "hex digits");
}

TEST_CASE("A JSON seed reports every key field error with the key's index and id") {
  CHECK(KeyError(Key("\"keyspec\": 1")) == kWhere + "unknown member 'keyspec'");
  CHECK(KeyError(Key("\"keySpec\": \"AES\"")) ==
        kWhere +
            "keySpec: must be one of SYMMETRIC_DEFAULT, RSA_2048, RSA_3072, RSA_4096, "
            "ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, ECC_NIST_EDWARDS25519, "
            "HMAC_224, HMAC_256, HMAC_384, HMAC_512, SM2");
  CHECK(KeyError(Key("\"keySpec\": \"ML_DSA_44\"")) ==
        kWhere +
            "keySpec: ML_DSA_44 is not supported by this emulator (OpenSSL 3.0 has no ML-DSA)");
  CHECK(KeyError(Key("\"keySpec\": \"SM2\"")) ==
        kWhere + "keySpec: SM2 keys exist only in the China Regions (cn-*), not in us-east-1");
  CHECK(KeyError(Key("\"keyUsage\": \"SIGN\"")) ==
        kWhere +
            "keyUsage: must be one of ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, "
            "KEY_AGREEMENT");
  CHECK(KeyError(Key("\"keyUsage\": \"SIGN_VERIFY\"")) ==
        kWhere + "keyUsage: SIGN_VERIFY is not compatible with SYMMETRIC_DEFAULT keys");
  CHECK(KeyError(Key("\"keySpec\": \"RSA_2048\"")) ==
        kWhere + "keyUsage: required for RSA_2048 keys: ENCRYPT_DECRYPT or SIGN_VERIFY");
  CHECK(KeyError(Key("\"origin\": \"AWS_CLOUDHSM\"")) ==
        kWhere + "origin: must be one of AWS_KMS, EXTERNAL");
  CHECK(KeyError(Key("\"origin\": \"EXTERNAL\", \"keySpec\": \"HMAC_256\"")) ==
        kWhere + "origin: EXTERNAL keys in a seed must be SYMMETRIC_DEFAULT");
  CHECK(KeyError(Key("\"origin\": \"EXTERNAL\", \"state\": \"Enabled\"")) ==
        kWhere + "state: an EXTERNAL key without key material is PendingImport");
  CHECK(KeyError(Key("\"state\": \"Gone\"")) ==
        kWhere + "state: must be one of Enabled, Disabled, PendingDeletion");
  CHECK(KeyError(Key("\"state\": \"PendingDeletion\"")) ==
        kWhere + "deletionDate: required with state PendingDeletion, and only with it");
  CHECK(KeyError(Key("\"deletionDate\": \"2030-01-01T00:00:00Z\"")) ==
        kWhere + "deletionDate: required with state PendingDeletion, and only with it");
  CHECK(KeyError(Key("\"deletionDate\": \"soon\"")) ==
        kWhere + "deletionDate: must be an ISO 8601 date such as 2025-01-31T12:00:00Z");
  CHECK(KeyError(Key("\"pendingWindowDays\": 3")) ==
        kWhere + "pendingWindowDays: must be an integer from 7 to 30");
  CHECK(KeyError(Key("\"description\": 5")) == kWhere + "description: must be a string");
  CHECK(KeyError(Key("\"description\": \"" + std::string(8193, 'd') + "\"")) ==
        kWhere + "description: at most 8192 characters");
  CHECK(KeyError(Key("\"account\": \"x\"")) == kWhere + "account: must be 12 digits");
  CHECK(KeyError(Key("\"policy\": 5")) ==
        kWhere + "policy: must be a policy document (an object or a string of JSON)");
  CHECK(KeyError(Key("\"policy\": \"{\"")).starts_with(kWhere + "policy: "));
}

TEST_CASE("A JSON seed reports tag, alias and rotation errors") {
  CHECK(KeyError(Key("\"tags\": []")) == kWhere + "tags: must be an object of strings");
  CHECK(KeyError(Key("\"tags\": {\"a\": 1}")) ==
        kWhere + "tags: the value of 'a' must be a string");
  CHECK(KeyError(Key("\"tags\": {\"aws:x\": \"1\"}")) ==
        kWhere + "tags: tag keys beginning with aws: are reserved");
  CHECK(KeyError(Key("\"tags\": {\"\": \"1\"}")) ==
        kWhere + "tags: a tag key has 1 to 128 characters");
  CHECK(KeyError(Key("\"tags\": {\"a\": \"" + std::string(257, 'v') + "\"}")) ==
        kWhere + "tags: the value of tag 'a' is longer than 256 characters");
  CHECK(KeyError(Key("\"aliases\": \"alias/a\"")) == kWhere + "aliases: must be an array");
  CHECK(KeyError(Key("\"aliases\": [1]")) == kWhere + "aliases: must hold strings");
  CHECK(KeyError(Key("\"aliases\": [\"a\"]")) ==
        kWhere + "aliases: 'a' must start with alias/ and go on");
  CHECK(KeyError(Key("\"aliases\": [\"alias/a b\"]")) ==
        kWhere + "aliases: 'alias/a b' must be at most 256 of a-z A-Z 0-9 : / _ -");
  CHECK(KeyError(Key("\"aliases\": [\"alias/aws/x\"]")) ==
        kWhere + "aliases: 'alias/aws/x': alias/aws/ is reserved for AWS managed keys");
  CHECK(KeyError(Key("\"rotation\": true")) == kWhere + "rotation: must be an object");
  CHECK(KeyError(Key("\"rotation\": {}")) ==
        kWhere + "rotation: enabled: required (true or false)");
  CHECK(KeyError(Key("\"rotation\": {\"enabled\": false, \"periodDays\": 90}")) ==
        kWhere + "rotation: periodDays and nextRotationDate need enabled: true");
  CHECK(KeyError(Key("\"rotation\": {\"enabled\": true, \"periodDays\": 30}")) ==
        kWhere + "rotation: periodDays must be from 90 to 2560");
  CHECK(KeyError(Key("\"rotation\": {\"enabled\": true, \"x\": 1}")) ==
        kWhere + "rotation: unknown member 'x'");
  CHECK(KeyError(Key("\"keySpec\": \"HMAC_256\", \"rotation\": {\"enabled\": true}")) ==
        kWhere + "rotation: only SYMMETRIC_DEFAULT keys of origin AWS_KMS rotate automatically");
  std::string two = "{\"keys\": [" + Key("\"aliases\": [\"alias/a\"]") + ", {\"id\": \"" + kId2 +
                    "\", \"aliases\": [\"alias/a\"]}]}";
  CHECK(JsonError(two) == "seed s.json: keys[1] (" + kId2 +
                              "): aliases: alias/a is already an alias of keys[0] (" + kId + ")");
  std::string same = "{\"keys\": [" + Key("") + ", " + Key("") + "]}";
  CHECK(JsonError(same) == "seed s.json: keys[1] (" + kId +
                               "): the key id is already used by keys[0] (" + kId +
                               ") in account 111122223333, region us-east-1");
  std::string other_region =
      "{\"keys\": [" + Key("") + ", " + Key("\"region\": \"eu-west-1\"") + "]}";
  CHECK(ParseSeed("s.json", other_region, kDefaults).has_value());
}

TEST_CASE("A JSON seed reports every key material error") {
  CHECK(KeyError(Key("\"materials\": {}")) == kWhere + "materials: must be an array");
  CHECK(KeyError(Key("\"materials\": [1]")) == kWhere + "materials[0]: must be an object");
  CHECK(KeyError(Key("\"materials\": [{}]")) ==
        kWhere + "materials[0]: give exactly one of base64, hex or pem");
  CHECK(KeyError(Key("\"materials\": [{\"hex\": \"" + kHex32 + "\", \"base64\": \"AA==\"}]")) ==
        kWhere + "materials[0]: give exactly one of base64, hex or pem");
  CHECK(KeyError(Key("\"materials\": [{\"hex\": \"zz\"}]")) ==
        kWhere + "materials[0]: hex: not valid hex");
  CHECK(KeyError(Key("\"materials\": [{\"base64\": \"A\"}]")) ==
        kWhere + "materials[0]: base64: not valid base64");
  CHECK(KeyError(Key("\"materials\": [{\"pem\": \"x\"}]")) ==
        kWhere +
            "materials[0]: pem: not an unencrypted PEM private key (BEGIN PRIVATE KEY, BEGIN RSA "
            "PRIVATE KEY or BEGIN EC PRIVATE KEY)");
  CHECK(KeyError(Key("\"materials\": [{\"hex\": \"00\"}]")) ==
        kWhere + "materials[0]: a SYMMETRIC_DEFAULT key takes 32 bytes of material, not 1");
  CHECK(
      KeyError(Key("\"keySpec\": \"HMAC_384\", \"materials\": [{\"hex\": \"" + kHex32 + "\"}]")) ==
      kWhere + "materials[0]: a HMAC_384 key takes 48 bytes of material, not 32");
  CHECK(KeyError(Key("\"materials\": [{\"hex\": \"" + kHex32 + "\", \"id\": \"AB\"}]")) ==
        kWhere + "materials[0]: id: must be 64 lower-case hex digits");
  CHECK(KeyError(Key("\"materials\": [{\"hex\": \"" + kHex32 + "\", \"creationDate\": \"x\"}]")) ==
        kWhere +
            "materials[0]: creationDate: must be an ISO 8601 date such as 2025-01-31T12:00:00Z");
  CHECK(KeyError(Key("\"materials\": [{\"hex\": \"" + kHex32 + "\", \"rotationType\": \"X\"}]")) ==
        kWhere + "materials[0]: rotationType: must be one of AUTOMATIC, ON_DEMAND");
  CHECK(KeyError(Key("\"materials\": [{\"hex\": \"" + kHex32 +
                     "\", \"rotationType\": \"AUTOMATIC\"}]")) ==
        kWhere + "materials[0]: rotationType: the first key material was not made by a rotation");
  CHECK(KeyError(
            Key("\"materials\": [{\"hex\": \"" + kHex32 + "\"}, {\"hex\": \"" + kHex32 + "\"}]")) ==
        kWhere + "materials[1]: key material id " +
            DerivedMaterialId(kId, DecodeHex(kHex32)->span()) + " appears twice");
  std::string pem = EcPem();
  CHECK(KeyError(Key("\"materials\": [{\"pem\": " + JsonString(pem) +
                     "}, {\"pem\": " + JsonString(pem) + "}]")) ==
        kWhere +
            "materials: a ECC_NIST_P256 key has one key material (only SYMMETRIC_DEFAULT keys "
            "rotate)");
  CHECK(KeyError(Key("\"keySpec\": \"RSA_2048\", \"keyUsage\": \"SIGN_VERIFY\", \"materials\": "
                     "[{\"pem\": " +
                     JsonString(pem) + "}]")) ==
        kWhere + "materials[0]: the PEM key is ECC_NIST_P256 but keySpec is RSA_2048");
  CHECK(KeyError(Key("\"keySpec\": \"RSA_2048\", \"keyUsage\": \"SIGN_VERIFY\", \"materials\": "
                     "[{\"hex\": \"" +
                     kHex32 + "\"}]")) ==
        kWhere + "materials[0]: a RSA_2048 key takes a PEM private key (pem)");
  CHECK(KeyError(Key("\"materials\": [{\"pem\": " + JsonString(pem) +
                     "}], \"keySpec\": "
                     "\"SYMMETRIC_DEFAULT\"")) ==
        kWhere +
            "materials[0]: a SYMMETRIC_DEFAULT key takes 32 bytes of raw material, not a PEM "
            "key");
}

TEST_CASE("A PEM key's spec comes from the key; unsupported sizes and curves are named") {
  auto ec = ParseSeed(
      "s.json",
      "{\"keys\": [" + Key("\"materials\": [{\"pem\": " + JsonString(EcPem()) + "}]") + "]}",
      kDefaults);
  REQUIRE(ec.has_value());
  CHECK(ec->keys[0].spec == KeySpec::kEccNistP256);
  CHECK(ec->keys[0].usage == KeyUsage::kSignVerify);
  CHECK(ParsePemPrivateKey(PemOf(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024})))
            .error()
            .message == "an RSA key of 1024 bits; KMS has 2048, 3072 and 4096");
  CHECK(ParsePemPrivateKey(PemOf(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-224")))
            .error()
            .message == "an EC key on curve secp224r1; KMS has P-256, P-384, P-521 and secp256k1");
  CHECK(ParsePemPrivateKey(PemOf(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"))).error().message ==
        "a X25519 key; KMS has RSA, EC, Ed25519 and SM2 key pairs");
  auto ed = ParsePemPrivateKey(PemOf(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")));
  REQUIRE(ed.has_value());
  CHECK(ed->spec == KeySpec::kEccNistEdwards25519);
}

TEST_CASE("A local-kms YAML seed is read like local-kms reads it") {
  std::string pem = EcPem();
  std::string indented;
  for (size_t at = 0; at < pem.size();) {
    size_t nl = pem.find('\n', at);
    indented += "          " + pem.substr(at, nl - at) + "\n";
    at = nl + 1;
  }
  std::string text =
      "Keys:\n  Symmetric:\n    Aes:\n      - Metadata:\n          KeyId: " + kId +
      "\n          Description: \"d\"\n        NextKeyRotation: \"2019-09-12T15:19:21+00:00\"\n"
      "        BackingKeys:\n          - " +
      kHex32 + "\n          - " + std::string(64, 'B') +
      "\n  Asymmetric:\n    Ecc:\n      - Metadata:\n          KeyId: " + kId2 +
      "\n        PrivateKeyPem: |\n" + indented +
      "Aliases:\n  - AliasName: alias/testing\n"
      "    TargetKeyId: " +
      kId + "\n";
  auto seed = ParseSeed("seed.yaml", text, kDefaults);
  REQUIRE(seed.has_value());
  REQUIRE(seed->keys.size() == 2);
  const SeedKey& aes = seed->keys[0];
  CHECK(aes.where == "Keys.Symmetric.Aes[0] (" + kId + ")");
  CHECK(aes.description == "d");
  CHECK(aes.materials.size() == 2);
  CHECK(aes.materials[1].rotation == RotationType::kAutomatic);
  CHECK(aes.rotation_period_days == 365);
  CHECK(aes.next_rotation_ms == 1568301561000);
  CHECK(aes.aliases == std::vector<std::string>{"alias/testing"});
  CHECK(seed->keys[1].spec == KeySpec::kEccNistP256);
  CHECK(seed->keys[1].usage == KeyUsage::kSignVerify);
}

TEST_CASE("A local-kms YAML seed reports each error with its path") {
  const std::string aes =
      "Keys:\n  Symmetric:\n    Aes:\n      - Metadata:\n          KeyId: " + kId + "\n";
  const std::string where = "seed s.yaml: Keys.Symmetric.Aes[0] (" + kId + "): ";
  CHECK(YamlSeedError("Key: 1\n") == "seed s.yaml: the document: unknown key 'Key'");
  CHECK(
      YamlSeedError("Keys:\n  Symmetric:\n    Des: []\n") ==
      "seed s.yaml: line 3: flow collections ([...] and {...}) are not supported; use block style");
  CHECK(YamlSeedError("Keys:\n  Symmetric:\n    Des:\n") ==
        "seed s.yaml: Keys.Symmetric: unknown key 'Des'");
  CHECK(YamlSeedError("Keys:\n  Symmetric:\n    Aes: x\n") ==
        "seed s.yaml: Keys.Symmetric.Aes: must be a list");
  CHECK(YamlSeedError("Keys:\n  Symmetric:\n    Aes:\n      - x\n") ==
        "seed s.yaml: Keys.Symmetric.Aes[0]: must be a mapping");
  CHECK(YamlSeedError("Keys:\n  Symmetric:\n    Aes:\n      - BackingKeys:\n") ==
        "seed s.yaml: Keys.Symmetric.Aes[0]: Metadata: required (with KeyId)");
  CHECK(YamlSeedError("Keys:\n  Symmetric:\n    Aes:\n      - Metadata:\n          KeyId: x\n") ==
        "seed s.yaml: Keys.Symmetric.Aes[0]: Metadata: KeyId: must be a key id: a lower-case UUID "
        "or mrk- and 32 lower-case hex digits");
  CHECK(YamlSeedError(aes + "          Colour: red\n") ==
        "seed s.yaml: Keys.Symmetric.Aes[0]: Metadata: unknown key 'Colour'");
  CHECK(YamlSeedError(aes) == where + "BackingKeys: at least one hex-encoded 256-bit key");
  CHECK(YamlSeedError(aes + "        BackingKeys:\n          - xyz\n") ==
        where + "BackingKeys[0]: must be hex (openssl rand -hex 32)");
  CHECK(YamlSeedError(aes + "        BackingKeys:\n          - abcd\n") ==
        where + "BackingKeys[0]: a SYMMETRIC_DEFAULT key takes 32 bytes of material, not 2");
  CHECK(YamlSeedError(aes + "          Origin: EXTERNAL\n        BackingKeys:\n          - " +
                      kHex32 + "\n          - " + kHex32 + "\n") ==
        where + "BackingKeys: an EXTERNAL key has at most one backing key");
  CHECK(YamlSeedError(aes + "          Origin: HSM\n") ==
        where + "Metadata.Origin: must be AWS_KMS or EXTERNAL");
  CHECK(YamlSeedError(aes + "          Enabled: yes\n") ==
        where + "Metadata.Enabled: must be true or false");
  CHECK(YamlSeedError(aes + "          KeyUsage: SIGN_VERIFY\n        BackingKeys:\n          - " +
                      kHex32 + "\n") ==
        where + "Metadata.KeyUsage: SIGN_VERIFY is not compatible with SYMMETRIC_DEFAULT keys");
  CHECK(YamlSeedError(aes +
                      "        NextKeyRotation: tomorrow\n        BackingKeys:\n          - " +
                      kHex32 + "\n") ==
        where + "NextKeyRotation: must be an ISO 8601 date such as 2019-09-12T15:19:21+00:00");
  const std::string rsa =
      "Keys:\n  Asymmetric:\n    Rsa:\n      - Metadata:\n          KeyId: " + kId + "\n";
  const std::string rsa_where = "seed s.yaml: Keys.Asymmetric.Rsa[0] (" + kId + "): ";
  CHECK(YamlSeedError(rsa) == rsa_where + "PrivateKeyPem: required");
  CHECK(YamlSeedError(rsa + "        PrivateKeyPem: nope\n") ==
        rsa_where +
            "PrivateKeyPem: not an unencrypted PEM private key (BEGIN PRIVATE KEY, BEGIN "
            "RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
  CHECK(YamlSeedError(rsa + "        PrivateKeyPem: " + JsonString(EcPem()) + "\n") ==
        rsa_where + "PrivateKeyPem: is a ECC_NIST_P256 key, not an RSA key");
  CHECK(YamlSeedError("Aliases:\n  - AliasName: alias/a\n    TargetKeyId: " + kId + "\n") ==
        "seed s.yaml: Aliases[0]: TargetKeyId: no key of this seed has the id " + kId);
  CHECK(YamlSeedError("Aliases:\n  - TargetKeyId: " + kId + "\n") ==
        "seed s.yaml: Aliases[0]: AliasName: required");
  CHECK(YamlSeedError("Aliases:\n  - AliasName: alias/a\n") ==
        "seed s.yaml: Aliases[0]: TargetKeyId: required");
  CHECK(YamlSeedError("Aliases:\n  - AliasName:\n      - a\n    TargetKeyId: x\n") ==
        "seed s.yaml: Aliases[0]: AliasName: must be a single value");
  CHECK(YamlSeedError(aes + "        BackingKeys:\n          - " + kHex32 +
                      "\nAliases:\n  - AliasName: nope\n    TargetKeyId: " + kId + "\n") ==
        where + "Aliases: 'nope' must start with alias/ and go on");
}

TEST_CASE("An EXTERNAL local-kms key without backing keys is PendingImport") {
  auto seed =
      ParseSeed("s.yaml",
                "Keys:\n  Symmetric:\n    Aes:\n      - Metadata:\n          KeyId: " + kId +
                    "\n          Origin: EXTERNAL\n",
                kDefaults);
  REQUIRE(seed.has_value());
  CHECK(seed->keys[0].state == KeyState::kPendingImport);
  CHECK(seed->keys[0].origin == Origin::kExternal);
}

TEST_CASE("ApplySeed creates what is missing, changes nothing the second time") {
  auto store = KeyStore::Open(":memory:").value();
  std::string text = "{\"keys\": [" +
                     Key("\"aliases\": [\"alias/a\"], \"tags\": {\"t\": \"v\"}, \"materials\": "
                         "[{\"hex\": \"" +
                         kHex32 + "\"}], \"rotation\": {\"enabled\": true}") +
                     ", {\"id\": \"" + kId2 +
                     "\", \"keySpec\": \"HMAC_256\", \"state\": "
                     "\"Disabled\"}]}";
  auto seed = ParseSeed("s.json", text, kDefaults);
  REQUIRE(seed.has_value());
  auto first = ApplySeed(*store, *seed, 1'000'000);
  REQUIRE(first.has_value());
  CHECK(first->keys_created == 2);
  CHECK(first->aliases_created == 1);
  auto key = store->FindKey("111122223333", "us-east-1", kId);
  REQUIRE(key);
  CHECK(key->current_material_id == DerivedMaterialId(kId, DecodeHex(kHex32)->span()));
  CHECK(key->creation_ms == 1'000'000);
  CHECK(key->next_rotation_ms == 1'000'000 + 365 * 86'400'000LL);
  CHECK(key->tags.size() == 1);
  auto hmac = store->FindKey("111122223333", "us-east-1", kId2);
  REQUIRE(hmac);
  CHECK(hmac->state == KeyState::kDisabled);
  CHECK(hmac->materials.size() == 1);  // random, as none was given
  CHECK(hmac->materials[0].bytes->size() == 32);

  REQUIRE(store->UpdateAlias("111122223333", "us-east-1", "alias/a", kId2, 5).has_value());
  auto second = ApplySeed(*store, *seed, 2'000'000);
  REQUIRE(second.has_value());
  CHECK(second->keys_created == 0);
  CHECK(second->keys_present == 2);
  CHECK(second->aliases_created == 0);
  REQUIRE(second->warnings.size() == 1);
  CHECK(second->warnings[0] == "seed s.json: keys[0] (" + kId +
                                   "): alias/a already points at key " + kId2 + "; left as it is");
  CHECK(store->FindKey("111122223333", "us-east-1", kId)->creation_ms == 1'000'000);
}

TEST_CASE("ApplySeed refuses a conflicting existing key and writes nothing") {
  auto store = KeyStore::Open(":memory:").value();
  auto original = ParseSeed(
      "s.json", "{\"keys\": [" + Key("\"materials\": [{\"hex\": \"" + kHex32 + "\"}]") + "]}",
      kDefaults);
  REQUIRE(original.has_value());
  REQUIRE(ApplySeed(*store, *original, 1).has_value());
  std::string arn = "arn:aws:kms:us-east-1:111122223333:key/" + kId;
  auto expect_conflict = [&](const std::string& key_json, const std::string& difference) {
    auto seed = ParseSeed("s.json", "{\"keys\": [{\"id\": \"" + kId2 + "\"}, " + key_json + "]}",
                          kDefaults);
    REQUIRE(seed.has_value());
    auto applied = ApplySeed(*store, *seed, 2);
    REQUIRE_FALSE(applied.has_value());
    CHECK(applied.error().code == ErrorCode::kAlreadyExists);
    CHECK(applied.error().message == "seed s.json: keys[1] (" + kId +
                                         "): conflicts with the existing key " + arn + ": " +
                                         difference);
    CHECK(store->FindKey("111122223333", "us-east-1", kId2) == nullptr);
  };
  std::string other_hex = std::string(64, 'b');
  std::string other_id = DerivedMaterialId(kId, DecodeHex(other_hex)->span());
  expect_conflict(Key("\"materials\": [{\"hex\": \"" + other_hex + "\"}]"),
                  "it has no key material " + other_id + " (materials[0])");
  std::string same_id = DerivedMaterialId(kId, DecodeHex(kHex32)->span());
  expect_conflict(
      Key("\"materials\": [{\"hex\": \"" + other_hex + "\", \"id\": \"" + same_id + "\"}]"),
      "its key material " + same_id + " differs from materials[0]");
  expect_conflict(Key("\"keySpec\": \"HMAC_256\""),
                  "its KeySpec is SYMMETRIC_DEFAULT, the seed says HMAC_256");
}

TEST_CASE("ExportSeed gives a seed that parses back into the same keys") {
  auto store = KeyStore::Open(":memory:").value();
  std::string text = "{\"keys\": [" +
                     Key("\"description\": \"d\", \"aliases\": [\"alias/a\"], \"tags\": {\"t\": "
                         "\"v\"}, \"state\": \"PendingDeletion\", \"deletionDate\": "
                         "\"2030-01-01T00:00:00Z\", \"pendingWindowDays\": 9, \"materials\": "
                         "[{\"hex\": \"" +
                         kHex32 + "\"}, {\"hex\": \"" + std::string(64, 'c') +
                         "\", \"rotationType\": \"ON_DEMAND\"}], \"rotation\": {\"enabled\": "
                         "true, \"periodDays\": 100}") +
                     ", {\"id\": \"" + kId2 +
                     "\", \"materials\": [{\"pem\": " + JsonString(EcPem()) + "}]}]}";
  auto seed = ParseSeed("s.json", text, kDefaults);
  REQUIRE(seed.has_value());
  REQUIRE(ApplySeed(*store, *seed, 1'700'000'000'000).has_value());
  std::string exported = boost::json::serialize(ExportSeed(*store));
  auto again = ParseSeed("export.json", exported, {"999999999999", "eu-west-1"});
  REQUIRE(again.has_value());
  auto copy = KeyStore::Open(":memory:").value();
  REQUIRE(ApplySeed(*copy, *again, 5).has_value());
  for (const std::string& id : {kId, kId2}) {
    auto a = store->FindKey("111122223333", "us-east-1", id);
    auto b = copy->FindKey("111122223333", "us-east-1", id);
    REQUIRE(b);
    CHECK(a->spec == b->spec);
    CHECK(a->state == b->state);
    CHECK(a->deletion_ms == b->deletion_ms);
    CHECK(a->pending_window_days == b->pending_window_days);
    CHECK(a->creation_ms == b->creation_ms);
    CHECK(a->current_material_id == b->current_material_id);
    CHECK(a->rotation_period_days == b->rotation_period_days);
    CHECK(a->next_rotation_ms == b->next_rotation_ms);
    CHECK(a->rotations.size() == b->rotations.size());
    CHECK(a->policy == b->policy);
    REQUIRE(a->materials.size() == b->materials.size());
    for (size_t i = 0; i < a->materials.size(); ++i) {
      CHECK(a->materials[i].bytes->Equals(b->materials[i].bytes->span()));
    }
  }
  CHECK(copy->FindAlias("111122223333", "us-east-1", "alias/a")->target_key_id == kId);
  CHECK(boost::json::serialize(ExportSeed(*copy)) == exported);
}

}  // namespace kms::emulator::seed
