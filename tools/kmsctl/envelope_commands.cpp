// `kmsctl envelope encrypt|decrypt`: option table, keyring set-up (KMS multi-keyring, or the
// discovery keyring for decrypt without --key-id) and constant-memory streaming between files
// or standard input/output, with reading and writing on threads of their own.
#include "envelope_commands.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <kms/envelope/kms_keyring.hpp>
#include <kms/envelope/stream.hpp>
#include <memory>
#include <optional>

#include "file_pipeline.hpp"
#include "progress.hpp"
#include "values.hpp"

namespace kms::cli {
namespace {

using T = OptionType;
namespace env = kms::envelope;

constexpr OptionSpec kInOption{"--in", T::kString, false,
                               "File to read, or - for standard input (the default)."};
constexpr OptionSpec kOutOption{
    "--out", T::kString, false,
    "File to write (created with mode 0600, removed if the command fails), or - for standard "
    "output (the default)."};

constexpr std::string_view kCommitmentPolicies[] = {"require-encrypt-require-decrypt",
                                                    "require-encrypt-allow-decrypt",
                                                    "forbid-encrypt-allow-decrypt"};

constexpr OptionSpec kEncryptOptions[] = {
    {"--key-id", T::kStringList, true,
     "KMS key(s): key id, key ARN, alias name or alias ARN. The first generates the data key, "
     "each further one also wraps it (any of them can decrypt). Repeatable."},
    {"--context", T::kStringList, false,
     "Encryption context pairs k=v (also k=v,k2=v2, or a JSON object '{\"k\":\"v\"}' for "
     "any key), stored in the message and authenticated. Repeatable."},
    {"--algorithm", T::kString, false,
     "Algorithm suite: 0x0578 (default: AES-256-GCM, HKDF-SHA512, key commitment, ECDSA P-384 "
     "signature), 0x0478 (the same without signature), or a suite name."},
    {"--frame-length", T::kInt, false, "Plaintext bytes per frame (default 4096)."},
    kInOption,
    kOutOption,
};

constexpr OptionSpec kDecryptOptions[] = {
    {"--key-id", T::kStringList, false,
     "KMS key(s) allowed to decrypt the data key; without it every KMS key named in the message "
     "is tried (discovery). Key ids and aliases are resolved to key ARNs with DescribeKey. "
     "Repeatable."},
    {"--context", T::kStringList, false,
     "Expected encryption context pairs k=v (or a JSON object): each must be in the message "
     "with this value (or have been authenticated as a required pair). Repeatable."},
    {"--commitment-policy", T::kEnum, false,
     "require-encrypt-require-decrypt (default): only messages with key commitment (0x0478, "
     "0x0578) decrypt; require-encrypt-allow-decrypt or forbid-encrypt-allow-decrypt also "
     "decrypt the non-committing suites of older SDKs.",
     kCommitmentPolicies},
    kInOption,
    kOutOption,
};

constexpr std::string_view kEnvelope = "Envelope encryption";

constexpr CommandSpec kEnvelopeCommands[] = {
    {"envelope encrypt", "GenerateDataKey", kEnvelope,
     "Encrypt a file or stream of any size in the AWS Encryption SDK message format.",
     "Writes the message to --out; prints nothing else. Streams in constant memory. The message "
     "decrypts with `kmsctl envelope decrypt` and with the official AWS Encryption SDKs.",
     kEncryptOptions,
     "envelope encrypt --key-id alias/app --context purpose=backup --in db.dump --out db.dump.enc",
     EnvelopeEncryptCommand,
     "Calls AWS KMS GenerateDataKey with the first --key-id, and Encrypt with each further one. "
     "On a terminal, progress (bytes, MiB/s, ETA) is shown on stderr."},
    {"envelope decrypt", "Decrypt", kEnvelope,
     "Decrypt an AWS Encryption SDK message (from envelope encrypt or an official SDK).",
     "Writes the plaintext to --out; prints nothing else. Streams in constant memory. For signed "
     "suites (the default 0x0578) plaintext written to standard output before the signature is "
     "checked at the end is provisional: a non-zero exit means discard it. An --out file is "
     "removed on any failure.",
     kDecryptOptions, "envelope decrypt --context purpose=backup --in db.dump.enc --out db.dump",
     EnvelopeDecryptCommand,
     "Calls AWS KMS Decrypt (and DescribeKey for a --key-id that is not a key ARN). On a "
     "terminal, progress (bytes, MiB/s, ETA) is shown on stderr."},
};

Error Invalid(std::string message) { return MakeError(ErrorCode::kValidation, std::move(message)); }

// The --context values as one context; each value is one or more k=v pairs or a JSON object.
Result<env::EncryptionContext> ContextArg(const Args& args) {
  env::EncryptionContext context;
  for (const std::string& value : args.List("--context")) {
    auto pairs = ParseStringMap(value);
    if (!pairs) return Invalid("argument --context: " + pairs.error().message);
    for (auto& [key, text] : *pairs) {
      auto [it, inserted] = context.emplace(key, text);
      if (!inserted && it->second != text) {
        return Invalid("argument --context: key '" + key + "' given twice with different values");
      }
    }
  }
  return context;
}

env::CommitmentPolicy CommitmentPolicyArg(const Args& args) {
  auto policy = args.String("--commitment-policy");  // one of the choices: the parser checks
  if (policy == "require-encrypt-allow-decrypt") {
    return env::CommitmentPolicy::kRequireEncryptAllowDecrypt;
  }
  if (policy == "forbid-encrypt-allow-decrypt") {
    return env::CommitmentPolicy::kForbidEncryptAllowDecrypt;
  }
  return env::CommitmentPolicy::kRequireEncryptRequireDecrypt;
}

// A non-owning shared_ptr to the context's client, which outlives the command's keyrings.
Result<std::shared_ptr<const KmsClient>> SharedClient(Context& ctx) {
  auto client = ctx.Client();
  if (!client) return client.error();
  return std::shared_ptr<const KmsClient>(std::shared_ptr<void>(), *client);
}

// Strict decryption matches encrypted data keys by key ARN, so other identifiers are resolved.
Result<std::string> KeyArn(const KmsClient& client, Context& ctx, const std::string& key_id) {
  if (auto arn = env::ParseKmsArn(key_id); arn && arn->resource_type == "key") return key_id;
  ctx.operation = "DescribeKey";
  auto described = client.DescribeKey({key_id, {}});
  ctx.operation = "Decrypt";
  if (!described) return described.error();
  if (!described->KeyMetadata || described->KeyMetadata->Arn.empty()) {
    return MakeError(ErrorCode::kInternal, "DescribeKey returned no key ARN for " + key_id);
  }
  return described->KeyMetadata->Arn;
}

Result<std::shared_ptr<const env::Keyring>> DecryptKeyring(Context& ctx, const Args& args) {
  auto client = SharedClient(ctx);
  if (!client) return client.error();
  std::vector<std::string> key_ids = args.List("--key-id");
  if (key_ids.empty()) return env::MakeKmsDiscoveryKeyring(*client);
  std::vector<std::string> arns;
  for (const std::string& key_id : key_ids) {
    auto arn = KeyArn(**client, ctx, key_id);
    if (!arn) return arn.error();
    arns.push_back(std::move(*arn));
  }
  return env::MakeKmsMultiKeyring(*client, "", std::move(arns));
}

bool IsStdio(const std::optional<std::string>& path) { return !path || *path == "-"; }

// Refuses --in and --out naming one file: opening the output would truncate the input.
Status CheckDistinct(const std::optional<std::string>& in, const std::optional<std::string>& out) {
  if (IsStdio(in) || IsStdio(out)) return {};
  struct stat a {};
  struct stat b {};
  if (::stat(in->c_str(), &a) != 0 || ::stat(out->c_str(), &b) != 0) return {};
  if (a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
    return Invalid("--in and --out name the same file: " + *out);
  }
  return {};
}

// Where the plaintext or message goes: the --out file, or standard output for "-", both
// written behind the command's thread.
class Destination final {
 public:
  static Result<std::unique_ptr<Destination>> Open(const std::optional<std::string>& path) {
    auto sink = IsStdio(path) ? StandardOutput() : WriteBehind::OpenFile(*path);
    if (!sink) return sink.error();
    auto output = std::unique_ptr<Destination>(new Destination());
    output->sink_ = std::move(*sink);
    return output;
  }

