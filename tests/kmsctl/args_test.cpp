// kmsctl command-line parsing: global options, command lookup, option forms, usage errors.
#include "args.hpp"

#include <doctest/doctest.h>

#include <client/temp_dir.hpp>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace kms::cli {
namespace {

Result<Invocation> Parse(std::vector<std::string_view> argv, const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  return ParseCommandLine(argv, in);
}

std::string ErrorOf(std::vector<std::string_view> argv) {
  auto parsed = Parse(std::move(argv));
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().code == ErrorCode::kValidation);
  return parsed.error().message;
}

std::string Bytes(const internal::SecretBytes* b) {
  REQUIRE(b != nullptr);
  return std::string(b->span().begin(), b->span().end());
}

TEST_CASE("Global options are accepted before and after the command") {
  auto inv = Parse({"--region", "eu-west-1", "describe-key", "--key-id", "alias/a", "--output",
                    "text", "--endpoint-url", "http://127.0.0.1:4599", "--profile", "dev",
                    "--ca-bundle", "/tmp/ca.pem"});
  REQUIRE(inv.has_value());
  CHECK(inv->action == Action::kRun);
  REQUIRE(inv->command != nullptr);
  CHECK(inv->command->name == "describe-key");
  CHECK(inv->globals.region == "eu-west-1");
  CHECK(inv->globals.endpoint_url == "http://127.0.0.1:4599");
  CHECK(inv->globals.profile == "dev");
  CHECK(inv->globals.ca_bundle == "/tmp/ca.pem");
  CHECK(inv->globals.output == OutputFormat::kText);
  CHECK(inv->globals.verify_ssl);
  CHECK(inv->globals.paginate);
  CHECK(inv->args.String("--key-id") == "alias/a");
}

TEST_CASE("Options accept the --name=value form, and the value may contain '='") {
  auto inv =
      Parse({"--output=json", "update-key-description", "--key-id=k", "--description=a=b c"});
  REQUIRE(inv.has_value());
  CHECK(inv->globals.output == OutputFormat::kJson);
  CHECK(inv->args.Required("--key-id") == "k");
  CHECK(inv->args.Required("--description") == "a=b c");
}

TEST_CASE("Flag-type global options set their flags") {
  auto inv = Parse({"list-keys", "--no-verify-ssl", "--no-paginate"});
  REQUIRE(inv.has_value());
  CHECK_FALSE(inv->globals.verify_ssl);
  CHECK_FALSE(inv->globals.paginate);
}

TEST_CASE("--output accepts json and text only") {
  CHECK(ErrorOf({"list-keys", "--output", "table"}) ==
        "argument --output: invalid choice: 'table' (choose from 'json', 'text')");
}

TEST_CASE("--cli-binary-format selects how inline blobs are read") {
  auto raw = Parse({"--cli-binary-format", "raw-in-base64-out", "encrypt", "--key-id", "k",
                    "--plaintext", "hello"});
  REQUIRE(raw.has_value());
  CHECK(Bytes(raw->args.Blob("--plaintext")) == "hello");
  auto b64 = Parse({"encrypt", "--key-id", "k", "--plaintext", "aGVsbG8="});
  REQUIRE(b64.has_value());
  CHECK(Bytes(b64->args.Blob("--plaintext")) == "hello");
  CHECK(ErrorOf({"--cli-binary-format", "hex", "list-keys"}) ==
        "argument --cli-binary-format: invalid choice: 'hex' (choose from 'base64', "
        "'raw-in-base64-out')");
}

TEST_CASE("An inline blob that is not base64 is refused with a hint") {
  CHECK(ErrorOf({"encrypt", "--key-id", "k", "--plaintext", "hello"}) ==
        "argument --plaintext: Invalid base64: \"hello\" (give binary input as fileb://PATH, or "
        "base64 text; --cli-binary-format raw-in-base64-out takes text as is)");
}

