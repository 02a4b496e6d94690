// JSON and text renderings of a response, following the aws CLI (json.dumps and awscli/text.py).
#include "render.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>
#include <vector>

namespace kms::cli {
namespace {

namespace json = boost::json;

void AppendEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// Python's str() of a scalar.
std::string Scalar(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return std::string(v.get_string());
    case json::kind::bool_:
      return v.get_bool() ? "True" : "False";
    case json::kind::int64:
      return std::to_string(v.get_int64());
    case json::kind::uint64:
      return std::to_string(v.get_uint64());
    case json::kind::double_:
      return FormatDouble(v.get_double());
    case json::kind::null:
      return "None";
    default:
      return json::serialize(v);
  }
}

void AppendJson(std::string& out, const json::value& v, int depth) {
  const std::string indent(4 * (depth + 1), ' ');
  if (const json::object* o = v.if_object()) {
    if (o->empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : *o) {
      out += first ? "" : ",\n";
      first = false;
      out += indent;
      AppendEscaped(out, key);
      out += ": ";
      AppendJson(out, member, depth + 1);
    }
    out += "\n" + std::string(4 * depth, ' ') + "}";
  } else if (const json::array* a = v.if_array()) {
    if (a->empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (size_t i = 0; i < a->size(); ++i) {
      out += i == 0 ? "" : ",\n";
      out += indent;
      AppendJson(out, (*a)[i], depth + 1);
    }
    out += "\n" + std::string(4 * depth, ' ') + "]";
  } else if (const json::string* s = v.if_string()) {
    AppendEscaped(out, *s);
  } else if (v.is_bool()) {
    out += v.get_bool() ? "true" : "false";
  } else if (v.is_null()) {
    out += "null";
  } else {
    out += Scalar(v);
  }
}

bool IsScalar(const json::value& v) { return !v.is_object() && !v.is_array(); }

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

void Text(std::string& out, const json::value& item, const std::string* identifier,
          const std::vector<std::string>* scalar_keys);

void Line(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) out += (i == 0 ? "" : "\t") + fields[i];
  out += '\n';
}

void TextDict(std::string& out, const json::object& item, const std::string* identifier,
              const std::vector<std::string>* scalar_keys) {
  std::vector<std::string> scalars;
  std::vector<std::pair<std::string, const json::value*>> non_scalars;
  std::vector<std::string> keys;
  for (const auto& member : item) keys.emplace_back(member.key());
  std::sort(keys.begin(), keys.end());
  if (scalar_keys == nullptr) {
    for (const std::string& key : keys) {
      const json::value& v = item.at(key);
      if (IsScalar(v)) {
        scalars.push_back(Scalar(v));
      } else {
        non_scalars.emplace_back(key, &v);
      }
    }
  } else {
    for (const std::string& key : *scalar_keys) {
      const json::value* v = item.if_contains(key);
      scalars.push_back(v ? Scalar(*v) : "");
    }
    for (const std::string& key : keys) {
      if (std::find(scalar_keys->begin(), scalar_keys->end(), key) == scalar_keys->end()) {
        non_scalars.emplace_back(key, &item.at(key));
      }
    }
  }
  if (!scalars.empty()) {
    if (identifier != nullptr) scalars.insert(scalars.begin(), Upper(*identifier));
    Line(out, scalars);
  }
  for (const auto& [key, v] : non_scalars) Text(out, *v, &key, nullptr);
}

void TextScalarList(std::string& out, const std::vector<const json::value*>& items,
                    const std::string* identifier) {
  if (identifier != nullptr) {
    for (const json::value* v : items) out += Upper(*identifier) + "\t" + Scalar(*v) + "\n";
    return;
  }
  std::vector<std::string> fields;
  for (const json::value* v : items) fields.push_back(Scalar(*v));
  Line(out, fields);
}

void TextList(std::string& out, const json::array& item, const std::string* identifier) {
  if (item.empty()) return;
  auto any = [&](json::kind k) {
    return std::any_of(item.begin(), item.end(),
                       [&](const json::value& v) { return v.kind() == k; });
  };
  if (any(json::kind::object)) {
    std::set<std::string> keys;
    for (const json::value& v : item) {
      if (!v.is_object()) continue;
      for (const auto& member : v.get_object()) {
        if (IsScalar(member.value())) keys.emplace(member.key());
      }
    }
    std::vector<std::string> all_keys(keys.begin(), keys.end());
    for (const json::value& v : item) Text(out, v, identifier, &all_keys);
    return;
  }
  std::vector<const json::value*> scalars;
  for (const json::value& v : item) {
    if (IsScalar(v)) scalars.push_back(&v);
  }
  if (!scalars.empty()) TextScalarList(out, scalars, identifier);
  for (const json::value& v : item) {
    if (!IsScalar(v)) Text(out, v, identifier, nullptr);
  }
}

void Text(std::string& out, const json::value& item, const std::string* identifier,
          const std::vector<std::string>* scalar_keys) {
  if (const json::object* o = item.if_object()) {
    TextDict(out, *o, identifier, scalar_keys);
  } else if (const json::array* a = item.if_array()) {
    TextList(out, *a, identifier);
  } else {
    out += Scalar(item) + "\n";
  }
}

}  // namespace

std::string FormatDouble(double value) {
  char buffer[64];
  const double magnitude = std::fabs(value);
  const bool fixed = value == 0 || (magnitude >= 1e-4 && magnitude < 1e16);
  auto format = fixed ? std::chars_format::fixed : std::chars_format::scientific;
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value, format);
  std::string out(buffer, ec == std::errc() ? end : buffer);
  if (fixed && out.find('.') == std::string::npos) out += ".0";
  return out;
}

std::string RenderJson(const json::value& value) {
  std::string out;
  AppendJson(out, value, 0);
  out += '\n';
  return out;
}

std::string RenderText(const json::value& value) {
  std::string out;
  Text(out, value, nullptr, nullptr);
  return out;
}

}  // namespace kms::cli
