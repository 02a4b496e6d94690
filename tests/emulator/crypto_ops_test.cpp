// Tests for Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext) and GenerateRandom,
// called directly over an in-memory KeyStore: round trips, context binding, key checks and every
// error branch with its code and exact message.
#include <doctest/doctest.h>

#include <boost/json/object.hpp>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>
#include <memory>
#include <set>
#include <string>

#include "api/handlers.hpp"
#include "domain/ciphertext_blob.hpp"
#include "store/key_store.hpp"

using namespace kms::emulator;
using boost::json::object;
using kms::ErrorCode;
using kms::internal::Base64Decode;
using kms::internal::Base64Encode;

namespace {

const std::string kAccount = "111122223333";
const std::string kRegion = "us-east-1";
constexpr int64_t kDayMs = 86'400'000;

struct KeyArgs {
  kms::KeySpec spec = kms::KeySpec::kSymmetricDefault;
  kms::KeyUsage usage = kms::KeyUsage::kEncryptDecrypt;
  kms::KeyState state = kms::KeyState::kEnabled;
  std::string account = kAccount;
  std::string region = kRegion;
  std::string id = {};  // random UUID when empty
  int materials = 1;
};

KeyMaterial NewMaterial() {
  KeyMaterial m;
  std::vector<uint8_t> id(32);
  REQUIRE(kms::internal::RandomFill(id).has_value());
  m.id = kms::internal::HexEncode(id);
  auto bytes = kms::internal::RandomSecret(32);
  REQUIRE(bytes.has_value());
  m.bytes = std::make_shared<const kms::internal::SecretBytes>(std::move(*bytes));
  return m;
}

std::string B64(std::string_view s) { return Base64Encode(s); }

std::string Str(const object& o, std::string_view member) {
  return std::string(o.at(member).as_string());
}

std::vector<uint8_t> Bytes(const object& o, std::string_view member) {
  return Base64Decode(o.at(member).as_string()).value();
}

std::set<std::string> Members(const object& o) {
  std::set<std::string> out;
  for (const auto& kv : o) out.emplace(kv.key());
  return out;
}

template <class T>
void CheckError(const kms::Result<T>& r, ErrorCode code, std::string_view message) {
  REQUIRE_FALSE(r.has_value());
  CHECK(kms::TypeName(r.error().code) == kms::TypeName(code));
  CHECK(r.error().message == message);
}

class Fixture {
 public:
  Fixture() : store_(KeyStore::Open(":memory:").value()), services_{*store_, clock_} {}

  RequestContext Ctx(const std::string& account = kAccount,
                     const std::string& region = kRegion) const {
    RequestContext ctx;
    ctx.account = account;
    ctx.region = region;
    ctx.request_id = "00000000-0000-4000-8000-000000000000";
    ctx.now_ms = clock_.NowMs();
    return ctx;
  }

  std::shared_ptr<const Key> AddKey(const KeyArgs& args = {}) {
    Key key;
    key.account = args.account;
    key.region = args.region;
    key.id = args.id.empty() ? kms::internal::RandomUuid() : args.id;
    key.spec = args.spec;
    key.usage = args.usage;
    key.state = args.state;
    key.creation_ms = clock_.NowMs();
    key.multi_region = key.id.starts_with("mrk-");
    if (args.state == kms::KeyState::kPendingDeletion) {
      key.deletion_ms = clock_.NowMs() + 7 * kDayMs;
      key.pending_window_days = 7;
    }
    for (int i = 0; i < args.materials; ++i) key.materials.push_back(NewMaterial());
    if (!key.materials.empty()) key.current_material_id = key.materials.back().id;
    REQUIRE(store_->CreateKey(key).has_value());
    return store_->FindKey(key.account, key.region, key.id);
  }

  // A copy of `key` (same id and materials) in another region: a multi-Region replica.
  void AddReplica(const Key& key, const std::string& region) {
    Key replica = key;
    replica.region = region;
    REQUIRE(store_->CreateKey(replica).has_value());
  }

  void SetState(const Key& key, kms::KeyState state) {
    auto r = store_->UpdateKey(key.account, key.region, key.id, [&](Key& k) -> kms::Status {
      k.state = state;
      if (state == kms::KeyState::kPendingDeletion) k.deletion_ms = clock_.NowMs() + 7 * kDayMs;
      return {};
    });
    REQUIRE(r.has_value());
  }

  void AddAlias(const std::string& name, const Key& key) {
    Alias alias;
    alias.account = key.account;
    alias.region = key.region;
    alias.name = name;
    alias.target_key_id = key.id;
    REQUIRE(store_->CreateAlias(alias).has_value());
  }

  kms::Result<object> Call(Handler handler, const object& input) {
    return handler(services_, Ctx(), input);
  }
  kms::Result<object> Call(Handler handler, const object& input, const RequestContext& ctx) {
    return handler(services_, ctx, input);
  }
  object Ok(Handler handler, const object& input) {
    auto r = Call(handler, input);
    if (!r) FAIL(kms::TypeName(r.error().code), ": ", r.error().message);
    return *r;
  }

  // CiphertextBlob (base64) of Encrypt(key, plaintext, context).
  std::string Encrypt(const Key& key, std::string_view plaintext, const object& context = {}) {
    object in{{"KeyId", key.id}, {"Plaintext", B64(plaintext)}};
    if (!context.empty()) in["EncryptionContext"] = context;
    return Str(Ok(kms::emulator::Encrypt, in), "CiphertextBlob");
  }

  KeyStore& store() { return *store_; }
  Clock& clock() { return clock_; }

