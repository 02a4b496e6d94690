// The emulator's --credentials file: an AWS shared credentials file in which each section is one
// caller (its name the IAM user name) with an access key, a secret and an optional account and
// session token. Loaded once at start-up, read-only afterwards.
#pragma once

#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kms::emulator {

// One caller of the emulator.
struct Caller {
  std::string user_name;                    // the section name, e.g. "alice"
  std::string access_key_id;                // aws_access_key_id
  std::string account_id;                   // aws_account_id, else the emulator's --account-id
  internal::SecretBytes secret_access_key;  // aws_secret_access_key, never logged
  std::optional<internal::SecretBytes> session_token;  // aws_session_token, when given

  // "arn:aws:iam::<account>:user/<name>".
  std::string PrincipalArn() const;
};

// The callers of a credentials file, looked up by access key id. Immutable once built, so
// concurrent lookups are safe.
class CallerDirectory {
 public:
  // Parses the text of a credentials file (botocore's INI dialect: an optional UTF-8 BOM,
  // "[name]" sections, aws_security_token accepted for aws_session_token,
  // "key = value" or "key: value" lines, keys case-insensitive, '#' and ';' comment lines,
  // indented lines continuing a key whose value is empty — nested settings, ignored; unknown keys
  // ignored). `source` names the file in messages; `default_account` is the account of sections
  // without aws_account_id. kValidation "<source>:<line>: <reason>" when: a line is neither a
  // section, a setting, a comment nor blank; a setting precedes every section; a section repeats;
  // a section name is not an IAM user name (1-64 of A-Z a-z 0-9 + = , . @ _ -); a key repeats in a
  // section; aws_account_id is not 12 digits; a section lacks aws_access_key_id or
  // aws_secret_access_key or has an empty one; two sections share an access key id. kValidation
  // "<source>: defines no callers" when there is no section at all.
  static Result<CallerDirectory> Parse(std::string_view text, std::string_view source,
                                       std::string_view default_account);

  // Reads and parses the file at `path`. kValidation "cannot read credentials file <path>:
  // <reason>" when it cannot be read; otherwise as Parse, with `path` as the source.
  static Result<CallerDirectory> Load(const std::string& path, std::string_view default_account);

  // The caller owning `access_key_id` (exact, case-sensitive match), or null. Thread-safe.
  const Caller* Find(std::string_view access_key_id) const;

  size_t size() const { return callers_.size(); }

 private:
  std::map<std::string, Caller, std::less<>> callers_;  // by access key id
};

}  // namespace kms::emulator
