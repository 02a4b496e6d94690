// Command-line parsing: global options, command lookup, command options, required checks.
#include "args.hpp"

#include <algorithm>

#include "query.hpp"
#include "values.hpp"

namespace kms::cli {
namespace {

Error Usage(std::string message) { return MakeError(ErrorCode::kValidation, std::move(message)); }

Status SetEndpoint(GlobalOptions& g, std::string_view v) {
  g.endpoint_url = std::string(v);
  return {};
}
Status SetRegion(GlobalOptions& g, std::string_view v) {
  g.region = std::string(v);
  return {};
}
Status SetProfile(GlobalOptions& g, std::string_view v) {
  g.profile = std::string(v);
  return {};
}
Status SetCaBundle(GlobalOptions& g, std::string_view v) {
  g.ca_bundle = std::string(v);
  return {};
}
Status SetNoVerify(GlobalOptions& g, std::string_view) {
  g.verify_ssl = false;
  return {};
}
Status SetNoPaginate(GlobalOptions& g, std::string_view) {
  g.paginate = false;
  return {};
}
Status SetOutput(GlobalOptions& g, std::string_view v) {
  g.output_given = true;
  if (v == "json") {
    g.output = OutputFormat::kJson;
  } else if (v == "text") {
    g.output = OutputFormat::kText;
  } else {
    return Usage("argument --output: invalid choice: '" + std::string(v) +
                 "' (choose from 'json', 'text')");
  }
  return {};
}
Status SetQuery(GlobalOptions& g, std::string_view v) {
  auto steps = ParseQuery(v);
  if (!steps) return Usage(steps.error().message);
  g.query = std::string(v);
  return {};
}
Status SetBinaryFormat(GlobalOptions& g, std::string_view v) {
  if (v == "base64") {
    g.binary_format = BinaryFormat::kBase64;
  } else if (v == "raw-in-base64-out") {
    g.binary_format = BinaryFormat::kRawInBase64Out;
  } else {
    return Usage("argument --cli-binary-format: invalid choice: '" + std::string(v) +
                 "' (choose from 'base64', 'raw-in-base64-out')");
  }
  return {};
}

constexpr GlobalOptionSpec kGlobalOptions[] = {
    {"--endpoint-url", "URL",
     "Send requests to URL (e.g. http://127.0.0.1:4599). Default: AWS_ENDPOINT_URL_KMS, "
     "AWS_ENDPOINT_URL, the profile's services section (kms = endpoint_url) and endpoint_url "
     "(unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), else https://kms.<region>.amazonaws.com.",
     SetEndpoint},
    {"--region", "REGION",
     "Region to sign for. Default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region.",
     SetRegion},
    {"--profile", "NAME",
     "Profile of ~/.aws/credentials and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, "
     "AWS_CONFIG_FILE). Default: AWS_PROFILE, else default.",
     SetProfile},
    {"--output", "json|text",
     "json (default): the response as indented JSON, binary members in base64. text: "
     "tab-separated values, as the aws CLI prints them.",
     SetOutput},
    {"--query", "PATH",
     "Print only part of the response: member names joined by '.', [N] for a list element "
     "([-1]: the last), [] for every element, e.g. KeyMetadata.KeyId or Aliases[].AliasName "
     "(the JMESPath subset scripts use).",
     SetQuery},
    {"--ca-bundle", "PATH",
     "PEM file of CA certificates trusted for https. Default: AWS_CA_BUNDLE, the profile's "
     "ca_bundle, else the system store.",
     SetCaBundle},
    {"--no-verify-ssl", "", "Do not verify the server's TLS certificate (throwaway setups only).",
     SetNoVerify},
    {"--no-paginate", "",
     "List commands: make one call instead of following NextMarker through every page.",
     SetNoPaginate},
    {"--cli-binary-format", "FORMAT",
     "How blob options given inline are read: base64 (default) or raw-in-base64-out (the text "
     "itself). fileb:// values are always raw bytes.",
     SetBinaryFormat},
};

const GlobalOptionSpec* FindGlobal(std::string_view name) {
  for (const GlobalOptionSpec& g : kGlobalOptions) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

bool IsOptionToken(std::string_view token) { return token.size() > 2 && token.starts_with("--"); }

bool IsListType(OptionType type) {
  return type == OptionType::kStringList || type == OptionType::kTags;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t next = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = row[j];
      row[j] = next;
    }
  }
  return row[b.size()];
}

struct RawOption {
  const OptionSpec* spec;
  std::vector<std::string> values;
};

// One pass over argv; Finish() checks what is missing and converts the values.
class Parser {
 public:
  explicit Parser(std::span<const std::string_view> argv) : argv_(argv) {}

