// `kmsctl inspect`: real messages from the SDK encryptor (signed 0x0578, unsigned 0x0478, v1
// suites, several frames, two data keys), whose aws-kms data keys are real kms-emulator blobs
// sealed by the emulator's encoder; byte offsets checked against the bytes; base64 and JSON
// input; truncated and garbage input; the text and JSON renderings.
#include "inspect.hpp"

#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>
#include <kms/envelope/encryptor.hpp>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>

#include "domain/ciphertext_blob.hpp"

namespace kms::cli {
namespace {

namespace env = kms::envelope;
namespace json = boost::json;

constexpr std::string_view kArn1 =
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
constexpr std::string_view kArn2 =
    "arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321";
const std::string kMaterial(64, 'a');

// Wraps data keys the way KMS does for the emulator: an "aws-kms" data key whose provider info
// is the key ARN and whose ciphertext is an emulator CiphertextBlob (sealed by the emulator's
// own encoder). Encrypt only.
class BlobKeyring final : public env::Keyring {
 public:
  explicit BlobKeyring(std::vector<std::string_view> arns) : arns_(std::move(arns)) {}

  Status OnEncrypt(env::EncryptionMaterials& m) const override {
    if (m.plaintext_data_key.empty()) {
      internal::SecretBytes key(m.suite->key_length);
      if (auto st = internal::RandomFill(key.span()); !st) return st;
      m.plaintext_data_key = std::move(key);
    }
    std::vector<uint8_t> wrapping(32, 0x42);
    for (std::string_view arn : arns_) {
      auto blob = emulator::SealCiphertextBlob(arn, kMaterial, wrapping, m.encryption_context,
                                               m.plaintext_data_key.span());
      if (!blob) return blob.error();
      m.encrypted_data_keys.push_back(
          {"aws-kms", std::vector<uint8_t>(arn.begin(), arn.end()), std::move(*blob)});
    }
    return {};
  }
  Status OnDecrypt(env::DecryptionMaterials&,
                   std::span<const env::EncryptedDataKey>) const override {
    return MakeError(ErrorCode::kIncorrectKey, "encrypt only");
  }

