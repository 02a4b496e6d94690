// SHA-256 (EVP_Digest) and HMAC-SHA256 (EVP_MAC) one-shot helpers.
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <kms/internal/encoding.hpp>
#include <kms/internal/hash.hpp>
#include <memory>

namespace kms::internal {
namespace {

// A digest or MAC failing means OpenSSL could not allocate: there is no sane way to go on.
[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "fatal: OpenSSL %s failed\n", what);
  std::abort();
}

// Fetched once (C++ static init is thread-safe) and kept for the life of the process.
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) Fatal("EVP_MAC_fetch(HMAC)");
  return mac;
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};

}  // namespace

Sha256Digest Sha256(std::span<const uint8_t> data) {
  Sha256Digest out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != out.size()) {
    Fatal("EVP_Digest(SHA256)");
  }
  return out;
}

Sha256Digest Sha256(std::string_view data) { return Sha256(AsBytes(data)); }

std::string HexSha256(std::string_view data) { return HexEncode(Sha256(data)); }

Sha256Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(HmacAlgorithm()));
  if (!ctx) Fatal("EVP_MAC_CTX_new");
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  // EVP_MAC_init rejects a null key pointer even for length 0.
  static constexpr uint8_t kEmpty[1] = {0};
  const uint8_t* key_ptr = key.empty() ? kEmpty : key.data();
  Sha256Digest out{};
  size_t len = 0;
  if (EVP_MAC_init(ctx.get(), key_ptr, key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size()) {
    Fatal("HMAC-SHA256");
  }
  return out;
}

Sha256Digest HmacSha256(std::span<const uint8_t> key, std::string_view data) {
  return HmacSha256(key, AsBytes(data));
}

}  // namespace kms::internal