 private:
  Clock clock_;
  std::unique_ptr<KeyStore> store_;
  Services services_;
};

std::string DecryptedText(const object& response) {
  auto bytes = Bytes(response, "Plaintext");
  return std::string(bytes.begin(), bytes.end());
}

const char* const kIncorrectKey =
    "The key ID in the request does not identify a CMK that can perform this operation.";
const char* const kDryRun = "The request would have succeeded, but the DryRun option is set.";

}  // namespace

// ---- Encrypt ----

TEST_CASE("Encrypt then Decrypt round-trips and names the key by ARN") {
  Fixture f;
  auto key = f.AddKey();
  auto enc = f.Ok(Encrypt, {{"KeyId", key->id}, {"Plaintext", B64("hello")}});
  CHECK(Members(enc) == std::set<std::string>{"CiphertextBlob", "KeyId", "EncryptionAlgorithm"});
  CHECK(Str(enc, "KeyId") == key->Arn());
  CHECK(Str(enc, "EncryptionAlgorithm") == "SYMMETRIC_DEFAULT");
  CHECK(Str(enc, "CiphertextBlob").starts_with("KMSe"));
  auto dec = f.Ok(Decrypt, {{"CiphertextBlob", enc.at("CiphertextBlob")}});
  CHECK(Members(dec) ==
        std::set<std::string>{"KeyId", "Plaintext", "EncryptionAlgorithm", "KeyMaterialId"});
  CHECK(DecryptedText(dec) == "hello");
  CHECK(Str(dec, "KeyId") == key->Arn());
  CHECK(Str(dec, "EncryptionAlgorithm") == "SYMMETRIC_DEFAULT");
  CHECK(Str(dec, "KeyMaterialId") == key->current_material_id);
}

TEST_CASE("Encrypt accepts the key ARN, an alias name and an alias ARN") {
  Fixture f;
  auto key = f.AddKey();
  f.AddAlias("alias/app", *key);
  std::string alias_arn = "arn:aws:kms:us-east-1:111122223333:alias/app";
  for (const std::string& id : {key->Arn(), std::string("alias/app"), alias_arn}) {
    CAPTURE(id);
    auto enc = f.Ok(Encrypt, {{"KeyId", id}, {"Plaintext", B64("x")}});
    CHECK(Str(enc, "KeyId") == key->Arn());
  }
}

TEST_CASE("Encrypt binds the encryption context: Decrypt needs exactly the same one") {
  Fixture f;
  auto key = f.AddKey();
  object context{{"purpose", "test"}, {"Dept", "Finance"}};
  std::string blob = f.Encrypt(*key, "secret", context);
  // AWS: InvalidCiphertextException with an empty message (test_encrypt_decrypt_encryption_context)
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}}), ErrorCode::kInvalidCiphertext, "");
  object wrong_case{{"purpose", "Test"}, {"Dept", "Finance"}};
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}, {"EncryptionContext", wrong_case}}),
             ErrorCode::kInvalidCiphertext, "");
  object subset{{"purpose", "test"}};
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}, {"EncryptionContext", subset}}),
             ErrorCode::kInvalidCiphertext, "");
  object reordered{{"Dept", "Finance"}, {"purpose", "test"}};
  auto dec = f.Ok(Decrypt, {{"CiphertextBlob", blob}, {"EncryptionContext", reordered}});
  CHECK(DecryptedText(dec) == "secret");
}

TEST_CASE("Contexts {\"a\":\"b\"} and {\"ab\":\"\"} do not decrypt each other") {
  Fixture f;
  auto key = f.AddKey();
  std::string ab = f.Encrypt(*key, "p", object{{"a", "b"}});
  std::string ab_empty = f.Encrypt(*key, "p", object{{"ab", ""}});
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", ab}, {"EncryptionContext", object{{"ab", ""}}}}),
             ErrorCode::kInvalidCiphertext, "");
  CheckError(
      f.Call(Decrypt, {{"CiphertextBlob", ab_empty}, {"EncryptionContext", object{{"a", "b"}}}}),
      ErrorCode::kInvalidCiphertext, "");
}

TEST_CASE("An empty encryption context is the same as none") {
  Fixture f;
  auto key = f.AddKey();
  std::string blob = f.Encrypt(*key, "p", object{});
  auto dec = f.Ok(Decrypt, {{"CiphertextBlob", blob}, {"EncryptionContext", object{}}});
  CHECK(DecryptedText(dec) == "p");
}

TEST_CASE("Encrypt takes 1 to 4096 plaintext bytes and the 4096-byte blob decrypts") {
  Fixture f;
  auto key = f.AddKey();
  std::string big(4096, 'z');
  auto enc = f.Ok(Encrypt, {{"KeyId", key->id}, {"Plaintext", B64(big)}});
  CHECK(Bytes(enc, "CiphertextBlob").size() <= 6144);
  CHECK(DecryptedText(f.Ok(Decrypt, {{"CiphertextBlob", enc.at("CiphertextBlob")}})) == big);
  // AWS: test_plaintext_size_for_encrypt
  CheckError(f.Call(Encrypt, {{"KeyId", key->id}, {"Plaintext", B64(big + "z")}}),
             ErrorCode::kValidation,
             "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
             "Member must have length less than or equal to 4096");
  CheckError(f.Call(Encrypt, {{"KeyId", key->id}, {"Plaintext", ""}}), ErrorCode::kValidation,
             "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
             "Member must have length greater than or equal to 1");
}

TEST_CASE("Encrypt requires KeyId and Plaintext") {
  Fixture f;
  CheckError(f.Call(Encrypt, {{"Plaintext", B64("x")}}), ErrorCode::kValidation,
             "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: "
             "Member must not be null");
  auto key = f.AddKey();
  CheckError(f.Call(Encrypt, {{"KeyId", key->id}}), ErrorCode::kValidation,
             "1 validation error detected: Value null at 'plaintext' failed to satisfy "
             "constraint: Member must not be null");
}

