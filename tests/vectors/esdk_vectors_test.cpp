// AWS Encryption SDK message vectors (../shared/vectors/esdk, see its README §2): every case of
// every folder decrypts to its plaintext or fails as its manifest says, through the one-shot
// Decrypt and through StreamDecryptor fed in odd-sized chunks. Counts per folder are asserted.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <fstream>
#include <kms/envelope/encryptor.hpp>
#include <kms/envelope/stream.hpp>
#include <kms/internal/encoding.hpp>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;
namespace env = kms::envelope;
using kms::internal::SecretBytes;

namespace {

const fs::path kEsdk = fs::path(KMS_VECTORS_DIR) / "esdk";

std::vector<uint8_t> ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

json::value ReadJson(const fs::path& path) {
  auto bytes = ReadBytes(path);
  boost::system::error_code ec;
  auto value =
      json::parse(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), ec);
  REQUIRE_MESSAGE(!ec, "bad JSON in " << path.string());
  return value;
}

std::string Str(const json::value& v) { return std::string(v.as_string()); }

fs::path Resolve(const fs::path& folder, const json::value& uri) {
  std::string s = Str(uri);
  REQUIRE(s.starts_with("file://"));
  return folder / s.substr(7);
}

std::vector<uint8_t> Decode64(std::string_view text) {
  auto bytes = kms::internal::Base64Decode(text);
  REQUIRE(bytes.has_value());
  return *bytes;
}

// ---------------------------------------------------------------------------------------------
// Keys manifests and keyrings.

struct KeyEntry {
  std::string type, name, material;
  bool decrypt = true;
};

std::map<std::string, KeyEntry> LoadKeys(const fs::path& path) {
  std::map<std::string, KeyEntry> keys;
  const json::value doc = ReadJson(path);
  for (const auto& [name, v] : doc.at("keys").as_object()) {
    const auto& o = v.as_object();
    KeyEntry e;
    e.type = Str(o.at("type"));
    e.name = o.contains("key-id") ? Str(o.at("key-id")) : std::string(name);
    if (o.contains("decrypt")) e.decrypt = o.at("decrypt").as_bool();
    if (auto* m = o.if_contains("material"); m && m->is_string()) e.material = Str(*m);
    if (auto* m = o.if_contains("material"); m && m->is_array()) {  // keys v1: list of lines
      std::string sep = o.contains("line-separator") ? Str(o.at("line-separator")) : "";
      for (size_t i = 0; i < m->as_array().size(); ++i) {
        e.material += (i ? sep : "") + Str(m->as_array()[i]);
      }
    }
    keys.emplace(name, e);
  }
  return keys;
}

env::RsaPadding Padding(const json::object& key) {
  if (Str(key.at("padding-algorithm")) == "pkcs1") return env::RsaPadding::kPkcs1;
  std::string hash = Str(key.at("padding-hash"));
  if (hash == "sha1") return env::RsaPadding::kOaepSha1Mgf1;
  if (hash == "sha256") return env::RsaPadding::kOaepSha256Mgf1;
  if (hash == "sha384") return env::RsaPadding::kOaepSha384Mgf1;
  return env::RsaPadding::kOaepSha512Mgf1;
}

using KeyringPtr = std::shared_ptr<const env::Keyring>;

// A raw master key / key description; nullptr when it cannot decrypt (a public RSA key).
KeyringPtr RawKeyring(const json::object& d, const std::map<std::string, KeyEntry>& keys) {
  const KeyEntry& k = keys.at(Str(d.at("key")));
  if (!k.decrypt) return nullptr;
  std::string ns = Str(d.at("provider-id"));
  if (Str(d.at("encryption-algorithm")) == "aes") {
    auto raw = Decode64(k.material);
    auto keyring = env::MakeRawAesKeyring(ns, k.name, SecretBytes(raw));
    REQUIRE(keyring.has_value());
    return *keyring;
  }
  auto keyring = env::MakeRawRsaKeyring(ns, k.name, Padding(d), "", k.material);
  REQUIRE_MESSAGE(keyring.has_value(), keyring.error().message);
  return *keyring;
}

struct Setup {
  KeyringPtr keyring;
  std::set<std::string> required_keys;
};

