// Key policy validation and AWS's re-printing of policy documents.
#include "domain/policy.hpp"

#include <algorithm>
#include <array>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <charconv>
#include <optional>
#include <vector>

namespace kms::emulator {
namespace {

constexpr std::string_view kNoPrincipal = "Policy contains a statement with no principal.";
constexpr std::string_view kInvalidPrincipals =
    "Policy contains a statement with one or more invalid principals.";
constexpr std::string_view kLockout =
    "The new key policy will not allow you to update the key policy in the future.";
constexpr std::string_view kPutKeyPolicy = "kms:PutKeyPolicy";

Error Malformed(std::string_view message = {}) {
  return MakeError(ErrorCode::kMalformedPolicyDocument, std::string(message));
}

// ---- Printing (Jackson DefaultPrettyPrinter) ----

void AppendEscaped(std::string& out, std::string_view s) {
  constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

// Java's Double.toString for the doubles a policy may hold: "1.5", "100.0", "1.0E20".
void AppendDouble(std::string& out, double d) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  std::string s(buf.data(), ec == std::errc() ? end : buf.data());
  size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  out += mantissa;
  if (e == std::string::npos) return;
  std::string exponent = s.substr(e + 1);
  if (!exponent.empty() && exponent[0] == '+') exponent.erase(0, 1);
  out += "E" + exponent;
}

void AppendIndent(std::string& out, int level) {
  out.push_back('\n');
  out.append(static_cast<size_t>(level) * 2, ' ');
}

void AppendPretty(std::string& out, const boost::json::value& v, int level) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{ }";
        return;
      }
      out.push_back('{');
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out.push_back(',');
        first = false;
        AppendIndent(out, level + 1);
        AppendEscaped(out, kv.key());
        out += " : ";
        AppendPretty(out, kv.value(), level + 1);
      }
      AppendIndent(out, level);
      out.push_back('}');
      return;
    }
    case boost::json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[ ]";
        return;
      }
      out += "[ ";
      for (size_t i = 0; i < a.size(); ++i) {
        if (i != 0) out += ", ";
        AppendPretty(out, a[i], level);
      }
      out += " ]";
      return;
    }
    case boost::json::kind::string:
      AppendEscaped(out, v.get_string());
      return;
    case boost::json::kind::int64:
      out += std::to_string(v.get_int64());
      return;
    case boost::json::kind::uint64:
      out += std::to_string(v.get_uint64());
      return;
    case boost::json::kind::double_:
      AppendDouble(out, v.get_double());
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::null:
      out += "null";
      return;
  }
}

// ---- Reading statements ----

// The strings of a value that is a string or an array of strings; nullopt otherwise.
std::optional<std::vector<std::string_view>> Strings(const boost::json::value& v) {
  std::vector<std::string_view> out;
  if (v.is_string()) {
    out.push_back(v.get_string());
    return out;
  }
  if (!v.is_array() || v.get_array().empty()) return std::nullopt;
  for (const auto& item : v.get_array()) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get_string());
  }
  return out;
}

