// GetPublicKey, Sign, Verify and DeriveSharedSecret: the operations on the private key of an
// asymmetric KMS key. Keys come from the store's cache and their parsed EVP_PKEY from the
// per-material cache, so none of these touches SQLite.
#include <algorithm>
#include <boost/json/array.hpp>
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
constexpr BlobRule kSignatureRule{.required = true, .min = 1, .max = 6144};
constexpr BlobRule kPublicKeyRule{.required = true, .min = 1, .max = 8192};
// The model's order; AWS's own order in this message is not recorded.
constexpr std::string_view kMessageTypes[] = {"RAW", "DIGEST", "EXTERNAL_MU"};
constexpr std::string_view kKeyAgreementAlgorithms[] = {"ECDH"};
constexpr std::string_view kRecipientUnsupported =
    "Recipient (attested Nitro Enclave or NitroTPM requests) is not supported by this emulator.";

void ReadGrantTokens(InputReader& in) {
  (void)in.StringList("GrantTokens", ListRule{.max = 10}, StringRule{.min = 1, .max = 8192});
}

boost::json::array Names(std::span<const std::string_view> names) {
  boost::json::array out;
  for (std::string_view name : names) out.emplace_back(name);
  return out;
}

Error ValidationError(std::string message) {
  return MakeError(ErrorCode::kValidation, std::move(message));
}

// The members Sign and Verify share, after model validation.
struct SignInput {
  std::string key_id;
  internal::SecretBytes message;
  std::string message_type = "RAW";
  SigningAlgorithm algorithm = SigningAlgorithm::kRsaPssSha256;
  std::optional<internal::SecretBytes> signature;  // Verify only
  bool dry_run = false;
};

Result<SignInput> ReadSignInput(const boost::json::object& body, bool verify) {
  InputReader in(body);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto message = in.Blob("Message", kMessageRule);
  auto message_type = in.Enum("MessageType", kMessageTypes);
  auto signature = verify ? in.Blob("Signature", kSignatureRule) : std::nullopt;
  ReadGrantTokens(in);
  auto algorithm = in.Enum("SigningAlgorithm", kSigningAlgorithmNames, /*required=*/true);
  auto dry_run = in.Boolean("DryRun");
  if (auto st = in.Finish(); !st) return st.error();
  SignInput out;
  out.key_id = std::string(*key_id);
  out.message = std::move(*message);
  if (message_type) out.message_type = std::string(*message_type);
  out.algorithm = *ParseSigningAlgorithm(*algorithm);
  out.signature = std::move(signature);
  out.dry_run = dry_run.value_or(false);
  return out;
}

// AWS: Ed25519 pairs ED25519_SHA_512 with RAW and ED25519_PH_SHA_512 with DIGEST; EXTERNAL_MU is
// for ML-DSA only; a DIGEST must have the algorithm's digest length.
Status CheckMessage(const SignInput& in) {
  std::string alg(ToString(in.algorithm));
  std::string_view required;
  if (in.algorithm == SigningAlgorithm::kEd25519Sha512) required = "RAW";
  if (in.algorithm == SigningAlgorithm::kEd25519PhSha512) required = "DIGEST";
  bool external_mu_ok = in.algorithm == SigningAlgorithm::kMlDsaShake256;
  if ((!required.empty() && in.message_type != required) ||
      (in.message_type == "EXTERNAL_MU" && !external_mu_ok)) {
    return ValidationError("Message type " + in.message_type + " is incompatible with algorithm " +
                           alg + ".");
  }
  size_t digest_size = DigestSize(in.algorithm);
  if (in.message_type == "DIGEST" && digest_size != 0 && in.message.size() != digest_size) {
    // AWS: test_sign_verify "bad-digest"
    return ValidationError("Digest is invalid length for algorithm " + alg + ".");
  }
  return {};
}

// Resolves the key and makes every check Sign and Verify share; returns the key.
Result<std::shared_ptr<const Key>> SigningKey(const Services& services, const RequestContext& ctx,
                                              const SignInput& in, std::string_view operation) {
  auto key = ResolveKey(services, ctx, in.key_id);
  if (!key) return key.error();
  if (auto st = RequireUsage(**key, KeyUsage::kSignVerify, operation); !st) return st.error();
  std::string_view alg = ToString(in.algorithm);
  auto algorithms = SigningAlgorithmNames((*key)->spec);
  if (std::find(algorithms.begin(), algorithms.end(), alg) == algorithms.end()) {
    return AlgorithmIncompatible(alg, (*key)->spec);
  }
  if (auto st = CheckMessage(in); !st) return st.error();
  if (auto st = CheckSigningSupported(in.algorithm); !st) return st.error();
  return key;
}

bool IsDigest(const SignInput& in) { return in.message_type == "DIGEST"; }

}  // namespace

