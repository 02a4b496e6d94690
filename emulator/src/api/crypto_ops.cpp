// Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext) and GenerateRandom: the
// symmetric hot path (asymmetric KMS keys are routed to asymmetric_crypto.cpp). No SQLite here:
// keys come from the store's cache, key material is borrowed from the key snapshot (never copied),
// plaintext and data keys live only in SecretBytes.
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>
#include <string>

#include "api/asymmetric_crypto.hpp"
#include "api/custom_key_store.hpp"
#include "api/handlers.hpp"
#include "api/input.hpp"
#include "api/key_resolver.hpp"
#include "domain/ciphertext_blob.hpp"

namespace kms::emulator {
namespace {

constexpr std::string_view kSymmetricDefault = "SYMMETRIC_DEFAULT";
// AWS lists this enum in this order in its validation messages (recorded by other emulators'
// tests against AWS; not re-verified here).
constexpr std::string_view kEncryptionAlgorithms[] = {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256",
                                                      "SM2PKE", "SYMMETRIC_DEFAULT"};
constexpr std::string_view kDataKeySpecs[] = {"AES_256", "AES_128"};
constexpr StringRule kKeyIdRule{.required = true, .min = 1, .max = 2048};
constexpr StringRule kOptionalKeyIdRule{.min = 1, .max = 2048};
constexpr BlobRule kPlaintextRule{.required = true, .min = 1, .max = 4096};
constexpr size_t kMaxCiphertextSize = 6144;
constexpr IntRule kNumberOfBytesRule{.min = 1, .max = 1024};
constexpr std::string_view kRecipientUnsupported =
    "Recipient (attested Nitro Enclave or NitroTPM requests) is not supported by this emulator.";

const EncryptionContext kNoContext;

const EncryptionContext& ContextOrNone(const std::optional<EncryptionContext>& context) {
  return context ? *context : kNoContext;
}

Error DryRun() {
  return MakeError(ErrorCode::kDryRunOperation,
                   "The request would have succeeded, but the DryRun option is set.");
}

Error IncorrectKey() {
  return MakeError(ErrorCode::kIncorrectKey,
                   "The key ID in the request does not identify a CMK that can perform this "
                   "operation.");
}

bool HasEntries(const std::optional<EncryptionContext>& context) {
  return context.has_value() && !context->empty();
}

bool HasMember(const boost::json::object& input, std::string_view name) {
  auto it = input.find(name);
  return it != input.end() && !it->value().is_null();
}

// The response form of a blob member: base64 written straight into the JSON string.
boost::json::string Base64Json(std::span<const uint8_t> bytes) {
  boost::json::string s;
  s.resize(internal::Base64EncodedSize(bytes.size()));
  internal::Base64EncodeInto(bytes, s.data());
  return s;
}

void ReadGrantTokens(InputReader& in) {
  (void)in.StringList("GrantTokens", ListRule{.max = 10}, StringRule{.min = 1, .max = 8192});
}

// DryRunModifiers: true when it holds IGNORE_CIPHERTEXT; other values are a validation error in
// Coral's list-of-enum wording.
bool ReadIgnoreCiphertext(InputReader& in) {
  auto modifiers = in.StringList("DryRunModifiers", ListRule{}, StringRule{});
  if (!modifiers) return false;
  bool ignore = false, invalid = false;
  std::string shown;
  for (const std::string& m : *modifiers) {
    (m == "IGNORE_CIPHERTEXT" ? ignore : invalid) = true;
    shown += (shown.empty() ? "" : ", ") + m;
  }
  if (invalid) {
    in.AddViolation("Value '[" + shown +
                    "]' at 'dryRunModifiers' failed to satisfy constraint: Member must satisfy "
                    "constraint: [Member must satisfy enum value set: [IGNORE_CIPHERTEXT]]");
  }
  return ignore;
}

// AWS (as other emulators' tests recorded it): key usage first, then key state, then key spec
// and algorithm.
Status RequireEncryptDecrypt(const Key& key, std::string_view operation) {
  if (key.usage != KeyUsage::kEncryptDecrypt) {
    return MakeError(ErrorCode::kInvalidKeyUsage,
                     key.Arn() + " key usage is " + std::string(ToString(key.usage)) +
                         " which is not valid for " + std::string(operation) + ".");
  }
  return RequireEnabled(key);
}

// AWS: "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_4096." and the converse.
Status RequireSymmetricAlgorithm(const Key& key, std::string_view algorithm) {
  bool symmetric_key = key.spec == KeySpec::kSymmetricDefault;
  if (symmetric_key != (algorithm == kSymmetricDefault)) {
    return MakeError(ErrorCode::kInvalidKeyUsage, "Algorithm " + std::string(algorithm) +
                                                      " is incompatible with key spec " +
                                                      std::string(ToString(key.spec)) + ".");
  }
  // Asymmetric keys take the RSA path before this; only a forged blob names one here.
  if (!symmetric_key) return MakeError(ErrorCode::kInvalidCiphertext, "");
  return {};
}

Result<const KeyMaterial*> CurrentMaterial(const Key& key) {
  const KeyMaterial* material = key.CurrentMaterial();
  if (material == nullptr || material->bytes == nullptr) {
    return MakeError(ErrorCode::kInternal, "The key has no current key material.");
  }
  return material;
}

// The material to encrypt with under `key`, after every check Encrypt and ReEncrypt make.
Result<const KeyMaterial*> MaterialForEncrypt(const Key& key, std::string_view operation,
                                              std::string_view algorithm) {
  if (auto st = RequireEncryptDecrypt(key, operation); !st) return st.error();
  if (auto st = RequireSymmetricAlgorithm(key, algorithm); !st) return st.error();
  return CurrentMaterial(key);
}

Result<std::vector<uint8_t>> Seal(const std::string& arn, const KeyMaterial& material,
                                  const EncryptionContext& context,
                                  std::span<const uint8_t> plaintext) {
  return SealCiphertextBlob(arn, material.id, material.bytes->span(), context, plaintext);
}

// The key named by an optional KeyId member; null when absent.
Result<std::shared_ptr<const Key>> ResolveOptional(const Services& services,
                                                   const RequestContext& ctx,
                                                   std::optional<std::string_view> key_id) {
  if (!key_id) return std::shared_ptr<const Key>();
  return ResolveKey(services, ctx, *key_id);
}

// The key a parsed blob names, checked against the key the request named (if any).
Result<std::shared_ptr<const Key>> BlobKey(const Services& services, const RequestContext& ctx,
                                           const BlobView& blob,
                                           const std::shared_ptr<const Key>& requested) {
  // A blob names a key of its own region; only a multi-Region key shares its material (and
  // material ids) with its replicas in other regions. A key of another account is used through
  // its ARN, as AWS allows Decrypt across accounts (the key policy decides; none is enforced yet).
  bool foreign_region = blob.region != ctx.region && !IsMultiRegionKeyId(blob.key_id);
  if (foreign_region) {
    return MakeError(ErrorCode::kInvalidCiphertext, "");
  }
  if (requested) {
    if (requested->id != blob.key_id) return IncorrectKey();
    return requested;
  }
  // A blob naming a key that does not exist here (deleted, its window passed, or a forged id):
  // InvalidCiphertextException with AWS's empty message, not NotFoundException. AWS finds the key
  // of a symmetric blob through the key-material (backing key) id inside it; deleting a key
  // deletes that material, so its blobs reference nothing and look exactly like forged ones.
  // Answering NotFound would also let unauthenticated blob bytes probe which key ids exist, and
  // would make a tampered key id differ from every other tampered byte. Not verified against AWS.
  auto key = ResolveKey(services, ctx, KeyArn(ctx.region, blob.account, blob.key_id));
  if (!key && key.error().code == ErrorCode::kNotFound) {
    return MakeError(ErrorCode::kInvalidCiphertext, "");
  }
  return key;
}

struct Opened {
  std::shared_ptr<const Key> key;
  const KeyMaterial* material = nullptr;
  internal::SecretBytes plaintext;
};

// Parse, find the key, check it, authenticate and decrypt: Decrypt and the first half of
// ReEncrypt.
Result<Opened> OpenBlob(const Services& services, const RequestContext& ctx,
                        std::span<const uint8_t> bytes, const EncryptionContext& context,
                        const std::shared_ptr<const Key>& requested, std::string_view algorithm,
                        std::string_view operation) {
  auto view = ParseCiphertextBlob(bytes);
  if (!view) return view.error();
  auto key = BlobKey(services, ctx, *view, requested);
  if (!key) return key.error();
  if (auto st = RequireEncryptDecrypt(**key, operation); !st) return st.error();
  if (auto st = RequireSymmetricAlgorithm(**key, algorithm); !st) return st.error();
  // A material id the key never had: a forged blob, or one of another emulator instance.
  const KeyMaterial* material = (*key)->FindMaterial(view->MaterialIdHex());
  if (material == nullptr || material->bytes == nullptr) {
    return MakeError(ErrorCode::kInvalidCiphertext, "");
  }
  auto plaintext = OpenCiphertextBlob(*view, material->bytes->span(), context);
  if (!plaintext) return plaintext.error();
  return Opened{std::move(*key), material, std::move(*plaintext)};
}

// True when a Decrypt (or ReEncrypt source) goes to the asymmetric key named by KeyId: the
// ciphertext is not one of our symmetric blobs (those name their key, and a KeyId that differs is
// IncorrectKeyException, as AWS answers for an HMAC KeyId with a symmetric blob).
bool TakesAsymmetricPath(const std::shared_ptr<const Key>& requested, bool ignore_ciphertext,
                         const std::optional<internal::SecretBytes>& blob) {
  if (!requested || !IsAsymmetricSpec(requested->spec)) return false;
  return ignore_ciphertext || !blob || !ParseCiphertextBlob(blob->span()).has_value();
}

// The first half of ReEncrypt when SourceKeyId names an asymmetric key: RSA-OAEP decryption.
Result<Opened> OpenWithAsymmetricKey(const std::shared_ptr<const Key>& key,
                                     std::string_view algorithm, bool has_context,
                                     std::span<const uint8_t> ciphertext) {
  if (auto st = CheckAsymmetricDecrypt(*key, algorithm, has_context, "ReEncrypt"); !st) {
    return st.error();
  }
  auto plaintext = AsymmetricDecrypt(*key, algorithm, ciphertext);
  if (!plaintext) return plaintext.error();
  return Opened{key, nullptr, std::move(*plaintext)};
}

// The second half of ReEncrypt: the new ciphertext under `destination` and the material it used
// (null for an asymmetric key), or DryRunOperationException once every check passed.
struct Resealed {
  std::vector<uint8_t> blob;
  const KeyMaterial* material = nullptr;
};

Result<Resealed> Reseal(const Key& destination, std::string_view algorithm,
                        const std::optional<EncryptionContext>& context,
                        std::span<const uint8_t> plaintext, bool dry_run) {
  if (IsAsymmetricSpec(destination.spec)) {
    if (auto st = CheckAsymmetricEncrypt(destination, algorithm, HasEntries(context),
                                         plaintext.size(), "ReEncrypt");
        !st) {
      return st.error();
    }
    if (dry_run) return DryRun();
    auto ciphertext = AsymmetricEncrypt(destination, algorithm, plaintext);
    if (!ciphertext) return ciphertext.error();
    return Resealed{std::move(*ciphertext), nullptr};
  }
  auto material = MaterialForEncrypt(destination, "ReEncrypt", algorithm);
  if (!material) return material.error();
  if (dry_run) return DryRun();
  auto sealed = Seal(destination.Arn(), **material, ContextOrNone(context), plaintext);
  if (!sealed) return sealed.error();
  return Resealed{std::move(*sealed), *material};
}

// DryRun with DryRunModifiers IGNORE_CIPHERTEXT: the blob is not looked at, so the request must
// name the key; checks it and reports the dry run.
Error DryRunIgnoringCiphertext(const std::shared_ptr<const Key>& key, std::string_view member,
                               std::string_view algorithm, std::string_view operation) {
  if (!key) {
    return MakeError(ErrorCode::kValidation, std::string(member) +
                                                 " is required when DryRunModifiers contains "
                                                 "IGNORE_CIPHERTEXT.");
  }
  if (auto st = RequireEncryptDecrypt(*key, operation); !st) return st.error();
  if (auto st = RequireSymmetricAlgorithm(*key, algorithm); !st) return st.error();
  return DryRun();
}

// ReEncrypt with DryRun and IGNORE_CIPHERTEXT: the destination and the named source are checked,
// the blob is not looked at.
Error ReEncryptDryRunIgnoringCiphertext(const std::shared_ptr<const Key>& source,
                                        std::string_view from, bool has_source_context,
                                        const Key& destination, std::string_view to,
                                        bool has_destination_context) {
  if (IsAsymmetricSpec(destination.spec)) {
    auto st = CheckAsymmetricDecrypt(destination, to, has_destination_context, "ReEncrypt");
    if (!st) return st.error();
  } else if (auto st = MaterialForEncrypt(destination, "ReEncrypt", to); !st) {
    return st.error();
  }
  if (source && IsAsymmetricSpec(source->spec)) {
    auto st = CheckAsymmetricDecrypt(*source, from, has_source_context, "ReEncrypt");
    return st ? DryRun() : st.error();
  }
  return DryRunIgnoringCiphertext(source, "SourceKeyId", from, "ReEncrypt");
}

Result<boost::json::object> GenerateDataKeyImpl(const Services& services, const RequestContext& ctx,
                                                const boost::json::object& input,
                                                bool with_plaintext, std::string_view operation) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto context = in.StringMap("EncryptionContext");
  auto number_of_bytes = in.Integer("NumberOfBytes", kNumberOfBytesRule);
  auto key_spec = in.Enum("KeySpec", kDataKeySpecs);
  ReadGrantTokens(in);
  bool dry_run = in.Boolean("DryRun").value_or(false);
  if (auto st = in.Finish(); !st) return st.error();
  // AWS: a request check, made before the key is looked up. The wording is the one local-kms,
  // moto and LocalStack use (first seen from AWS by local-kms); not re-verified here.
  if (number_of_bytes.has_value() == key_spec.has_value()) {
    return MakeError(ErrorCode::kValidation, "Please specify either number of bytes or key spec.");
  }
  if (with_plaintext && HasMember(input, "Recipient")) {
    return MakeError(ErrorCode::kUnsupportedOperation, std::string(kRecipientUnsupported));
  }
  auto key = ResolveKey(services, ctx, *key_id);
  if (!key) return key.error();
  if (auto st = RequireEncryptDecrypt(**key, operation); !st) return st.error();
  if ((*key)->spec != KeySpec::kSymmetricDefault) {
    return MakeError(ErrorCode::kInvalidKeyUsage,
                     "You cannot generate a data key with an asymmetric CMK");
  }
  auto material = CurrentMaterial(**key);
  if (!material) return material.error();
  if (dry_run) return DryRun();
  size_t size =
      number_of_bytes ? static_cast<size_t>(*number_of_bytes) : (*key_spec == "AES_128" ? 16 : 32);
  auto data_key = internal::RandomSecret(size);
  if (!data_key) return data_key.error();
  std::string arn = (*key)->Arn();
  auto blob = Seal(arn, **material, ContextOrNone(context), data_key->span());
  if (!blob) return blob.error();
  boost::json::object out;
  out.reserve(4);
  out.emplace("CiphertextBlob", Base64Json(*blob));
  if (with_plaintext) out.emplace("Plaintext", Base64Json(data_key->span()));
  out.emplace("KeyId", arn);
  out.emplace("KeyMaterialId", (*material)->id);
  return out;
}

}  // namespace

