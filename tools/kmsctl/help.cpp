// Help texts built from the command table: one place describes every command and option.
#include "help.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "args.hpp"

namespace kms::cli {
namespace {

constexpr size_t kWidth = 100;
constexpr size_t kHelpColumn = 36;

// Word-wraps `text` for a line where it starts at `first_column`; continuation lines are
// indented by `indent` spaces.
std::string Wrap(std::string_view text, size_t first_column, size_t indent) {
  std::string out;
  size_t column = first_column;
  bool first = true;
  while (!text.empty()) {
    size_t space = text.find(' ');
    std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (!first && column + 1 + word.size() > kWidth) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (!first) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    first = false;
  }
  return out;
}

// "  NAME   help...", the help starting at kHelpColumn (on the next line if NAME is long).
std::string Row(std::string_view name, std::string_view help) {
  std::string out = "  " + std::string(name);
  size_t used = out.size();
  if (used + 2 > kHelpColumn) {
    out += "\n";
    used = 0;
  }
  out += std::string(kHelpColumn - used, ' ');
  return out + Wrap(help, kHelpColumn, kHelpColumn) + "\n";
}

std::string_view Placeholder(OptionType type) {
  switch (type) {
    case OptionType::kInt:
      return "<integer>";
    case OptionType::kBlob:
      return "<blob>";
    case OptionType::kStringList:
      return "<value> [<value> ...]";
    case OptionType::kMap:
      return "<k=v,...>";
    case OptionType::kTags:
      return "<TagKey=k,TagValue=v> [...]";
    case OptionType::kOutfile:
      return "<path>";
    case OptionType::kTime:
      return "<time>";
    default:
      return "<value>";
  }
}

std::string Synopsis(const OptionSpec& option) {
  std::string rest(option.name.substr(2));
  if (option.type == OptionType::kBool) return std::string(option.name) + " | --no-" + rest;
  return std::string(option.name) + " " + std::string(Placeholder(option.type));
}

std::string OptionHelp(const OptionSpec& option) {
  std::string help = option.required ? "(required) " : "";
  if (option.type == OptionType::kOutfile) {
    return help + "Write the " + std::string(option.field) +
           " member's raw bytes to PATH (\"-\": standard output, then nothing else is printed "
           "there) instead of printing it in base64. A new file gets mode 0600.";
  }
  help += option.help;
  if (option.positional) help += " May also be given without the option name, after the command.";
  if (option.type == OptionType::kEnum) {
    help += help.empty() || help.back() == ' ' ? "One of: " : " One of: ";
    for (size_t i = 0; i < option.choices.size(); ++i) {
      help += (i == 0 ? "" : ", ") + std::string(option.choices[i]);
    }
    help += ".";
  }
  return help;
}

// Explanations of the value formats `command` uses.
std::string Formats(const CommandSpec& command) {
  std::set<OptionType> used;
  for (const OptionSpec& o : command.options) used.insert(o.type);
  std::string out;
  if (used.contains(OptionType::kBlob)) {
    out += Row("<blob>",
               "fileb://PATH: the bytes of PATH; fileb://- or -: standard input; anything else is "
               "base64 text (or, with --cli-binary-format raw-in-base64-out, the text itself).");
  }
  if (used.contains(OptionType::kMap)) {
    out += Row("<k=v,...>",
               "Shorthand key=value,key2=value2 (quote a value holding , or =: k=\"a,b\"), or "
               "JSON: '{\"key\":\"value\"}'.");
  }
  if (used.contains(OptionType::kTags)) {
    out += Row("<TagKey=k,TagValue=v>",
               "One shorthand value per tag, or one JSON array: "
               "'[{\"TagKey\":\"k\",\"TagValue\":\"v\"}]'.");
  }
  if (used.contains(OptionType::kStringList)) {
    out += Row("<value> [<value> ...]",
               "Values up to the next --option; a value starting with [ is a JSON array of "
               "values: '[\"a\",\"b\"]'.");
  }
  if (used.contains(OptionType::kTime)) {
    out += Row("<time>",
               "ISO 8601 (2024-05-01T12:00:00Z, 2024-05-01T14:00:00+02:00, 2024-05-01), epoch "
               "seconds, or a time ago: 30s, 10m, 2h, 7d, 1w.");
  }
  out += Row("file://PATH", "Any text value may be read from a file instead.");
  return out;
}

}  // namespace

std::string WrapText(std::string_view text, size_t first_column, size_t indent) {
  return Wrap(text, first_column, indent);
}

std::string GlobalHelp() {
  std::string out =
      "usage: kmsctl [global options] <command> [options]\n"
      "       kmsctl <command> --help\n\n" +
      Wrap(
          "AWS KMS (or a local kms-emulator) from the command line, through the kms C++ SDK. "
          "Commands and options are those of `aws kms`; output is the aws CLI's JSON or text.",
          0, 0) +
      "\n";
  std::string_view group;
  for (const CommandSpec* command : AllCommands()) {
    if (command->group != group) {
      group = command->group;
      out += "\n" + std::string(group) + ":\n";
    }
    out += Row(command->name, command->summary);
  }
  out += "\nGlobal options (allowed anywhere on the line):\n";
  for (const GlobalOptionSpec& g : GlobalOptionSpecs()) {
    std::string name(g.name);
    if (!g.value_name.empty()) name += " " + std::string(g.value_name);
    out += Row(name, g.help);
  }
  out += Row("--help, -h, help", "This help; after a command, the command's options.");
  out += Row("--version", "Print the version.");
  out += "\n" +
         Wrap(
             "Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, else the "
             "profile's aws_access_key_id / aws_secret_access_key (with --profile, only the "
             "profile's, as the aws CLI). Other variables: "
             "AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION, "
             "AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, AWS_CA_BUNDLE, "
             "AWS_MAX_ATTEMPTS, AWS_DEFAULT_OUTPUT.",
             0, 0) +
         "\n\n" +
         Wrap(
             "Exit status: 0 success; 2 usage error (bad command line, unreadable file:// or "
             "fileb:// file); 254 the service answered with an error, printed on stderr as "
             "\"An error occurred (<Code>) when calling the <Operation> operation: <message>\"; "
             "255 any other failure (configuration, connection, writing an --outfile).",
             0, 0) +
         "\n";
  return out;
}

std::string CommandHelp(const CommandSpec& command) {
  std::string usage = "usage: kmsctl [global options] " + std::string(command.name);
  for (const OptionSpec& o : command.options) {
    usage += o.required ? " " + Synopsis(o) : " [" + Synopsis(o) + "]";
  }
  std::string calls = command.calls.empty()
                          ? "Calls the AWS KMS " + std::string(command.operation) + " operation."
                          : std::string(command.calls);
  std::string out = Wrap(usage, 0, 8) + "\n\n" + Wrap(command.summary, 0, 0) + "\n" +
                    Wrap(calls, 0, 0) + "\n\nOptions:\n";
  for (const OptionSpec& o : command.options) out += Row(Synopsis(o), OptionHelp(o));
  out += "\nOutput: " + Wrap(command.details, 8, 0) + "\n";
  out += "\nValue formats:\n" + Formats(command);
  out += "\nExample:\n  kmsctl " + std::string(command.example) + "\n";
  out += "\nGlobal options (--endpoint-url, --region, --profile, --output, ...): kmsctl --help\n";
  return out;
}

}  // namespace kms::cli
