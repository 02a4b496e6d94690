// Tests for kms-emulator's flags and KMS_* environment variables.
#include "config.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

namespace {

using kms::ErrorCode;
using kms::emulator::Config;
using kms::emulator::ParseConfig;

// A fake environment.
struct Env {
  std::map<std::string, std::string> vars;
  std::function<const char*(const char*)> Getter() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

Config Parse(const std::vector<std::string>& args, const Env& env = {}) {
  auto config = ParseConfig(args, env.Getter());
  REQUIRE_MESSAGE(config.has_value(), (config ? "" : config.error().message));
  return *config;
}

// The message of a parse that must fail with ValidationException.
std::string Failure(const std::vector<std::string>& args, const Env& env = {}) {
  auto config = ParseConfig(args, env.Getter());
  REQUIRE_FALSE(config.has_value());
  CHECK(config.error().code == ErrorCode::kValidation);
  return config.error().message;
}

}  // namespace

TEST_CASE("ParseConfig without flags or environment gives DESIGN.md's defaults") {
  Config c = Parse({});
  CHECK(c.host == "127.0.0.1");
  CHECK(c.port == 4599);
  CHECK(c.db == "kms.db");
  CHECK(c.region == "us-east-1");
  CHECK(c.account_id == "111122223333");
  CHECK(c.auth == "none");
  CHECK(c.credentials.empty());
  CHECK(c.seed.empty());
  CHECK(c.tls_cert.empty());
  CHECK(c.tls_key.empty());
  CHECK(c.audit_log.empty());
  CHECK(c.threads == 0);
  CHECK_FALSE(c.help);
}

TEST_CASE("ParseConfig reads every flag written as --name value") {
  Config c = Parse(
      {"--host",        "0.0.0.0",   "--port",       "8080",         "--db",       "/tmp/x.db",
       "--region",      "eu-west-2", "--account-id", "444455556666", "--auth",     "sigv4",
       "--credentials", "creds.ini", "--seed",       "seed.json",    "--tls-cert", "c.pem",
       "--tls-key",     "k.pem",     "--audit-log",  "audit.jsonl",  "--threads",  "4"});
  CHECK(c.host == "0.0.0.0");
  CHECK(c.port == 8080);
  CHECK(c.db == "/tmp/x.db");
  CHECK(c.region == "eu-west-2");
  CHECK(c.account_id == "444455556666");
  CHECK(c.auth == "sigv4");
  CHECK(c.credentials == "creds.ini");
  CHECK(c.seed == "seed.json");
  CHECK(c.tls_cert == "c.pem");
  CHECK(c.tls_key == "k.pem");
  CHECK(c.audit_log == "audit.jsonl");
  CHECK(c.threads == 4);
}

TEST_CASE("ParseConfig reads every flag written as --name=value") {
  Config c = Parse({"--host=::1", "--port=0", "--db=:memory:", "--region=us-gov-west-1",
                    "--account-id=000000000000", "--auth=none", "--credentials=a", "--seed=b",
                    "--tls-cert=c", "--tls-key=d", "--audit-log=e", "--threads=256"});
  CHECK(c.host == "::1");
  CHECK(c.port == 0);
  CHECK(c.db == ":memory:");
  CHECK(c.region == "us-gov-west-1");
  CHECK(c.account_id == "000000000000");
  CHECK(c.auth == "none");
  CHECK(c.credentials == "a");
  CHECK(c.seed == "b");
  CHECK(c.tls_cert == "c");
  CHECK(c.tls_key == "d");
  CHECK(c.audit_log == "e");
  CHECK(c.threads == 256);
}

TEST_CASE("ParseConfig keeps an '=' inside a --name=value value") {
  CHECK(Parse({"--db=a=b.db"}).db == "a=b.db");
}

TEST_CASE("ParseConfig reads every flag from its KMS_ environment variable") {
  Env env{{{"KMS_HOST", "10.0.0.1"},
           {"KMS_PORT", "9000"},
           {"KMS_DB", "env.db"},
           {"KMS_REGION", "ap-south-1"},
           {"KMS_ACCOUNT_ID", "999988887777"},
           {"KMS_AUTH", "sigv4"},
           {"KMS_CREDENTIALS", "env-creds"},
           {"KMS_SEED", "env-seed"},
           {"KMS_TLS_CERT", "env-cert"},
           {"KMS_TLS_KEY", "env-key"},
           {"KMS_AUDIT_LOG", "env-audit"},
           {"KMS_THREADS", "3"}}};
  Config c = Parse({}, env);
  CHECK(c.host == "10.0.0.1");
  CHECK(c.port == 9000);
  CHECK(c.db == "env.db");
  CHECK(c.region == "ap-south-1");
  CHECK(c.account_id == "999988887777");
  CHECK(c.auth == "sigv4");
  CHECK(c.credentials == "env-creds");
  CHECK(c.seed == "env-seed");
  CHECK(c.tls_cert == "env-cert");
  CHECK(c.tls_key == "env-key");
  CHECK(c.audit_log == "env-audit");
  CHECK(c.threads == 3);
}

TEST_CASE("A flag wins over its environment variable, even an invalid one") {
  Env env{{{"KMS_PORT", "9000"}, {"KMS_REGION", "not a region"}, {"KMS_DB", "env.db"}}};
  Config c = Parse({"--port", "1234", "--region=eu-central-1"}, env);
  CHECK(c.port == 1234);
  CHECK(c.region == "eu-central-1");
  CHECK(c.db == "env.db");  // not given as a flag: the environment supplies it
}

TEST_CASE("An empty environment variable counts as unset") {
  Env env{{{"KMS_PORT", ""}, {"KMS_DB", ""}}};
  Config c = Parse({}, env);
  CHECK(c.port == 4599);
  CHECK(c.db == "kms.db");
}

TEST_CASE("The last repetition of a flag wins") {
  CHECK(Parse({"--port", "1", "--port=2"}).port == 2);
}

TEST_CASE("--help and -h set help") {
  CHECK(Parse({"--help"}).help);
  CHECK(Parse({"-h", "--port", "5"}).help);
}

TEST_CASE("Usage names every flag and its environment variable") {
  std::string usage = kms::emulator::Usage();
  CHECK(usage.starts_with("Usage: kms-emulator"));
  for (const char* name :
       {"--host",      "--port",        "--db",           "--region",      "--account-id",
        "--auth",      "--credentials", "--seed",         "--tls-cert",    "--tls-key",
        "--audit-log", "--threads",     "--help",         "KMS_HOST",      "KMS_PORT",
        "KMS_DB",      "KMS_REGION",    "KMS_ACCOUNT_ID", "KMS_AUTH",      "KMS_CREDENTIALS",
        "KMS_SEED",    "KMS_TLS_CERT",  "KMS_TLS_KEY",    "KMS_AUDIT_LOG", "KMS_THREADS"}) {
    CHECK_MESSAGE(usage.find(name) != std::string::npos, name);
  }
}

TEST_CASE("ParseConfig rejects unknown flags, stray arguments and missing values") {
  CHECK(Failure({"--prot", "1"}) == "unknown flag --prot");
  CHECK(Failure({"--prot=1"}) == "unknown flag --prot");
  CHECK(Failure({"serve"}) == "unexpected argument 'serve'");
  CHECK(Failure({"-p", "1"}) == "unexpected argument '-p'");
  CHECK(Failure({"--port"}) == "missing value for --port");
  CHECK(Failure({"--help=yes"}) == "--help takes no value");
}

TEST_CASE("ParseConfig rejects a bad --port and names flag and value") {
  const std::string kRule = "must be a number from 0 to 65535";
  CHECK(Failure({"--port", "65536"}) == "--port: invalid value '65536': " + kRule);
  CHECK(Failure({"--port", "abc"}) == "--port: invalid value 'abc': " + kRule);
  CHECK(Failure({"--port", "-1"}) == "--port: invalid value '-1': " + kRule);
  CHECK(Failure({"--port", "+1"}) == "--port: invalid value '+1': " + kRule);
  CHECK(Failure({"--port", "80 "}) == "--port: invalid value '80 ': " + kRule);
  CHECK(Failure({"--port", "99999999999"}) == "--port: invalid value '99999999999': " + kRule);
  CHECK(Failure({"--port="}) == "--port: invalid value '': " + kRule);
  CHECK(Parse({"--port", "65535"}).port == 65535);
}

TEST_CASE("ParseConfig rejects a bad --account-id") {
  const std::string kRule = "must be 12 digits";
  CHECK(Failure({"--account-id", "12345678901"}) ==
        "--account-id: invalid value '12345678901': " + kRule);
  CHECK(Failure({"--account-id", "1234567890123"}) ==
        "--account-id: invalid value '1234567890123': " + kRule);
  CHECK(Failure({"--account-id", "12345678901a"}) ==
        "--account-id: invalid value '12345678901a': " + kRule);
}

TEST_CASE("ParseConfig rejects a --region outside the model's pattern") {
  const std::string kRule = "must be a region name such as us-east-1";
  for (const char* bad : {"useast1", "us-east", "us-east-", "US-EAST-1", "us--1", "-us-east-1",
                          "a-b-c-d-1", "us-east-1a", "us_east_1", ""}) {
    CHECK(Failure({std::string("--region=") + bad}) ==
          std::string("--region: invalid value '") + bad + "': " + kRule);
  }
  for (const char* good : {"us-east-1", "us-gov-west-1", "cn-north-1", "eu-central-12"}) {
    CHECK(Parse({"--region", good}).region == good);
  }
}

TEST_CASE("IsValidRegion follows ^([a-z]+-){2,3}\\d+$") {
  CHECK(kms::emulator::IsValidRegion("ap-southeast-2"));
  CHECK(kms::emulator::IsValidRegion("a-b-c-0"));
  CHECK_FALSE(kms::emulator::IsValidRegion("a-b-c-d-0"));
  CHECK_FALSE(kms::emulator::IsValidRegion("a-0"));
  CHECK_FALSE(kms::emulator::IsValidRegion("us-east-1:x"));
}

TEST_CASE("ParseConfig rejects a bad --auth") {
  CHECK(Failure({"--auth", "iam"}) == "--auth: invalid value 'iam': must be none or sigv4");
  CHECK(Failure({"--auth", "NONE"}) == "--auth: invalid value 'NONE': must be none or sigv4");
}

TEST_CASE("ParseConfig rejects a bad --threads") {
  const std::string kRule = "must be a number from 0 to 256 (0: one per core)";
  CHECK(Failure({"--threads", "257"}) == "--threads: invalid value '257': " + kRule);
  CHECK(Failure({"--threads", "two"}) == "--threads: invalid value 'two': " + kRule);
}

TEST_CASE("ParseConfig rejects empty paths and hosts") {
  for (const char* flag :
       {"host", "db", "credentials", "seed", "tls-cert", "tls-key", "audit-log"}) {
    CHECK(Failure({std::string("--") + flag + "="}) ==
          std::string("--") + flag + ": invalid value '': must not be empty");
  }
}

TEST_CASE("A bad environment value names the variable and its flag") {
  CHECK(Failure({}, Env{{{"KMS_PORT", "http"}}}) ==
        "KMS_PORT (--port): invalid value 'http': must be a number from 0 to 65535");
  CHECK(Failure({}, Env{{{"KMS_ACCOUNT_ID", "1"}}}) ==
        "KMS_ACCOUNT_ID (--account-id): invalid value '1': must be 12 digits");
  CHECK(Failure({}, Env{{{"KMS_REGION", "mars"}}}) ==
        "KMS_REGION (--region): invalid value 'mars': must be a region name such as us-east-1");
  CHECK(Failure({}, Env{{{"KMS_AUTH", "x"}}}) ==
        "KMS_AUTH (--auth): invalid value 'x': must be none or sigv4");
  CHECK(Failure({}, Env{{{"KMS_THREADS", "1000"}}}) ==
        "KMS_THREADS (--threads): invalid value '1000': must be a number from 0 to 256 (0: one "
        "per core)");
}

TEST_CASE("CheckFlagCombinations wants --credentials with --auth sigv4 and TLS files in pairs") {
  using kms::emulator::CheckFlagCombinations;
  auto failure = [](const std::vector<std::string>& args) {
    auto status = CheckFlagCombinations(Parse(args));
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().code == ErrorCode::kValidation);
    return status.error().message;
  };
  CHECK(failure({"--auth", "sigv4"}) ==
        "--auth sigv4 needs --credentials FILE (the callers allowed to sign requests)");
  CHECK(failure({"--tls-cert", "c.pem"}) == "--tls-cert needs --tls-key (the private key)");
  CHECK(failure({"--tls-key", "k.pem"}) == "--tls-key needs --tls-cert (the certificate chain)");
  CHECK(CheckFlagCombinations(Parse({})).has_value());
  CHECK(CheckFlagCombinations(Parse({"--auth", "sigv4", "--credentials", "c.ini"})).has_value());
  CHECK(CheckFlagCombinations(Parse({"--credentials", "c.ini"})).has_value());  // auth none
  CHECK(CheckFlagCombinations(Parse({"--tls-cert", "c.pem", "--tls-key", "k.pem"})).has_value());
  Env env{{{"KMS_AUTH", "sigv4"}, {"KMS_CREDENTIALS", "env.ini"}}};
  CHECK(CheckFlagCombinations(Parse({}, env)).has_value());
}