KMS_HANDLER(Encrypt) {
  InputReader in(input);
  auto key_id = in.String("KeyId", kKeyIdRule);
  auto plaintext = in.Blob("Plaintext", kPlaintextRule);
  auto context = in.StringMap("EncryptionContext");
  ReadGrantTokens(in);
  auto algorithm = in.Enum("EncryptionAlgorithm", kEncryptionAlgorithms);
  bool dry_run = in.Boolean("DryRun").value_or(false);
  if (auto st = in.Finish(); !st) return st.error();
  auto key = ResolveKey(services, ctx, *key_id);
  if (!key) return key.error();
  if (IsAsymmetricSpec((*key)->spec)) {
    return EncryptWithAsymmetricKey(**key, algorithm.value_or(kSymmetricDefault),
                                    HasEntries(context), plaintext->span(), dry_run);
  }
  auto material = MaterialForEncrypt(**key, "Encrypt", algorithm.value_or(kSymmetricDefault));
  if (!material) return material.error();
  if (dry_run) return DryRun();
  std::string arn = (*key)->Arn();
  auto blob = Seal(arn, **material, ContextOrNone(context), plaintext->span());
  if (!blob) return blob.error();
  boost::json::object out;
  out.reserve(3);
  out.emplace("CiphertextBlob", Base64Json(*blob));
  out.emplace("KeyId", arn);
  out.emplace("EncryptionAlgorithm", kSymmetricDefault);
  return out;
}

