// kmsctl's command model: option and command specifications (the one command table lives in
// commands.cpp), parsed option values, the output a command builds, and the handler signature.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <iostream>
#include <kms/client.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <kms/model.hpp>
#include <kms/result.hpp>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kms::cli {

enum class OptionType {
  kString,      // one value; "file://PATH" reads the value from PATH (as the aws CLI does)
  kInt,         // one decimal integer
  kEnum,        // one of OptionSpec::choices
  kBool,        // flag: --name sets true, --no-name sets false
  kBlob,        // binary: fileb://PATH, fileb://- or - (stdin), else base64 text
  kStringList,  // one or more values, or one JSON array of strings
  kMap,         // string map: k=v,k2=v2 (aws CLI shorthand) or a JSON object
  kTags,        // TagKey=k,TagValue=v ... (shorthand) or a JSON array of {"TagKey","TagValue"}
  kOutfile,     // a path the binary member OptionSpec::field is written to, raw; "-": stdout
  kTime,        // a time (time_arg.hpp: ISO 8601, epoch seconds, or "10m" ago), kept as text
};

struct OptionSpec {
  std::string_view name;  // "--key-id"; a kBool also accepts "--no-" + the rest
  OptionType type;
  bool required;
  std::string_view help;
  std::span<const std::string_view> choices = {};  // kEnum: the accepted values
  std::string_view field = {};                     // kOutfile: the response member it receives
  bool positional = false;  // also given as the first bare argument after the command
};

enum class OutputFormat { kJson, kText };

// How a bare (non-fileb://) blob value is read, like the aws CLI v2 --cli-binary-format.
enum class BinaryFormat {
  kBase64,          // "base64": the value is base64 text (default, as in aws CLI v2)
  kRawInBase64Out,  // "raw-in-base64-out": the value's bytes as typed (aws CLI v1 behaviour)
};

struct GlobalOptions {
  std::optional<std::string> endpoint_url;
  std::optional<std::string> region;
  std::optional<std::string> profile;
  std::optional<std::string> ca_bundle;
  bool verify_ssl = true;
  bool paginate = true;
  OutputFormat output = OutputFormat::kJson;
  bool output_given = false;  // --output was on the line (some commands default to text)
  BinaryFormat binary_format = BinaryFormat::kBase64;
  std::optional<std::string> query;  // --query, checked by ParseQuery when given
};

// The SDK configuration the global options ask for (endpoint, region, profile, CA bundle, TLS
// verification); everything else resolves as ResolveClientConfig says. Pure.
ClientConfig ClientConfigFrom(const GlobalOptions& g);

using OptionValue = std::variant<std::string, int, bool, std::vector<std::string>,
                                 EncryptionContextMap, std::vector<Tag>, internal::SecretBytes>;

// The typed values of the options given on the command line, by option name ("--key-id").
// Accessors return nullopt / empty when the option was not given (or has another type).
class Args {
 public:
  void Set(std::string_view name, OptionValue value);
  bool Has(std::string_view name) const;
  std::optional<std::string> String(
      std::string_view name) const;                   // kString, kEnum, kOutfile, kTime
  std::string Required(std::string_view name) const;  // String() or "" (the parser checks it)
  std::optional<int> Int(std::string_view name) const;
  std::optional<bool> Bool(std::string_view name) const;
  std::vector<std::string> List(std::string_view name) const;
  EncryptionContextMap Map(std::string_view name) const;
  std::vector<Tag> Tags(std::string_view name) const;
  const internal::SecretBytes* Blob(std::string_view name) const;

  // A kEnum value converted with `parse` (one of kms/types.hpp's Parse* functions).
  template <class E>
  std::optional<E> Enum(std::string_view name, std::optional<E> (*parse)(std::string_view)) const {
    auto text = String(name);
    return text ? parse(*text) : std::nullopt;
  }

 private:
  std::map<std::string, OptionValue, std::less<>> values_;
};

// Where a binary response member goes when the user gave its kOutfile option.
struct OutfileTarget {
  std::string field;  // "Plaintext"
  std::string path;   // "-": standard output
};

// What a command prints: a JSON object in the botocore member order (rendered as JSON or text),
// and binary members diverted raw to --outfile targets. Base64 copies of secrets held here are
// wiped on destruction. Not thread-safe.
class Output {
 public:
  struct FileWrite {
    std::string path;
    internal::SecretBytes bytes;
  };