  Result<Invocation> Parse(std::istream& in) {
    while (pos_ < argv_.size()) {
      Status step = Step();
      if (!step) return step.error();
    }
    return Finish(in);
  }

 private:
  Status Step() {
    std::string_view token = argv_[pos_++];
    if (token == "--help" || token == "-h" || token == "help") {
      help_ = true;
      return {};
    }
    if (token == "--version") {
      version_ = true;
      return {};
    }
    if (IsOptionToken(token)) return Option(token);
    if (inv_.command == nullptr) return Command(token);
    return Positional(token);
  }

  // A bare argument after the command: the value of its positional option, once.
  Status Positional(std::string_view token) {
    auto it = std::find_if(inv_.command->options.begin(), inv_.command->options.end(),
                           [](const OptionSpec& o) { return o.positional; });
    bool given =
        it != inv_.command->options.end() &&
        std::any_of(raw_.begin(), raw_.end(), [&](const RawOption& r) { return r.spec == &*it; });
    if (it == inv_.command->options.end() || given) {
      unknown_.emplace_back(token);
      return {};
    }
    raw_.push_back({&*it, {std::string(token)}});
    return {};
  }

  Status Command(std::string_view token) {
    if (pos_ < argv_.size()) {
      std::string two_words = std::string(token) + " " + std::string(argv_[pos_]);
      if (const CommandSpec* c = FindCommand(two_words)) {
        ++pos_;
        inv_.command = c;
        return {};
      }
    }
    inv_.command = FindCommand(token);
    if (inv_.command != nullptr) return {};
    std::string message = "argument command: Invalid choice: '" + std::string(token) + "'";
    if (auto near = SuggestCommand(token); !near.empty()) {
      message += ". Did you mean '" + std::string(near) + "'?";
    }
    return Usage(message + " (kmsctl --help lists the commands)");
  }

  // The value of a single-valued option: inline ("--name=v") or the next argument.
  Result<std::string> OneValue(std::string_view name,
                               const std::optional<std::string>& inline_value) {
    if (inline_value) return *inline_value;
    if (pos_ >= argv_.size() || IsOptionToken(argv_[pos_])) {
      return Usage("argument " + std::string(name) + ": expected one argument");
    }
    return std::string(argv_[pos_++]);
  }

  Status Option(std::string_view token) {
    std::optional<std::string> inline_value;
    std::string_view name = token;
    if (auto eq = token.find('='); eq != std::string_view::npos) {
      name = token.substr(0, eq);
      inline_value = std::string(token.substr(eq + 1));
    }
    if (const GlobalOptionSpec* global = FindGlobal(name)) {
      if (global->value_name.empty()) return global->apply(inv_.globals, "");
      auto value = OneValue(name, inline_value);
      if (!value) return value.error();
      return global->apply(inv_.globals, *value);
    }
    if (inv_.command == nullptr) {
      return Usage("unknown option " + std::string(name) +
                   " before the command (command options come after the command name)");
    }
    return CommandOption(name, inline_value);
  }

