// GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext: a fresh key pair for use outside
// KMS, its private key (PKCS#8 DER) sealed in our CiphertextBlob under a symmetric KMS key.
#include <boost/json/object.hpp>
#include <string>

#include "api/asymmetric_crypto.hpp"
#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/key_resolver.hpp"
#include "domain/ciphertext_blob.hpp"

namespace kms::emulator {
namespace {

constexpr StringRule kKeyIdRule{.required = true, .min = 1, .max = 2048};
// The model's order; AWS's own order in this message is not recorded. SM2 only in the China
// Regions, as for CreateKey's KeySpec (AWS's recorded KeySpec set outside China lacks SM2).
constexpr std::string_view kKeyPairSpecsWithSm2[] = {
    "RSA_2048",      "RSA_3072",        "RSA_4096", "ECC_NIST_P256",        "ECC_NIST_P384",
    "ECC_NIST_P521", "ECC_SECG_P256K1", "SM2",      "ECC_NIST_EDWARDS25519"};
constexpr std::string_view kKeyPairSpecs[] = {
    "RSA_2048",      "RSA_3072",      "RSA_4096",        "ECC_NIST_P256",
    "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"};
constexpr std::string_view kRecipientUnsupported =
    "Recipient (attested Nitro Enclave or NitroTPM requests) is not supported by this emulator.";

struct PairInput {
  std::string key_id;
  KeySpec pair_spec = KeySpec::kRsa2048;
  EncryptionContext context;
  bool dry_run = false;
};

Result<PairInput> ReadPairInput(const boost::json::object& body, bool with_plaintext,
                                std::string_view region) {
  InputReader in(body);
  auto context = in.StringMap("EncryptionContext");
  auto key_id = in.String("KeyId", kKeyIdRule);
  using Names = std::span<const std::string_view>;
  auto spec = in.Enum("KeyPairSpec",
                      Sm2Available(region) ? Names(kKeyPairSpecsWithSm2) : Names(kKeyPairSpecs),
                      /*required=*/true);
  (void)in.StringList("GrantTokens", ListRule{.max = 10}, StringRule{.min = 1, .max = 8192});
  auto dry_run = in.Boolean("DryRun");
  if (auto st = in.Finish(); !st) return st.error();
  auto recipient = body.find("Recipient");
  if (with_plaintext && recipient != body.end() && !recipient->value().is_null()) {
    return MakeError(ErrorCode::kUnsupportedOperation, std::string(kRecipientUnsupported));
  }
  PairInput out;
  out.key_id = std::string(*key_id);
  out.pair_spec = *ParseKeySpec(*spec);
  if (context) out.context = std::move(*context);
  out.dry_run = dry_run.value_or(false);
  return out;
}

// The symmetric KMS key that seals the private key, after AWS's checks: key usage, key state,
// then a symmetric key spec.
Result<std::shared_ptr<const Key>> SealingKey(const Services& services, const RequestContext& ctx,
                                              std::string_view key_id, std::string_view operation) {
  auto key = ResolveKey(services, ctx, key_id);
  if (!key) return key.error();
  const Key& k = **key;
  if (auto st = RequireUsage(k, KeyUsage::kEncryptDecrypt, operation); !st) return st.error();
  if (k.spec != KeySpec::kSymmetricDefault) {
    // The wording local-kms uses for this case; AWS's is not recorded.
    return MakeError(ErrorCode::kInvalidKeyUsage,
                     k.Arn() + " key KeySpec is " + std::string(ToString(k.spec)) +
                         " which is not valid for " + std::string(operation) + ".");
  }
  const KeyMaterial* material = k.CurrentMaterial();
  if (material == nullptr || material->bytes == nullptr) {
    return MakeError(ErrorCode::kInternal, "The key has no current key material.");
  }
  return key;
}

Result<boost::json::object> GenerateDataKeyPairImpl(const Services& services,
                                                    const RequestContext& ctx,
                                                    const boost::json::object& input,
                                                    bool with_plaintext,
                                                    std::string_view operation) {
  auto in = ReadPairInput(input, with_plaintext, ctx.region);
  if (!in) return in.error();
  auto key = SealingKey(services, ctx, in->key_id, operation);
  if (!key) return key.error();
  if (in->dry_run) return DryRunSucceeded();
  auto private_der = GenerateKeyMaterial(in->pair_spec);
  if (!private_der) return private_der.error();
  auto private_key = ParsePrivateKey(private_der->span());
  if (!private_key) return private_key.error();
  auto public_der = PublicKeyDer(private_key->get());
  if (!public_der) return public_der.error();
  const KeyMaterial& material = *(*key)->CurrentMaterial();
  std::string arn = (*key)->Arn();
  auto blob = SealCiphertextBlob(arn, material.id, material.bytes->span(), in->context,
                                 private_der->span());
  if (!blob) return blob.error();
  boost::json::object out;
  out.reserve(6);
  out.emplace("PrivateKeyCiphertextBlob", Base64String(*blob));
  if (with_plaintext) out.emplace("PrivateKeyPlaintext", Base64String(private_der->span()));
  out.emplace("PublicKey", Base64String(*public_der));
  out.emplace("KeyId", arn);
  out.emplace("KeyPairSpec", ToString(in->pair_spec));
  out.emplace("KeyMaterialId", material.id);
  return out;
}

}  // namespace

KMS_HANDLER(GenerateDataKeyPair) {
  return GenerateDataKeyPairImpl(services, ctx, input, true, "GenerateDataKeyPair");
}

KMS_HANDLER(GenerateDataKeyPairWithoutPlaintext) {
  return GenerateDataKeyPairImpl(services, ctx, input, false,
                                 "GenerateDataKeyPairWithoutPlaintext");
}

}  // namespace kms::emulator
