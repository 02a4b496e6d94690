// Value rules shared by both seed formats and the export: ISO 8601 dates, key material from
// hex, base64 and PEM, deterministic material ids, and AWS's key spec / usage pairing.
#pragma once

#include <cstdint>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <kms/types.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kms::emulator::seed {

// Epoch milliseconds of "YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM|-HH:MM]" (a space may replace the
// T); nullopt for anything else or an impossible date. Pure.
std::optional<int64_t> ParseIso8601(std::string_view text);
// "2025-05-20T20:45:00Z" (seconds precision). Pure.
std::string FormatIso8601(int64_t epoch_ms);

// Bytes of upper- or lower-case hex text; nullopt for an odd length or a non-hex character.
std::optional<internal::SecretBytes> DecodeHex(std::string_view text);

// A PEM private key, unencrypted: PKCS#8 ("BEGIN PRIVATE KEY"), or traditional RSA / EC.
struct PemKey {
  KeySpec spec;
  internal::SecretBytes pkcs8_der;  // the key re-encoded as PKCS#8 DER, as the store keeps it
};
// Parses `pem` and names its key spec. kValidation errors: "not an unencrypted PEM private key
// (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)", "an RSA key of N bits;
// KMS has 2048, 3072 and 4096", "an EC key on curve C; KMS has P-256, P-384, P-521 and
// secp256k1", "a <type> key; KMS has RSA, EC, Ed25519 and SM2 key pairs". Thread-safe.
Result<PemKey> ParsePemPrivateKey(std::string_view pem);
// "-----BEGIN PRIVATE KEY-----\n<base64, 64 a line>\n-----END PRIVATE KEY-----\n" of PKCS#8
// DER. Pure.
std::string Pkcs8Pem(std::span<const uint8_t> der);

// The material id a seeded material gets when the seed gives none: lower-case hex of
// HMAC-SHA256(key = material bytes, "kms-emulator seed material id " + key id). The same seed
// gives the same id on every machine, so its ciphertexts decrypt everywhere. Pure.
std::string DerivedMaterialId(std::string_view key_id, std::span<const uint8_t> material);

// True for 64 lower-case hex characters (AWS's KeyMaterialId). Pure.
bool IsMaterialId(std::string_view id);

// Bytes of material a symmetric (32) or HMAC (28/32/48/64) key takes; 0 for key pairs. Pure.
size_t SecretMaterialSize(KeySpec spec);

// The usage a key spec gets when the seed names none: ENCRYPT_DECRYPT for SYMMETRIC_DEFAULT,
// GENERATE_VERIFY_MAC for HMAC, SIGN_VERIFY for ECC, Ed25519 and SM2; nullopt for RSA, which has
// two equally likely usages and must be told. Pure.
std::optional<KeyUsage> DefaultUsage(KeySpec spec);

}  // namespace kms::emulator::seed
