// `kmsctl inspect`: reads the input and prints Inspect()'s explanation; and the table of the tool
// commands (inspect, audit) with their options and help.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "inspect.hpp"
#include "tool_commands.hpp"

namespace kms::cli {
namespace {

using T = OptionType;

constexpr OptionSpec kInspectOptions[] = {
    {"--in",
     T::kString,
     false,
     "File to explain, or - for standard input (the default). Raw bytes, or base64 text (what "
     "the aws CLI prints), or the aws CLI's JSON answer with a CiphertextBlob member.",
     {},
     {},
     true},
};

constexpr OptionSpec kAuditOptions[] = {
    {"--key-id", T::kString, false,
     "Only events naming this key: key ARN (or alias ARN), or key id / alias name (resolved to "
     "the key ARN with DescribeKey)."},
    {"--event-name", T::kString, false, "Only events of this operation, e.g. Decrypt."},
    {"--start-time", T::kTime, false, "Only events at or after this time."},
    {"--end-time", T::kTime, false, "Only events at or before this time (not with --follow)."},
    {"--max-items", T::kInt, false,
     "At most this many events (default: all; with --follow, the 10 latest before waiting)."},
    {"--follow", T::kBool, false,
     "Keep polling every second and print new events as they happen, oldest first, until "
     "interrupted (Ctrl-C)."},
};

constexpr std::string_view kTools = "Tools";

constexpr CommandSpec kToolCommands[] = {
    {"inspect", "", kTools,
     "Explain an AWS Encryption SDK message or a kms-emulator ciphertext blob, field by field "
     "with byte offsets.",
     "A table per part (header, body, footer; or the blob) of offset, length, field and value, "
     "each with a one-line explanation; --output json gives the same as data (decoded fields, "
     "then Sections with their Fields). Nothing is decrypted; signed messages have their "
     "signature checked. Unrecognised or malformed input exits 255 with the reason.",
     kInspectOptions,
     "inspect secret.enc\n  kmsctl encrypt --key-id alias/app --plaintext fileb://f | kmsctl "
     "inspect -",
     InspectCommand, "Makes no AWS call: reads the input only."},
    {"audit", "LookupEvents", kTools,
     "List the emulator's audit trail (CloudTrail events of KMS calls), or follow it live.",
     "Text (the default): one line per event, tab-separated: time (UTC), event name, user, key "
     "or alias (key/<id>), encryption context (k=v,...), error code ('-' when none). --output "
     "json: {\"Events\": [...]} as CloudTrail LookupEvents returns them, newest first; with "
     "--follow one JSON object per line. Without --follow events are newest first.",
     kAuditOptions,
     "audit --key-id alias/app --start-time 1h\n  kmsctl audit --event-name Decrypt --follow",
     AuditCommand,
     "Calls the CloudTrail LookupEvents operation (signed for service cloudtrail) at the "
     "endpoint: --endpoint-url, AWS_ENDPOINT_URL_CLOUDTRAIL, the KMS endpoint when it is not "
     "AWS's (kms-emulator serves CloudTrail on its port), else https://cloudtrail.<region>."
     "amazonaws.com."},
};

Result<std::vector<uint8_t>> ReadInput(const std::string& path) {
  if (path == "-") {
    return std::vector<uint8_t>{std::istreambuf_iterator<char>(std::cin),
                                std::istreambuf_iterator<char>()};
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return MakeError(ErrorCode::kValidation, "Cannot open " + path + ": " + std::strerror(errno));
  }
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file),
                             std::istreambuf_iterator<char>()};
  if (file.bad()) return MakeError(ErrorCode::kValidation, "Cannot read " + path);
  return bytes;
}

}  // namespace

std::span<const CommandSpec> ToolCommands() { return kToolCommands; }

bool WantsText(const GlobalOptions& globals) {
  return !globals.output_given || globals.output == OutputFormat::kText;
}

Status InspectCommand(Context& ctx, const Args& args, Output& out) {
  std::string path = args.String("--in").value_or("-");
  auto bytes = ReadInput(path);
  if (!bytes) return bytes.error();
  auto inspection = Inspect(*bytes);
  if (!inspection) {
    Error error = inspection.error();
    error.message = "Cannot inspect " + (path == "-" ? std::string("standard input") : path) +
                    ": " + error.message;
    return error;
  }
  if (WantsText(ctx.globals())) {
    out.SetText(RenderInspectionText(*inspection));
  } else {
    out.Data() = InspectionJson(*inspection);
  }
  return {};
}

}  // namespace kms::cli
