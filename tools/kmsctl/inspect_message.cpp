// `kmsctl inspect` of an AWS Encryption SDK message: the SDK maps the fields (MapMessage), this
// file words them: one row per field with its value and what it is for, plus the summary data.
#include <boost/json/array.hpp>
#include <kms/envelope/message.hpp>
#include <kms/internal/encoding.hpp>

#include "inspect.hpp"

namespace kms::cli {
namespace {

namespace env = kms::envelope;
namespace json = boost::json;
using Fields = env::MessageFieldMap;

std::span<const uint8_t> Slice(std::span<const uint8_t> bytes, ByteRange r) {
  return bytes.subspan(r.offset, r.length);
}

uint64_t Number(std::span<const uint8_t> bytes, ByteRange r) {
  uint64_t v = 0;
  for (uint8_t b : Slice(bytes, r)) v = (v << 8) | b;
  return v;
}

InspectRow Row(ByteRange r, std::string field, std::string value, std::string explanation,
               int depth = 0) {
  return {r.offset, r.length, std::move(field), std::move(value), std::move(explanation), depth};
}

// A length prefix and the bytes after it, as one range.
ByteRange Joined(ByteRange prefix, ByteRange bytes) {
  return {prefix.offset, prefix.length + bytes.length};
}

bool Printable(std::span<const uint8_t> bytes) {
  for (uint8_t b : bytes) {
    if (b < 0x20 || b > 0x7E) return false;
  }
  return true;
}

std::string_view KdfName(env::KdfHash kdf) {
  switch (kdf) {
    case env::KdfHash::kSha256:
      return "HKDF-SHA256";
    case env::KdfHash::kSha384:
      return "HKDF-SHA384";
    case env::KdfHash::kSha512:
      return "HKDF-SHA512";
    case env::KdfHash::kNone:
      break;
  }
  return "none";
}

std::string_view SignatureName(env::SignatureAlgorithm s) {
  switch (s) {
    case env::SignatureAlgorithm::kEcdsaP256Sha256:
      return "ECDSA P-256 with SHA-256";
    case env::SignatureAlgorithm::kEcdsaP384Sha384:
      return "ECDSA P-384 with SHA-384";
    case env::SignatureAlgorithm::kNone:
      break;
  }
  return "none";
}

std::string Cipher(const env::AlgorithmSuite& suite) {
  return "AES-" + std::to_string(suite.key_length * 8) + "-GCM";
}

// What the suite means, in one sentence.
std::string SuiteMeaning(const env::AlgorithmSuite& suite) {
  std::string out = Cipher(suite) + "; ";
  if (suite.kdf == env::KdfHash::kNone) {
    out += "no KDF (the data key itself encrypts; deprecated); ";
  } else {
    out += std::string(KdfName(suite.kdf)) + " derives the content key from the data key" +
           (suite.committing ? " and a key commitment; " : "; ");
  }
  out += suite.committing ? "key commitment: the message opens under one data key only; "
                          : "no key commitment; ";
  out += suite.is_signed() ? std::string(SignatureName(suite.signature)) +
                                 " signature in the footer (anyone holding a data key could "
                                 "encrypt, only the signer could sign)."
                           : "no signature (anyone able to decrypt could also have encrypted).";
  return out;
}

json::object SuiteJson(const env::AlgorithmSuite& suite) {
  json::object out;
  out["Id"] = env::SuiteIdHex(suite.id_value());
  out["Name"] = suite.name;
  out["MessageFormatVersion"] = suite.message_version;
  out["Encryption"] = Cipher(suite);
  out["Kdf"] = KdfName(suite.kdf);
  out["KeyCommitment"] = suite.committing;
  out["Signature"] = suite.is_signed() ? json::value(SignatureName(suite.signature)) : nullptr;
  return out;
}

void PrefixRows(const Fields& f, std::span<const uint8_t> b, const env::MessageInfo& info,
                std::vector<InspectRow>& rows) {
  const bool v1 = info.message_version == 1;
  rows.push_back(Row(f.version, "Version", std::to_string(info.message_version),
                     v1 ? "Message format version 1: 16-byte message id, header IV, suites "
                          "without key commitment."
                        : "Message format version 2: 32-byte message id, key commitment, no "
                          "header IV."));
  if (v1) {
    rows.push_back(Row(f.type, "Type", "0x80",
                       "Customer authenticated encrypted data (the only type there is)."));
  }
  rows.push_back(Row(f.suite_id, "Algorithm suite",
                     env::SuiteIdHex(info.suite->id_value()) + " " + std::string(info.suite->name),
                     SuiteMeaning(*info.suite)));
  rows.push_back(Row(f.message_id, "Message id", HexPreview(Slice(b, f.message_id)),
                     "Random and unique per message; with the data key it derives this message's "
                     "content key, and it binds every frame to this message."));
}

void ContextRows(const Fields& f, std::span<const uint8_t> b, std::vector<InspectRow>& rows) {
  uint64_t aad = Number(b, f.context_length);
  rows.push_back(Row(f.context_length, "Context length", std::to_string(aad),
                     aad == 0 ? "No encryption context is stored."
                              : "Bytes of the serialized encryption context that follow."));
  if (aad == 0) return;
  rows.push_back(Row(f.context_count, "Context pairs", std::to_string(f.context_pairs.size()),
                     "Key-value pairs, sorted by key, each string after a 2-byte length; stored "
                     "in clear, authenticated by the header tag."));
  for (const Fields::ContextPair& pair : f.context_pairs) {
    ByteRange whole{pair.key_length.offset, pair.value_bytes.end() - pair.key_length.offset};
    bool public_key = pair.key == env::kPublicKeyContextKey;
    rows.push_back(Row(whole, "Context pair", pair.key + "=" + pair.value,
                       public_key ? "Added by signed suites: the public key (compressed point, "
                                    "base64) that verifies the footer signature."
                                  : "Not secret, but bound to the data: decryption fails if it "
                                    "changes, and CloudTrail logs it with the KMS calls.",
                       1));
  }
}

void BlobRows(std::span<const uint8_t> b, ByteRange ciphertext, std::vector<InspectRow>& rows) {
  auto blob = Slice(b, ciphertext);
  if (!LooksLikeEmulatorBlob(blob)) return;
  auto map = ParseEmulatorBlob(blob);
  if (!map) return;
  auto nested = EmulatorBlobRows(*map, blob, ciphertext.offset, 3);
  rows.insert(rows.end(), nested.begin(), nested.end());
}

void DataKeyRows(const Fields& f, std::span<const uint8_t> b, const env::MessageInfo& info,
                 std::vector<InspectRow>& rows) {
  rows.push_back(Row(f.data_key_count, "Encrypted data keys", std::to_string(f.data_keys.size()),
                     "Copies of the one data key, each wrapped by a different key; any one of them "
                     "is enough to decrypt."));
  for (size_t i = 0; i < f.data_keys.size(); ++i) {
    const Fields::DataKey& k = f.data_keys[i];
    const env::EncryptedDataKey& edk = info.encrypted_data_keys[i];
    bool kms = edk.provider_id == "aws-kms";
    rows.push_back(Row(k.whole, "Encrypted data key " + std::to_string(i + 1),
                       edk.provider_id + ", " + std::to_string(edk.ciphertext.size()) + " bytes",
                       "The data key, encrypted. The data key itself is stored nowhere in clear.",
                       1));
    rows.push_back(Row(Joined(k.provider_id_length, k.provider_id), "Provider id", edk.provider_id,
                       kms ? "aws-kms: wrapped by AWS KMS (GenerateDataKey or Encrypt)."
                           : "The key namespace of the keyring that wrapped it.",
                       2));
    auto info_bytes = Slice(b, k.provider_info);
    rows.push_back(
        Row(Joined(k.provider_info_length, k.provider_info), kms ? "Key ARN" : "Provider info",
            Printable(info_bytes) ? std::string(info_bytes.begin(), info_bytes.end())
                                  : HexPreview(info_bytes),
            kms ? "The KMS key that wrapped it: decrypting needs kms:Decrypt on this key."
                : "The key name (raw AES keyrings append tag length, IV length and IV).",
            2));
    rows.push_back(Row(k.ciphertext_length, "Ciphertext length",
                       std::to_string(k.ciphertext.length), "Bytes of the wrapped data key.", 2));
    rows.push_back(Row(k.ciphertext, "Ciphertext", HexPreview(Slice(b, k.ciphertext)),
                       kms ? "A KMS CiphertextBlob of the data key: only KMS can open it, so "
                             "reading the message needs both the bytes and KMS permission."
                           : "The data key wrapped under the keyring's key.",
                       2));
    if (kms) BlobRows(b, k.ciphertext, rows);
  }
}

void TrailerRows(const Fields& f, std::span<const uint8_t> b, const env::MessageInfo& info,
                 std::vector<InspectRow>& rows) {
  bool framed = info.content_type == env::ContentType::kFramed;
  rows.push_back(Row(f.content_type, "Content type", framed ? "2 (framed)" : "1 (non-framed)",
                     framed ? "The body is a sequence of frames, so it can be streamed."
                            : "The body is one block (legacy; held whole to decrypt)."));
  if (info.message_version == 1) {
    rows.push_back(Row(f.reserved, "Reserved", HexPreview(Slice(b, f.reserved)), "Always zero."));
    rows.push_back(Row(f.iv_length, "IV length", std::to_string(Number(b, f.iv_length)),
                       "Bytes of every IV in the message."));
  }
  rows.push_back(Row(f.frame_length, "Frame length", std::to_string(info.frame_length),
                     framed ? "Plaintext bytes in each regular frame; the final frame holds the "
                              "rest (possibly 0)."
                            : "0: not framed."));
  if (f.suite_data.length != 0) {
    rows.push_back(Row(f.suite_data, "Key commitment", HexPreview(Slice(b, f.suite_data)),
                       "Derived from the data key: decryption recomputes and compares it, so no "
                       "second data key can open this message to other plaintext."));
  }
  if (f.header_iv.length != 0) {
    rows.push_back(Row(f.header_iv, "Header IV", HexPreview(Slice(b, f.header_iv)),
                       "IV of the header authentication."));
  }
  rows.push_back(Row(f.header_tag, "Header auth tag", HexPreview(Slice(b, f.header_tag)),
                     "AES-GCM tag over the header (and any required context) under the content "
                     "key: checked on decryption, which needs the data key from KMS."));
}

void FrameRows(const Fields::Frame& fr, std::span<const uint8_t> b, std::vector<InspectRow>& rows) {
  using Kind = Fields::FrameKind;
  std::string name = fr.kind == Kind::kNonFramed ? "Body"
                     : fr.kind == Kind::kFinal   ? "Final frame"
                                                 : "Frame " + std::to_string(fr.sequence_number);
  rows.push_back(Row(fr.whole, name, std::to_string(fr.content_bytes) + " content bytes",
                     fr.kind == Kind::kFinal ? "Always present, last, possibly empty: marks the "
                                               "end, so a truncated message is detected."
                                             : "Encrypted and authenticated on its own.",
                     1));
  if (fr.kind == Kind::kFinal) {
    rows.push_back(Row(fr.final_marker, "End marker", "0xFFFFFFFF",
                       "Sequence number end: this is the final frame.", 2));
  }
  if (fr.sequence.length != 0) {
    rows.push_back(Row(fr.sequence, "Sequence number", std::to_string(fr.sequence_number),
                       "Counts frames from 1, and is authenticated: frames cannot be reordered, "
                       "dropped or repeated.",
                       2));
  }
  rows.push_back(Row(fr.iv, "IV", HexPreview(Slice(b, fr.iv)), "AES-GCM IV of this frame.", 2));
  if (fr.content_length.length != 0) {
    rows.push_back(Row(fr.content_length, "Content length", std::to_string(fr.content_bytes),
                       "Bytes of encrypted content that follow.", 2));
  }
  rows.push_back(Row(fr.content, "Encrypted content", HexPreview(Slice(b, fr.content)),
                     "As long as its plaintext (GCM adds no padding).", 2));
  rows.push_back(Row(fr.tag, "Auth tag", HexPreview(Slice(b, fr.tag)),
                     "AES-GCM tag over the content, the message id and the sequence number.", 2));
}

std::vector<InspectRow> BodyRows(const env::MessageMap& m, std::span<const uint8_t> b) {
  std::vector<InspectRow> rows;
  const Fields& f = m.fields;
  for (size_t i = 0; i < f.frames.size(); ++i) {
    const Fields::Frame& frame = f.frames[i];
    if (frame.kind == Fields::FrameKind::kFinal && f.frames_not_listed > 0) {
      size_t start = i == 0 ? f.body.offset : f.frames[i - 1].whole.end();
      uint64_t first = i == 0 ? 1 : f.frames[i - 1].sequence_number + 1;
      std::string numbers =
          std::to_string(first) + ".." + std::to_string(first + f.frames_not_listed - 1);
      rows.push_back(Row({start, frame.whole.offset - start}, "Frames " + numbers,
                         std::to_string(f.frames_not_listed) + " frames",
                         "Not listed: each like frame 1.", 1));
    }
    FrameRows(frame, b, rows);
  }
  return rows;
}

json::object Summary(const env::MessageMap& m, std::span<const uint8_t> b) {
  const env::MessageInfo& info = m.layout.header;
  json::object out;
  out["Kind"] = kKindMessage;
  out["Length"] = m.layout.message_length;
  out["MessageFormatVersion"] = info.message_version;
  out["AlgorithmSuite"] = SuiteJson(*info.suite);
  out["MessageId"] = internal::HexEncode(info.message_id);
  json::object& context = out["EncryptionContext"].emplace_object();
  for (const auto& pair : m.fields.context_pairs) context[pair.key] = pair.value;
  json::array& keys = out["EncryptedDataKeys"].emplace_array();
  for (size_t i = 0; i < info.encrypted_data_keys.size(); ++i) {
    const auto& edk = info.encrypted_data_keys[i];
    auto info_bytes = Slice(b, m.fields.data_keys[i].provider_info);
    keys.push_back(json::object{
        {"Offset", m.fields.data_keys[i].whole.offset},
        {"ProviderId", edk.provider_id},
        {"ProviderInfo", Printable(info_bytes) ? std::string(info_bytes.begin(), info_bytes.end())
                                               : internal::HexEncode(info_bytes)},
        {"CiphertextLength", edk.ciphertext.size()}});
  }
  out["ContentType"] = info.content_type == env::ContentType::kFramed ? "Framed" : "NonFramed";
  out["FrameLength"] = info.frame_length;
  out["HeaderLength"] = info.header_length;
  out["FrameCount"] = m.layout.frame_count;
  out["ContentLength"] = m.layout.content_length;
  out["SignatureLength"] = m.fields.signature.length;
  out["Signed"] = m.layout.has_signature;
  return out;
}

}  // namespace

Result<Inspection> InspectMessageBytes(std::span<const uint8_t> bytes) {
  auto mapped = env::MapMessage(bytes);
  if (!mapped) return mapped.error();
  const env::MessageMap& m = *mapped;
  const env::MessageInfo& info = m.layout.header;
  Inspection out;
  out.kind = kKindMessage;
  out.title = "AWS Encryption SDK message";
  out.length = m.layout.message_length;
  out.checked = info.suite->is_signed()
                    ? "Checked without any key: the structure, and the footer signature (valid)."
                    : "Checked without any key: the structure only (the suite has no signature); "
                      "tags are checked on decryption.";
  out.summary = Summary(m, bytes);
  InspectSection header{"Header", m.fields.header, {}};
  PrefixRows(m.fields, bytes, info, header.rows);
  ContextRows(m.fields, bytes, header.rows);
  DataKeyRows(m.fields, bytes, info, header.rows);
  TrailerRows(m.fields, bytes, info, header.rows);
  out.sections.push_back(std::move(header));
  out.sections.push_back({"Body", m.fields.body, BodyRows(m, bytes)});
  if (m.fields.footer.length != 0) {
    InspectSection footer{"Footer", m.fields.footer, {}};
    footer.rows.push_back(Row(m.fields.signature_length, "Signature length",
                              std::to_string(m.fields.signature.length), "Bytes that follow."));
    footer.rows.push_back(
        Row(m.fields.signature, "Signature", HexPreview(Slice(bytes, m.fields.signature)),
            "DER-encoded ECDSA signature over header and body, by the "
            "aws-crypto-public-key's private half (discarded after encrypting)."));
    out.sections.push_back(std::move(footer));
  }
  out.notes.push_back(
      "Envelope encryption: the content is encrypted under a fresh data key, and only encrypted "
      "copies of that data key travel with it. An aws-kms copy is a KMS ciphertext that only KMS "
      "can decrypt, for a caller allowed to use the key named by its ARN: copying the file is "
      "not enough to read it.");
  out.notes.push_back("Decrypt with: kmsctl envelope decrypt --in FILE --out PLAINTEXT");
  return out;
}

}  // namespace kms::cli