KMS_HANDLER(Decrypt) {
  InputReader in(input);
  bool dry_run = in.Boolean("DryRun").value_or(false);
  bool ignore_ciphertext = ReadIgnoreCiphertext(in) && dry_run;
  auto blob = in.Blob("CiphertextBlob",
                      {.required = !ignore_ciphertext, .min = 1, .max = kMaxCiphertextSize});
  auto context = in.StringMap("EncryptionContext");
  ReadGrantTokens(in);
  auto key_id = in.String("KeyId", kOptionalKeyIdRule);
  auto algorithm = in.Enum("EncryptionAlgorithm", kEncryptionAlgorithms);
  if (auto st = in.Finish(); !st) return st.error();
  if (HasMember(input, "Recipient")) {
    return MakeError(ErrorCode::kUnsupportedOperation, std::string(kRecipientUnsupported));
  }
  auto requested = ResolveOptional(services, ctx, key_id);
  if (!requested) return requested.error();
  std::string_view alg = algorithm.value_or(kSymmetricDefault);
  // AWS: a ciphertext of an asymmetric key carries no key reference; KeyId names the key.
  if (TakesAsymmetricPath(*requested, ignore_ciphertext, blob)) {
    std::span<const uint8_t> ciphertext =
        ignore_ciphertext ? std::span<const uint8_t>() : blob->span();
    return DecryptWithAsymmetricKey(**requested, alg, HasEntries(context), ciphertext, dry_run);
  }
  if (ignore_ciphertext) return DryRunIgnoringCiphertext(*requested, "KeyId", alg, "Decrypt");
  auto opened =
      OpenBlob(services, ctx, blob->span(), ContextOrNone(context), *requested, alg, "Decrypt");
  if (!opened) return opened.error();
  if (dry_run) return DryRun();
  boost::json::object out;
  out.reserve(4);
  out.emplace("KeyId", opened->key->Arn());
  out.emplace("Plaintext", Base64Json(opened->plaintext.span()));
  out.emplace("EncryptionAlgorithm", kSymmetricDefault);
  out.emplace("KeyMaterialId", opened->material->id);
  return out;
}