 private:
  std::vector<std::string_view> arns_;
};

std::vector<uint8_t> Message(env::AlgorithmSuiteId suite, size_t plaintext_size,
                             uint32_t frame_length, std::vector<std::string_view> arns = {kArn1}) {
  BlobKeyring keyring(std::move(arns));
  env::EncryptOptions options;
  options.algorithm = suite;
  options.frame_length = frame_length;
  options.encryption_context = {{"purpose", "demo"}, {"team", "db"}};
  if (!env::GetAlgorithmSuite(suite).committing) {
    options.commitment_policy = env::CommitmentPolicy::kForbidEncryptAllowDecrypt;
  }
  std::vector<uint8_t> plaintext(plaintext_size, 0x5A);
  auto result = env::Encrypt(keyring, plaintext, options);
  REQUIRE(result.has_value());
  return std::move(result->ciphertext);
}

std::vector<uint8_t> Blob(std::string_view arn, size_t plaintext_size) {
  std::vector<uint8_t> plaintext(plaintext_size, 1), key(32, 2);
  auto blob = emulator::SealCiphertextBlob(arn, kMaterial, key, {{"k", "v"}}, plaintext);
  REQUIRE(blob.has_value());
  return *blob;
}

const InspectRow* Find(const Inspection& in, std::string_view field, size_t nth = 0) {
  for (const InspectSection& section : in.sections) {
    for (const InspectRow& row : section.rows) {
      if (row.field == field && nth-- == 0) return &row;
    }
  }
  return nullptr;
}

std::span<const uint8_t> Bytes(std::span<const uint8_t> all, const InspectRow& row) {
  REQUIRE(row.offset + row.length <= all.size());
  return all.subspan(row.offset, row.length);
}

std::string Text(std::span<const uint8_t> b) { return std::string(b.begin(), b.end()); }

// The leaf rows (those not subdivided by the rows right after them) of each section cover the
// section exactly, in order, without gap or overlap; and the sections cover the input.
void CheckTiling(const Inspection& in) {
  size_t section_start = 0;
  for (const InspectSection& section : in.sections) {
    CAPTURE(section.name);
    CHECK(section.range.offset == section_start);
    size_t cursor = section.range.offset;
    for (size_t i = 0; i < section.rows.size(); ++i) {
      const InspectRow& row = section.rows[i];
      bool container = i + 1 < section.rows.size() && section.rows[i + 1].depth > row.depth &&
                       section.rows[i + 1].offset == row.offset;
      if (container) continue;
      CAPTURE(row.field);
      CHECK(row.offset == cursor);
      cursor = row.offset + row.length;
    }
    CHECK(cursor == section.range.end());
    section_start = section.range.end();
  }
  CHECK(section_start == in.length);
}

TEST_CASE("inspect explains a signed 0x0578 message field by field with exact offsets") {
  auto message = Message(env::AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384, 10000, 4096,
                         {kArn1, kArn2});
  auto in = Inspect(message);
  REQUIRE(in.has_value());
  CHECK(in->kind == kKindMessage);
  CHECK(in->input == "raw bytes");
  CHECK(in->length == message.size());
  CheckTiling(*in);
  REQUIRE(in->sections.size() == 3);
  CHECK(in->sections[0].name == "Header");
  CHECK(in->sections[1].name == "Body");
  CHECK(in->sections[2].name == "Footer");

  const InspectRow* version = Find(*in, "Version");
  REQUIRE(version != nullptr);
  CHECK(version->offset == 0);
  CHECK(version->value == "2");
  const InspectRow* suite = Find(*in, "Algorithm suite");
  REQUIRE(suite != nullptr);
  CHECK(suite->offset == 1);
  CHECK(suite->length == 2);
  CHECK(Bytes(message, *suite)[0] == 0x05);
  CHECK(Bytes(message, *suite)[1] == 0x78);
  CHECK(suite->value == "0x0578 ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384");
  CHECK(suite->explanation.find("HKDF-SHA512") != std::string::npos);
  CHECK(suite->explanation.find("ECDSA P-384 with SHA-384 signature") != std::string::npos);
  const InspectRow* id = Find(*in, "Message id");
  REQUIRE(id != nullptr);
  CHECK(id->offset == 3);
  CHECK(id->length == 32);
  CHECK(Find(*in, "Context length")->offset == 35);

  // Pairs sorted by key: aws-crypto-public-key, purpose, team; each 2+key+2+value bytes.
  const InspectRow* pk = Find(*in, "Context pair", 0);
  const InspectRow* purpose = Find(*in, "Context pair", 1);
  const InspectRow* team = Find(*in, "Context pair", 2);
  REQUIRE((pk && purpose && team));
  CHECK(pk->offset == 39);
  CHECK(pk->value.starts_with("aws-crypto-public-key="));
  CHECK(purpose->offset == pk->offset + pk->length);
  CHECK(purpose->value == "purpose=demo");
  CHECK(purpose->length == 2 + 7 + 2 + 4);
  CHECK(Text(Bytes(message, *purpose).subspan(2, 7)) == "purpose");
  CHECK(team->value == "team=db");

  const InspectRow* edk_count = Find(*in, "Encrypted data keys");
  REQUIRE(edk_count != nullptr);
  CHECK(edk_count->offset == team->offset + team->length);
  CHECK(edk_count->value == "2");
  for (size_t i = 0; i < 2; ++i) {
    CAPTURE(i);
    std::string_view arn = i == 0 ? kArn1 : kArn2;
    const InspectRow* provider = Find(*in, "Provider id", i);
    const InspectRow* key_arn = Find(*in, "Key ARN", 2 * i);  // the EDK's, then the blob's
    const InspectRow* blob_arn = Find(*in, "Key ARN", 2 * i + 1);
    const InspectRow* ciphertext = Find(*in, "Ciphertext", 2 * i);  // the EDK's, the blob's
    REQUIRE((provider && key_arn && blob_arn && ciphertext));
    CHECK(provider->value == "aws-kms");
    CHECK(Text(Bytes(message, *provider).subspan(2)) == "aws-kms");
    CHECK(key_arn->value == arn);
    CHECK(Text(Bytes(message, *key_arn).subspan(2)) == arn);
    CHECK(key_arn->depth == 2);
    // The wrapped data key is an emulator blob: its fields at absolute offsets, one level down.
    CHECK(Bytes(message, *ciphertext)[0] == 0x28);
    CHECK(blob_arn->depth == 3);
    CHECK(blob_arn->value == arn);
    CHECK(blob_arn->offset == ciphertext->offset + 6);
    CHECK(Text(Bytes(message, *blob_arn)) == arn);
    CHECK(Find(*in, "Magic", i)->offset == ciphertext->offset);
  }
  const InspectRow* commitment = Find(*in, "Key commitment");
  const InspectRow* tag = Find(*in, "Header auth tag");
  REQUIRE((commitment && tag));
  CHECK(commitment->length == 32);
  CHECK(tag->length == 16);
  CHECK(tag->offset + tag->length == in->sections[0].range.end());
  CHECK(Find(*in, "Header IV") == nullptr);  // v2 has none
  CHECK(Find(*in, "Frame length")->value == "4096");

  // 10000 bytes in 4096-byte frames: frames 1 and 2 of 4096, the final frame of 1808.
  const InspectRow* frame1 = Find(*in, "Frame 1");
  const InspectRow* frame2 = Find(*in, "Frame 2");
  const InspectRow* final_frame = Find(*in, "Final frame");
  REQUIRE((frame1 && frame2 && final_frame));
  CHECK(frame1->offset == in->sections[1].range.offset);
  CHECK(frame1->length == 4 + 12 + 4096 + 16);
  CHECK(frame2->offset == frame1->offset + frame1->length);
  CHECK(final_frame->value == "1808 content bytes");
  CHECK(final_frame->length == 4 + 4 + 12 + 4 + 1808 + 16);
  const InspectRow* marker = Find(*in, "End marker");
  REQUIRE(marker != nullptr);
  CHECK(marker->offset == final_frame->offset);
  for (uint8_t b : Bytes(message, *marker)) CHECK(b == 0xFF);
  const InspectRow* sequence = Find(*in, "Sequence number", 2);
  REQUIRE(sequence != nullptr);
  CHECK(sequence->value == "3");
  CHECK(Bytes(message, *sequence)[3] == 3);

  const InspectRow* signature = Find(*in, "Signature");
  REQUIRE(signature != nullptr);
  CHECK(signature->offset + signature->length == message.size());
  CHECK(Find(*in, "Signature length")->value == std::to_string(signature->length));

  CHECK(in->summary.at("Kind") == "AwsEncryptionSdkMessage");
  CHECK(in->summary.at("FrameCount").to_number<int>() == 3);
  CHECK(in->summary.at("ContentLength").to_number<int>() == 10000);
  CHECK(in->summary.at("Signed").as_bool());
  CHECK(in->summary.at("EncryptedDataKeys").as_array().size() == 2);
  CHECK(in->summary.at("EncryptedDataKeys").as_array()[1].at("ProviderInfo").as_string() == kArn2);
}

TEST_CASE("inspect explains an unsigned 0x0478 message: no footer, frames not listed summed up") {
  auto message =
      Message(env::AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey, 100, 10);  // 10 frames + final
  auto in = Inspect(message);
  REQUIRE(in.has_value());
  CheckTiling(*in);
  REQUIRE(in->sections.size() == 2);
  CHECK(Find(*in, "Algorithm suite")->value == "0x0478 ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY");
  CHECK(Find(*in, "Algorithm suite")->explanation.find("no signature") != std::string::npos);
  CHECK(Find(*in, "Context pair", 0)->value == "purpose=demo");  // no public key pair
  CHECK(Find(*in, "Frame 1") != nullptr);
  CHECK(Find(*in, "Frame 2") != nullptr);
  CHECK(Find(*in, "Frame 3") == nullptr);
  const InspectRow* rest = Find(*in, "Frames 3..10");
  REQUIRE(rest != nullptr);
  CHECK(rest->value == "8 frames");
  CHECK(rest->length == 8 * (4 + 12 + 10 + 16));
  CHECK(Find(*in, "Final frame")->value == "0 content bytes");
  CHECK(Find(*in, "Sequence number", 2)->value == "11");
  CHECK(in->summary.at("FrameCount").to_number<int>() == 11);
  CHECK_FALSE(in->summary.at("Signed").as_bool());
  CHECK(in->checked.find("structure only") != std::string::npos);
}

TEST_CASE("inspect explains version 1 messages: type, reserved bytes, IV length and header IV") {
  for (auto suite : {env::AlgorithmSuiteId::kAes256GcmIv12Tag16HkdfSha384EcdsaP384,
                     env::AlgorithmSuiteId::kAes128GcmIv12Tag16NoKdf}) {
    CAPTURE(env::SuiteIdHex(static_cast<uint16_t>(suite)));
    auto message = Message(suite, 50, 4096);
    auto in = Inspect(message);
    REQUIRE(in.has_value());
    CheckTiling(*in);
    CHECK(Find(*in, "Version")->value == "1");
    CHECK(Find(*in, "Type")->offset == 1);
    CHECK(Find(*in, "Algorithm suite")->offset == 2);
    CHECK(Find(*in, "Message id")->length == 16);
    CHECK(Find(*in, "Reserved")->value == "00000000");
    CHECK(Find(*in, "IV length")->value == "12");
    CHECK(Find(*in, "Header IV")->length == 12);
    CHECK(Find(*in, "Key commitment") == nullptr);
  }
  auto in = Inspect(Message(env::AlgorithmSuiteId::kAes128GcmIv12Tag16NoKdf, 5, 4096));
  REQUIRE(in.has_value());
  CHECK(Find(*in, "Algorithm suite")->explanation.find("no KDF") != std::string::npos);
}

TEST_CASE("inspect explains a kms-emulator blob made by the emulator's encoder") {
  auto blob = Blob(kArn1, 300);
  auto in = Inspect(blob);
  REQUIRE(in.has_value());
  CHECK(in->kind == kKindEmulatorBlob);
  CheckTiling(*in);
  auto view = emulator::ParseCiphertextBlob(blob);
  REQUIRE(view.has_value());
  auto offset_of = [&](std::span<const uint8_t> part) {
    return static_cast<size_t>(part.data() - blob.data());
  };
  CHECK(Find(*in, "Key ARN")->offset == 6);
  CHECK(Find(*in, "Key ARN")->value == kArn1);
  CHECK(Find(*in, "Key material id")->offset == offset_of(view->material_id));
  CHECK(Find(*in, "Key material id")->value == view->MaterialIdHex());
  CHECK(Find(*in, "IV")->offset == offset_of(view->iv));
  CHECK(Find(*in, "Ciphertext")->offset == offset_of(view->ciphertext));
  CHECK(Find(*in, "Ciphertext")->length == 300);
  CHECK(Find(*in, "Auth tag")->offset == offset_of(view->tag));
  CHECK(in->summary.at("KeyId") == "1234abcd-12ab-34cd-56ef-1234567890ab");
  CHECK(in->summary.at("Region") == "us-east-1");
  CHECK(in->summary.at("AccountId") == "111122223333");
  CHECK(in->summary.at("KeyMaterialId").as_string() == view->MaterialIdHex());
}

TEST_CASE("inspect decodes base64 text and the aws CLI's JSON answer") {
  auto blob = Blob(kArn2, 20);
  std::string b64 = internal::Base64Encode(blob);
  CHECK(b64.starts_with("KMSe"));
  std::string wrapped = b64.substr(0, 40) + "\n" + b64.substr(40) + "\n";
  auto in = Inspect(internal::AsBytes(wrapped));
  REQUIRE(in.has_value());
  CHECK(in->kind == kKindEmulatorBlob);
  CHECK(in->input == "base64 text (" + std::to_string(b64.size()) +
                         " characters), decoded; offsets are into the decoded bytes");
  CHECK(in->length == blob.size());
  CHECK(Find(*in, "Key ARN")->value == kArn2);

  std::string answer = "{\n    \"CiphertextBlob\": \"" + b64 + "\",\n    \"KeyId\": \"x\"\n}\n";
  in = Inspect(internal::AsBytes(answer));
  REQUIRE(in.has_value());
  CHECK(in->input.starts_with("the base64 CiphertextBlob member of a JSON object ("));

  auto message = Message(env::AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey, 10, 4096);
  in = Inspect(internal::AsBytes(internal::Base64Encode(message)));
  REQUIRE(in.has_value());
  CHECK(in->kind == kKindMessage);
  CHECK(in->length == message.size());
}

TEST_CASE("inspect rejects empty, unknown, AWS and truncated input with the reason") {
  auto error = [](std::span<const uint8_t> bytes) {
    auto in = Inspect(bytes);
    REQUIRE_FALSE(in.has_value());
    return in.error();
  };
  CHECK(error({}).message == "The input is empty");
  CHECK(error({}).code == ErrorCode::kValidation);
  std::string garbage = "hello, world";
  CHECK(error(internal::AsBytes(garbage)).message ==
        "Unrecognised input: neither an AWS Encryption SDK message nor a kms-emulator "
        "ciphertext blob, raw or base64 (it starts 68 65 6c 6c 6f 2c 20 77)");
  std::string not_ours = "aGVsbG8gd29ybGQ=";  // base64 of "hello world"
  CHECK(error(internal::AsBytes(not_ours)).message.starts_with("Unrecognised input:"));
  std::vector<uint8_t> aws{0x01, 0x02, 0x02, 0x00, 0x78, 0x9a};
  CHECK(error(aws).message ==
        "This looks like an AWS KMS ciphertext blob (it starts 01 02 02 00); its layout is not "
        "public, so kmsctl cannot explain it");

  auto message =
      Message(env::AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384, 10000, 4096);
  CHECK(error(std::span<const uint8_t>(message).first(1)).message ==
        "Unrecognised input: neither an AWS Encryption SDK message nor a kms-emulator ciphertext "
        "blob, raw or base64 (it starts 02)");
  for (size_t n : {size_t{3}, size_t{40}, message.size() / 2, message.size() - 1}) {
    CAPTURE(n);
    Error e = error(std::span<const uint8_t>(message).first(n));
    CHECK(e.code == ErrorCode::kInvalidCiphertext);
    CHECK(e.message.starts_with("Message is truncated: it ends "));
  }
  CHECK(error(std::span<const uint8_t>(message).first(message.size() - 1)).message ==
        "Message is truncated: it ends in the footer");
  auto flipped = message;
  flipped.back() ^= 1;
  CHECK(error(flipped).message == "Signature verification failed");
  auto extra = message;
  extra.push_back(0);
  CHECK(error(extra).message == "Malformed message: bytes follow the end of the message");

  auto blob = Blob(kArn1, 1);
  CHECK(error(std::span<const uint8_t>(blob).first(30)).message ==
        "Not a kms-emulator ciphertext blob: it is 30 bytes; this key ARN needs at least " +
            std::to_string(blob.size()));
  blob[3] = 9;
  CHECK(error(blob).message == "Not a kms-emulator ciphertext blob: unknown format version 9");
}

TEST_CASE("The text layout shows each row with offset, length, field, value and explanation") {
  auto message = Message(env::AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey, 10, 4096);
  auto in = Inspect(message);
  REQUIRE(in.has_value());
  std::string text = RenderInspectionText(*in);
  CHECK(text.starts_with("AWS Encryption SDK message, " + std::to_string(message.size()) +
                         " bytes, read as raw bytes.\n"));
  CHECK(text.find("\nHeader: bytes 0..") != std::string::npos);
  CHECK(text.find("   offset  length  field                     value\n") != std::string::npos);
  CHECK(text.find("\n        0       1  Version                   2\n"
                  "                    Message format version 2: ") != std::string::npos);
  CHECK(text.find("\n        1       2  Algorithm suite           0x0478 "
                  "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY\n") != std::string::npos);
  CHECK(text.find("\n       75      77      Key ARN" + std::string(15, ' ') + std::string(kArn1) +
                  "\n                        The KMS key that wrapped it") != std::string::npos);
  CHECK(text.find("only KMS can open it") != std::string::npos);
  CHECK(text.find("\nEnvelope encryption: ") != std::string::npos);
}

TEST_CASE("The JSON form holds the summary, every section with its fields, and the notes") {
  auto blob = Blob(kArn1, 8);
  auto in = Inspect(blob);
  REQUIRE(in.has_value());
  json::object out = InspectionJson(*in);
  CHECK(out.at("Kind") == "KmsEmulatorCiphertextBlob");
  CHECK(out.at("Input") == "raw bytes");
  const json::array& sections = out.at("Sections").as_array();
  REQUIRE(sections.size() == 1);
  const json::array& fields = sections[0].at("Fields").as_array();
  REQUIRE(fields.size() == 8);
  CHECK(json::serialize(fields[3]) ==
        "{\"Offset\":6,\"Length\":75,\"Depth\":0,\"Field\":\"Key ARN\",\"Value\":\"" +
            std::string(kArn1) +
            "\",\"Explanation\":\"The KMS key that encrypted it, account and region included: "
            "Decrypt needs no KeyId, the blob names its key.\"}");
  CHECK(out.at("Notes").as_array().size() == 2);
}

TEST_CASE("HexPreview shortens long byte strings and says how long they are") {
  std::vector<uint8_t> bytes(20, 0xab);
  CHECK(HexPreview(std::span<const uint8_t>(bytes).first(2)) == "abab");
  CHECK(HexPreview(bytes, 4) == "abababab... (20 bytes)");
  CHECK(HexPreview({}) == "");
}

}  // namespace
}  // namespace kms::cli