// v5 key descriptions: raw, multi-keyring, required-encryption-context-cmm.
Setup FromDescription(const json::object& d, const std::map<std::string, KeyEntry>& keys) {
  std::string type = Str(d.at("type"));
  if (type == "raw") return {RawKeyring(d, keys), {}};
  if (type == "required-encryption-context-cmm") {
    Setup s = FromDescription(d.at("underlying").as_object(), keys);
    for (const auto& k : d.at("requiredEncryptionContextKeys").as_array()) {
      s.required_keys.insert(Str(k));
    }
    return s;
  }
  REQUIRE(type == "multi-keyring");
  KeyringPtr generator = RawKeyring(d.at("generator").as_object(), keys);
  std::vector<KeyringPtr> children;
  for (const auto& c : d.at("childKeyrings").as_array()) {
    children.push_back(FromDescription(c.as_object(), keys).keyring);
  }
  auto keyring = env::MakeMultiKeyring(generator, children);
  REQUIRE(keyring.has_value());
  return {*keyring, {}};
}

// v1-v4 master-keys: any of them may decrypt; nullptr when one is aws-kms (not offline).
KeyringPtr FromMasterKeys(const json::array& list, const std::map<std::string, KeyEntry>& keys) {
  std::vector<KeyringPtr> children;
  for (const auto& mk : list) {
    if (Str(mk.at("type")) != "raw") return nullptr;
    if (auto keyring = RawKeyring(mk.as_object(), keys)) children.push_back(keyring);
  }
  REQUIRE(!children.empty());
  if (children.size() == 1) return children[0];
  auto keyring = env::MakeMultiKeyring(nullptr, children);
  REQUIRE(keyring.has_value());
  return *keyring;
}

// Hands out a fixed data key for EDKs of one provider id (or any when empty): the KAT "static"
// keyring, the oracle's null/test_counting keys and the C SDK's zero-key.
class FixedKeyring : public env::Keyring {
 public:
  // `key` empty: all-zero bytes of the suite's key length; "counting": 01 02 03 ...
  FixedKeyring(std::string provider, std::vector<uint8_t> key, bool counting = false)
      : provider_(std::move(provider)), key_(std::move(key)), counting_(counting) {}
  kms::Status OnEncrypt(env::EncryptionMaterials&) const override {
    return kms::MakeError(kms::ErrorCode::kValidation, "fixed keyring cannot encrypt");
  }
  kms::Status OnDecrypt(env::DecryptionMaterials& m,
                        std::span<const env::EncryptedDataKey> edks) const override {
    for (const auto& edk : edks) {
      if (!provider_.empty() && edk.provider_id != provider_) continue;
      SecretBytes key(m.suite->key_length);
      if (!key_.empty()) key = SecretBytes(key_);
      for (size_t i = 0; counting_ && i < key.size(); ++i) key.data()[i] = uint8_t(i + 1);
      m.plaintext_data_key = std::move(key);
      return {};
    }
    return kms::MakeError(kms::ErrorCode::kIncorrectKey, "fixed keyring: no " + provider_ + " EDK");
  }

 private:
  std::string provider_;
  std::vector<uint8_t> key_;
  bool counting_;
};

// ---------------------------------------------------------------------------------------------
// Running one case both ways.

struct Expect {
  std::optional<std::vector<uint8_t>> plaintext;  // nullopt: must fail
  std::string error;                              // when failing and non-empty: exact message
  std::string error_prefix;                       // when failing and non-empty: message prefix
};

struct Tally {
  int decrypted = 0;
  int failed_as_expected = 0;
  int required_context = 0;  // cases run with required (authenticate-only) context keys
};

env::DecryptOptions DecryptOptionsFor(const json::object* test, const std::set<std::string>& req) {
  env::DecryptOptions options;
  options.commitment_policy = env::CommitmentPolicy::kRequireEncryptAllowDecrypt;
  options.required_context_keys = req;
  if (test == nullptr) return options;
  for (const char* member : {"encryption-context", "reproduced-encryption-context"}) {
    if (auto* ec = test->if_contains(member)) {
      for (const auto& [k, v] : ec->as_object()) options.encryption_context[k] = Str(v);
    }
  }
  return options;
}

void CheckFailure(const std::string& id, const kms::Error& error, const Expect& expect) {
  if (!expect.error.empty()) CHECK_MESSAGE(error.message == expect.error, id);
  if (!expect.error_prefix.empty()) {
    CHECK_MESSAGE(error.message.starts_with(expect.error_prefix), id << ": " << error.message);
  }
}

