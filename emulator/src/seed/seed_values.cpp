// Dates, key-material decoding (hex, PEM via OpenSSL) and key spec rules for seed files.
#include "seed/seed_values.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <kms/internal/encoding.hpp>
#include <kms/internal/hash.hpp>
#include <kms/internal/openssl_ptr.hpp>
#include <memory>

#include "audit/json_text.hpp"
#include "domain/asymmetric_key.hpp"

namespace kms::emulator::seed {
namespace {

constexpr std::string_view kMaterialIdLabel = "kms-emulator seed material id ";

Error Invalid(std::string message) { return MakeError(ErrorCode::kValidation, std::move(message)); }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads `n` digits at text[pos] into `out`.
bool Digits(std::string_view text, size_t pos, size_t n, int64_t& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

// The offset of "Z", "+HH:MM", "-HH:MM" or "+HHMM" in minutes; nullopt otherwise.
std::optional<int64_t> ZoneMinutes(std::string_view zone) {
  if (zone == "Z" || zone == "z") return 0;
  if (zone.size() != 6 && zone.size() != 5) return std::nullopt;
  if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
  int64_t hh = 0;
  int64_t mm = 0;
  size_t minute_at = zone.size() == 6 ? 4 : 3;
  if (zone.size() == 6 && zone[3] != ':') return std::nullopt;
  if (!Digits(zone, 1, 2, hh) || !Digits(zone, minute_at, 2, mm) || hh > 23 || mm > 59) {
    return std::nullopt;
  }
  int64_t minutes = hh * 60 + mm;
  return zone[0] == '-' ? -minutes : minutes;
}

// The KMS key spec of an EC key's group, or nullopt.
std::optional<KeySpec> EcSpec(const std::string& group) {
  if (group == "prime256v1" || group == "P-256") return KeySpec::kEccNistP256;
  if (group == "secp384r1" || group == "P-384") return KeySpec::kEccNistP384;
  if (group == "secp521r1" || group == "P-521") return KeySpec::kEccNistP521;
  if (group == "secp256k1") return KeySpec::kEccSecgP256k1;
  if (group == "SM2") return KeySpec::kSm2;
  return std::nullopt;
}

Result<KeySpec> SpecOf(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    int bits = EVP_PKEY_get_bits(key);
    if (bits == 2048) return KeySpec::kRsa2048;
    if (bits == 3072) return KeySpec::kRsa3072;
    if (bits == 4096) return KeySpec::kRsa4096;
    return Invalid("an RSA key of " + std::to_string(bits) + " bits; KMS has 2048, 3072 and 4096");
  }
  if (EVP_PKEY_is_a(key, "ED25519")) return KeySpec::kEccNistEdwards25519;
  if (EVP_PKEY_is_a(key, "SM2")) return KeySpec::kSm2;
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) != 1) {
      return Invalid("an EC key without a named curve; KMS has P-256, P-384, P-521 and secp256k1");
    }
    auto spec = EcSpec(group);
    if (!spec) {
      return Invalid("an EC key on curve " + std::string(group) +
                     "; KMS has P-256, P-384, P-521 and secp256k1");
    }
    return *spec;
  }
  const char* type = EVP_PKEY_get0_type_name(key);
  return Invalid(std::string("a ") + (type != nullptr ? type : "unknown") +
                 " key; KMS has RSA, EC, Ed25519 and SM2 key pairs");
}

// No passphrase: an encrypted PEM fails to load instead of prompting on the terminal.
int NoPassword(char*, int, int, void*) { return 0; }

}  // namespace

std::optional<int64_t> ParseIso8601(std::string_view t) {
  int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (t.size() < 20 || !Digits(t, 0, 4, y) || t[4] != '-' || !Digits(t, 5, 2, mo) || t[7] != '-' ||
      !Digits(t, 8, 2, d) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') ||
      !Digits(t, 11, 2, h) || t[13] != ':' || !Digits(t, 14, 2, mi) || t[16] != ':' ||
      !Digits(t, 17, 2, s)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(mo)) || h > 23 ||
      mi > 59 || s > 59) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t ms = 0;
  if (t[pos] == '.') {
    size_t start = ++pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
    int64_t scale = 100;
    for (size_t i = start; i < pos && i < start + 3; ++i, scale /= 10) ms += (t[i] - '0') * scale;
  }
  auto zone = ZoneMinutes(t.substr(pos));
  if (!zone) return std::nullopt;
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t seconds = days * 86400 + h * 3600 + mi * 60 + s - *zone * 60;
  return seconds * 1000 + ms;
}

std::string FormatIso8601(int64_t epoch_ms) { return audit::Iso8601(epoch_ms); }

std::optional<internal::SecretBytes> DecodeHex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  internal::SecretBytes out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    auto byte = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = byte(text[2 * i]);
    int lo = byte(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.data()[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

Result<PemKey> ParsePemPrivateKey(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  EVP_PKEY* raw = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr) : nullptr;
  ERR_clear_error();
  if (raw == nullptr) {
    return Invalid(
        "not an unencrypted PEM private key (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN "
        "EC PRIVATE KEY)");
  }
  internal::PkeyPtr key(raw);
  auto spec = SpecOf(key.get());
  if (!spec) return spec.error();
  auto der = Pkcs8Der(key.get());
  if (!der) return MakeError(ErrorCode::kInternal, "cannot encode the key as PKCS#8");
  return PemKey{*spec, std::move(*der)};
}

std::string Pkcs8Pem(std::span<const uint8_t> der) {
  std::string b64 = internal::Base64Encode(der);
  std::string out = "-----BEGIN PRIVATE KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out.append(b64, i, 64).push_back('\n');
  out.append("-----END PRIVATE KEY-----\n");
  return out;
}

std::string DerivedMaterialId(std::string_view key_id, std::span<const uint8_t> material) {
  std::string label(kMaterialIdLabel);
  label.append(key_id);
  return internal::HexEncode(internal::HmacSha256(material, label));
}

bool IsMaterialId(std::string_view id) {
  if (id.size() != 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

size_t SecretMaterialSize(KeySpec spec) {
  if (spec == KeySpec::kSymmetricDefault) return 32;
  return IsHmacSpec(spec) ? HmacKeySize(spec) : 0;
}

std::optional<KeyUsage> DefaultUsage(KeySpec spec) {
  if (spec == KeySpec::kSymmetricDefault) return KeyUsage::kEncryptDecrypt;
  if (IsHmacSpec(spec)) return KeyUsage::kGenerateVerifyMac;
  if (IsRsaSpec(spec)) return std::nullopt;
  return KeyUsage::kSignVerify;
}

}  // namespace kms::emulator::seed