TEST_CASE("Encrypt validates GrantTokens and EncryptionAlgorithm") {
  Fixture f;
  auto key = f.AddKey();
  boost::json::array tokens;
  for (int i = 0; i < 11; ++i) tokens.emplace_back("token");
  CheckError(
      f.Call(Encrypt, {{"KeyId", key->id}, {"Plaintext", B64("x")}, {"GrantTokens", tokens}}),
      ErrorCode::kValidation,
      "1 validation error detected: Value at 'grantTokens' failed to satisfy constraint: "
      "Member must have length less than or equal to 10");
  tokens.resize(10);
  CHECK(f.Call(Encrypt, {{"KeyId", key->id}, {"Plaintext", B64("x")}, {"GrantTokens", tokens}})
            .has_value());
  CheckError(
      f.Call(Encrypt,
             {{"KeyId", key->id}, {"Plaintext", B64("x")}, {"EncryptionAlgorithm", "FOO"}}),
      ErrorCode::kValidation,
      "1 validation error detected: Value 'FOO' at 'encryptionAlgorithm' failed to satisfy "
      "constraint: Member must satisfy enum value set: [RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, "
      "SM2PKE, SYMMETRIC_DEFAULT]");
}

TEST_CASE("Encrypt with an RSAES algorithm on a symmetric key is InvalidKeyUsageException") {
  Fixture f;
  auto key = f.AddKey();
  for (std::string alg : {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"}) {
    CheckError(f.Call(Encrypt,
                      {{"KeyId", key->id}, {"Plaintext", B64("x")}, {"EncryptionAlgorithm", alg}}),
               ErrorCode::kInvalidKeyUsage,
               "Algorithm " + alg + " is incompatible with key spec SYMMETRIC_DEFAULT.");
  }
  auto ok = f.Ok(
      Encrypt,
      {{"KeyId", key->id}, {"Plaintext", B64("x")}, {"EncryptionAlgorithm", "SYMMETRIC_DEFAULT"}});
  CHECK(Str(ok, "EncryptionAlgorithm") == "SYMMETRIC_DEFAULT");
}

TEST_CASE("Encrypt with a key whose usage is not ENCRYPT_DECRYPT names the usage and operation") {
  Fixture f;
  // AWS: test_error_messaging_for_invalid_keys
  auto sign = f.AddKey({.spec = kms::KeySpec::kRsa2048, .usage = kms::KeyUsage::kSignVerify});
  CheckError(f.Call(Encrypt, {{"KeyId", sign->id}, {"Plaintext", B64("x")}}),
             ErrorCode::kInvalidKeyUsage,
             sign->Arn() + " key usage is SIGN_VERIFY which is not valid for Encrypt.");
  auto mac = f.AddKey({.spec = kms::KeySpec::kHmac256, .usage = kms::KeyUsage::kGenerateVerifyMac});
  CheckError(f.Call(Encrypt, {{"KeyId", mac->id}, {"Plaintext", B64("x")}}),
             ErrorCode::kInvalidKeyUsage,
             mac->Arn() + " key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.");
}

TEST_CASE("Encrypt checks key usage before key state") {
  Fixture f;
  auto sign = f.AddKey({.spec = kms::KeySpec::kRsa2048,
                        .usage = kms::KeyUsage::kSignVerify,
                        .state = kms::KeyState::kDisabled});
  CheckError(f.Call(Encrypt, {{"KeyId", sign->id}, {"Plaintext", B64("x")}}),
             ErrorCode::kInvalidKeyUsage,
             sign->Arn() + " key usage is SIGN_VERIFY which is not valid for Encrypt.");
}

TEST_CASE("Encrypt with an RSA encryption key and SYMMETRIC_DEFAULT is refused as AWS does") {
  Fixture f;
  auto rsa = f.AddKey({.spec = kms::KeySpec::kRsa2048});
  CheckError(f.Call(Encrypt, {{"KeyId", rsa->id}, {"Plaintext", B64("x")}}),
             ErrorCode::kInvalidKeyUsage,
             "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
  // RSA encryption itself is tested in asymmetric_crypto_test.cpp.
  CheckError(f.Call(Encrypt, {{"KeyId", rsa->id},
                              {"Plaintext", B64("x")},
                              {"EncryptionContext", object{{"a", "b"}}},
                              {"EncryptionAlgorithm", "RSAES_OAEP_SHA_256"}}),
             ErrorCode::kValidation,
             "EncryptionContext is not supported with asymmetric KMS keys.");
}

TEST_CASE("Encrypt refuses disabled, pending-deletion and pending-import keys") {
  Fixture f;
  auto disabled = f.AddKey({.state = kms::KeyState::kDisabled});
  CheckError(f.Call(Encrypt, {{"KeyId", disabled->id}, {"Plaintext", B64("x")}}),
             ErrorCode::kDisabled, disabled->Arn() + " is disabled.");
  auto pending = f.AddKey({.state = kms::KeyState::kPendingDeletion});
  CheckError(f.Call(Encrypt, {{"KeyId", pending->id}, {"Plaintext", B64("x")}}),
             ErrorCode::kInvalidState, pending->Arn() + " is pending deletion.");
  auto import = f.AddKey({.state = kms::KeyState::kPendingImport, .materials = 0});
  CheckError(f.Call(Encrypt, {{"KeyId", import->id}, {"Plaintext", B64("x")}}),
             ErrorCode::kInvalidState, import->Arn() + " is pending import.");
}

TEST_CASE("Encrypt names a missing key or alias as AWS does") {
  Fixture f;
  std::string id = "11111111-2222-3333-4444-555555555555";
  CheckError(f.Call(Encrypt, {{"KeyId", id}, {"Plaintext", B64("x")}}), ErrorCode::kNotFound,
             "Key 'arn:aws:kms:us-east-1:111122223333:key/" + id + "' does not exist");
  CheckError(f.Call(Encrypt, {{"KeyId", "alias/missing"}, {"Plaintext", B64("x")}}),
             ErrorCode::kNotFound,
             "Alias arn:aws:kms:us-east-1:111122223333:alias/missing is not found.");
}

TEST_CASE("Encrypt with DryRun reports success only after every check") {
  Fixture f;
  auto key = f.AddKey();
  CheckError(f.Call(Encrypt, {{"KeyId", key->id}, {"Plaintext", B64("x")}, {"DryRun", true}}),
             ErrorCode::kDryRunOperation, kDryRun);
  auto disabled = f.AddKey({.state = kms::KeyState::kDisabled});
  CheckError(f.Call(Encrypt, {{"KeyId", disabled->id}, {"Plaintext", B64("x")}, {"DryRun", true}}),
             ErrorCode::kDisabled, disabled->Arn() + " is disabled.");
  CHECK(f.Call(Encrypt, {{"KeyId", key->id}, {"Plaintext", B64("x")}, {"DryRun", false}})
            .has_value());
}

// ---- Decrypt ----

TEST_CASE("Decrypt accepts the right key as id, ARN or alias") {
  Fixture f;
  auto key = f.AddKey();
  f.AddAlias("alias/app", *key);
  std::string blob = f.Encrypt(*key, "p");
  for (const std::string& id : {key->id, key->Arn(), std::string("alias/app")}) {
    CAPTURE(id);
    CHECK(DecryptedText(f.Ok(Decrypt, {{"CiphertextBlob", blob}, {"KeyId", id}})) == "p");
  }
}

TEST_CASE("Decrypt with another key's id is IncorrectKeyException") {
  Fixture f;
  auto key = f.AddKey();
  auto other = f.AddKey();
  std::string blob = f.Encrypt(*key, "p");
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}, {"KeyId", other->id}}),
             ErrorCode::kIncorrectKey, kIncorrectKey);
  // AWS: test_error_messaging_for_invalid_keys, a SIGN_VERIFY key named in Decrypt.
  auto sign = f.AddKey({.spec = kms::KeySpec::kRsa2048, .usage = kms::KeyUsage::kSignVerify});
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}, {"KeyId", sign->Arn()}}),
             ErrorCode::kIncorrectKey, kIncorrectKey);
}