// Streams `message` in chunks of `chunk` bytes; the sink must end up with the plaintext, or
// empty and discarded on failure.
void RunStreaming(const std::string& id, const env::Keyring& keyring,
                  std::span<const uint8_t> message, const env::DecryptOptions& options,
                  const Expect& expect, size_t chunk) {
  env::MemorySink sink;
  env::StreamDecryptor decryptor(keyring, options, sink);
  kms::Status st;
  for (size_t i = 0; i < message.size() && st; i += chunk) {
    st = decryptor.Update(message.subspan(i, std::min(chunk, message.size() - i)));
  }
  if (st) st = decryptor.Finish();
  if (expect.plaintext) {
    REQUIRE_MESSAGE(st.has_value(), id << " (streaming): " << st.error().message);
    CHECK_MESSAGE(std::equal(sink.bytes().begin(), sink.bytes().end(), expect.plaintext->begin(),
                             expect.plaintext->end()),
                  id << " (streaming)");
  } else {
    REQUIRE_MESSAGE(!st.has_value(), id << " (streaming) decrypted but must fail");
    CHECK_MESSAGE(sink.bytes().empty(), id << " (streaming) left plaintext in the sink");
    CheckFailure(id, st.error(), expect);
  }
}

void RunCase(const std::string& id, const env::Keyring& keyring, std::span<const uint8_t> message,
             const env::DecryptOptions& options, const Expect& expect, Tally& tally) {
  auto result = env::Decrypt(keyring, message, options);
  if (expect.plaintext) {
    REQUIRE_MESSAGE(result.has_value(), id << ": " << result.error().message);
    CHECK_MESSAGE(std::equal(result->plaintext.span().begin(), result->plaintext.span().end(),
                             expect.plaintext->begin(), expect.plaintext->end()),
                  id);
    ++tally.decrypted;
  } else {
    REQUIRE_MESSAGE(!result.has_value(), id << " decrypted but must fail");
    CheckFailure(id, result.error(), expect);
    ++tally.failed_as_expected;
  }
  RunStreaming(id, keyring, message, options, expect, 37);
  RunStreaming(id, keyring, message, options, expect, 4093);
}

// A decrypt manifest (versions 2, 4, 5).
Tally RunManifest(const std::string& folder_name, const std::string& manifest_name,
                  const Expect& negative = {}) {
  const fs::path folder = kEsdk / folder_name;
  json::value manifest = ReadJson(folder / manifest_name);
  auto keys = LoadKeys(Resolve(folder, manifest.at("keys")));
  Tally tally;
  for (const auto& [id_view, test_value] : manifest.at("tests").as_object()) {
    std::string id(id_view);
    const json::object* test = &test_value.as_object();
    Setup setup;
    Expect expect = negative;
    if (auto* scenario = test->if_contains("decryption-scenario")) {  // v5
      test = &scenario->as_object();
      setup = FromDescription(test->at("decryptKeyDescription").as_object(), keys);
      expect.plaintext = ReadBytes(Resolve(folder, test->at("result")));
    } else {
      setup.keyring = FromMasterKeys(test->at("master-keys").as_array(), keys);
      if (auto* cmm = test->if_contains("cmm"); cmm && Str(*cmm) == "RequiredEncryptionContext") {
        for (const auto& [k, v] : test->at("encryption-context").as_object()) {
          setup.required_keys.insert(std::string(k));
        }
      }
      const auto& result = test->at("result").as_object();
      if (auto* output = result.if_contains("output")) {
        expect.plaintext = ReadBytes(Resolve(folder, output->at("plaintext")));
      }
    }
    REQUIRE_MESSAGE(setup.keyring != nullptr, id);
    auto message = ReadBytes(Resolve(folder, test->at("ciphertext")));
    tally.required_context += setup.required_keys.empty() ? 0 : 1;
    RunCase(id, *setup.keyring, message, DecryptOptionsFor(test, setup.required_keys), expect,
            tally);
  }
  return tally;
}

}  // namespace