  explicit Output(std::vector<OutfileTarget> targets = {});
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  boost::json::object& Data() { return data_.get_object(); }
  const boost::json::object& Data() const { return data_.get_object(); }
  const boost::json::value& Value() const { return data_; }  // the object, for rendering

  // Member setters; each leaves the member out when the value is empty / nullopt.
  void Str(std::string_view name, const std::string& value);
  void Int(std::string_view name, std::optional<int> value);
  void Bool(std::string_view name, std::optional<bool> value);
  void Time(std::string_view name, std::optional<Timestamp> value);
  template <class E>
  void Enum(std::string_view name, std::optional<E> value) {
    if (value) Data()[name] = ToString(*value);
  }
  // A binary member: queued for its outfile target when there is one, else put in Data() as
  // base64 (as the aws CLI prints blobs). Empty blobs are left out.
  void Blob(std::string_view name, std::span<const uint8_t> bytes);

  // Text printed as is instead of rendering Data() (commands with a layout of their own).
  void SetText(std::string text) { text_ = std::move(text); }
  const std::string& Text() const { return text_; }

  const std::vector<FileWrite>& Files() const { return files_; }
  // True when a target is "-": the raw bytes go to stdout and nothing else is printed there.
  bool WritesStdout() const;

 private:
  std::vector<OutfileTarget> targets_;
  std::vector<FileWrite> files_;
  boost::json::value data_ = boost::json::object();
  std::string text_;
};

// What a handler may use besides its arguments: the client (created from the global options on
// first use) and the operation named in error messages. Not thread-safe.
class Context {
 public:
  Context(const GlobalOptions& globals, std::string_view op) : operation(op), globals_(globals) {}
  Context(const GlobalOptions& globals, std::string_view op, std::ostream& out, std::ostream& err)
      : operation(op), out_(&out), err_(&err), globals_(globals) {}

  const GlobalOptions& globals() const { return globals_; }
  // The SDK client; errors are ResolveClientConfig's / MakeHttpTransport's (http_status 0).
  Result<const KmsClient*> Client();

  // "CreateKey": the operation whose failure is reported. A command making several calls sets
  // it before each call.
  std::string_view operation;
  // The error's type when it is not in the KMS error table (CloudTrail's
  // InvalidTimeRangeException, ...): reported instead of TypeName(error.code).
  std::string error_type;
  // Set by a handler whose error is about the command line (options that do not go together):
  // reported as a usage error (exit 2).
  bool usage_error = false;

  // Standard output and error of the run, for commands that print while they work (audit
  // --follow, progress). Default: std::cout and std::cerr.
  std::ostream& out() const { return *out_; }
  std::ostream& err() const { return *err_; }

 private:
  std::ostream* out_ = &std::cout;
  std::ostream* err_ = &std::cerr;
  const GlobalOptions& globals_;
  std::optional<KmsClient> client_;
};

// Runs one command: SDK calls, then fills `out`. Returns the SDK's error unchanged.
using Handler = Status (*)(Context& ctx, const Args& args, Output& out);

struct CommandSpec {
  std::string_view name;       // "create-key"; "<group> <verb>" for two-word commands
  std::string_view operation;  // "CreateKey": named in error messages
  std::string_view group;      // --help section
  std::string_view summary;    // one line
  std::string_view details;    // further --help paragraphs (output, outfile behaviour)
  std::span<const OptionSpec> options;
  std::string_view example;  // one or more command lines, without the "kmsctl " prefix
  Handler handler;
  // The --help line on the calls made; empty: "Calls the AWS KMS <operation> operation."
  std::string_view calls = {};
};

// The command table, in --help order. Thread-safe (constant).
std::span<const CommandSpec> Commands();

// Every command in --help order: the KMS operations (Commands()), then the envelope commands,
// then the tools (inspect, audit). Thread-safe (built once).
std::span<const CommandSpec* const> AllCommands();

// The command named `name` ("encrypt", "envelope encrypt", "inspect"), or nullptr.
// Thread-safe.
const CommandSpec* FindCommand(std::string_view name);

// The option of `command` named `name` ("--key-id"), or nullptr. Thread-safe.
const OptionSpec* FindOption(const CommandSpec& command, std::string_view name);

}  // namespace kms::cli