TEST_CASE("Decrypt with a KeyId that does not exist is NotFoundException") {
  Fixture f;
  auto key = f.AddKey();
  std::string blob = f.Encrypt(*key, "p");
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}, {"KeyId", "alias/none"}}),
             ErrorCode::kNotFound,
             "Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.");
}

TEST_CASE("Decrypt follows the key state of the blob's key") {
  Fixture f;
  auto key = f.AddKey();
  std::string blob = f.Encrypt(*key, "p");
  f.SetState(*key, kms::KeyState::kDisabled);
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}}), ErrorCode::kDisabled,
             key->Arn() + " is disabled.");
  f.SetState(*key, kms::KeyState::kPendingDeletion);
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}}), ErrorCode::kInvalidState,
             key->Arn() + " is pending deletion.");
  f.SetState(*key, kms::KeyState::kEnabled);
  CHECK(DecryptedText(f.Ok(Decrypt, {{"CiphertextBlob", blob}})) == "p");
}

TEST_CASE("Decrypt of a blob whose key no longer exists is an empty InvalidCiphertextException") {
  Fixture f;
  auto key = f.AddKey();
  std::string blob = f.Encrypt(*key, "p");
  REQUIRE(f.store().DeleteKey(key->account, key->region, key->id).has_value());
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}}), ErrorCode::kInvalidCiphertext, "");

  auto pending = f.AddKey();
  std::string blob2 = f.Encrypt(*pending, "p");
  f.SetState(*pending, kms::KeyState::kPendingDeletion);
  f.clock().Advance(8 * kDayMs);  // past the deletion date, before any sweep
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob2}}), ErrorCode::kInvalidCiphertext, "");
}

TEST_CASE("Decrypt of a blob from another region is InvalidCiphertextException") {
  Fixture f;
  auto key = f.AddKey();
  std::string blob = f.Encrypt(*key, "p");
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}}, f.Ctx(kAccount, "eu-west-1")),
             ErrorCode::kInvalidCiphertext, "");
  // Even when a key with the same id exists there.
  f.AddReplica(*key, "eu-west-1");
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}}, f.Ctx(kAccount, "eu-west-1")),
             ErrorCode::kInvalidCiphertext, "");
}

TEST_CASE("Another account decrypts a blob of a key it may use by ARN (cross-account Decrypt)") {
  Fixture f;
  auto key = f.AddKey();
  std::string blob = f.Encrypt(*key, "shared");
  auto dec = f.Call(Decrypt, {{"CiphertextBlob", blob}}, f.Ctx("444455556666", kRegion));
  REQUIRE(dec.has_value());
  CHECK(DecryptedText(*dec) == "shared");
  CHECK(Str(*dec, "KeyId") == key->Arn());
}

TEST_CASE("A multi-Region key's blob decrypts in a replica's region") {
  Fixture f;
  auto key = f.AddKey({.id = "mrk-1234abcd12ab34cd56ef1234567890ab"});
  f.AddReplica(*key, "eu-west-1");
  std::string blob = f.Encrypt(*key, "everywhere");
  auto dec = f.Call(Decrypt, {{"CiphertextBlob", blob}}, f.Ctx(kAccount, "eu-west-1"));
  REQUIRE(dec.has_value());
  CHECK(DecryptedText(*dec) == "everywhere");
  CHECK(Str(*dec, "KeyId") == KeyArn("eu-west-1", kAccount, key->id));
  // Without a replica there, it is a foreign blob.
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}}, f.Ctx(kAccount, "ap-south-1")),
             ErrorCode::kInvalidCiphertext, "");
}

