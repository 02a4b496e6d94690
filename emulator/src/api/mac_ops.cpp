// GenerateMac and VerifyMac with HMAC KMS keys (HMAC_224/256/384/512, one MacAlgorithm each).
#include <openssl/crypto.h>

#include <boost/json/object.hpp>
#include <string>

#include "api/asymmetric_crypto.hpp"
#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/key_resolver.hpp"

namespace kms::emulator {
namespace {

constexpr StringRule kKeyIdRule{.required = true, .min = 1, .max = 2048};
constexpr BlobRule kMessageRule{.required = true, .min = 1, .max = 4096};
constexpr BlobRule kMacRule{.required = true, .min = 1, .max = 6144};
// AWS: the enum in the order AWS lists it (test_invalid_generate_mac[HMAC_256-INVALID]).
constexpr std::string_view kMacAlgorithms[] = {"HMAC_SHA_384", "HMAC_SHA_256", "HMAC_SHA_224",
                                               "HMAC_SHA_512"};

struct MacInput {
  std::string key_id;
  internal::SecretBytes message;
  MacAlgorithm algorithm = MacAlgorithm::kHmacSha256;
  std::optional<internal::SecretBytes> mac;  // VerifyMac only
  bool dry_run = false;
};

Result<MacInput> ReadMacInput(const boost::json::object& body, bool verify) {
  InputReader in(body);
  auto message = in.Blob("Message", kMessageRule);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto algorithm = in.Enum("MacAlgorithm", kMacAlgorithms, /*required=*/true);
  auto mac = verify ? in.Blob("Mac", kMacRule) : std::nullopt;
  (void)in.StringList("GrantTokens", ListRule{.max = 10}, StringRule{.min = 1, .max = 8192});
  auto dry_run = in.Boolean("DryRun");
  if (auto st = in.Finish(); !st) return st.error();
  MacInput out;
  out.key_id = std::string(*key_id);
  out.message = std::move(*message);
  out.algorithm = *ParseMacAlgorithm(*algorithm);
  out.mac = std::move(mac);
  out.dry_run = dry_run.value_or(false);
  return out;
}

// The HMAC key material of the key after AWS's checks, in AWS's order: key usage, key state,
// then the one MacAlgorithm of the key spec.
Result<std::shared_ptr<const Key>> MacKey(const Services& services, const RequestContext& ctx,
                                          const MacInput& in, std::string_view operation) {
  auto key = ResolveKey(services, ctx, in.key_id);
  if (!key) return key.error();
  const Key& k = **key;
  if (auto st = RequireUsage(k, KeyUsage::kGenerateVerifyMac, operation); !st) return st.error();
  auto algorithms = MacAlgorithmNames(k.spec);
  if (algorithms.empty() || algorithms.front() != ToString(in.algorithm)) {
    // AWS: test_invalid_generate_mac[HMAC_224-HMAC_SHA_256]
    return AlgorithmIncompatible(ToString(in.algorithm), k.spec);
  }
  const KeyMaterial* material = k.CurrentMaterial();
  if (material == nullptr || material->bytes == nullptr) {
    return MakeError(ErrorCode::kInternal, "The key has no current key material.");
  }
  return key;
}

std::vector<uint8_t> MacOf(const Key& key, const MacInput& in) {
  return ComputeHmac(in.algorithm, key.CurrentMaterial()->bytes->span(), in.message.span());
}

}  // namespace

KMS_HANDLER(GenerateMac) {
  auto in = ReadMacInput(input, /*verify=*/false);
  if (!in) return in.error();
  auto key = MacKey(services, ctx, *in, "GenerateMac");
  if (!key) return key.error();
  if (in->dry_run) return DryRunSucceeded();
  std::vector<uint8_t> mac = MacOf(**key, *in);
  boost::json::object out;
  out.reserve(3);
  out.emplace("Mac", Base64String(mac));
  out.emplace("MacAlgorithm", ToString(in->algorithm));
  out.emplace("KeyId", (*key)->Arn());
  return out;
}

KMS_HANDLER(VerifyMac) {
  auto in = ReadMacInput(input, /*verify=*/true);
  if (!in) return in.error();
  auto key = MacKey(services, ctx, *in, "VerifyMac");
  if (!key) return key.error();
  if (in->dry_run) return DryRunSucceeded();
  std::vector<uint8_t> expected = MacOf(**key, *in);
  bool valid = in->mac->size() == expected.size() &&
               CRYPTO_memcmp(in->mac->data(), expected.data(), expected.size()) == 0;
  // AWS: a MAC that does not verify is KMSInvalidMacException with an empty message
  // (test_invalid_verify_mac), never MacValid false.
  if (!valid) return MakeError(ErrorCode::kInvalidMac, "");
  boost::json::object out;
  out.reserve(3);
  out.emplace("KeyId", (*key)->Arn());
  out.emplace("MacValid", true);
  out.emplace("MacAlgorithm", ToString(in->algorithm));
  return out;
}

}  // namespace kms::emulator
