// Helpers for the asymmetric, HMAC and key-pair handler tests: JSON bodies from boost::json
// objects, keys of any spec made through CreateKey, and an offline signature check that goes
// through EVP_DigestVerify with explicit parameters (not the emulator's sign/verify path).
#pragma once

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <kms/internal/encoding.hpp>
#include <kms/internal/openssl_ptr.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "domain/asymmetric_key.hpp"
#include "management_fixture.hpp"

namespace kms::emulator::testing {

using boost::json::object;

inline std::string J(const object& o) { return boost::json::serialize(o); }

inline std::string B64(std::span<const uint8_t> bytes) { return internal::Base64Encode(bytes); }
inline std::string B64(std::string_view text) { return internal::Base64Encode(text); }

inline std::vector<uint8_t> Bytes(const boost::json::value& v) {
  auto bytes = internal::Base64Decode(v.as_string());
  REQUIRE(bytes.has_value());
  return *bytes;
}

inline std::vector<uint8_t> TextBytes(std::string_view text) { return {text.begin(), text.end()}; }

// The names of an object's members, in order.
inline std::vector<std::string> Names(const object& o) {
  std::vector<std::string> names;
  for (const auto& kv : o) names.emplace_back(kv.key());
  return names;
}

// KeyMetadata of a new key of `spec` and `usage`.
inline object NewKeyOf(Fixture& f, std::string_view spec, std::string_view usage) {
  return f.NewKey(J({{"KeySpec", spec}, {"KeyUsage", usage}}));
}

inline std::string NewKeyIdOf(Fixture& f, std::string_view spec, std::string_view usage) {
  return Str(NewKeyOf(f, spec, usage).at("KeyId"));
}

// The parsed private key the store holds for a key.
inline PrivateKey StoredPrivateKey(Fixture& f, const std::string& key_id) {
  auto key = f.store().FindKey(kAccount, kRegion, key_id);
  REQUIRE(key != nullptr);
  REQUIRE(key->CurrentMaterial() != nullptr);
  auto parsed = ParsePrivateKey(key->CurrentMaterial()->bytes->span());
  REQUIRE(parsed.has_value());
  return *parsed;
}

// The public key GetPublicKey returns, parsed from its DER SubjectPublicKeyInfo.
inline internal::PkeyPtr PublicKeyFromKms(Fixture& f, const std::string& key_id) {
  auto der = Bytes(f.Ok(GetPublicKey, KeyIdJson(key_id)).at("PublicKey"));
  const unsigned char* p = der.data();
  internal::PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  REQUIRE(key != nullptr);
  return key;
}

// EVP digest name and padding of a signing algorithm, for the offline check.
struct OfflineParams {
  const char* md = nullptr;  // nullptr: Ed25519
  int padding = 0;           // RSA padding, 0 for EC
};

inline OfflineParams ParamsOf(std::string_view alg) {
  const char* md = alg.ends_with("256") ? "SHA256" : alg.ends_with("384") ? "SHA384" : "SHA512";
  if (alg.starts_with("ED25519")) return {nullptr, 0};
  if (alg.starts_with("RSASSA_PSS")) return {md, RSA_PKCS1_PSS_PADDING};
  if (alg.starts_with("RSASSA_PKCS1")) return {md, RSA_PKCS1_PADDING};
  return {md, 0};
}

// Verifies `signature` over the raw `message` with EVP_DigestVerify: PSS with MGF1 over the same
// hash and salt = `pss_salt` (-1: the digest length).
inline bool OfflineVerify(EVP_PKEY* key, std::string_view alg, std::span<const uint8_t> message,
                          std::span<const uint8_t> signature, int pss_salt = -1) {
  OfflineParams params = ParamsOf(alg);
  internal::MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit_ex(ctx.get(), &pctx, params.md, nullptr, nullptr, key, nullptr) != 1) {
    return false;
  }
  if (params.padding != 0) {
    REQUIRE(EVP_PKEY_CTX_set_rsa_padding(pctx, params.padding) == 1);
    if (params.padding == RSA_PKCS1_PSS_PADDING) {
      REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, pss_salt) == 1);
    }
  }
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

// The hash of `message` for a signing algorithm (a DIGEST message).
inline std::vector<uint8_t> DigestFor(std::string_view alg, std::span<const uint8_t> message) {
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  REQUIRE(EVP_Digest(message.data(), message.size(), out.data(), &size,
                     EVP_get_digestbyname(ParamsOf(alg).md), nullptr) == 1);
  out.resize(size);
  return out;
}

inline const std::string kDryRunMessage =
    "The request would have succeeded, but the DryRun option is set.";

}  // namespace kms::emulator::testing
