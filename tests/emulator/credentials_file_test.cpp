// Tests for the --credentials file: callers, accounts, tokens, and every rejection with its
// message.
#include "server/credentials_file.hpp"

#include <doctest/doctest.h>

#include <string>

#include "client/temp_dir.hpp"

namespace {

using kms::ErrorCode;
using kms::emulator::Caller;
using kms::emulator::CallerDirectory;

constexpr const char* kDefaultAccount = "111122223333";

std::string AsString(const kms::internal::SecretBytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

CallerDirectory Parse(const std::string& text) {
  auto directory = CallerDirectory::Parse(text, "creds.ini", kDefaultAccount);
  REQUIRE_MESSAGE(directory.has_value(), (directory ? "" : directory.error().message));
  return std::move(*directory);
}

// The message of a parse that must fail with kValidation.
std::string Failure(const std::string& text) {
  auto directory = CallerDirectory::Parse(text, "creds.ini", kDefaultAccount);
  REQUIRE_FALSE(directory.has_value());
  CHECK(directory.error().code == ErrorCode::kValidation);
  return directory.error().message;
}

}  // namespace

TEST_CASE("Each section of a credentials file is one caller named after the section") {
  CallerDirectory d = Parse(
      "# callers of the emulator\n"
      "[alice]\n"
      "aws_access_key_id = AKIAALICE\n"
      "aws_secret_access_key = alice/secret+with=signs#and;marks\n"
      "\n"
      "; bob lives in another account and uses temporary credentials\n"
      "[bob]\n"
      "aws_access_key_id=ASIABOB\n"
      "aws_secret_access_key=bobsecret\n"
      "aws_account_id=222233334444\n"
      "aws_session_token=FwoGZXIvYXdzEBYaDH//token==\n");
  REQUIRE(d.size() == 2);
  const Caller* alice = d.Find("AKIAALICE");
  REQUIRE(alice != nullptr);
  CHECK(alice->user_name == "alice");
  CHECK(alice->access_key_id == "AKIAALICE");
  CHECK(AsString(alice->secret_access_key) == "alice/secret+with=signs#and;marks");
  CHECK(alice->account_id == kDefaultAccount);
  CHECK_FALSE(alice->session_token.has_value());
  CHECK(alice->PrincipalArn() == "arn:aws:iam::111122223333:user/alice");
  const Caller* bob = d.Find("ASIABOB");
  REQUIRE(bob != nullptr);
  CHECK(bob->user_name == "bob");
  CHECK(bob->account_id == "222233334444");
  REQUIRE(bob->session_token.has_value());
  CHECK(AsString(*bob->session_token) == "FwoGZXIvYXdzEBYaDH//token==");
  CHECK(bob->PrincipalArn() == "arn:aws:iam::222233334444:user/bob");
}

TEST_CASE("Lookups by access key id are exact and case-sensitive") {
  CallerDirectory d = Parse("[alice]\naws_access_key_id = AKIAALICE\naws_secret_access_key = s\n");
  CHECK(d.Find("AKIAALICE") != nullptr);
  CHECK(d.Find("akiaalice") == nullptr);
  CHECK(d.Find("AKIAALIC") == nullptr);
  CHECK(d.Find("AKIAALICEX") == nullptr);
  CHECK(d.Find("") == nullptr);
}

TEST_CASE("The parser accepts botocore's dialect: colons, key case, CRLF, spaces, extra keys") {
  CallerDirectory d = Parse(
      "  [ carol ]  \r\n"
      "AWS_ACCESS_KEY_ID: AKIACAROL\r\n"
      "  Aws_Secret_Access_Key   =   spaced secret  \r\n"
      "region = eu-west-1\r\n"
      "output = json\r\n"
      "aws_session_token =\r\n"
      "s3 =\r\n"
      "  max_concurrent_requests = 20\r\n"
      "  addressing_style = path\r\n"
      "[user.name+tag=x,y@example-1_2]\n"
      "aws_access_key_id = AKIAODD\n"
      "aws_secret_access_key = s\n");
  const Caller* carol = d.Find("AKIACAROL");
  REQUIRE(carol != nullptr);
  CHECK(carol->user_name == "carol");
  CHECK(AsString(carol->secret_access_key) == "spaced secret");
  CHECK_FALSE(carol->session_token.has_value());  // an empty token is no token
  const Caller* odd = d.Find("AKIAODD");
  REQUIRE(odd != nullptr);
  CHECK(odd->user_name == "user.name+tag=x,y@example-1_2");
}

TEST_CASE("A UTF-8 BOM is skipped and aws_security_token stands in for aws_session_token") {
  CallerDirectory d = Parse(
      "\xEF\xBB\xBF[legacy]\n"
      "aws_access_key_id = ASIALEGACY\n"
      "aws_secret_access_key = s\n"
      "aws_security_token = old-name-token\n"
      "[both]\n"
      "aws_access_key_id = ASIABOTH\n"
      "aws_secret_access_key = s\n"
      "aws_security_token = loses\n"
      "aws_session_token = wins\n");
  REQUIRE(d.Find("ASIALEGACY") != nullptr);
  CHECK(d.Find("ASIALEGACY")->user_name == "legacy");
  REQUIRE(d.Find("ASIALEGACY")->session_token.has_value());
  CHECK(AsString(*d.Find("ASIALEGACY")->session_token) == "old-name-token");
  CHECK(AsString(*d.Find("ASIABOTH")->session_token) == "wins");
}

TEST_CASE("A 64-character section name is a user name; 65 characters are not") {
  std::string name64(64, 'u');
  CallerDirectory d =
      Parse("[" + name64 + "]\naws_access_key_id = AK\naws_secret_access_key = s\n");
  CHECK(d.Find("AK")->user_name == name64);
  std::string name65(65, 'u');
  CHECK(Failure("[" + name65 + "]\n") ==
        "creds.ini:1: section name '" + name65 +
            "' is not an IAM user name (1-64 of A-Z a-z 0-9 + = , . @ _ -)");
}

TEST_CASE("Malformed lines are rejected with the file name and line number") {
  CHECK(Failure("[a]\naws_access_key_id = A\njust some words\n") ==
        "creds.ini:3: expected '[name]' or 'key = value'");
  CHECK(Failure("aws_access_key_id = A\n[a]\n") ==
        "creds.ini:1: setting 'aws_access_key_id' before any [section]");
  CHECK(Failure("\n[alice\n") == "creds.ini:2: section header lacks ']'");
  CHECK(Failure("[a]\n = value\n") == "creds.ini:2: setting without a key");
  CHECK(Failure("[profile alice]\n") ==
        "creds.ini:1: section name 'profile alice' is not an IAM user name (1-64 of A-Z a-z 0-9 "
        "+ = , . @ _ -)");
  CHECK(Failure("[]\n") ==
        "creds.ini:1: section name '' is not an IAM user name (1-64 of A-Z a-z 0-9 + = , . @ _ "
        "-)");
}

TEST_CASE("Repeated sections, keys and access key ids are rejected") {
  CHECK(Failure("[a]\naws_access_key_id = A\naws_secret_access_key = s\n[a]\n") ==
        "creds.ini:4: section [a] appears twice");
  CHECK(Failure("[a]\naws_access_key_id = A\nAWS_ACCESS_KEY_ID = B\n") ==
        "creds.ini:3: 'aws_access_key_id' appears twice in section [a]");
  CHECK(Failure("[a]\naws_access_key_id = SAME\naws_secret_access_key = s\n"
                "[b]\naws_access_key_id = SAME\naws_secret_access_key = t\n") ==
        "creds.ini:4: section [b] reuses the access key id of section [a]");
}

TEST_CASE("A caller needs a non-empty access key id and secret and a 12-digit account") {
  CHECK(Failure("[a]\naws_secret_access_key = s\n") ==
        "creds.ini:1: section [a] lacks aws_access_key_id");
  CHECK(Failure("[x]\n[a]\naws_access_key_id = A\n") ==
        "creds.ini:1: section [x] lacks aws_access_key_id");
  CHECK(Failure("\n[a]\naws_access_key_id = A\n") ==
        "creds.ini:2: section [a] lacks aws_secret_access_key");
  CHECK(Failure("[a]\naws_access_key_id = A\naws_secret_access_key =\n") ==
        "creds.ini:1: section [a] lacks aws_secret_access_key");
  CHECK(Failure("[a]\naws_access_key_id = A\naws_secret_access_key = s\n"
                "aws_account_id = 12345678901\n") ==
        "creds.ini:1: section [a]: aws_account_id '12345678901' is not 12 digits");
  CHECK(Failure("[a]\naws_access_key_id = A\naws_secret_access_key = s\n"
                "aws_account_id = 12345678901x\n") ==
        "creds.ini:1: section [a]: aws_account_id '12345678901x' is not 12 digits");
}

TEST_CASE("A file without sections defines no callers") {
  CHECK(Failure("") == "creds.ini: defines no callers");
  CHECK(Failure("# only a comment\n\n; and another\n") == "creds.ini: defines no callers");
}

TEST_CASE("Load reads a file and names it in messages; an unreadable path says why") {
  kms::test::TempDir dir;
  std::string good =
      dir.Write("credentials", "[alice]\naws_access_key_id = AK\naws_secret_access_key = s\n");
  auto loaded = CallerDirectory::Load(good, "444455556666");
  REQUIRE(loaded.has_value());
  CHECK(loaded->Find("AK")->account_id == "444455556666");

  std::string bad = dir.Write("bad", "[alice]\nnonsense\n");
  auto parsed = CallerDirectory::Load(bad, kDefaultAccount);
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().message == bad + ":2: expected '[name]' or 'key = value'");

  std::string missing = (dir.path() / "missing").string();
  auto absent = CallerDirectory::Load(missing, kDefaultAccount);
  REQUIRE_FALSE(absent.has_value());
  CHECK(absent.error().code == ErrorCode::kValidation);
  CHECK(absent.error().message ==
        "cannot read credentials file " + missing + ": No such file or directory");

  auto directory = CallerDirectory::Load(dir.path().string(), kDefaultAccount);
  REQUIRE_FALSE(directory.has_value());
  CHECK(directory.error().message ==
        "cannot read credentials file " + dir.path().string() + ": Is a directory");
}