bool IsAccountId(std::string_view s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The account of arn:<partition>:iam|sts::<account>:<resource>; nullopt for anything else.
std::optional<std::string_view> ArnAccount(std::string_view p) {
  if (!p.starts_with("arn:")) return std::nullopt;
  std::string_view rest = p.substr(4);
  std::array<std::string_view, 4> parts{};  // partition, service, region, account
  for (std::string_view& part : parts) {
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  bool iam = parts[1] == "iam" || parts[1] == "sts";
  if (parts[0].empty() || !iam || !parts[2].empty() || !IsAccountId(parts[3]) || rest.empty()) {
    return std::nullopt;
  }
  return parts[3];
}

// The account an AWS principal names ("*" for "*"); nullopt when it is none of "*", a 12-digit
// account id or an IAM/STS ARN.
std::optional<std::string_view> PrincipalAccount(std::string_view p) {
  if (p == "*" || IsAccountId(p)) return p;
  return ArnAccount(p);
}

struct PrincipalCheck {
  bool valid = true;
  bool covers_account = false;  // names "*" or a principal of the caller's account
};

PrincipalCheck CheckPrincipal(const boost::json::value& principal, std::string_view account) {
  PrincipalCheck check;
  if (principal.is_string()) {
    check.valid = principal.get_string() == "*";
    check.covers_account = check.valid;
    return check;
  }
  if (!principal.is_object() || principal.get_object().empty()) return {false, false};
  for (const auto& kv : principal.get_object()) {
    auto values = Strings(kv.value());
    bool known = kv.key() == "AWS" || kv.key() == "Service" || kv.key() == "Federated" ||
                 kv.key() == "CanonicalUser";
    if (!values || !known) return {false, false};
    if (kv.key() != "AWS") continue;
    for (std::string_view p : *values) {
      auto owner = PrincipalAccount(p);
      if (!owner) return {false, false};
      if (*owner == "*" || *owner == account) check.covers_account = true;
    }
  }
  return check;
}

bool AnyActionMatches(const boost::json::value& actions, std::string_view action) {
  auto patterns = Strings(actions);
  if (!patterns) return false;
  return std::any_of(patterns->begin(), patterns->end(),
                     [&](std::string_view p) { return ActionPatternMatches(p, action); });
}

// True when the statement allows kms:PutKeyPolicy (Action matching it, or NotAction not).
bool AllowsPutKeyPolicy(const boost::json::object& st) {
  if (const auto* action = st.if_contains("Action"))
    return AnyActionMatches(*action, kPutKeyPolicy);
  if (const auto* not_action = st.if_contains("NotAction")) {
    return Strings(*not_action).has_value() && !AnyActionMatches(*not_action, kPutKeyPolicy);
  }
  return false;  // AWS: a statement without Action has no effect
}

// Checks one statement; sets `keeps_access` when it lets the account call PutKeyPolicy.
Status CheckStatement(const boost::json::value& v, std::string_view account, bool& keeps_access) {
  if (!v.is_object()) return Malformed();
  const boost::json::object& st = v.get_object();
  const auto* effect = st.if_contains("Effect");
  if (effect == nullptr || !effect->is_string() ||
      (effect->get_string() != "Allow" && effect->get_string() != "Deny")) {
    return Malformed();
  }
  const auto* principal = st.if_contains("Principal");
  const auto* not_principal = st.if_contains("NotPrincipal");
  if (principal == nullptr && not_principal == nullptr) return Malformed(kNoPrincipal);
  PrincipalCheck check = CheckPrincipal(principal ? *principal : *not_principal, account);
  if (!check.valid) return Malformed(kInvalidPrincipals);
  // NotPrincipal with Allow allows everyone but the named: counted as keeping access.
  bool covers = principal ? check.covers_account : true;
  if (effect->get_string() == "Allow" && covers && AllowsPutKeyPolicy(st)) keeps_access = true;
  return {};
}

Status CheckDocument(const boost::json::object& doc, std::string_view account, bool bypass) {
  if (const auto* version = doc.if_contains("Version")) {
    if (!version->is_string() ||
        (version->get_string() != "2012-10-17" && version->get_string() != "2008-10-17")) {
      return Malformed();
    }
  }
  const auto* statement = doc.if_contains("Statement");
  if (statement == nullptr) return Malformed();
  boost::json::array single;
  const boost::json::array* statements = nullptr;
  if (statement->is_object()) {
    single.push_back(*statement);
    statements = &single;
  } else if (statement->is_array() && !statement->get_array().empty()) {
    statements = &statement->get_array();
  } else {
    return Malformed();
  }
  bool keeps_access = false;
  for (const auto& st : *statements) {
    if (Status ok = CheckStatement(st, account, keeps_access); !ok) return ok;
  }
  if (!bypass && !keeps_access) return Malformed(kLockout);
  return {};
}

}  // namespace

bool ActionPatternMatches(std::string_view pattern, std::string_view action) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  // Iterative wildcard match with backtracking to the last '*'.
  size_t p = 0, a = 0, star = std::string_view::npos, mark = 0;
  while (a < action.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(action[a]))) {
      ++p;
      ++a;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = a;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      a = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string PrettyPolicyJson(const boost::json::value& v) {
  std::string out;
  AppendPretty(out, v, 0);
  return out;
}

Result<std::string> NormalizeKeyPolicy(std::string_view document, std::string_view account,
                                       bool bypass_lockout_check) {
  if (document.size() > kMaxKeyPolicyBytes) {
    // AWS: "If the key policy exceeds the length constraint, KMS returns a
    // LimitExceededException"; its message is not recorded (n/v).
    return MakeError(ErrorCode::kLimitExceeded,
                     "The key policy exceeds the maximum size of 32768 bytes.");
  }
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(document, ec);
  // AWS: a document that is no JSON object is refused without a message (aws-sdk-ruby#1784).
  if (ec || !parsed.is_object()) return Malformed();
  if (Status ok = CheckDocument(parsed.get_object(), account, bypass_lockout_check); !ok) {
    return ok.error();
  }
  return PrettyPolicyJson(parsed);
}

}  // namespace kms::emulator
