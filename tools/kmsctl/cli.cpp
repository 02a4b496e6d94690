// Runs one kmsctl invocation: parse, dispatch through the command table, write --outfile
// targets, render the output, report errors as the aws CLI words them.
#include "cli.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <kms/credentials.hpp>

#include "args.hpp"
#include "help.hpp"
#include "query.hpp"
#include "render.hpp"

#ifndef KMSCTL_VERSION
#define KMSCTL_VERSION "dev"
#endif

namespace kms::cli {
namespace {

// The command named on the line, for the usage hint after a parse error.
std::string_view CommandOnLine(std::span<const std::string_view> argv) {
  for (size_t i = 0; i < argv.size(); ++i) {
    if (i + 1 < argv.size()) {
      if (const CommandSpec* c = FindCommand(std::string(argv[i]) + " " + std::string(argv[i + 1])))
        return c->name;
    }
    if (const CommandSpec* c = FindCommand(argv[i])) return c->name;
  }
  return {};
}

int UsageError(const Error& error, std::span<const std::string_view> argv, std::ostream& err) {
  err << "kmsctl: error: " << error.message << "\n";
  std::string_view command = CommandOnLine(argv);
  if (command.empty()) {
    err << "Run 'kmsctl --help' for the commands and global options.\n";
  } else {
    err << "Run 'kmsctl " << command << " --help' for its options.\n";
  }
  return kExitUsage;
}

// A service answer (any HTTP status) exits 254 with the aws CLI's sentence; failures before or
// without an answer (configuration, connection) exit 255 with the SDK's message.
int ReportError(const Context& ctx, const Error& error, std::ostream& err) {
  if (error.http_status != 0) {
    std::string_view type = ctx.error_type.empty() ? TypeName(error.code) : ctx.error_type;
    err << "An error occurred (" << type << ") when calling the " << ctx.operation
        << " operation: " << error.message << "\n";
    return kExitService;
  }
  err << "kmsctl: " << error.message << "\n";
  return kExitOther;
}

// Writes `bytes` to `path`, creating it with mode 0600 (it may hold plaintext).
bool WriteFile(const std::string& path, std::span<const uint8_t> bytes, std::string& why) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    why = std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      why = std::strerror(errno);
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    why = std::strerror(errno);
    return false;
  }
  return true;
}

// The --outfile style targets the user gave; kValidation if two of them are "-".
Result<std::vector<OutfileTarget>> Targets(const CommandSpec& command, const Args& args) {
  std::vector<OutfileTarget> targets;
  int to_stdout = 0;
  for (const OptionSpec& option : command.options) {
    if (option.type != OptionType::kOutfile) continue;
    if (auto path = args.String(option.name)) {
      to_stdout += *path == "-";
      targets.push_back({std::string(option.field), *path});
    }
  }
  if (to_stdout > 1) {
    return MakeError(ErrorCode::kValidation, "only one output option can be - (standard output)");
  }
  return targets;
}

int Execute(const Invocation& inv, std::span<const std::string_view> argv, Io io) {
  const CommandSpec& command = *inv.command;
  auto targets = Targets(command, inv.args);
  if (!targets) return UsageError(targets.error(), argv, io.err);
  Context ctx(inv.globals, command.operation, io.out, io.err);
  Output output(std::move(*targets));
  Status status = command.handler(ctx, inv.args, output);
  if (!status && ctx.usage_error) return UsageError(status.error(), argv, io.err);
  if (!status) return ReportError(ctx, status.error(), io.err);
  for (const Output::FileWrite& file : output.Files()) {
    if (file.path == "-") {
      io.out.write(reinterpret_cast<const char*>(file.bytes.data()),
                   static_cast<std::streamsize>(file.bytes.size()));
      continue;
    }
    std::string why;
    if (!WriteFile(file.path, file.bytes.span(), why)) {
      io.err << "kmsctl: cannot write " << file.path << ": " << why << "\n";
      return kExitOther;
    }
  }
  if (!output.Text().empty()) {
    io.out << output.Text();
  } else if (!output.WritesStdout() && !output.Data().empty()) {
    boost::json::value queried;
    const boost::json::value* value = &output.Value();
    if (inv.globals.query) {
      auto steps = ParseQuery(*inv.globals.query);  // checked when the option was read
      if (steps) queried = ApplyQuery(*value, *steps);
      value = &queried;
    }
    std::string text =
        inv.globals.output == OutputFormat::kText ? RenderText(*value) : RenderJson(*value);
    io.out << text;
    OPENSSL_cleanse(text.data(), text.size());  // may hold a base64 plaintext
  }
  io.out.flush();
  return kExitOk;
}

// Without --output, the aws CLI's default: AWS_DEFAULT_OUTPUT, else `output` of the profile in
// the config file, else json. Formats kmsctl lacks (table, yaml, yaml-stream) print json;
// anything else is refused as the aws CLI words it. --output's own default rules (inspect
// prints text) still see it as not given.
Status ApplyDefaultOutput(GlobalOptions& g) {
  if (g.output_given) return {};
  Environment env = ProcessEnvironment();
  std::optional<std::string> value = env("AWS_DEFAULT_OUTPUT");
  if (!value || value->empty()) {
    auto profile = LoadSharedProfile(env, g.profile.value_or(""));
    if (profile) value = profile->ConfigValue("output");  // a bad file is reported later
  }
  if (!value || value->empty()) return {};
  if (*value == "text") {
    g.output = OutputFormat::kText;
  } else if (*value != "json" && *value != "table" && *value != "yaml" && *value != "yaml-stream") {
    return MakeError(ErrorCode::kValidation, "Unknown output type: " + *value);
  }
  return {};
}

}  // namespace

int Run(std::span<const std::string_view> argv, Io io) {
  auto inv = ParseCommandLine(argv, io.in);
  if (!inv) return UsageError(inv.error(), argv, io.err);
  if (inv->action == Action::kRun) {
    if (Status st = ApplyDefaultOutput(inv->globals); !st)
      return UsageError(st.error(), argv, io.err);
  }
  switch (inv->action) {
    case Action::kVersion:
      io.out << "kmsctl " << KMSCTL_VERSION << "\n";
      return kExitOk;
    case Action::kHelp:
      io.out << (inv->command ? CommandHelp(*inv->command) : GlobalHelp());
      return kExitOk;
    case Action::kRun:
      break;
  }
  return Execute(*inv, argv, io);
}

}  // namespace kms::cli