  Status CommandOption(std::string_view name, const std::optional<std::string>& inline_value) {
    const OptionSpec* spec = FindOption(*inv_.command, name);
    bool negated = false;
    if (spec == nullptr && name.starts_with("--no-")) {
      spec = FindOption(*inv_.command, "--" + std::string(name.substr(5)));
      negated = spec != nullptr && spec->type == OptionType::kBool;
      if (!negated) spec = nullptr;
    }
    if (spec == nullptr) {
      unknown_.emplace_back(name);
      return {};
    }
    auto given =
        std::find_if(raw_.begin(), raw_.end(), [&](const RawOption& r) { return r.spec == spec; });
    if (given != raw_.end() && spec->type != OptionType::kStringList) {
      return Usage("argument " + std::string(spec->name) + ": given more than once");
    }
    RawOption raw{spec, {}};
    if (spec->type == OptionType::kBool) {
      if (inline_value) {
        return Usage("argument " + std::string(name) + ": ignored explicit argument '" +
                     *inline_value + "'");
      }
      raw.values.emplace_back(negated ? "false" : "true");
    } else if (IsListType(spec->type) && !inline_value) {
      while (pos_ < argv_.size() && !IsOptionToken(argv_[pos_]))
        raw.values.emplace_back(argv_[pos_++]);
      if (raw.values.empty()) {
        return Usage("argument " + std::string(name) + ": expected at least one argument");
      }
    } else {
      auto value = OneValue(name, inline_value);
      if (!value) return value.error();
      raw.values.push_back(std::move(*value));
    }
    if (given != raw_.end()) {  // a repeated string list option adds its values
      given->values.insert(given->values.end(), raw.values.begin(), raw.values.end());
      return {};
    }
    raw_.push_back(std::move(raw));
    return {};
  }

  Status CheckComplete() const {
    if (inv_.command == nullptr) {
      return Usage("the following arguments are required: command (kmsctl --help lists them)");
    }
    if (!unknown_.empty()) {
      std::string list;
      for (const auto& u : unknown_) list += (list.empty() ? "" : ", ") + u;
      return Usage("Unknown options: " + list);
    }
    std::string missing;
    for (const OptionSpec& option : inv_.command->options) {
      bool given = std::any_of(raw_.begin(), raw_.end(),
                               [&](const RawOption& r) { return r.spec == &option; });
      if (option.required && !given)
        missing += (missing.empty() ? "" : ", ") + std::string(option.name);
    }
    if (!missing.empty()) return Usage("the following arguments are required: " + missing);
    return {};
  }

  Result<Invocation> Finish(std::istream& in) {
    if (version_ || help_) {
      inv_.action = version_ ? Action::kVersion : Action::kHelp;
      return std::move(inv_);
    }
    Status complete = CheckComplete();
    if (!complete) return complete.error();
    StdinReader stdin_reader(in);
    for (const RawOption& raw : raw_) {
      auto value =
          ParseOptionValue(*raw.spec, raw.values, inv_.globals.binary_format, stdin_reader);
      if (!value) return value.error();
      inv_.args.Set(raw.spec->name, std::move(*value));
    }
    return std::move(inv_);
  }

  std::span<const std::string_view> argv_;
  size_t pos_ = 0;
  Invocation inv_;
  std::vector<RawOption> raw_;
  std::vector<std::string> unknown_;
  bool help_ = false;
  bool version_ = false;
};

}  // namespace

std::span<const GlobalOptionSpec> GlobalOptionSpecs() { return kGlobalOptions; }

std::string_view SuggestCommand(std::string_view name) {
  std::string_view best;
  size_t best_distance = std::max<size_t>(3, name.size() / 3) + 1;
  for (const CommandSpec* command : AllCommands()) {
    size_t d = EditDistance(name, command->name);
    if (command->name.starts_with(name) && name.size() >= 3) d = 1;
    if (d < best_distance) best = command->name, best_distance = d;
  }
  return best;
}

Result<Invocation> ParseCommandLine(std::span<const std::string_view> argv, std::istream& in) {
  return Parser(argv).Parse(in);
}

}  // namespace kms::cli