TEST_CASE("ESDK vectors: net-4.0.1 (raw AES-256 and RSA-4096, 11 suites, required EC) decrypt") {
  Tally t = RunManifest("net-4.0.1", "manifest.json");
  MESSAGE("net-4.0.1: " << t.decrypted << " decrypted (" << t.required_context
                        << " with required encryption context)");
  CHECK(t.decrypted == 99);
  CHECK(t.required_context == 33);
}

TEST_CASE("ESDK vectors: net-4.0.0-valid (required encryption context CMM) decrypt") {
  Tally t = RunManifest("net-4.0.0-valid", "manifest.json");
  MESSAGE("net-4.0.0-valid: " << t.decrypted << " decrypted (" << t.required_context
                              << " with required encryption context)");
  CHECK(t.decrypted == 5);
  CHECK(t.required_context == 5);
}

TEST_CASE("ESDK vectors: net-4.0.0-invalid all fail header authentication") {
  Tally t = RunManifest("net-4.0.0-invalid", "manifest.json",
                        Expect{std::nullopt, "Header authentication failed", ""});
  MESSAGE("net-4.0.0-invalid: " << t.failed_as_expected << " failed as expected");
  CHECK(t.failed_as_expected == 28);
  CHECK(t.decrypted == 0);
}

TEST_CASE("ESDK vectors: dafny-4.1.0 (raw AES/RSA, multi-keyrings, required EC CMM) decrypt") {
  Tally t = RunManifest("dafny-4.1.0", "decrypt-manifest.json");
  MESSAGE("dafny-4.1.0: " << t.decrypted << " decrypted (" << t.required_context
                          << " with the required encryption context CMM)");
  CHECK(t.decrypted == 187);
  CHECK(t.required_context == 55);
}

TEST_CASE("ESDK vectors: python-perf (0578, empty plaintexts, raw AES and RSA) decrypt") {
  Tally t = RunManifest("python-perf", "manifest.json");
  MESSAGE("python-perf: " << t.decrypted << " decrypted");
  CHECK(t.decrypted == 8);
}

TEST_CASE("ESDK vectors: generated-js-5.0.2 (JS-written, all suites, non-ASCII EC) decrypt") {
  Tally t = RunManifest("generated-js-5.0.2", "manifest.json");
  MESSAGE("generated-js-5.0.2: " << t.decrypted << " decrypted");
  CHECK(t.decrypted == 55);
}

TEST_CASE("ESDK vectors: commitment KATs decrypt with their data keys or fail commitment") {
  json::value doc = ReadJson(kEsdk / "commitment-kat" / "commitment_known_answer_tests.json");
  Tally t;
  int derivations = 0;
  for (const auto& tv : doc.at("tests").as_array()) {
    const auto& o = tv.as_object();
    std::string id = Str(o.at("comment"));
    auto message = Decode64(Str(o.at("ciphertext")));
    auto dek = Decode64(Str(o.at("decrypted-dek")));
    Expect expect;
    if (o.at("status").as_bool()) {
      std::string text;
      for (const auto& f : o.at("plaintext-frames").as_array()) text += Str(f);
      expect.plaintext = std::vector<uint8_t>(text.begin(), text.end());
    } else {
      expect.error = "Key commitment does not match the data key";
    }
    FixedKeyring keyring("", dek);
    RunCase(id, keyring, message, DecryptOptionsFor(&o, {}), expect, t);
    // The key derivation itself, against the KAT's commit key and content key.
    auto header = env::InspectMessage(message);
    REQUIRE_MESSAGE(header.has_value(), id);
    CHECK(header->header.message_id == Decode64(Str(o.at("message-id"))));
    auto keys = env::DeriveMessageKeys(*header->header.suite, dek, header->header.message_id);
    REQUIRE(keys.has_value());
    // Negative cases list the keys of the data key the message was really made with.
    if (!o.at("status").as_bool()) continue;
    CHECK(keys->commit_key == Decode64(Str(o.at("commitment"))));
    if (auto* cek = o.if_contains("content-encryption-key"); cek && cek->is_string()) {
      CHECK(keys->encryption_key.Equals(Decode64(Str(*cek))));
      ++derivations;
    }
  }
  MESSAGE("commitment-kat: " << t.decrypted << " decrypted, " << t.failed_as_expected
                             << " failed commitment, " << derivations << " content keys checked");
  CHECK(t.decrypted == 41);
  CHECK(t.failed_as_expected == 5);
  CHECK(derivations == 16);
}

