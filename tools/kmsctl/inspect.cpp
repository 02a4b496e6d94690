// `kmsctl inspect`: what the input is (raw bytes, base64 text, the aws CLI's JSON answer; an
// AWS Encryption SDK message or a kms-emulator blob), and the explanation of an emulator blob.
#include "inspect.hpp"

#include <boost/json/parse.hpp>
#include <cstdio>
#include <kms/envelope/algorithm_suite.hpp>
#include <kms/internal/encoding.hpp>

namespace kms::cli {
namespace {

namespace json = boost::json;

enum class Kind { kUnknown, kMessage, kEmulatorBlob, kAwsBlob };

// What the first bytes say. Messages: 01 80 <v1 suite> or 02 <v2 suite>.
Kind Classify(std::span<const uint8_t> b) {
  if (LooksLikeEmulatorBlob(b)) return Kind::kEmulatorBlob;
  if (b.size() >= 2 && b[0] == 0x01 && b[1] == 0x80) return Kind::kMessage;
  if (b.size() >= 3 && b[0] == 0x02) {
    const auto* suite = envelope::FindAlgorithmSuite(static_cast<uint16_t>(b[1] << 8 | b[2]));
    if (suite != nullptr && suite->message_version == 2) return Kind::kMessage;
  }
  if (b.size() >= 4 && b[0] == 0x01 && b[1] == 0x02 && b[2] == 0x02 && b[3] == 0x00) {
    return Kind::kAwsBlob;
  }
  return Kind::kUnknown;
}

bool IsSpace(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The input without any ASCII white space, when everything else is base64 alphabet.
std::optional<std::string> Base64Text(std::span<const uint8_t> input) {
  std::string text;
  for (uint8_t c : input) {
    if (IsSpace(c)) continue;
    bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/' || c == '=';
    if (!alphabet) return std::nullopt;
    text += static_cast<char>(c);
  }
  if (text.empty()) return std::nullopt;
  return text;
}

// The CiphertextBlob member of a JSON object (what `aws kms encrypt` prints), if any.
std::optional<std::string> JsonCiphertextBlob(std::span<const uint8_t> input) {
  size_t first = 0;
  while (first < input.size() && IsSpace(input[first])) ++first;
  if (first == input.size() || input[first] != '{') return std::nullopt;
  json::error_code ec;
  json::value v =
      json::parse(std::string_view(reinterpret_cast<const char*>(input.data()), input.size()), ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::value* blob = v.get_object().if_contains("CiphertextBlob");
  if (blob == nullptr || !blob->is_string()) return std::nullopt;
  return std::string(blob->get_string());
}

std::string FirstBytes(std::span<const uint8_t> b) {
  std::string out;
  for (size_t i = 0; i < std::min<size_t>(b.size(), 8); ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%s%02x", i == 0 ? "" : " ", b[i]);
    out += hex;
  }
  return out;
}

Result<Inspection> InspectKind(Kind kind, std::span<const uint8_t> bytes) {
  switch (kind) {
    case Kind::kMessage:
      return InspectMessageBytes(bytes);
    case Kind::kEmulatorBlob:
      return InspectEmulatorBlobBytes(bytes);
    case Kind::kAwsBlob:
      return MakeError(ErrorCode::kValidation,
                       "This looks like an AWS KMS ciphertext blob (it starts 01 02 02 00); its "
                       "layout is not public, so kmsctl cannot explain it");
    case Kind::kUnknown:
      break;
  }
  return MakeError(ErrorCode::kValidation,
                   "Unrecognised input: neither an AWS Encryption SDK message nor a kms-emulator "
                   "ciphertext blob, raw or base64 (it starts " +
                       FirstBytes(bytes) + ")");
}

// Base64 text (or the aws CLI's JSON) holding a message or a blob, decoded.
std::optional<Result<Inspection>> InspectEncoded(std::span<const uint8_t> input) {
  std::string how = "base64 text";
  std::optional<std::string> text = JsonCiphertextBlob(input);
  if (text) {
    how = "the base64 CiphertextBlob member of a JSON object";
  } else {
    text = Base64Text(input);
  }
  if (!text) return std::nullopt;
  auto decoded = internal::Base64Decode(*text);
  if (!decoded) return std::nullopt;
  Kind kind = Classify(*decoded);
  if (kind == Kind::kUnknown) return std::nullopt;
  auto inspection = InspectKind(kind, *decoded);
  if (inspection) {
    inspection->input = how + " (" + std::to_string(text->size()) +
                        " characters), decoded; offsets are into the decoded bytes";
  }
  return inspection;
}

}  // namespace

std::string HexPreview(std::span<const uint8_t> bytes, size_t max_bytes) {
  std::string out = internal::HexEncode(bytes.first(std::min(bytes.size(), max_bytes)));
  if (bytes.size() > max_bytes) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

std::vector<InspectRow> EmulatorBlobRows(const EmulatorBlobMap& map, std::span<const uint8_t> blob,
                                         size_t base, int depth) {
  auto at = [&](ByteRange r) { return blob.subspan(r.offset, r.length); };
  auto row = [&](ByteRange r, std::string field, std::string value, std::string explanation) {
    return InspectRow{base + r.offset,        r.length, std::move(field), std::move(value),
                      std::move(explanation), depth};
  };
  std::vector<InspectRow> rows;
  rows.push_back(
      row(map.magic, "Magic", "28c49e", "Marks a kms-emulator blob (its base64 starts \"KMSe\")."));
  rows.push_back(row(map.version, "Format version", std::to_string(blob[map.version.offset]),
                     "Layout version 1."));
  rows.push_back(row(map.arn_length, "Key ARN length", std::to_string(map.key_arn.length),
                     "Bytes of the key ARN that follows."));
  rows.push_back(row(map.key_arn, "Key ARN", map.key_arn_text,
                     "The KMS key that encrypted it, account and region included: Decrypt needs "
                     "no KeyId, the blob names its key."));
  rows.push_back(row(map.material_id, "Key material id", internal::HexEncode(at(map.material_id)),
                     "Which key material (rotation generation) to decrypt with; the API shows it "
                     "as KeyMaterialId."));
  rows.push_back(
      row(map.iv, "IV", internal::HexEncode(at(map.iv)), "96 random bits, fresh for every blob."));
  rows.push_back(row(map.ciphertext, "Ciphertext", HexPreview(at(map.ciphertext)),
                     "AES-256-GCM of the plaintext, as long as it (" +
                         std::to_string(map.ciphertext.length) + " bytes)."));
  rows.push_back(row(map.tag, "Auth tag", internal::HexEncode(at(map.tag)),
                     "GCM tag over every byte above and the encryption context (not stored): a "
                     "wrong context or any changed byte fails Decrypt."));
  return rows;
}

Result<Inspection> InspectEmulatorBlobBytes(std::span<const uint8_t> bytes) {
  auto map = ParseEmulatorBlob(bytes);
  if (!map) return map.error();
  Inspection out;
  out.kind = kKindEmulatorBlob;
  out.title = "kms-emulator ciphertext blob";
  out.length = bytes.size();
  out.checked =
      "Checked without any key: the layout only; the tag is checked by KMS Decrypt, which needs "
      "the key material and the encryption context.";
  json::object& s = out.summary;
  s["Kind"] = kKindEmulatorBlob;
  s["Length"] = bytes.size();
  s["FormatVersion"] = bytes[map->version.offset];
  s["KeyArn"] = map->key_arn_text;
  s["Region"] = map->region;
  s["AccountId"] = map->account;
  s["KeyId"] = map->key_id;
  s["KeyMaterialId"] = internal::HexEncode(bytes.subspan(map->material_id.offset, 32));
  s["CiphertextLength"] = map->ciphertext.length;
  out.sections.push_back(
      {"Ciphertext blob", {0, bytes.size()}, EmulatorBlobRows(*map, bytes, 0, 0)});
  out.notes.push_back(
      "The key material never leaves KMS: only KMS can decrypt this blob, for a caller allowed to "
      "use the key, and only with the encryption context it was encrypted with.");
  out.notes.push_back("Decrypt with: kmsctl decrypt --ciphertext-blob fileb://FILE");
  return out;
}

Result<Inspection> Inspect(std::span<const uint8_t> input) {
  if (input.empty()) return MakeError(ErrorCode::kValidation, "The input is empty");
  Kind kind = Classify(input);
  if (kind == Kind::kUnknown) {
    if (auto encoded = InspectEncoded(input)) return std::move(*encoded);
  }
  auto inspection = InspectKind(kind, input);
  if (inspection) inspection->input = "raw bytes";
  return inspection;
}

}  // namespace kms::cli
