// Header lookups for the plain HTTP structs.
#include <kms/http.hpp>

namespace kms {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

namespace {
std::string_view Find(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return {};
}
}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const { return Find(headers, name); }

bool HttpRequest::HasHeader(std::string_view name) const {
  for (const auto& kv : headers) {
    if (IEquals(kv.first, name)) return true;
  }
  return false;
}

std::string_view HttpResponse::Header(std::string_view name) const { return Find(headers, name); }

void HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& kv : headers) {
    if (IEquals(kv.first, name)) {
      kv.second = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace kms