TEST_CASE("fileb:// reads raw bytes, and - or fileb://- reads standard input") {
  test::TempDir dir;
  std::string path = dir.Write("blob.bin", std::string("\x00\xff\x01 bytes", 9));
  std::string uri = "fileb://" + path;
  auto from_file = Parse({"decrypt", "--ciphertext-blob", uri});
  REQUIRE(from_file.has_value());
  CHECK(Bytes(from_file->args.Blob("--ciphertext-blob")) == std::string("\x00\xff\x01 bytes", 9));

  auto dash = Parse({"decrypt", "--ciphertext-blob", "-"}, std::string("in\0put", 6));
  REQUIRE(dash.has_value());
  CHECK(Bytes(dash->args.Blob("--ciphertext-blob")) == std::string("in\0put", 6));
  auto fileb_dash = Parse({"encrypt", "--key-id", "k", "--plaintext", "fileb://-"}, "piped");
  REQUIRE(fileb_dash.has_value());
  CHECK(Bytes(fileb_dash->args.Blob("--plaintext")) == "piped");
}

TEST_CASE("file:// and fileb:// expand a leading ~/ to $HOME, as the aws CLI does") {
  test::TempDir dir;
  dir.Write("blob.bin", std::string("\x01home", 5));
  dir.Write("policy.json", "{}");
  const char* old_home = std::getenv("HOME");
  std::string saved = old_home == nullptr ? "" : old_home;
  ::setenv("HOME", dir.path().c_str(), 1);
  auto blob = Parse({"decrypt", "--ciphertext-blob", "fileb://~/blob.bin"});
  auto text = Parse({"create-key", "--policy", "file://~/policy.json"});
  auto other_user = Parse({"decrypt", "--ciphertext-blob", "fileb://~nobody-here/blob.bin"});
  if (old_home == nullptr) {
    ::unsetenv("HOME");
  } else {
    ::setenv("HOME", saved.c_str(), 1);
  }
  REQUIRE(blob.has_value());
  CHECK(Bytes(blob->args.Blob("--ciphertext-blob")) == std::string("\x01home", 5));
  REQUIRE(text.has_value());
  CHECK(text->args.String("--policy") == "{}");
  REQUIRE_FALSE(other_user.has_value());  // ~user is not expanded
  CHECK(other_user.error().message ==
        "Error parsing parameter '--ciphertext-blob': Unable to load paramfile "
        "fileb://~nobody-here/blob.bin: No such file or directory");
}

TEST_CASE("A fileb:// file that cannot be read is reported as the aws CLI words it") {
  CHECK(ErrorOf({"encrypt", "--key-id", "k", "--plaintext", "fileb:///nonexistent/p.bin"}) ==
        "Error parsing parameter '--plaintext': Unable to load paramfile "
        "fileb:///nonexistent/p.bin: No such file or directory");
  test::TempDir dir;
  std::string uri = "fileb://" + dir.path().string();
  CHECK(ErrorOf({"encrypt", "--key-id", "k", "--plaintext", uri}) ==
        "Error parsing parameter '--plaintext': Unable to load paramfile " + uri +
            ": Is a directory");
}

TEST_CASE("file:// reads a text value from a file") {
  test::TempDir dir;
  std::string path = dir.Write("policy.json", "{\"Version\": \"2012-10-17\"}\n");
  auto inv = Parse({"create-key", "--policy", "file://" + path});
  REQUIRE(inv.has_value());
  CHECK(inv->args.String("--policy") == "{\"Version\": \"2012-10-17\"}\n");
  CHECK(ErrorOf({"create-key", "--description", "file:///nonexistent/d.txt"}) ==
        "Error parsing parameter '--description': Unable to load paramfile "
        "file:///nonexistent/d.txt: No such file or directory");
}

TEST_CASE("No command is a usage error") {
  CHECK(ErrorOf({}) == "the following arguments are required: command (kmsctl --help lists them)");
  CHECK(ErrorOf({"--region", "us-east-1"}) ==
        "the following arguments are required: command (kmsctl --help lists them)");
}