TEST_CASE("Blobs made before a rotation decrypt with their own key material") {
  Fixture f;
  auto key = f.AddKey({.materials = 2});
  std::string old_id = key->materials[0].id, new_id = key->materials[1].id;
  auto r = f.store().UpdateKey(key->account, key->region, key->id, [&](Key& k) -> kms::Status {
    k.current_material_id = old_id;
    return {};
  });
  REQUIRE(r.has_value());
  std::string old_blob = f.Encrypt(*key, "before");
  r = f.store().UpdateKey(key->account, key->region, key->id, [&](Key& k) -> kms::Status {
    k.current_material_id = new_id;
    return {};
  });
  REQUIRE(r.has_value());
  std::string new_blob = f.Encrypt(*key, "after");
  auto before = f.Ok(Decrypt, {{"CiphertextBlob", old_blob}});
  CHECK(DecryptedText(before) == "before");
  CHECK(Str(before, "KeyMaterialId") == old_id);
  auto after = f.Ok(Decrypt, {{"CiphertextBlob", new_blob}});
  CHECK(DecryptedText(after) == "after");
  CHECK(Str(after, "KeyMaterialId") == new_id);
}

TEST_CASE("Decrypt of a blob naming material the key does not have is InvalidCiphertext") {
  Fixture f;
  auto key = f.AddKey();
  KeyMaterial stranger = NewMaterial();
  auto blob = SealCiphertextBlob(key->Arn(), stranger.id, stranger.bytes->span(), {},
                                 kms::internal::AsBytes("p"));
  REQUIRE(blob.has_value());
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", Base64Encode(*blob)}}),
             ErrorCode::kInvalidCiphertext, "");
}

TEST_CASE("Decrypt rejects every single flipped byte of a blob with an empty message") {
  Fixture f;
  auto key = f.AddKey();
  auto blob = Base64Decode(f.Encrypt(*key, "ab", object{{"c", "d"}})).value();
  for (size_t i = 0; i < blob.size(); ++i) {
    for (uint8_t mask : {0x01, 0xFF}) {
      CAPTURE(i);
      auto tampered = blob;
      tampered[i] ^= mask;
      CheckError(f.Call(Decrypt, {{"CiphertextBlob", Base64Encode(tampered)},
                                  {"EncryptionContext", object{{"c", "d"}}}}),
                 ErrorCode::kInvalidCiphertext, "");
    }
  }
}

TEST_CASE("Decrypt of foreign bytes is InvalidCiphertextException, with a hint for ESDK messages") {
  Fixture f;
  f.AddKey();
  // AWS: test_encrypt_decrypt_encryption_context, an invalid ciphertext gives an empty message.
  for (std::string blob : {"AQICAHhRJ5fX8p/2M1NcG+WyiqHy1u3V3hdQGtrw", "AAAA", "KMSeAQ=="}) {
    CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}}), ErrorCode::kInvalidCiphertext, "");
  }
  std::vector<uint8_t> esdk = {0x02, 0x05, 0x78, 1, 2, 3, 4, 5};
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", Base64Encode(esdk)}}),
             ErrorCode::kInvalidCiphertext,
             "This is an AWS Encryption SDK message, not a KMS ciphertext blob; decrypt it with "
             "an Encryption SDK (kmsctl envelope decrypt)");
}

TEST_CASE("Decrypt validates CiphertextBlob") {
  Fixture f;
  CheckError(f.Call(Decrypt, object{}), ErrorCode::kValidation,
             "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy "
             "constraint: Member must not be null");
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", Base64Encode(std::string(6145, 'x'))}}),
             ErrorCode::kValidation,
             "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy "
             "constraint: Member must have length less than or equal to 6144");
}

TEST_CASE("Decrypt with an RSAES algorithm for a symmetric blob is InvalidKeyUsageException") {
  Fixture f;
  auto key = f.AddKey();
  std::string blob = f.Encrypt(*key, "p");
  CheckError(
      f.Call(Decrypt, {{"CiphertextBlob", blob}, {"EncryptionAlgorithm", "RSAES_OAEP_SHA_1"}}),
      ErrorCode::kInvalidKeyUsage,
      "Algorithm RSAES_OAEP_SHA_1 is incompatible with key spec SYMMETRIC_DEFAULT.");
}

TEST_CASE("Decrypt with a Recipient is not supported yet") {
  Fixture f;
  auto key = f.AddKey();
  std::string blob = f.Encrypt(*key, "p");
  CheckError(
      f.Call(Decrypt, {{"CiphertextBlob", blob},
                       {"Recipient", object{{"KeyEncryptionAlgorithm", "RSAES_OAEP_SHA_256"}}}}),
      ErrorCode::kUnsupportedOperation,
      "Recipient (attested Nitro Enclave or NitroTPM requests) is not supported by this "
      "emulator.");
}

TEST_CASE("Decrypt with DryRun decrypts, then reports the dry run") {
  Fixture f;
  auto key = f.AddKey();
  std::string blob = f.Encrypt(*key, "p", object{{"a", "b"}});
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob},
                              {"EncryptionContext", object{{"a", "b"}}},
                              {"DryRun", true}}),
             ErrorCode::kDryRunOperation, kDryRun);
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", blob}, {"DryRun", true}}),
             ErrorCode::kInvalidCiphertext, "");
}

