// Parsing the --credentials file (an AWS shared credentials file) into the caller directory.
#include "server/credentials_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

namespace kms::emulator {
namespace {

constexpr std::string_view kWhitespace = " \t\r\f\v";
constexpr size_t kMaxUserNameLength = 64;  // IAM user names: 1-64 characters

std::string_view Trim(std::string_view s) {
  size_t begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kWhitespace) - begin + 1);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Error LineError(std::string_view source, size_t line, std::string_view reason) {
  std::string message(source);
  message.append(":").append(std::to_string(line)).append(": ").append(reason);
  return MakeError(ErrorCode::kValidation, std::move(message));
}

// IAM's user name pattern [\w+=,.@-]+, 1-64 characters.
bool IsUserName(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserNameLength) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("+=,.@_-").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsAccountId(std::string_view v) {
  if (v.size() != 12) return false;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// One section while it is being read.
struct Section {
  std::string name;
  size_t line = 0;
  std::map<std::string, std::string> settings;  // lower-case key -> value
};

// Turns a complete section into a caller, checking its required settings.
Result<Caller> ToCaller(const Section& section, std::string_view source,
                        std::string_view default_account) {
  auto get = [&](std::string_view key) -> const std::string* {
    auto it = section.settings.find(std::string(key));
    return it == section.settings.end() ? nullptr : &it->second;
  };
  const std::string* key_id = get("aws_access_key_id");
  const std::string* secret = get("aws_secret_access_key");
  for (auto [name, value] :
       {std::pair{"aws_access_key_id", key_id}, std::pair{"aws_secret_access_key", secret}}) {
    if (value == nullptr || value->empty()) {
      return LineError(source, section.line,
                       "section [" + section.name + "] lacks " + std::string(name));
    }
  }
  Caller caller;
  caller.user_name = section.name;
  caller.access_key_id = *key_id;
  caller.secret_access_key =
      internal::SecretBytes(reinterpret_cast<const uint8_t*>(secret->data()), secret->size());
  caller.account_id = std::string(default_account);
  if (const std::string* account = get("aws_account_id")) {
    if (!IsAccountId(*account)) {
      return LineError(
          source, section.line,
          "section [" + section.name + "]: aws_account_id '" + *account + "' is not 12 digits");
    }
    caller.account_id = *account;
  }
  const std::string* token = get("aws_session_token");
  if (token == nullptr) token = get("aws_security_token");  // botocore's older name for it
  if (token != nullptr && !token->empty()) {
    caller.session_token =
        internal::SecretBytes(reinterpret_cast<const uint8_t*>(token->data()), token->size());
  }
  return caller;
}

// The line-by-line reader: sections and their settings, in file order.
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  Status Line(std::string_view raw, size_t number) {
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') return {};
    if (kWhitespace.find(raw.front()) != std::string_view::npos && nested_) {
      return {};  // a nested setting ("s3 =" followed by indented lines): not ours
    }
    nested_ = false;
    if (line.front() == '[') return Header(line, number);
    return Setting(line, number);
  }

  Result<std::vector<Section>> Finish() && { return std::move(sections_); }

 private:
  Status Header(std::string_view line, size_t number) {
    if (line.back() != ']') return LineError(source_, number, "section header lacks ']'");
    std::string name(Trim(line.substr(1, line.size() - 2)));
    if (!IsUserName(name)) {
      return LineError(source_, number,
                       "section name '" + name +
                           "' is not an IAM user name (1-64 of A-Z a-z 0-9 + = , . @ _ -)");
    }
    if (!names_.insert(name).second) {
      return LineError(source_, number, "section [" + name + "] appears twice");
    }
    sections_.push_back(Section{name, number, {}});
    return {};
  }

  Status Setting(std::string_view line, size_t number) {
    size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos) {
      return LineError(source_, number, "expected '[name]' or 'key = value'");
    }
    std::string key = Lower(Trim(line.substr(0, sep)));
    std::string value(Trim(line.substr(sep + 1)));
    if (key.empty()) return LineError(source_, number, "setting without a key");
    if (sections_.empty()) {
      return LineError(source_, number, "setting '" + key + "' before any [section]");
    }
    nested_ = value.empty();
    Section& section = sections_.back();
    if (!section.settings.emplace(key, std::move(value)).second) {
      return LineError(source_, number,
                       "'" + key + "' appears twice in section [" + section.name + "]");
    }
    return {};
  }

  std::string_view source_;
  std::vector<Section> sections_;
  std::set<std::string> names_;
  bool nested_ = false;  // the last setting had an empty value: indented lines belong to it
};

}  // namespace

std::string Caller::PrincipalArn() const {
  return "arn:aws:iam::" + account_id + ":user/" + user_name;
}

Result<CallerDirectory> CallerDirectory::Parse(std::string_view text, std::string_view source,
                                               std::string_view default_account) {
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";  // editors on Windows write one
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  Reader reader(source);
  size_t number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (Status st = reader.Line(line, ++number); !st) return st.error();
  }
  auto sections = std::move(reader).Finish();
  if (!sections) return sections.error();
  if (sections->empty()) {
    return MakeError(ErrorCode::kValidation, std::string(source) + ": defines no callers");
  }
  CallerDirectory directory;
  for (const Section& section : *sections) {
    auto caller = ToCaller(section, source, default_account);
    if (!caller) return caller.error();
    std::string key_id = caller->access_key_id;
    auto [it, added] = directory.callers_.emplace(key_id, std::move(*caller));
    if (!added) {
      return LineError(source, section.line,
                       "section [" + section.name + "] reuses the access key id of section [" +
                           it->second.user_name + "]");
    }
  }
  return directory;
}

Result<CallerDirectory> CallerDirectory::Load(const std::string& path,
                                              std::string_view default_account) {
  auto unreadable = [&path] {
    return MakeError(ErrorCode::kValidation,
                     "cannot read credentials file " + path + ": " + std::strerror(errno));
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) return unreadable();
  std::string text;
  char chunk[4096];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof(chunk), file.get())) > 0) text.append(chunk, n);
  if (std::ferror(file.get())) return unreadable();  // e.g. a directory: EISDIR
  return Parse(text, path, default_account);
}

const Caller* CallerDirectory::Find(std::string_view access_key_id) const {
  auto it = callers_.find(access_key_id);
  return it == callers_.end() ? nullptr : &it->second;
}

}  // namespace kms::emulator
