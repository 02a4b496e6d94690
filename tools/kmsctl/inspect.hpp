// `kmsctl inspect`: recognises an AWS Encryption SDK message or a kms-emulator CiphertextBlob
// (raw, or as base64 text, or inside the aws CLI's JSON answer) and explains it field by field,
// with byte offsets, as a teaching table (text) or as data (JSON).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <kms/result.hpp>
#include <span>
#include <string>
#include <vector>

#include "emulator_blob.hpp"

namespace kms::cli {

inline constexpr std::string_view kKindMessage = "AwsEncryptionSdkMessage";
inline constexpr std::string_view kKindEmulatorBlob = "KmsEmulatorCiphertextBlob";

// One field: where it is (offsets into the inspected bytes), what it holds, what it is for.
struct InspectRow {
  size_t offset = 0;
  size_t length = 0;
  std::string field;        // "Algorithm suite"
  std::string value;        // "0x0578 ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"
  std::string explanation;  // one sentence
  int depth = 0;            // 0: a field; 1: a part of the field above; 2: a part of that part
};

struct InspectSection {
  std::string name;  // "Header", "Body", "Footer", "Ciphertext blob"
  ByteRange range;
  std::vector<InspectRow> rows;
};

struct Inspection {
  std::string_view kind;        // kKindMessage or kKindEmulatorBlob
  std::string title;            // "AWS Encryption SDK message"
  std::string input;            // how the input was read: "raw bytes", "base64 text (N characters)"
  size_t length = 0;            // bytes inspected (after base64 decoding)
  std::string checked;          // what was verified without keys, one sentence
  boost::json::object summary;  // the decoded fields as data (JSON output)
  std::vector<InspectSection> sections;
  std::vector<std::string> notes;  // paragraphs after the table
};

// Explains `input`: an AWS Encryption SDK message (checked with envelope::MapMessage: structure
// and, for signed suites, the signature), a kms-emulator CiphertextBlob, or either of them as
// base64 text (whitespace ignored) or as the "CiphertextBlob" member of a JSON object. Errors:
// the SDK's kInvalidCiphertext for a malformed or truncated message ("Malformed message: ...",
// "Message is truncated: ..."), ParseEmulatorBlob's for a malformed blob, and kValidation
// "The input is empty", "This looks like an AWS KMS ciphertext blob ..." or "Unrecognised
// input: ..." otherwise. Pure, thread-safe.
Result<Inspection> Inspect(std::span<const uint8_t> input);

// The explanation of one message or blob already known to be of that kind (offsets relative to
// `bytes`). Errors as Inspect's. Pure.
Result<Inspection> InspectMessageBytes(std::span<const uint8_t> bytes);
Result<Inspection> InspectEmulatorBlobBytes(std::span<const uint8_t> bytes);

// The rows explaining an emulator blob that starts at `base` in the inspected bytes, at `depth`.
// Pure.
std::vector<InspectRow> EmulatorBlobRows(const EmulatorBlobMap& map, std::span<const uint8_t> blob,
                                         size_t base, int depth);

// The teaching layout: title, what was checked, each section as a table of offset, length,
// field and value with the explanation under each row, then the notes. Pure.
std::string RenderInspectionText(const Inspection& inspection);

// The same as data: summary members, then "Sections" (each with its rows) and "Notes". Pure.
boost::json::object InspectionJson(const Inspection& inspection);

// "0a1b2c..." of up to `max_bytes` bytes, with "... (N bytes)" when longer. Pure.
std::string HexPreview(std::span<const uint8_t> bytes, size_t max_bytes = 16);

}  // namespace kms::cli
