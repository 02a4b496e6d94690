// Command-line and KMS_* environment parsing for kms-emulator: one table of flags, each with its
// environment variable and validator, so every flag gets the same `--name value`,
// `--name=value` and env-fallback treatment.
#include "config.hpp"

#include <charconv>
#include <string_view>

namespace kms::emulator {
namespace {

using Validator = Status (*)(std::string_view value, Config& config);

struct Flag {
  std::string_view name;  // without the leading "--"
  std::string_view env;   // KMS_<NAME>
  Validator apply;
};

// Where a value came from, so a message names what the user actually typed.
std::string Source(const Flag& flag, bool from_env) {
  std::string out;
  if (from_env) out.append(flag.env).append(" (");
  out.append("--").append(flag.name);
  if (from_env) out.append(")");
  return out;
}

Error Invalid(std::string_view value, std::string_view requirement) {
  std::string msg("invalid value '");
  msg.append(value).append("': ").append(requirement);
  return MakeError(ErrorCode::kValidation, std::move(msg));
}

// A decimal integer in [min, max], digits only (no sign, space or hex).
std::optional<unsigned long> ParseUnsigned(std::string_view v, unsigned long max) {
  if (v.empty() || v.size() > 10) return std::nullopt;
  unsigned long out = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size() || out > max) return std::nullopt;
  return out;
}

Status NonEmpty(std::string_view v, std::string& out) {
  if (v.empty()) return Invalid(v, "must not be empty");
  out = std::string(v);
  return {};
}

Status ApplyHost(std::string_view v, Config& c) { return NonEmpty(v, c.host); }
Status ApplyDb(std::string_view v, Config& c) { return NonEmpty(v, c.db); }
Status ApplyCredentials(std::string_view v, Config& c) { return NonEmpty(v, c.credentials); }
Status ApplySeed(std::string_view v, Config& c) { return NonEmpty(v, c.seed); }
Status ApplyTlsCert(std::string_view v, Config& c) { return NonEmpty(v, c.tls_cert); }
Status ApplyTlsKey(std::string_view v, Config& c) { return NonEmpty(v, c.tls_key); }
Status ApplyAuditLog(std::string_view v, Config& c) { return NonEmpty(v, c.audit_log); }

Status ApplyAudit(std::string_view v, Config& c) {
  if (v != "on" && v != "off") return Invalid(v, "must be on or off");
  c.audit = v == "on";
  return {};
}

Status ApplyAuditRetentionDays(std::string_view v, Config& c) {
  auto days = ParseUnsigned(v, 36'500);
  if (!days) return Invalid(v, "must be a number of days from 0 to 36500 (0: keep events)");
  c.audit_retention_days = static_cast<int64_t>(*days);
  return {};
}

Status ApplyAuditMaxEvents(std::string_view v, Config& c) {
  auto events = ParseUnsigned(v, 1'000'000'000);
  if (!events) return Invalid(v, "must be a number from 0 to 1000000000 (0: no limit)");
  c.audit_max_events = static_cast<int64_t>(*events);
  return {};
}

Status ApplyAdmin(std::string_view v, Config& c) {
  if (v != "auto" && v != "on" && v != "off") return Invalid(v, "must be auto, on or off");
  c.admin = std::string(v);
  return {};
}

Status ApplyPort(std::string_view v, Config& c) {
  auto port = ParseUnsigned(v, 65535);
  if (!port) return Invalid(v, "must be a number from 0 to 65535");
  c.port = static_cast<uint16_t>(*port);
  return {};
}

Status ApplyThreads(std::string_view v, Config& c) {
  auto threads = ParseUnsigned(v, 256);
  if (!threads) return Invalid(v, "must be a number from 0 to 256 (0: one per core)");
  c.threads = static_cast<unsigned>(*threads);
  return {};
}

Status ApplyRegion(std::string_view v, Config& c) {
  if (!IsValidRegion(v)) return Invalid(v, "must be a region name such as us-east-1");
  c.region = std::string(v);
  return {};
}

Status ApplyAccountId(std::string_view v, Config& c) {
  bool digits = v.size() == 12;
  for (char ch : v) digits = digits && ch >= '0' && ch <= '9';
  if (!digits) return Invalid(v, "must be 12 digits");
  c.account_id = std::string(v);
  return {};
}

Status ApplyAuth(std::string_view v, Config& c) {
  if (v != "none" && v != "sigv4") return Invalid(v, "must be none or sigv4");
  c.auth = std::string(v);
  return {};
}

constexpr Flag kFlags[] = {
    {"host", "KMS_HOST", ApplyHost},
    {"port", "KMS_PORT", ApplyPort},
    {"db", "KMS_DB", ApplyDb},
    {"region", "KMS_REGION", ApplyRegion},
    {"account-id", "KMS_ACCOUNT_ID", ApplyAccountId},
    {"auth", "KMS_AUTH", ApplyAuth},
    {"credentials", "KMS_CREDENTIALS", ApplyCredentials},
    {"seed", "KMS_SEED", ApplySeed},
    {"tls-cert", "KMS_TLS_CERT", ApplyTlsCert},
    {"tls-key", "KMS_TLS_KEY", ApplyTlsKey},
    {"audit-log", "KMS_AUDIT_LOG", ApplyAuditLog},
    {"audit", "KMS_AUDIT", ApplyAudit},
    {"audit-retention-days", "KMS_AUDIT_RETENTION_DAYS", ApplyAuditRetentionDays},
    {"audit-max-events", "KMS_AUDIT_MAX_EVENTS", ApplyAuditMaxEvents},
    {"threads", "KMS_THREADS", ApplyThreads},
    {"admin", "KMS_ADMIN", ApplyAdmin},
};
constexpr size_t kFlagCount = std::size(kFlags);

const Flag* FindFlag(std::string_view name) {
  for (const Flag& flag : kFlags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

Status Apply(const Flag& flag, std::string_view value, bool from_env, Config& config) {
  Status applied = flag.apply(value, config);
  if (applied) return {};
  std::string msg = Source(flag, from_env);
  msg.append(": ").append(applied.error().message);
  return MakeError(ErrorCode::kValidation, std::move(msg));
}

Error Usage(std::string msg) { return MakeError(ErrorCode::kValidation, std::move(msg)); }

// Reads the command line into (flag, value) pairs; a later repetition of a flag wins.
Result<std::vector<std::pair<const Flag*, std::string>>> ParseArgs(
    const std::vector<std::string>& args, bool& help) {
  std::vector<std::pair<const Flag*, std::string>> out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      continue;
    }
    if (arg.substr(0, 2) != "--") return Usage("unexpected argument '" + args[i] + "'");
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> value;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "help") return Usage("--help takes no value");
    const Flag* flag = FindFlag(name);
    if (flag == nullptr) return Usage("unknown flag --" + std::string(name));
    if (!value) {
      if (i + 1 >= args.size()) return Usage("missing value for --" + std::string(name));
      value = args[++i];
    }
    out.emplace_back(flag, std::string(*value));
  }
  return out;
}

}  // namespace

bool IsValidRegion(std::string_view v) {
  // ^([a-z]+-){2,3}\d+$ (the model's Region pattern), without std::regex.
  int labels = 0;
  while (true) {
    size_t dash = v.find('-');
    if (dash == std::string_view::npos) break;
    std::string_view label = v.substr(0, dash);
    if (label.empty()) return false;
    for (char c : label) {
      if (c < 'a' || c > 'z') return false;
    }
    ++labels;
    v.remove_prefix(dash + 1);
  }
  if (labels < 2 || labels > 3 || v.empty()) return false;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<Config> ParseConfig(const std::vector<std::string>& args,
                           const std::function<const char*(const char*)>& getenv) {
  Config config;
  auto given = ParseArgs(args, config.help);
  if (!given) return given.error();
  bool on_command_line[kFlagCount] = {};
  for (const auto& [flag, value] : *given) on_command_line[flag - kFlags] = true;
  // Environment first, so the command line (applied after) wins.
  for (size_t i = 0; i < kFlagCount; ++i) {
    if (on_command_line[i] || !getenv) continue;
    const char* env = getenv(std::string(kFlags[i].env).c_str());
    if (env == nullptr || *env == '\0') continue;  // an empty variable counts as unset
    if (Status s = Apply(kFlags[i], env, true, config); !s) return s.error();
  }
  for (const auto& [flag, value] : *given) {
    if (Status s = Apply(*flag, value, false, config); !s) return s.error();
  }
  return config;
}

bool AdminEnabled(const Config& config) {
  if (config.admin != "auto") return config.admin == "on";
  std::string_view host = config.host;
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

Status CheckFlagCombinations(const Config& config) {
  if (config.auth == "sigv4" && config.credentials.empty()) {
    return Usage("--auth sigv4 needs --credentials FILE (the callers allowed to sign requests)");
  }
  if (!config.audit && !config.audit_log.empty()) {
    return Usage("--audit-log needs --audit on (the trail it is a copy of)");
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return Usage(config.tls_cert.empty() ? "--tls-key needs --tls-cert (the certificate chain)"
                                         : "--tls-cert needs --tls-key (the private key)");
  }
  return {};
}

std::string Usage() {
  return R"(Usage: kms-emulator [flags]

A local AWS KMS emulator speaking the AWS JSON 1.1 protocol.

Flags (each also read from the environment variable shown; the flag wins):
  --host HOST          bind address (KMS_HOST, default 127.0.0.1)
  --port PORT          TCP port, 0 picks a free one (KMS_PORT, default 4599)
  --db PATH            SQLite database, created 0600; :memory: keeps nothing
                       (KMS_DB, default kms.db)
  --region REGION      region for requests without a SigV4 credential scope
                       (KMS_REGION, default us-east-1)
  --account-id ID      12-digit account of callers (KMS_ACCOUNT_ID, default 111122223333)
  --auth none|sigv4    none: Authorization parsed, not verified; sigv4: every request must
                       be signed by a caller of --credentials (KMS_AUTH, default none)
  --credentials FILE   callers: an AWS shared credentials file, one [user-name] section each
                       with aws_access_key_id, aws_secret_access_key and optional
                       aws_account_id (default --account-id) and aws_session_token; with
                       --auth none a known access key still selects its account
                       (KMS_CREDENTIALS)
  --seed FILE          keys and aliases to create at start-up: .json (our format) or
                       .yaml/.yml (local-kms's format); see README "Seeding" (KMS_SEED)
  --tls-cert FILE      serve HTTPS with this certificate chain (KMS_TLS_CERT)
  --tls-key FILE       and this private key (KMS_TLS_KEY)
  --audit-log FILE     also append CloudTrail-format events as JSON lines, file created 0600
                       (KMS_AUDIT_LOG)
  --audit on|off       record every call as a CloudTrail event in the database, queryable
                       with CloudTrail LookupEvents on the same port (KMS_AUDIT, default on)
  --audit-retention-days N
                       delete events older than N days, 0 keeps them
                       (KMS_AUDIT_RETENTION_DAYS, default 90)
  --audit-max-events N keep only the newest N events, 0 for no limit
                       (KMS_AUDIT_MAX_EVENTS, default 100000)
  --threads N          I/O threads, 0 = one per core (KMS_THREADS, default 0)
  --admin auto|on|off  the /_emulator admin endpoint (clock, seed export, reset); auto: on
                       when --host is a loopback address (KMS_ADMIN, default auto)
  --help               print this text

Flags are written `--name value` or `--name=value`. On start the emulator prints one line,
`kms-emulator listening on http://HOST:PORT` (https with --tls-cert), to stdout; logs go to
stderr. tools/make-dev-cert.sh makes a local CA and a certificate for localhost. SIGINT or SIGTERM
finishes in-flight requests and exits 0.
)";
}

}  // namespace kms::emulator