KMS_HANDLER(ReEncrypt) {
  InputReader in(input);
  bool dry_run = in.Boolean("DryRun").value_or(false);
  bool ignore_ciphertext = ReadIgnoreCiphertext(in) && dry_run;
  auto blob = in.Blob("CiphertextBlob",
                      {.required = !ignore_ciphertext, .min = 1, .max = kMaxCiphertextSize});
  auto source_context = in.StringMap("SourceEncryptionContext");
  auto source_key_id = in.String("SourceKeyId", kOptionalKeyIdRule);
  auto destination_key_id = in.String("DestinationKeyId", kKeyIdRule);
  auto destination_context = in.StringMap("DestinationEncryptionContext");
  auto source_alg = in.Enum("SourceEncryptionAlgorithm", kEncryptionAlgorithms);
  auto destination_alg = in.Enum("DestinationEncryptionAlgorithm", kEncryptionAlgorithms);
  ReadGrantTokens(in);
  if (auto st = in.Finish(); !st) return st.error();
  auto requested = ResolveOptional(services, ctx, source_key_id);
  if (!requested) return requested.error();
  std::string_view from = source_alg.value_or(kSymmetricDefault);
  std::string_view to = destination_alg.value_or(kSymmetricDefault);
  auto destination = ResolveKey(services, ctx, *destination_key_id);
  if (!destination) return destination.error();
  bool source_asymmetric = TakesAsymmetricPath(*requested, ignore_ciphertext, blob);
  if (ignore_ciphertext) {
    return ReEncryptDryRunIgnoringCiphertext(*requested, from, HasEntries(source_context),
                                             **destination, to, HasEntries(destination_context));
  }
  auto opened =
      source_asymmetric
          ? OpenWithAsymmetricKey(*requested, from, HasEntries(source_context), blob->span())
          : OpenBlob(services, ctx, blob->span(), ContextOrNone(source_context), *requested, from,
                     "ReEncrypt");
  if (!opened) return opened.error();
  auto sealed = Reseal(**destination, to, destination_context, opened->plaintext.span(), dry_run);
  if (!sealed) return sealed.error();
  boost::json::object out;
  out.reserve(7);
  out.emplace("CiphertextBlob", Base64Json(sealed->blob));
  out.emplace("SourceKeyId", opened->key->Arn());
  out.emplace("KeyId", (*destination)->Arn());
  out.emplace("SourceEncryptionAlgorithm", from);
  out.emplace("DestinationEncryptionAlgorithm", to);
  // AWS: material ids only where a symmetric encryption key was used.
  if (opened->material) out.emplace("SourceKeyMaterialId", opened->material->id);
  if (sealed->material) out.emplace("DestinationKeyMaterialId", sealed->material->id);
  return out;
}