TEST_CASE("ESDK vectors: python decrypt oracle v1 messages decrypt with fixed data keys") {
  json::value doc = ReadJson(kEsdk / "python-decrypt-oracle" / "decrypt_vectors.json");
  Tally t;
  int skipped = 0;
  for (const auto& tv : doc.as_array()) {
    const auto& o = tv.as_object();
    std::string type = Str(o.at("key-type"));
    std::string id = type + "-" + Str(o.at("algorithm-suite"));
    if (type == "aws-kms") {
      ++skipped;
      continue;
    }
    FixedKeyring keyring(type, {}, type == "test_counting");
    Expect expect{Decode64(Str(o.at("plaintext"))), "", ""};
    RunCase(id, keyring, Decode64(Str(o.at("ciphertext"))), DecryptOptionsFor(nullptr, {}), expect,
            t);
  }
  MESSAGE("python-decrypt-oracle: " << t.decrypted << " decrypted, " << skipped
                                    << " aws-kms skipped (need AWS)");
  CHECK(t.decrypted == 18);
  CHECK(skipped == 9);
}

TEST_CASE("ESDK vectors: C SDK test data decrypt or fail as cases.json says") {
  const fs::path folder = kEsdk / "c-sdk-data";
  json::value doc = ReadJson(folder / "cases.json");
  auto zero_wrapping = env::MakeRawAesKeyring("ProviderName", "KeyId", SecretBytes(32));
  REQUIRE(zero_wrapping.has_value());
  FixedKeyring zero_key("zero-key", {});
  Tally t;
  for (const auto& c : doc.at("cases").as_array()) {
    const auto& o = c.as_object();
    std::string id = Str(o.at("ciphertext"));
    const env::Keyring& keyring = Str(o.at("keys")) == "zero-key"
                                      ? static_cast<const env::Keyring&>(zero_key)
                                      : **zero_wrapping;
    Expect expect;
    if (Str(o.at("expect")) == "success") {
      expect.plaintext = ReadBytes(folder / Str(o.at("plaintext")));
    } else if (id.find("commitment") != std::string::npos) {
      expect.error = "Key commitment does not match the data key";
    } else {
      expect.error_prefix = "Malformed message: ";
    }
    RunCase(id, keyring, ReadBytes(folder / id), DecryptOptionsFor(nullptr, {}), expect, t);
  }
  MESSAGE("c-sdk-data: " << t.decrypted << " decrypted, " << t.failed_as_expected
                         << " failed as expected");
  CHECK(t.decrypted == 4);
  CHECK(t.failed_as_expected == 2);
}

TEST_CASE("ESDK vectors: python-1.3.5 KMS messages parse and their ECDSA signatures verify") {
  const fs::path folder = kEsdk / "python-1.3.5-kms-parse-only";
  json::value manifest = ReadJson(folder / "decrypt_message.json");
  int parsed = 0, signatures = 0, non_framed = 0;
  for (const auto& [id, test] : manifest.at("tests").as_object()) {
    auto message = ReadBytes(Resolve(folder, test.at("ciphertext")));
    auto plaintext = ReadBytes(Resolve(folder, test.at("plaintext")));
    auto layout = env::InspectMessage(message);
    REQUIRE_MESSAGE(layout.has_value(), std::string(id) << ": " << layout.error().message);
    CHECK(layout->content_length == plaintext.size());
    CHECK(layout->message_length == message.size());
    CHECK(layout->header.encrypted_data_keys.at(0).provider_id == "aws-kms");
    ++parsed;
    signatures += layout->has_signature ? 1 : 0;
    non_framed += layout->header.content_type == env::ContentType::kNonFramed ? 1 : 0;
    if (layout->has_signature) {  // a flipped signature byte must be caught
      message[message.size() - 5] ^= 0x01;
      auto bad = env::InspectMessage(message);
      REQUIRE(!bad.has_value());
      CHECK(bad.error().message == "Signature verification failed");
    }
  }
  MESSAGE("python-1.3.5-kms-parse-only: " << parsed << " parsed (" << non_framed << " non-framed), "
                                          << signatures << " ECDSA signatures verified");
  CHECK(parsed == 27);
  CHECK(non_framed == 9);
  CHECK(signatures == 9);
}