TEST_CASE("Decrypt with DryRun and IGNORE_CIPHERTEXT checks only the named key") {
  Fixture f;
  auto key = f.AddKey();
  boost::json::array ignore{"IGNORE_CIPHERTEXT"};
  CheckError(f.Call(Decrypt, {{"KeyId", key->id}, {"DryRun", true}, {"DryRunModifiers", ignore}}),
             ErrorCode::kDryRunOperation, kDryRun);
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", "AAAA"},
                              {"KeyId", key->id},
                              {"DryRun", true},
                              {"DryRunModifiers", ignore}}),
             ErrorCode::kDryRunOperation, kDryRun);
  CheckError(f.Call(Decrypt, {{"DryRun", true}, {"DryRunModifiers", ignore}}),
             ErrorCode::kValidation,
             "KeyId is required when DryRunModifiers contains IGNORE_CIPHERTEXT.");
  auto disabled = f.AddKey({.state = kms::KeyState::kDisabled});
  CheckError(
      f.Call(Decrypt, {{"KeyId", disabled->id}, {"DryRun", true}, {"DryRunModifiers", ignore}}),
      ErrorCode::kDisabled, disabled->Arn() + " is disabled.");
  CheckError(f.Call(Decrypt, {{"KeyId", key->id},
                              {"DryRun", true},
                              {"DryRunModifiers", boost::json::array{"FOO"}}}),
             ErrorCode::kValidation,
             "2 validation errors detected: Value '[FOO]' at 'dryRunModifiers' failed to satisfy "
             "constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
             "[IGNORE_CIPHERTEXT]]; Value null at 'ciphertextBlob' failed to satisfy "
             "constraint: Member must not be null");
}

// ---- ReEncrypt ----

TEST_CASE("ReEncrypt moves a blob to another key and context") {
  Fixture f;
  auto source = f.AddKey();
  auto destination = f.AddKey();
  std::string blob = f.Encrypt(*source, "move me", object{{"from", "a"}});
  auto re = f.Ok(ReEncrypt, {{"CiphertextBlob", blob},
                             {"SourceEncryptionContext", object{{"from", "a"}}},
                             {"DestinationKeyId", destination->id},
                             {"DestinationEncryptionContext", object{{"to", "b"}}}});
  CHECK(Members(re) == std::set<std::string>{"CiphertextBlob", "SourceKeyId", "KeyId",
                                             "SourceEncryptionAlgorithm",
                                             "DestinationEncryptionAlgorithm",
                                             "SourceKeyMaterialId", "DestinationKeyMaterialId"});
  CHECK(Str(re, "SourceKeyId") == source->Arn());
  CHECK(Str(re, "KeyId") == destination->Arn());
  CHECK(Str(re, "SourceEncryptionAlgorithm") == "SYMMETRIC_DEFAULT");
  CHECK(Str(re, "DestinationEncryptionAlgorithm") == "SYMMETRIC_DEFAULT");
  CHECK(Str(re, "SourceKeyMaterialId") == source->current_material_id);
  CHECK(Str(re, "DestinationKeyMaterialId") == destination->current_material_id);
  auto dec = f.Ok(Decrypt, {{"CiphertextBlob", re.at("CiphertextBlob")},
                            {"EncryptionContext", object{{"to", "b"}}}});
  CHECK(DecryptedText(dec) == "move me");
  CHECK(Str(dec, "KeyId") == destination->Arn());
}

TEST_CASE("ReEncrypt checks the source key, context and blob") {
  Fixture f;
  auto source = f.AddKey();
  auto destination = f.AddKey();
  std::string blob = f.Encrypt(*source, "p", object{{"from", "a"}});
  // AWS: test_re_encrypt_incorrect_source_key
  CheckError(f.Call(ReEncrypt, {{"CiphertextBlob", blob},
                                {"SourceEncryptionContext", object{{"from", "a"}}},
                                {"SourceKeyId", destination->id},
                                {"DestinationKeyId", destination->id}}),
             ErrorCode::kIncorrectKey, kIncorrectKey);
  CheckError(f.Call(ReEncrypt, {{"CiphertextBlob", blob}, {"DestinationKeyId", destination->id}}),
             ErrorCode::kInvalidCiphertext, "");
  f.SetState(*source, kms::KeyState::kDisabled);
  CheckError(f.Call(ReEncrypt, {{"CiphertextBlob", blob},
                                {"SourceEncryptionContext", object{{"from", "a"}}},
                                {"DestinationKeyId", destination->id}}),
             ErrorCode::kDisabled, source->Arn() + " is disabled.");
}

TEST_CASE("ReEncrypt checks the destination key") {
  Fixture f;
  auto source = f.AddKey();
  std::string blob = f.Encrypt(*source, "p");
  CheckError(f.Call(ReEncrypt, {{"CiphertextBlob", blob}}), ErrorCode::kValidation,
             "1 validation error detected: Value null at 'destinationKeyId' failed to satisfy "
             "constraint: Member must not be null");
  CheckError(f.Call(ReEncrypt, {{"CiphertextBlob", blob}, {"DestinationKeyId", "alias/none"}}),
             ErrorCode::kNotFound,
             "Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.");
  auto disabled = f.AddKey({.state = kms::KeyState::kDisabled});
  CheckError(f.Call(ReEncrypt, {{"CiphertextBlob", blob}, {"DestinationKeyId", disabled->id}}),
             ErrorCode::kDisabled, disabled->Arn() + " is disabled.");
  auto sign = f.AddKey({.spec = kms::KeySpec::kRsa2048, .usage = kms::KeyUsage::kSignVerify});
  CheckError(f.Call(ReEncrypt, {{"CiphertextBlob", blob}, {"DestinationKeyId", sign->id}}),
             ErrorCode::kInvalidKeyUsage,
             sign->Arn() + " key usage is SIGN_VERIFY which is not valid for ReEncrypt.");
  CheckError(f.Call(ReEncrypt, {{"CiphertextBlob", blob},
                                {"DestinationKeyId", source->id},
                                {"DestinationEncryptionAlgorithm", "RSAES_OAEP_SHA_256"}}),
             ErrorCode::kInvalidKeyUsage,
             "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.");
}