  env::Sink& sink() { return *sink_; }

  // Completes a run: on failure what was written is discarded (a file removed; Discard is
  // idempotent); on success everything is written and the file closed.
  Status Finish(Status status) {
    if (!status) {
      sink_->Discard();
      return status;
    }
    Status closed = sink_->Close();
    if (!closed) sink_->Discard();
    return closed;
  }

 private:
  Destination() = default;

  static Result<std::unique_ptr<WriteBehind>> StandardOutput() {
    // The envelope commands print nothing else, but what std::cout holds must still go first.
    if (!std::cout.flush()) return MakeError(ErrorCode::kInternal, "Cannot write standard output");
    return WriteBehind::ForFd(STDOUT_FILENO, "standard output");
  }

  std::unique_ptr<WriteBehind> sink_;
};

// The size of the input when it is a regular file (a path, or standard input redirected from one).
std::optional<uint64_t> InputSize(const std::optional<std::string>& in_path) {
  struct stat st {};
  int rc = IsStdio(in_path) ? ::fstat(STDIN_FILENO, &st) : ::stat(in_path->c_str(), &st);
  if (rc != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

// Feeds the input from `reader` through the stream `start` creates on `sink` (a
// StreamEncryptor or StreamDecryptor), counting the bytes on `meter` as they are consumed.
template <class Start>
Status Feed(ReadAhead& reader, Start& start, env::Sink& sink, std::optional<ProgressMeter>& meter) {
  auto stream = start(sink);
  if (!stream) return stream.error();
  for (;;) {
    auto chunk = reader.Next();
    if (!chunk) return chunk.error();
    if (chunk->empty()) return stream->Finish();
    if (meter) meter->Add(chunk->size());
    if (Status st = stream->Update(*chunk); !st) return st;
  }
}

// Opens --in (standard input for "-") and --out, then streams between them: a thread reads the
// input ahead, another writes the output behind, and this one encrypts or decrypts. When stderr
// is a terminal, the bytes consumed are shown as a progress line there.
template <class Start>
Status Pipe(Context& ctx, const Args& args, Start start) {
  auto in_path = args.String("--in");
  auto out_path = args.String("--out");
  if (Status distinct = CheckDistinct(in_path, out_path); !distinct) return distinct;
  UniqueFd file;
  if (!IsStdio(in_path)) {
    auto opened = OpenForReading(*in_path);
    if (!opened) return opened.error();
    file = std::move(*opened);
  }
  auto output = Destination::Open(out_path);
  if (!output) return output.error();
  auto reader = IsStdio(in_path) ? ReadAhead::Start(STDIN_FILENO, "standard input")
                                 : ReadAhead::Start(file.get(), *in_path);
  if (!reader) return (*output)->Finish(reader.error());
  std::optional<ProgressMeter> meter;
  if (::isatty(STDERR_FILENO) != 0) meter.emplace(ctx.err(), InputSize(in_path));
  Status status = Feed(**reader, start, (*output)->sink(), meter);
  (*reader)->Stop();  // before the output is finished: a failed run stops reading at once
  status = (*output)->Finish(std::move(status));
  if (meter) meter->Finish();
  return status;
}

Result<env::EncryptOptions> EncryptOptionsArg(const Args& args) {
  env::EncryptOptions options;
  auto context = ContextArg(args);
  if (!context) return context.error();
  options.encryption_context = std::move(*context);
  if (auto algorithm = args.String("--algorithm")) {
    auto id = env::ParseAlgorithmSuiteId(*algorithm);
    if (!id) return Invalid("argument --algorithm: " + id.error().message);
    options.algorithm = *id;
  }
  if (auto frame_length = args.Int("--frame-length")) {
    if (*frame_length <= 0) {
      return Invalid("argument --frame-length: must be at least 1 (got " +
                     std::to_string(*frame_length) + ")");
    }
    options.frame_length = static_cast<uint32_t>(*frame_length);
  }
  return options;
}

uint16_t U16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

}  // namespace

Status CheckNotEnvelopeMessage(std::span<const uint8_t> blob) {
  const env::AlgorithmSuite* suite = nullptr;
  if (blob.size() >= 4 && blob[0] == 1 && blob[1] == 0x80) {
    suite = env::FindAlgorithmSuite(U16(blob, 2));
    if (suite != nullptr && suite->message_version != 1) suite = nullptr;
  } else if (blob.size() >= 3 && blob[0] == 2) {
    suite = env::FindAlgorithmSuite(U16(blob, 1));
    if (suite != nullptr && suite->message_version != 2) suite = nullptr;
  }
  if (suite == nullptr) return {};
  return MakeError(ErrorCode::kInvalidCiphertext,
                   "This is an AWS Encryption SDK message, not a KMS ciphertext blob; decrypt it "
                   "with an Encryption SDK (kmsctl envelope decrypt)");
}

std::span<const CommandSpec> EnvelopeCommands() { return kEnvelopeCommands; }

Status EnvelopeEncryptCommand(Context& ctx, const Args& args, Output& /*out*/) {
  ctx.usage_error = true;  // a bad option value is a usage error (exit 2)
  auto options = EncryptOptionsArg(args);
  if (!options) return options.error();
  ctx.usage_error = false;
  auto client = SharedClient(ctx);
  if (!client) return client.error();
  std::vector<std::string> key_ids = args.List("--key-id");
  std::string generator = key_ids.empty() ? std::string() : key_ids.front();
  if (!key_ids.empty()) key_ids.erase(key_ids.begin());
  auto keyring = env::MakeKmsMultiKeyring(*client, std::move(generator), std::move(key_ids));
  if (!keyring) return keyring.error();
  return Pipe(ctx, args, [&](env::Sink& sink) {
    return env::StreamEncryptor::Create(**keyring, *options, sink);
  });
}

Status EnvelopeDecryptCommand(Context& ctx, const Args& args, Output& /*out*/) {
  env::DecryptOptions options;
  ctx.usage_error = true;  // a bad option value is a usage error (exit 2)
  auto context = ContextArg(args);
  if (!context) return context.error();
  ctx.usage_error = false;
  options.encryption_context = std::move(*context);
  options.commitment_policy = CommitmentPolicyArg(args);
  auto keyring = DecryptKeyring(ctx, args);
  if (!keyring) return keyring.error();
  return Pipe(ctx, args, [&](env::Sink& sink) -> Result<env::StreamDecryptor> {
    return env::StreamDecryptor(**keyring, options, sink);
  });
}

}  // namespace kms::cli