KMS_HANDLER(GetPublicKey) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  ReadGrantTokens(in);
  if (auto st = in.Finish(); !st) return st.error();
  auto key = ResolveKey(services, ctx, *key_id);
  if (!key) return key.error();
  const Key& k = **key;
  if (!IsAsymmetricSpec(k.spec)) {
    // AWS's wording for symmetric and HMAC keys is not recorded; this one names the rule.
    return MakeError(
        ErrorCode::kUnsupportedOperation,
        k.Arn() + " key spec " + std::string(ToString(k.spec)) + " is not valid for GetPublicKey.");
  }
  if (auto st = RequireEnabled(k); !st) return st.error();
  auto private_key = CurrentPrivateKey(k);
  if (!private_key) return private_key.error();
  auto der = PublicKeyDer(private_key->get());
  if (!der) return der.error();
  boost::json::object out;
  out.emplace("KeyId", k.Arn());
  out.emplace("PublicKey", Base64String(*der));
  bool deprecated_enum_has_it = k.spec != KeySpec::kEccNistEdwards25519 && !IsMlDsaSpec(k.spec);
  if (deprecated_enum_has_it) out.emplace("CustomerMasterKeySpec", ToString(k.spec));
  out.emplace("KeySpec", ToString(k.spec));
  out.emplace("KeyUsage", ToString(k.usage));
  if (k.usage == KeyUsage::kEncryptDecrypt) {
    out.emplace("EncryptionAlgorithms", Names(EncryptionAlgorithmNames(k.spec)));
  }
  if (k.usage == KeyUsage::kSignVerify) {
    out.emplace("SigningAlgorithms", Names(SigningAlgorithmNames(k.spec)));
  }
  if (k.usage == KeyUsage::kKeyAgreement) {
    out.emplace("KeyAgreementAlgorithms", Names(kKeyAgreementAlgorithms));
  }
  return out;
}

KMS_HANDLER(Sign) {
  auto in = ReadSignInput(input, /*verify=*/false);
  if (!in) return in.error();
  auto key = SigningKey(services, ctx, *in, "Sign");
  if (!key) return key.error();
  auto private_key = CurrentPrivateKey(**key);
  if (!private_key) return private_key.error();
  if (in->dry_run) return DryRunSucceeded();
  auto signature =
      SignMessage(private_key->get(), in->algorithm, in->message.span(), IsDigest(*in));
  if (!signature) return signature.error();
  boost::json::object out;
  out.reserve(3);
  out.emplace("KeyId", (*key)->Arn());
  out.emplace("Signature", Base64String(*signature));
  out.emplace("SigningAlgorithm", ToString(in->algorithm));
  return out;
}

KMS_HANDLER(Verify) {
  auto in = ReadSignInput(input, /*verify=*/true);
  if (!in) return in.error();
  auto key = SigningKey(services, ctx, *in, "Verify");
  if (!key) return key.error();
  auto private_key = CurrentPrivateKey(**key);
  if (!private_key) return private_key.error();
  if (in->dry_run) return DryRunSucceeded();
  auto valid = VerifySignature(private_key->get(), in->algorithm, in->message.span(), IsDigest(*in),
                               in->signature->span());
  if (!valid) return valid.error();
  // AWS: a signature that does not verify is an error with an empty message, never
  // SignatureValid false (test_sign_verify "bad-signature").
  if (!*valid) return MakeError(ErrorCode::kKmsInvalidSignature, "");
  boost::json::object out;
  out.reserve(3);
  out.emplace("KeyId", (*key)->Arn());
  out.emplace("SignatureValid", true);
  out.emplace("SigningAlgorithm", ToString(in->algorithm));
  return out;
}

KMS_HANDLER(DeriveSharedSecret) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto algorithm = in.Enum("KeyAgreementAlgorithm", kKeyAgreementAlgorithms, /*required=*/true);
  auto public_key = in.Blob("PublicKey", kPublicKeyRule);
  ReadGrantTokens(in);
  bool dry_run = in.Boolean("DryRun").value_or(false);
  if (auto st = in.Finish(); !st) return st.error();
  auto recipient = input.find("Recipient");
  if (recipient != input.end() && !recipient->value().is_null()) {
    return MakeError(ErrorCode::kUnsupportedOperation, std::string(kRecipientUnsupported));
  }
  auto key = ResolveKey(services, ctx, *key_id);
  if (!key) return key.error();
  if (auto st = RequireUsage(**key, KeyUsage::kKeyAgreement, "DeriveSharedSecret"); !st) {
    return st.error();
  }
  auto private_key = CurrentPrivateKey(**key);
  if (!private_key) return private_key.error();
  auto secret = DeriveEcdhSecret(private_key->get(), public_key->span());
  // AWS: a public key that is no DER SubjectPublicKeyInfo of the key's curve is a
  // ValidationException with an empty message (test_derive_shared_secret).
  if (!secret) return ValidationError("");
  if (dry_run) return DryRunSucceeded();
  boost::json::object out;
  out.reserve(4);
  out.emplace("KeyId", (*key)->Arn());
  out.emplace("SharedSecret", Base64String(secret->span()));
  out.emplace("KeyAgreementAlgorithm", *algorithm);
  out.emplace("KeyOrigin", ToString((*key)->origin));
  return out;
}

}  // namespace kms::emulator
