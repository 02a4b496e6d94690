// SigV4 canonicalisation, the three signing steps, and signing a request (header or query).
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <kms/internal/encoding.hpp>
#include <kms/internal/hash.hpp>
#include <kms/sigv4.hpp>
#include <utility>

namespace kms::sigv4 {
namespace {

using internal::AsBytes;

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// ASCII whitespace as Python's str.split() sees it for ASCII (botocore trims header values so).
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// %XX -> byte. A '%' not followed by two hex digits stays literal (and is re-encoded as %25).
// '+' stays '+': SigV4 query strings are RFC 3986, not HTML-form encoded.
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// RFC 3986 5.2.4 remove_dot_segments plus collapsing of empty segments ("//"), as botocore's
// remove_dot_segments and the AWS CRT do: "/a/./b/../c//" -> "/a/c/".
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!seg.empty() && seg != ".") {
      out.push_back(seg);
    }
    start = end + 1;
  }
  std::string result = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i != 0) result += '/';
    result.append(out[i]);
  }
  if (path.back() == '/' && !out.empty()) result += '/';
  return result;
}

std::string CanonicalUri(std::string_view path, const CanonicalOptions& options) {
  if (path.empty()) return "/";
  std::string p = options.normalize_path ? NormalizePath(path) : std::string(path);
  return options.encode_path ? UriEncode(p, true) : p;
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view piece = query.substr(start, end - start);
    if (!piece.empty()) {
      size_t eq = piece.find('=');
      std::string_view key = piece.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
      pairs.emplace_back(UriEncode(PercentDecode(key), false),
                         UriEncode(PercentDecode(value), false));
    }
    start = end + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out.append(key).append("=").append(value);
  }
  return out;
}

// Trims and turns every whitespace run (folded lines included) into one space.
void AppendTrimmedValue(std::string& out, std::string_view value) {
  bool pending_space = false;
  bool any = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    any = true;
    out += c;
  }
}

// Lower-cased, sorted, without repeats.
std::vector<std::string> NormalizeNames(std::span<const std::string> names) {
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const std::string& n : names) out.push_back(Lower(n));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string CanonicalHeaders(const HttpHeaders& headers, const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    bool first = true;
    for (const auto& [key, value] : headers) {
      if (!IEquals(key, name)) continue;
      out.append(first ? name + ":" : ",");
      AppendTrimmedValue(out, value);
      first = false;
    }
    if (!first) out += '\n';
  }
  return out;
}

std::string Join(const std::vector<std::string>& names, char sep) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += sep;
    out += n;
  }
  return out;
}

// Headers botocore never signs (SIGNED_HEADERS_BLACKLIST): hop-by-hop headers and those that
// proxies or the transport may rewrite. Authorization is the signature itself.
constexpr std::array<std::string_view, 12> kUnsignedHeaders = {"authorization",
                                                               "connection",
                                                               "expect",
                                                               "keep-alive",
                                                               "proxy-authenticate",
                                                               "proxy-authorization",
                                                               "te",
                                                               "trailer",
                                                               "transfer-encoding",
                                                               "upgrade",
                                                               "user-agent",
                                                               "x-amzn-trace-id"};

std::vector<std::string> HeadersToSign(const HttpHeaders& headers) {
  std::vector<std::string> names;
  for (const auto& kv : headers) {
    std::string name = Lower(kv.first);
    if (std::find(kUnsignedHeaders.begin(), kUnsignedHeaders.end(), name) ==
        kUnsignedHeaders.end()) {
      names.push_back(std::move(name));
    }
  }
  return NormalizeNames(names);
}

void RemoveHeader(HttpHeaders& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& kv) { return IEquals(kv.first, name); });
}

struct SigningContext {
  std::string amz_date;
  std::string date;
  std::string scope;
  std::string payload_hash;
};

// Computes the three steps for the request as it now stands.
SigningResult Compute(const HttpRequest& request, const std::vector<std::string>& names,
                      const Credentials& credentials, std::string_view region,
                      std::string_view service, const SigningContext& ctx,
                      const CanonicalOptions& options) {
  SigningResult r;
  r.canonical_request = CanonicalRequest(request, names, ctx.payload_hash, options);
  r.string_to_sign = StringToSign(ctx.amz_date, ctx.scope, r.canonical_request);
  r.signature =
      Signature(credentials.secret_access_key, ctx.date, region, service, r.string_to_sign);
  return r;
}

SigningResult SignHeaders(HttpRequest& request, const Credentials& credentials,
                          std::string_view region, std::string_view service,
                          const SigningContext& ctx, const SignOptions& options) {
  bool has_token = !credentials.session_token.empty();
  RemoveHeader(request.headers, "authorization");
  RemoveHeader(request.headers, "x-amz-date");
  if (has_token) RemoveHeader(request.headers, "x-amz-security-token");
  request.headers.emplace_back("X-Amz-Date", ctx.amz_date);
  if (has_token && options.sign_session_token) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  if (options.add_content_sha256) {
    RemoveHeader(request.headers, "x-amz-content-sha256");
    request.headers.emplace_back("x-amz-content-sha256", ctx.payload_hash);
  }
  std::vector<std::string> names = HeadersToSign(request.headers);
  SigningResult r = Compute(request, names, credentials, region, service, ctx, options.canonical);
  std::string authorization(kAlgorithm);
  authorization.append(" Credential=").append(credentials.access_key_id).append("/");
  authorization.append(ctx.scope).append(", SignedHeaders=").append(Join(names, ';'));
  authorization.append(", Signature=").append(r.signature);
  request.headers.emplace_back("Authorization", std::move(authorization));
  if (has_token && !options.sign_session_token) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  return r;
}