TEST_CASE("ReEncrypt with DryRun reports the dry run after every check") {
  Fixture f;
  auto source = f.AddKey();
  std::string blob = f.Encrypt(*source, "p");
  CheckError(f.Call(ReEncrypt,
                    {{"CiphertextBlob", blob}, {"DestinationKeyId", source->id}, {"DryRun", true}}),
             ErrorCode::kDryRunOperation, kDryRun);
  boost::json::array ignore{"IGNORE_CIPHERTEXT"};
  CheckError(f.Call(ReEncrypt, {{"SourceKeyId", source->id},
                                {"DestinationKeyId", source->id},
                                {"DryRun", true},
                                {"DryRunModifiers", ignore}}),
             ErrorCode::kDryRunOperation, kDryRun);
  CheckError(
      f.Call(ReEncrypt,
             {{"DestinationKeyId", source->id}, {"DryRun", true}, {"DryRunModifiers", ignore}}),
      ErrorCode::kValidation,
      "SourceKeyId is required when DryRunModifiers contains IGNORE_CIPHERTEXT.");
}

// ---- GenerateDataKey ----

TEST_CASE("GenerateDataKey returns a data key of the requested size and its blob") {
  Fixture f;
  auto key = f.AddKey();
  struct Case {
    object members;
    size_t size;
  };
  std::vector<Case> cases = {{{{"KeySpec", "AES_256"}}, 32},
                             {{{"KeySpec", "AES_128"}}, 16},
                             {{{"NumberOfBytes", 1}}, 1},
                             {{{"NumberOfBytes", 64}}, 64},
                             {{{"NumberOfBytes", 1024}}, 1024}};
  for (auto& c : cases) {
    object in = c.members;
    in["KeyId"] = key->id;
    auto r = f.Ok(GenerateDataKey, in);
    CHECK(Members(r) ==
          std::set<std::string>{"CiphertextBlob", "Plaintext", "KeyId", "KeyMaterialId"});
    CHECK(Str(r, "KeyId") == key->Arn());
    CHECK(Str(r, "KeyMaterialId") == key->current_material_id);
    auto plaintext = Bytes(r, "Plaintext");
    CHECK(plaintext.size() == c.size);
    auto dec = f.Ok(Decrypt, {{"CiphertextBlob", r.at("CiphertextBlob")}});
    CHECK(Bytes(dec, "Plaintext") == plaintext);
  }
}

TEST_CASE("GenerateDataKey returns a fresh key every time") {
  Fixture f;
  auto key = f.AddKey();
  auto a = f.Ok(GenerateDataKey, {{"KeyId", key->id}, {"KeySpec", "AES_256"}});
  auto b = f.Ok(GenerateDataKey, {{"KeyId", key->id}, {"KeySpec", "AES_256"}});
  CHECK(Bytes(a, "Plaintext") != Bytes(b, "Plaintext"));
}

TEST_CASE("GenerateDataKey binds the encryption context") {
  Fixture f;
  auto key = f.AddKey();
  auto r =
      f.Ok(GenerateDataKey,
           {{"KeyId", key->id}, {"KeySpec", "AES_256"}, {"EncryptionContext", object{{"k", "v"}}}});
  // AWS: test_encryption_context_generate_data_key
  CheckError(f.Call(Decrypt, {{"CiphertextBlob", r.at("CiphertextBlob")}}),
             ErrorCode::kInvalidCiphertext, "");
  auto dec = f.Ok(Decrypt, {{"CiphertextBlob", r.at("CiphertextBlob")},
                            {"EncryptionContext", object{{"k", "v"}}}});
  CHECK(Bytes(dec, "Plaintext") == Bytes(r, "Plaintext"));
}

TEST_CASE("GenerateDataKey needs exactly one of KeySpec and NumberOfBytes, before the key") {
  Fixture f;
  auto key = f.AddKey();
  const char* message = "Please specify either number of bytes or key spec.";
  CheckError(f.Call(GenerateDataKey, {{"KeyId", key->id}}), ErrorCode::kValidation, message);
  CheckError(
      f.Call(GenerateDataKey, {{"KeyId", key->id}, {"KeySpec", "AES_256"}, {"NumberOfBytes", 32}}),
      ErrorCode::kValidation, message);
  CheckError(f.Call(GenerateDataKeyWithoutPlaintext, {{"KeyId", key->id}}), ErrorCode::kValidation,
             message);
  CheckError(f.Call(GenerateDataKey, {{"KeyId", "alias/none"}}), ErrorCode::kValidation, message);
  auto disabled = f.AddKey({.state = kms::KeyState::kDisabled});
  CheckError(f.Call(GenerateDataKey, {{"KeyId", disabled->id}}), ErrorCode::kValidation, message);
}

TEST_CASE("GenerateDataKey validates NumberOfBytes and KeySpec") {
  Fixture f;
  auto key = f.AddKey();
  CheckError(f.Call(GenerateDataKey, {{"KeyId", key->id}, {"NumberOfBytes", 0}}),
             ErrorCode::kValidation,
             "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy "
             "constraint: Member must have value greater than or equal to 1");
  CheckError(f.Call(GenerateDataKey, {{"KeyId", key->id}, {"NumberOfBytes", 1025}}),
             ErrorCode::kValidation,
             "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
             "constraint: Member must have value less than or equal to 1024");
  CheckError(f.Call(GenerateDataKey, {{"KeyId", key->id}, {"KeySpec", "AES_512"}}),
             ErrorCode::kValidation,
             "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy "
             "constraint: Member must satisfy enum value set: [AES_256, AES_128]");
}

