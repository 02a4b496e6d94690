// Endpoint URLs: parsing "scheme://host[:port][/path]" and rendering the Host header.
#include <charconv>
#include <kms/transport.hpp>

namespace kms {
namespace {

Error Invalid(std::string_view url, std::string_view why) {
  std::string message = "Invalid endpoint URL: ";
  message.append(url).append(" (").append(why).append(")");
  return MakeError(ErrorCode::kValidation, std::move(message));
}

bool DefaultPort(const Endpoint& e) {
  return (e.https() && e.port == 443) || (!e.https() && e.port == 80);
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

// Splits "host[:port]" or "[v6][:port]" into `out`.
std::optional<std::string_view> ParseAuthority(std::string_view authority, Endpoint& out) {
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address";
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "unexpected text after the IPv6 address";
    if (!rest.empty()) port_text = rest.substr(1);
    if (!rest.empty() && port_text.empty()) return "empty port";
  } else {
    size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return "empty port";
    }
    for (char c : out.host) {
      if (!IsHostChar(c)) return "invalid character in host";
    }
  }
  if (out.host.empty()) return "missing host";
  if (port_text.empty()) {
    out.port = out.https() ? 443 : 80;
    return std::nullopt;
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return "invalid port";
  }
  out.port = static_cast<uint16_t>(port);
  return std::nullopt;
}

}  // namespace

std::string Endpoint::HostHeader() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!DefaultPort(*this)) out += ":" + std::to_string(port);
  return out;
}

std::string Endpoint::Url() const { return scheme + "://" + HostHeader() + path; }

Result<Endpoint> ParseEndpoint(std::string_view url) {
  Endpoint out;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return Invalid(url, "expected scheme://host");
  out.scheme = std::string(url.substr(0, sep));
  for (char& c : out.scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (out.scheme != "http" && out.scheme != "https") {
    return Invalid(url, "scheme must be http or https");
  }
  std::string_view rest = url.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Invalid(url, "query and fragment are not allowed");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos)
    return Invalid(url, "user info is not allowed");
  if (auto why = ParseAuthority(authority, out)) return Invalid(url, *why);
  if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash));
  return out;
}

}  // namespace kms