TEST_CASE("An unknown command is refused with the nearest command suggested") {
  CHECK(ErrorOf({"encrpyt"}) ==
        "argument command: Invalid choice: 'encrpyt'. Did you mean 'encrypt'? (kmsctl --help "
        "lists the commands)");
  CHECK(ErrorOf({"describe"}) ==
        "argument command: Invalid choice: 'describe'. Did you mean 'describe-key'? (kmsctl "
        "--help lists the commands)");
  CHECK(ErrorOf({"frobnicate"}) ==
        "argument command: Invalid choice: 'frobnicate' (kmsctl --help lists the commands)");
}

TEST_CASE("Unknown options and stray words are listed together") {
  CHECK(ErrorOf({"list-keys", "--foo", "--bar=1", "stray"}) ==
        "Unknown options: --foo, --bar, stray");
}

TEST_CASE("A command option before the command is refused") {
  CHECK(ErrorOf({"--key-id", "k", "describe-key"}) ==
        "unknown option --key-id before the command (command options come after the command "
        "name)");
}

TEST_CASE("Missing required options are all named") {
  CHECK(ErrorOf({"encrypt"}) == "the following arguments are required: --key-id, --plaintext");
  CHECK(ErrorOf({"create-alias", "--alias-name", "alias/a"}) ==
        "the following arguments are required: --target-key-id");
}

TEST_CASE("An option given twice is refused") {
  CHECK(ErrorOf({"describe-key", "--key-id", "a", "--key-id", "b"}) ==
        "argument --key-id: given more than once");
  CHECK(ErrorOf({"encrypt", "--dry-run", "--no-dry-run"}) ==
        "argument --dry-run: given more than once");
}

TEST_CASE("A single-valued option needs a value that is not another option") {
  CHECK(ErrorOf({"describe-key", "--key-id"}) == "argument --key-id: expected one argument");
  CHECK(ErrorOf({"describe-key", "--key-id", "--output", "text"}) ==
        "argument --key-id: expected one argument");
  CHECK(ErrorOf({"list-keys", "--endpoint-url"}) ==
        "argument --endpoint-url: expected one argument");
  auto dash_value = Parse({"update-key-description", "--key-id", "k", "--description", "-"});
  REQUIRE(dash_value.has_value());
  CHECK(dash_value->args.Required("--description") == "-");
}

TEST_CASE("A list option takes every value up to the next option") {
  auto inv = Parse({"describe-key", "--grant-tokens", "t1", "t2", "t3", "--key-id", "k"});
  REQUIRE(inv.has_value());
  CHECK(inv->args.List("--grant-tokens") == std::vector<std::string>{"t1", "t2", "t3"});
  CHECK(inv->args.Required("--key-id") == "k");
  auto tags = Parse(
      {"tag-resource", "--key-id", "k", "--tags", "TagKey=a,TagValue=1", "TagKey=b,TagValue=2"});
  REQUIRE(tags.has_value());
  auto list = tags->args.Tags("--tags");
  REQUIRE(list.size() == 2);
  CHECK(list[1].TagKey == "b");
  CHECK(list[1].TagValue == "2");
  CHECK(ErrorOf({"untag-resource", "--key-id", "k", "--tag-keys", "--output", "json"}) ==
        "argument --tag-keys: expected at least one argument");
}

TEST_CASE("Boolean options: --name sets true, --no-name sets false, no value allowed") {
  auto on = Parse({"encrypt", "--key-id", "k", "--plaintext", "eA==", "--dry-run"});
  REQUIRE(on.has_value());
  CHECK(on->args.Bool("--dry-run") == true);
  auto off = Parse({"create-key", "--no-multi-region"});
  REQUIRE(off.has_value());
  CHECK(off->args.Bool("--multi-region") == false);
  CHECK_FALSE(off->args.Bool("--bypass-policy-lockout-safety-check").has_value());
  CHECK(ErrorOf({"create-key", "--multi-region=yes"}) ==
        "argument --multi-region: ignored explicit argument 'yes'");
  CHECK(ErrorOf({"create-key", "--no-description"}) == "Unknown options: --no-description");
}

