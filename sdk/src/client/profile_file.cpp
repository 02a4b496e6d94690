// Shared config/credentials files: INI parsing and loading one profile from both files.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <kms/credentials.hpp>

namespace kms {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n\f\v";

std::string_view Trim(std::string_view s) {
  size_t begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kWhitespace);
  return s.substr(begin, end - begin + 1);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Error ParseError(std::string_view path, size_t line, std::string_view why) {
  std::string message = "Unable to parse config file: ";
  message.append(path).append(" (line ").append(std::to_string(line)).append(": ");
  message.append(why).append(")");
  return MakeError(ErrorCode::kValidation, std::move(message));
}

// The profile name of a config-file section, or nullopt when the section is not a profile
// (botocore: "default", or "profile" followed by whitespace and the name).
std::optional<std::string> ConfigSectionProfile(std::string_view section) {
  if (section == "default") return std::string(section);
  constexpr std::string_view kPrefix = "profile";
  if (section.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = section.substr(kPrefix.size());
  if (rest.empty() || kWhitespace.find(rest.front()) == std::string_view::npos) {
    return std::nullopt;
  }
  rest = Trim(rest);
  if (rest.empty() || rest.find_first_of(kWhitespace) != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(rest);
}

std::optional<std::string> NonEmpty(const Environment& env, std::string_view name) {
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

// The path from variable `var`, else $HOME/.aws/<file>, else "" (no home, no file).
std::string SharedFilePath(const Environment& env, std::string_view var, std::string_view file) {
  if (auto configured = NonEmpty(env, var)) return ExpandHome(env, *configured);
  auto home = NonEmpty(env, "HOME");
  if (!home) return {};
  return (std::filesystem::path(*home) / ".aws" / file).string();
}

// The parsed file at `path`; an empty ProfileFile when the path is empty, names nothing, or
// names what cannot be read as a file (a directory, a file without read permission): botocore
// skips those too, so credentials from elsewhere (the environment) still work.
Result<ProfileFile> ReadProfileFile(const std::string& path) {
  if (path.empty()) return ProfileFile{};
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) || std::filesystem::is_directory(path, ec)) {
    return ProfileFile{};
  }
  // A device such as /dev/null reads as an empty file, as botocore treats it
  // (AWS_CONFIG_FILE=/dev/null is a common way to ignore the files).
  std::ifstream in(path, std::ios::binary);
  if (!in) return ProfileFile{};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return ProfileFile{};
  return ParseProfileFile(text, path);
}

}  // namespace

std::string ExpandHome(const Environment& env, std::string_view path) {
  if (path != "~" && !path.starts_with("~/")) return std::string(path);
  auto home = NonEmpty(env, "HOME");
  if (!home) return std::string(path);
  return *home + std::string(path.substr(1));
}

Result<ProfileFile> ParseProfileFile(std::string_view text, std::string_view path) {
  ProfileFile file;
  ProfileSettings* section = nullptr;
  bool in_setting = false;  // an indented line may continue the previous setting
  std::string parent;       // the previous setting when its value is empty: sub-settings follow
  size_t line_number = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    ++line_number;
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    bool indented = kWhitespace.find(raw.front()) != std::string_view::npos;
    if (indented && in_setting) {
      // A sub-setting ("kms =\n  endpoint_url = URL") is kept as "kms.endpoint_url"; any
      // other indented line continues a value, which no setting read here uses.
      size_t sub_eq = line.find('=');
      std::string sub_key =
          sub_eq == std::string_view::npos ? "" : Lower(Trim(line.substr(0, sub_eq)));
      if (!parent.empty() && !sub_key.empty()) {
        (*section)[parent + "." + sub_key] = std::string(Trim(line.substr(sub_eq + 1)));
      }
      continue;
    }
    if (line.front() == '[') {
      size_t close = line.rfind(']');
      if (close == std::string_view::npos) {
        return ParseError(path, line_number, "section header without ']'");
      }
      section = &file[std::string(Trim(line.substr(1, close - 1)))];
      in_setting = false;
      parent.clear();
      continue;
    }
    if (section == nullptr) return ParseError(path, line_number, "setting outside any section");
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return ParseError(path, line_number, "expected key = value");
    std::string key = Lower(Trim(line.substr(0, eq)));
    if (key.empty()) return ParseError(path, line_number, "empty key");
    std::string value(Trim(line.substr(eq + 1)));
    parent = value.empty() ? key : "";
    (*section)[key] = std::move(value);
    in_setting = true;
  }
  return file;
}

std::optional<std::string> SharedProfile::ConfigValue(std::string_view key) const {
  if (!config_file) return std::nullopt;
  auto it = config_file->find(key);
  if (it == config_file->end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> SharedProfile::ServiceValue(std::string_view service,
                                                       std::string_view key) const {
  if (!services) return std::nullopt;
  auto it = services->find(std::string(service) + "." + std::string(key));
  if (it == services->end()) return std::nullopt;
  return it->second;
}

Result<SharedProfile> LoadSharedProfile(const Environment& env, std::string_view profile) {
  SharedProfile out;
  out.name =
      profile.empty() ? NonEmpty(env, "AWS_PROFILE").value_or("default") : std::string(profile);
  out.chosen = !profile.empty();
  out.credentials_path = SharedFilePath(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  out.config_path = SharedFilePath(env, "AWS_CONFIG_FILE", "config");

  auto credentials = ReadProfileFile(out.credentials_path);
  if (!credentials) return credentials.error();
  if (auto it = credentials->find(out.name); it != credentials->end()) {
    out.credentials_file = std::move(it->second);
  }

  auto config = ReadProfileFile(out.config_path);
  if (!config) return config.error();
  for (auto& [section, settings] : *config) {
    // "[profile default]" and "[default]" both name the default profile; the map visits
    // "default" first, so "[profile default]" wins when both exist.
    if (ConfigSectionProfile(section) == out.name) out.config_file = std::move(settings);
  }

  if (auto services = out.ConfigValue("services")) {
    if (auto it = config->find("services " + *services); it != config->end()) {
      out.services = std::move(it->second);
    }
  }

  if (out.name != "default" && !out.credentials_file && !out.config_file) {
    return MakeError(ErrorCode::kValidation,
                     "The config profile (" + out.name + ") could not be found");
  }
  return out;
}

}  // namespace kms