TEST_CASE("GenerateDataKey refuses asymmetric, non-encryption, disabled and pending keys") {
  Fixture f;
  auto rsa = f.AddKey({.spec = kms::KeySpec::kRsa2048});
  CheckError(f.Call(GenerateDataKey, {{"KeyId", rsa->id}, {"KeySpec", "AES_256"}}),
             ErrorCode::kInvalidKeyUsage, "You cannot generate a data key with an asymmetric CMK");
  auto sign = f.AddKey({.spec = kms::KeySpec::kEccNistP256, .usage = kms::KeyUsage::kSignVerify});
  CheckError(f.Call(GenerateDataKey, {{"KeyId", sign->id}, {"KeySpec", "AES_256"}}),
             ErrorCode::kInvalidKeyUsage,
             sign->Arn() + " key usage is SIGN_VERIFY which is not valid for GenerateDataKey.");
  CheckError(
      f.Call(GenerateDataKeyWithoutPlaintext, {{"KeyId", sign->id}, {"KeySpec", "AES_256"}}),
      ErrorCode::kInvalidKeyUsage,
      sign->Arn() +
          " key usage is SIGN_VERIFY which is not valid for GenerateDataKeyWithoutPlaintext.");
  // The key state comes before the key spec.
  auto disabled_rsa = f.AddKey({.spec = kms::KeySpec::kRsa2048, .state = kms::KeyState::kDisabled});
  CheckError(f.Call(GenerateDataKey, {{"KeyId", disabled_rsa->id}, {"KeySpec", "AES_256"}}),
             ErrorCode::kDisabled, disabled_rsa->Arn() + " is disabled.");
  auto pending = f.AddKey({.state = kms::KeyState::kPendingDeletion});
  CheckError(f.Call(GenerateDataKey, {{"KeyId", pending->id}, {"KeySpec", "AES_256"}}),
             ErrorCode::kInvalidState, pending->Arn() + " is pending deletion.");
}

TEST_CASE("GenerateDataKey with DryRun or a Recipient does not return a key") {
  Fixture f;
  auto key = f.AddKey();
  CheckError(
      f.Call(GenerateDataKey, {{"KeyId", key->id}, {"KeySpec", "AES_256"}, {"DryRun", true}}),
      ErrorCode::kDryRunOperation, kDryRun);
  CheckError(f.Call(GenerateDataKeyWithoutPlaintext,
                    {{"KeyId", key->id}, {"KeySpec", "AES_256"}, {"DryRun", true}}),
             ErrorCode::kDryRunOperation, kDryRun);
  CheckError(f.Call(GenerateDataKey, {{"KeyId", key->id},
                                      {"KeySpec", "AES_256"},
                                      {"Recipient", object{{"AttestationDocument", "AAAA"}}}}),
             ErrorCode::kUnsupportedOperation,
             "Recipient (attested Nitro Enclave or NitroTPM requests) is not supported by this "
             "emulator.");
}

TEST_CASE("GenerateDataKeyWithoutPlaintext returns only the blob, which decrypts to the key") {
  Fixture f;
  auto key = f.AddKey();
  auto r = f.Ok(GenerateDataKeyWithoutPlaintext, {{"KeyId", key->id}, {"NumberOfBytes", 48}});
  CHECK(Members(r) == std::set<std::string>{"CiphertextBlob", "KeyId", "KeyMaterialId"});
  CHECK(Str(r, "KeyId") == key->Arn());
  auto dec = f.Ok(Decrypt, {{"CiphertextBlob", r.at("CiphertextBlob")}});
  CHECK(Bytes(dec, "Plaintext").size() == 48);
}

// ---- GenerateRandom ----

TEST_CASE("GenerateRandom returns 1 to 1024 random bytes") {
  Fixture f;
  // AWS: test_generate_random
  for (int n : {1, 12, 44, 91, 1024}) {
    auto r = f.Ok(GenerateRandom, {{"NumberOfBytes", n}});
    CHECK(Members(r) == std::set<std::string>{"Plaintext"});
    CHECK(Bytes(r, "Plaintext").size() == static_cast<size_t>(n));
  }
  auto a = f.Ok(GenerateRandom, {{"NumberOfBytes", 32}});
  auto b = f.Ok(GenerateRandom, {{"NumberOfBytes", 32}});
  CHECK(Bytes(a, "Plaintext") != Bytes(b, "Plaintext"));
}

TEST_CASE("GenerateRandom rejects a missing or out-of-range NumberOfBytes with AWS's messages") {
  Fixture f;
  // AWS: test_generate_random_invalid_number_of_bytes
  CheckError(f.Call(GenerateRandom, object{}), ErrorCode::kValidation,
             "NumberOfBytes is required.");
  CheckError(f.Call(GenerateRandom, {{"NumberOfBytes", 0}}), ErrorCode::kValidation,
             "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy "
             "constraint: Member must have value greater than or equal to 1");
  CheckError(f.Call(GenerateRandom, {{"NumberOfBytes", 1025}}), ErrorCode::kValidation,
             "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
             "constraint: Member must have value less than or equal to 1024");
}

TEST_CASE("GenerateRandom with a custom key store finds none; a Recipient is not supported yet") {
  Fixture f;
  CheckError(f.Call(GenerateRandom, {{"NumberOfBytes", 8}, {"CustomKeyStoreId", "cks-1"}}),
             ErrorCode::kCustomKeyStoreNotFound, "Custom key store 'cks-1' does not exist.");
  CheckError(f.Call(GenerateRandom, {{"NumberOfBytes", 8}, {"Recipient", object{}}}),
             ErrorCode::kUnsupportedOperation,
             "Recipient (attested Nitro Enclave or NitroTPM requests) is not supported by this "
             "emulator.");
}