KMS_HANDLER(GenerateDataKey) {
  return GenerateDataKeyImpl(services, ctx, input, true, "GenerateDataKey");
}

KMS_HANDLER(GenerateDataKeyWithoutPlaintext) {
  return GenerateDataKeyImpl(services, ctx, input, false, "GenerateDataKeyWithoutPlaintext");
}

KMS_HANDLER(GenerateRandom) {
  (void)services;
  (void)ctx;
  InputReader in(input);
  auto number_of_bytes = in.Integer("NumberOfBytes", kNumberOfBytesRule);
  auto custom_key_store_id = in.String("CustomKeyStoreId", StringRule{.min = 1, .max = 64});
  if (auto st = in.Finish(); !st) return st.error();
  // AWS: the model leaves NumberOfBytes optional; the service requires it with its own message.
  if (!number_of_bytes) return MakeError(ErrorCode::kValidation, "NumberOfBytes is required.");
  // Custom key stores are not emulated: no id names one.
  if (custom_key_store_id) return CustomKeyStoreNotFound(*custom_key_store_id);
  if (HasMember(input, "Recipient")) {
    return MakeError(ErrorCode::kUnsupportedOperation, std::string(kRecipientUnsupported));
  }
  auto bytes = internal::RandomSecret(static_cast<size_t>(*number_of_bytes));
  if (!bytes) return bytes.error();
  boost::json::object out;
  out.emplace("Plaintext", Base64Json(bytes->span()));
  return out;
}

}  // namespace kms::emulator