TEST_CASE("Integer options reject anything but a decimal int") {
  auto inv = Parse({"list-keys", "--limit", "25"});
  REQUIRE(inv.has_value());
  CHECK(inv->args.Int("--limit") == 25);
  CHECK(ErrorOf({"list-keys", "--limit", "ten"}) == "argument --limit: invalid int value: 'ten'");
  CHECK(ErrorOf({"list-keys", "--limit", "5x"}) == "argument --limit: invalid int value: '5x'");
  CHECK(ErrorOf({"list-keys", "--limit", "99999999999"}) ==
        "argument --limit: invalid int value: '99999999999'");
}

TEST_CASE("Enum options accept only the model's values") {
  auto inv = Parse({"generate-data-key", "--key-id", "k", "--key-spec", "AES_128"});
  REQUIRE(inv.has_value());
  CHECK(inv->args.Enum("--key-spec", ParseDataKeySpec) == DataKeySpec::kAes128);
  CHECK(ErrorOf({"generate-data-key", "--key-id", "k", "--key-spec", "AES_512"}) ==
        "argument --key-spec: invalid choice: 'AES_512' (choose from AES_128, AES_256)");
}

TEST_CASE("The encryption context takes shorthand or JSON") {
  auto shorthand = Parse({"encrypt", "--key-id", "k", "--plaintext", "eA==", "--encryption-context",
                          "purpose=test,team=db"});
  REQUIRE(shorthand.has_value());
  CHECK(shorthand->args.Map("--encryption-context") ==
        EncryptionContextMap{{"purpose", "test"}, {"team", "db"}});
  auto json = Parse({"decrypt", "--encryption-context", R"({"a":"b"})"});
  REQUIRE(json.has_value());
  CHECK(json->args.Map("--encryption-context") == EncryptionContextMap{{"a", "b"}});
  CHECK(ErrorOf({"decrypt", "--encryption-context", "novalue"}) ==
        "argument --encryption-context: expected 'key=value' in 'novalue'");
}

TEST_CASE("--outfile options take a path, - included") {
  auto inv = Parse({"generate-data-key", "--key-id", "k", "--outfile", "-", "--plaintext-outfile",
                    "/tmp/key.bin"});
  REQUIRE(inv.has_value());
  CHECK(inv->args.String("--outfile") == "-");
  CHECK(inv->args.String("--plaintext-outfile") == "/tmp/key.bin");
}

TEST_CASE("help, --help and -h ask for help without reading any value") {
  auto global = Parse({"--help"});
  REQUIRE(global.has_value());
  CHECK(global->action == Action::kHelp);
  CHECK(global->command == nullptr);
  auto word = Parse({"help"});
  REQUIRE(word.has_value());
  CHECK(word->action == Action::kHelp);
  CHECK(word->command == nullptr);
  for (std::string_view flag : {"--help", "-h", "help"}) {
    CAPTURE(flag);
    auto inv = Parse({"encrypt", "--plaintext", "fileb:///nonexistent/x", flag});
    REQUIRE(inv.has_value());
    CHECK(inv->action == Action::kHelp);
    REQUIRE(inv->command != nullptr);
    CHECK(inv->command->name == "encrypt");
  }
  auto help_first = Parse({"help", "decrypt"});
  REQUIRE(help_first.has_value());
  REQUIRE(help_first->command != nullptr);
  CHECK(help_first->command->name == "decrypt");
}

TEST_CASE("--version asks for the version") {
  auto inv = Parse({"--version"});
  REQUIRE(inv.has_value());
  CHECK(inv->action == Action::kVersion);
}

TEST_CASE("SuggestCommand finds near misses and prefixes, nothing for unrelated words") {
  CHECK(SuggestCommand("list-key") == "list-keys");
  CHECK(SuggestCommand("generate-datakey") == "generate-data-key");
  CHECK(SuggestCommand("enable") == "enable-key");
  CHECK(SuggestCommand("xyzzy").empty());
}

}  // namespace
}  // namespace kms::cli