void AppendQueryParam(std::string& target, std::string_view key, std::string_view value) {
  size_t q = target.find('?');
  if (q == std::string::npos) {
    target += '?';
  } else if (target.back() != '?' && target.back() != '&') {
    target += '&';
  }
  target.append(key).append("=").append(UriEncode(value, false));
}

SigningResult SignQuery(HttpRequest& request, const Credentials& credentials,
                        std::string_view region, std::string_view service,
                        const SigningContext& ctx, const SignOptions& options) {
  bool has_token = !credentials.session_token.empty();
  std::vector<std::string> names = HeadersToSign(request.headers);
  std::string& target = request.target;
  AppendQueryParam(target, "X-Amz-Algorithm", kAlgorithm);
  AppendQueryParam(target, "X-Amz-Credential", credentials.access_key_id + "/" + ctx.scope);
  AppendQueryParam(target, "X-Amz-Date", ctx.amz_date);
  AppendQueryParam(target, "X-Amz-SignedHeaders", Join(names, ';'));
  AppendQueryParam(target, "X-Amz-Expires", std::to_string(options.expires.count()));
  if (has_token && options.sign_session_token) {
    AppendQueryParam(target, "X-Amz-Security-Token", credentials.session_token);
  }
  SigningResult r = Compute(request, names, credentials, region, service, ctx, options.canonical);
  if (has_token && !options.sign_session_token) {
    AppendQueryParam(target, "X-Amz-Security-Token", credentials.session_token);
  }
  AppendQueryParam(target, "X-Amz-Signature", r.signature);
  return r;
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string FormatAmzDate(Clock::time_point time) {
  std::time_t t = Clock::to_time_t(std::chrono::floor<std::chrono::seconds>(time));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];  // room for any int values, so no truncation is possible
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<Clock::time_point> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  int year = num(0, 4), month = num(4, 2), day = num(6, 2);
  int hour = num(9, 2), minute = num(11, 2), second = num(13, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year(year),
                                  std::chrono::month(static_cast<unsigned>(month)),
                                  std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out(date);
  out.append("/").append(region).append("/").append(service).append("/").append(kTerminator);
  return out;
}

std::string CanonicalRequest(const HttpRequest& request,
                             std::span<const std::string> signed_headers,
                             std::string_view payload_hash, const CanonicalOptions& options) {
  std::string_view target = request.target;
  if (size_t hash = target.find('#'); hash != std::string_view::npos)
    target = target.substr(0, hash);
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  std::vector<std::string> names = NormalizeNames(signed_headers);
  std::string out = request.method;
  out.append("\n").append(CanonicalUri(path, options));
  out.append("\n").append(CanonicalQuery(query));
  out.append("\n").append(CanonicalHeaders(request.headers, names));
  out.append("\n").append(Join(names, ';'));
  out.append("\n").append(payload_hash);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.append("\n").append(amz_date).append("\n").append(scope).append("\n");
  out.append(internal::HexSha256(canonical_request));
  return out;
}

internal::SecretBytes DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                                       std::string_view region, std::string_view service) {
  std::string seed = "AWS4";
  seed.append(secret_access_key);
  internal::Sha256Digest k = internal::HmacSha256(AsBytes(seed), date);
  OPENSSL_cleanse(seed.data(), seed.size());
  k = internal::HmacSha256(k, region);
  k = internal::HmacSha256(k, service);
  k = internal::HmacSha256(k, kTerminator);
  internal::SecretBytes key(k);
  OPENSSL_cleanse(k.data(), k.size());
  return key;
}

std::string Signature(std::string_view secret_access_key, std::string_view date,
                      std::string_view region, std::string_view service,
                      std::string_view string_to_sign) {
  internal::SecretBytes key = DeriveSigningKey(secret_access_key, date, region, service);
  return internal::HexEncode(internal::HmacSha256(key.span(), string_to_sign));
}

Result<SigningResult> Sign(HttpRequest& request, const Credentials& credentials,
                           std::string_view region, std::string_view service,
                           Clock::time_point time, const SignOptions& options) {
  if (!request.HasHeader("host")) {
    return MakeError(ErrorCode::kValidation, "SigV4 signing needs a Host header");
  }
  SigningContext ctx;
  ctx.amz_date = FormatAmzDate(time);
  ctx.date = ctx.amz_date.substr(0, 8);
  ctx.scope = CredentialScope(ctx.date, region, service);
  ctx.payload_hash = internal::HexSha256(request.body);
  if (options.location == SignatureLocation::kQuery) {
    return SignQuery(request, credentials, region, service, ctx, options);
  }
  return SignHeaders(request, credentials, region, service, ctx, options);
}

}  // namespace kms::sigv4
