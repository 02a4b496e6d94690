// Cryptographic commands: encrypt, decrypt, re-encrypt, generate-data-key,
// generate-data-key-without-plaintext, generate-random. Binary results go through
// Output::Blob, so --outfile options receive them raw.
#include "envelope_commands.hpp"
#include "handlers.hpp"

namespace kms::cli {
namespace {

std::optional<Blob> CiphertextArg(const Args& args) {
  const internal::SecretBytes* blob = args.Blob("--ciphertext-blob");
  if (blob == nullptr) return std::nullopt;
  return Blob(blob->span().begin(), blob->span().end());
}

}  // namespace

Status EncryptCommand(Context& ctx, const Args& args, Output& out) {
  auto client = ctx.Client();
  if (!client) return client.error();
  EncryptRequest req;
  req.KeyId = args.Required("--key-id");
  if (const auto* plaintext = args.Blob("--plaintext")) req.Plaintext = plaintext->Clone();
  req.EncryptionContext = args.Map("--encryption-context");
  req.GrantTokens = args.List("--grant-tokens");
  req.EncryptionAlgorithm = args.Enum("--encryption-algorithm", ParseEncryptionAlgorithm);
  req.DryRun = args.Bool("--dry-run");
  auto res = (*client)->Encrypt(req);
  if (!res) return res.error();
  out.Blob("CiphertextBlob", res->CiphertextBlob);
  out.Str("KeyId", res->KeyId);
  out.Enum("EncryptionAlgorithm", res->EncryptionAlgorithm);
  return {};
}

Status DecryptCommand(Context& ctx, const Args& args, Output& out) {
  auto client = ctx.Client();
  if (!client) return client.error();
  DecryptRequest req;
  req.CiphertextBlob = CiphertextArg(args);
  if (req.CiphertextBlob) {
    if (Status blob = CheckNotEnvelopeMessage(*req.CiphertextBlob); !blob) return blob;
  }
  req.EncryptionContext = args.Map("--encryption-context");
  req.GrantTokens = args.List("--grant-tokens");
  req.KeyId = args.String("--key-id");
  req.EncryptionAlgorithm = args.Enum("--encryption-algorithm", ParseEncryptionAlgorithm);
  req.DryRun = args.Bool("--dry-run");
  req.DryRunModifiers = args.List("--dry-run-modifiers");
  auto res = (*client)->Decrypt(req);
  if (!res) return res.error();
  out.Str("KeyId", res->KeyId);
  out.Blob("Plaintext", res->Plaintext.span());
  out.Enum("EncryptionAlgorithm", res->EncryptionAlgorithm);
  out.Str("KeyMaterialId", res->KeyMaterialId);
  return {};
}

Status ReEncryptCommand(Context& ctx, const Args& args, Output& out) {
  auto client = ctx.Client();
  if (!client) return client.error();
  ReEncryptRequest req;
  req.CiphertextBlob = CiphertextArg(args);
  req.SourceEncryptionContext = args.Map("--source-encryption-context");
  req.SourceKeyId = args.String("--source-key-id");
  req.DestinationKeyId = args.Required("--destination-key-id");
  req.DestinationEncryptionContext = args.Map("--destination-encryption-context");
  req.SourceEncryptionAlgorithm =
      args.Enum("--source-encryption-algorithm", ParseEncryptionAlgorithm);
  req.DestinationEncryptionAlgorithm =
      args.Enum("--destination-encryption-algorithm", ParseEncryptionAlgorithm);
  req.GrantTokens = args.List("--grant-tokens");
  req.DryRun = args.Bool("--dry-run");
  req.DryRunModifiers = args.List("--dry-run-modifiers");
  auto res = (*client)->ReEncrypt(req);
  if (!res) return res.error();
  out.Blob("CiphertextBlob", res->CiphertextBlob);
  out.Str("SourceKeyId", res->SourceKeyId);
  out.Str("KeyId", res->KeyId);
  out.Enum("SourceEncryptionAlgorithm", res->SourceEncryptionAlgorithm);
  out.Enum("DestinationEncryptionAlgorithm", res->DestinationEncryptionAlgorithm);
  out.Str("SourceKeyMaterialId", res->SourceKeyMaterialId);
  out.Str("DestinationKeyMaterialId", res->DestinationKeyMaterialId);
  return {};
}

Status GenerateDataKeyCommand(Context& ctx, const Args& args, Output& out) {
  auto client = ctx.Client();
  if (!client) return client.error();
  GenerateDataKeyRequest req;
  req.KeyId = args.Required("--key-id");
  req.EncryptionContext = args.Map("--encryption-context");
  req.NumberOfBytes = args.Int("--number-of-bytes");
  req.KeySpec = args.Enum("--key-spec", ParseDataKeySpec);
  req.GrantTokens = args.List("--grant-tokens");
  req.DryRun = args.Bool("--dry-run");
  auto res = (*client)->GenerateDataKey(req);
  if (!res) return res.error();
  out.Blob("CiphertextBlob", res->CiphertextBlob);
  out.Blob("Plaintext", res->Plaintext.span());
  out.Str("KeyId", res->KeyId);
  out.Str("KeyMaterialId", res->KeyMaterialId);
  return {};
}

Status GenerateDataKeyWithoutPlaintextCommand(Context& ctx, const Args& args, Output& out) {
  auto client = ctx.Client();
  if (!client) return client.error();
  GenerateDataKeyWithoutPlaintextRequest req;
  req.KeyId = args.Required("--key-id");
  req.EncryptionContext = args.Map("--encryption-context");
  req.KeySpec = args.Enum("--key-spec", ParseDataKeySpec);
  req.NumberOfBytes = args.Int("--number-of-bytes");
  req.GrantTokens = args.List("--grant-tokens");
  req.DryRun = args.Bool("--dry-run");
  auto res = (*client)->GenerateDataKeyWithoutPlaintext(req);
  if (!res) return res.error();
  out.Blob("CiphertextBlob", res->CiphertextBlob);
  out.Str("KeyId", res->KeyId);
  out.Str("KeyMaterialId", res->KeyMaterialId);
  return {};
}

Status GenerateRandomCommand(Context& ctx, const Args& args, Output& out) {
  auto client = ctx.Client();
  if (!client) return client.error();
  auto res = (*client)->GenerateRandom(
      {args.Int("--number-of-bytes"), args.String("--custom-key-store-id")});
  if (!res) return res.error();
  out.Blob("Plaintext", res->Plaintext.span());
  return {};
}

}  // namespace kms::cli
