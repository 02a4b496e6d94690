// The command table: every kmsctl command with its options, help text and handler. Commands and
// options carry the aws CLI's names (`aws kms <command>`). Add a command by adding a row.
#include <algorithm>
#include <vector>

#include "envelope_commands.hpp"
#include "handlers.hpp"
#include "tool_commands.hpp"

namespace kms::cli {
namespace {

using T = OptionType;

// Enum choices: the SDK's wire-name tables (kms/types.hpp), botocore's values.
const std::span<const std::string_view> kKeySpecs = KeySpecNames();
const std::span<const std::string_view> kCustomerMasterKeySpecs = CustomerMasterKeySpecNames();
const std::span<const std::string_view> kKeyUsages = KeyUsageNames();
const std::span<const std::string_view> kOrigins = OriginNames();
const std::span<const std::string_view> kEncryptionAlgorithms = EncryptionAlgorithmNames();
const std::span<const std::string_view> kDataKeySpecs = DataKeySpecNames();

constexpr std::string_view kKeyIdHelp =
    "The KMS key: key id, key ARN, alias name (alias/...) or alias ARN.";

constexpr OptionSpec kKeyId{"--key-id", T::kString, true, kKeyIdHelp};
constexpr OptionSpec kGrantTokens{"--grant-tokens", T::kStringList, false,
                                  "Grant tokens (up to 10)."};
constexpr OptionSpec kDryRun{"--dry-run", T::kBool, false,
                             "Check permissions and parameters only; success is reported as "
                             "DryRunOperationException."};
constexpr OptionSpec kLimit{"--limit", T::kInt, false,
                            "Items per page. Giving --limit or --marker makes one call and "
                            "prints NextMarker and Truncated (no automatic pagination)."};
constexpr OptionSpec kMarker{"--marker", T::kString, false,
                             "NextMarker of a previous truncated answer: continue from there."};
constexpr OptionSpec kContext{"--encryption-context", T::kMap, false,
                              "Encryption context (authenticated, not secret), e.g. "
                              "purpose=backup,team=db. Decrypt needs the same one."};

const OptionSpec kCreateKeyOptions[] = {
    {"--policy", T::kString, false, "Key policy document (JSON; file://policy.json reads a file)."},
    {"--description", T::kString, false, "Description of the key (0-8192 characters)."},
    {"--key-usage", T::kEnum, false, "What the key is for.", kKeyUsages},
    {"--customer-master-key-spec", T::kEnum, false, "Deprecated twin of --key-spec.",
     kCustomerMasterKeySpecs},
    {"--key-spec", T::kEnum, false, "Key type (default SYMMETRIC_DEFAULT).", kKeySpecs},
    {"--origin", T::kEnum, false, "Source of the key material (default AWS_KMS).", kOrigins},
    {"--custom-key-store-id", T::kString, false, "Custom key store to create the key in."},
    {"--bypass-policy-lockout-safety-check", T::kBool, false,
     "Skip the policy lockout safety check."},
    {"--tags", T::kTags, false, "Tags, e.g. TagKey=team,TagValue=db TagKey=env,TagValue=dev."},
    {"--multi-region", T::kBool, false, "Create a multi-Region primary key."},
    {"--xks-key-id", T::kString, false, "Key id in the external key store."},
};
constexpr OptionSpec kDescribeKeyOptions[] = {kKeyId, kGrantTokens};
constexpr OptionSpec kListKeysOptions[] = {kLimit, kMarker};
constexpr OptionSpec kKeyIdOnly[] = {kKeyId};
constexpr OptionSpec kUpdateKeyDescriptionOptions[] = {
    kKeyId, {"--description", T::kString, true, "The new description (0-8192 characters)."}};
constexpr OptionSpec kScheduleKeyDeletionOptions[] = {
    kKeyId,
    {"--pending-window-in-days", T::kInt, false,
     "Days before the key is deleted, 7-30 (default 30)."}};

const OptionSpec kEncryptOptions[] = {
    kKeyId,
    {"--plaintext", T::kBlob, true, "Data to encrypt, 1-4096 bytes."},
    kContext,
    kGrantTokens,
    {"--encryption-algorithm", T::kEnum, false, "Default SYMMETRIC_DEFAULT.",
     kEncryptionAlgorithms},
    kDryRun,
    {"--outfile", T::kOutfile, false, "", {}, "CiphertextBlob"},
};
const OptionSpec kDecryptOptions[] = {
    {"--ciphertext-blob", T::kBlob, false,
     "The ciphertext, as Encrypt / GenerateDataKey returned it (raw bytes)."},
    kContext,
    kGrantTokens,
    {"--key-id", T::kString, false,
     "The key expected to have encrypted it (optional for symmetric keys; a mismatch fails)."},
    {"--encryption-algorithm", T::kEnum, false, "Default SYMMETRIC_DEFAULT.",
     kEncryptionAlgorithms},
    kDryRun,
    {"--dry-run-modifiers", T::kStringList, false, "E.g. IGNORE_CIPHERTEXT (with --dry-run)."},
    {"--outfile", T::kOutfile, false, "", {}, "Plaintext"},
};
const OptionSpec kReEncryptOptions[] = {
    {"--ciphertext-blob", T::kBlob, false, "The ciphertext to re-encrypt (raw bytes)."},
    {"--source-encryption-context", T::kMap, false, "Encryption context it was encrypted with."},
    {"--source-key-id", T::kString, false, "The key expected to have encrypted it."},
    {"--destination-key-id", T::kString, true, "The key to encrypt under (any key id form)."},
    {"--destination-encryption-context", T::kMap, false, "Encryption context for the result."},
    {"--source-encryption-algorithm", T::kEnum, false, "Algorithm it was encrypted with.",
     kEncryptionAlgorithms},
    {"--destination-encryption-algorithm", T::kEnum, false, "Algorithm to encrypt with.",
     kEncryptionAlgorithms},
    kGrantTokens,
    kDryRun,
    {"--dry-run-modifiers", T::kStringList, false, "E.g. IGNORE_CIPHERTEXT (with --dry-run)."},
    {"--outfile", T::kOutfile, false, "", {}, "CiphertextBlob"},
};
const OptionSpec kGenerateDataKeyOptions[] = {
    kKeyId,
    kContext,
    {"--number-of-bytes", T::kInt, false, "Data key length, 1-1024 (or give --key-spec)."},
    {"--key-spec", T::kEnum, false, "Data key length (or give --number-of-bytes).", kDataKeySpecs},
    kGrantTokens,
    kDryRun,
    {"--outfile", T::kOutfile, false, "", {}, "CiphertextBlob"},
    {"--plaintext-outfile", T::kOutfile, false, "", {}, "Plaintext"},
};
const OptionSpec kGenerateDataKeyWithoutPlaintextOptions[] = {
    kKeyId,
    kContext,
    {"--key-spec", T::kEnum, false, "Data key length (or give --number-of-bytes).", kDataKeySpecs},
    {"--number-of-bytes", T::kInt, false, "Data key length, 1-1024 (or give --key-spec)."},
    kGrantTokens,
    kDryRun,
    {"--outfile", T::kOutfile, false, "", {}, "CiphertextBlob"},
};
constexpr OptionSpec kGenerateRandomOptions[] = {
    {"--number-of-bytes", T::kInt, false, "How many bytes, 1-1024."},
    {"--custom-key-store-id", T::kString, false, "Generate them in this CloudHSM key store."},
    {"--outfile", T::kOutfile, false, "", {}, "Plaintext"},
};

constexpr OptionSpec kAliasOptions[] = {
    {"--alias-name", T::kString, true, "alias/<name>: letters, digits, / _ - (not alias/aws/)."},
    {"--target-key-id", T::kString, true, "Key id or key ARN (not an alias)."},
};
constexpr OptionSpec kDeleteAliasOptions[] = {
    {"--alias-name", T::kString, true, "The alias to delete (alias/<name>)."}};
constexpr OptionSpec kListAliasesOptions[] = {
    {"--key-id", T::kString, false, "Only the aliases of this key (key id or key ARN)."},
    kLimit,
    kMarker};
constexpr OptionSpec kTagResourceOptions[] = {
    kKeyId,
    {"--tags", T::kTags, true, "Tags, e.g. TagKey=team,TagValue=db TagKey=env,TagValue=dev."}};
constexpr OptionSpec kUntagResourceOptions[] = {
    kKeyId, {"--tag-keys", T::kStringList, true, "Tag keys to remove, e.g. team env."}};
constexpr OptionSpec kListResourceTagsOptions[] = {kKeyId, kLimit, kMarker};

constexpr std::string_view kKeys = "Keys";
constexpr std::string_view kCrypto = "Cryptography";
constexpr std::string_view kAliases = "Aliases";
constexpr std::string_view kTags = "Tags";

constexpr CommandSpec kCommands[] = {
    {"create-key", "CreateKey", kKeys, "Create a KMS key (symmetric by default).",
     "Prints KeyMetadata.", kCreateKeyOptions,
     "create-key --description \"app data\" --tags TagKey=team,TagValue=db", CreateKeyCommand},
    {"describe-key", "DescribeKey", kKeys, "Show a key's metadata.", "Prints KeyMetadata.",
     kDescribeKeyOptions, "describe-key --key-id alias/app", DescribeKeyCommand},
    {"list-keys", "ListKeys", kKeys, "List the keys of the account and region.",
     "Prints Keys (KeyId, KeyArn), every page merged.", kListKeysOptions, "list-keys --output text",
     ListKeysCommand},
    {"update-key-description", "UpdateKeyDescription", kKeys, "Change a key's description.",
     "Prints nothing.", kUpdateKeyDescriptionOptions,
     "update-key-description --key-id alias/app --description \"new text\"",
     UpdateKeyDescriptionCommand},
    {"enable-key", "EnableKey", kKeys, "Enable a disabled key.", "Prints nothing.", kKeyIdOnly,
     "enable-key --key-id alias/app", EnableKeyCommand},
    {"disable-key", "DisableKey", kKeys,
     "Disable a key (cryptographic operations then fail with DisabledException).",
     "Prints nothing.", kKeyIdOnly, "disable-key --key-id alias/app", DisableKeyCommand},
    {"schedule-key-deletion", "ScheduleKeyDeletion", kKeys,
     "Delete a key after a waiting period (cancel-key-deletion undoes it).",
     "Prints KeyId, DeletionDate, KeyState, PendingWindowInDays.", kScheduleKeyDeletionOptions,
     "schedule-key-deletion --key-id alias/app --pending-window-in-days 7",
     ScheduleKeyDeletionCommand},
    {"cancel-key-deletion", "CancelKeyDeletion", kKeys,
     "Cancel a scheduled deletion; the key is left disabled.", "Prints KeyId.", kKeyIdOnly,
     "cancel-key-deletion --key-id alias/app", CancelKeyDeletionCommand},
    {"encrypt", "Encrypt", kCrypto, "Encrypt up to 4096 bytes under a KMS key.",
     "Prints CiphertextBlob (base64), KeyId (key ARN), EncryptionAlgorithm. --outfile PATH "
     "writes the raw CiphertextBlob to PATH instead (the bytes decrypt --ciphertext-blob "
     "fileb://PATH reads).",
     kEncryptOptions,
     "encrypt --key-id alias/app --plaintext fileb://secret.txt --outfile secret.kms",
     EncryptCommand},
    {"decrypt", "Decrypt", kCrypto, "Decrypt a ciphertext made by encrypt or generate-data-key.",
     "Prints KeyId, Plaintext (base64), EncryptionAlgorithm, KeyMaterialId. --outfile PATH "
     "writes the raw Plaintext to PATH instead (what `aws kms decrypt --query Plaintext "
     "--output text | base64 -d` gives).",
     kDecryptOptions, "decrypt --ciphertext-blob fileb://secret.kms --outfile secret.txt",
     DecryptCommand},
    {"re-encrypt", "ReEncrypt", kCrypto,
     "Decrypt a ciphertext and encrypt it under another key, inside KMS.",
     "Prints CiphertextBlob (base64), SourceKeyId, KeyId, the algorithms and key material ids. "
     "--outfile PATH writes the raw new CiphertextBlob to PATH instead.",
     kReEncryptOptions,
     "re-encrypt --ciphertext-blob fileb://secret.kms --destination-key-id alias/new "
     "--outfile secret2.kms",
     ReEncryptCommand},
    {"generate-data-key", "GenerateDataKey", kCrypto,
     "Make a data key: its plaintext to encrypt locally, and a copy encrypted under the KMS key.",
     "Prints CiphertextBlob (the encrypted data key, base64), Plaintext (the data key, base64), "
     "KeyId, KeyMaterialId. --outfile PATH writes the raw CiphertextBlob to PATH and "
     "--plaintext-outfile PATH the raw Plaintext; a member written to a file is not printed.",
     kGenerateDataKeyOptions,
     "generate-data-key --key-id alias/app --key-spec AES_256 --outfile key.enc "
     "--plaintext-outfile key.bin",
     GenerateDataKeyCommand},
    {"generate-data-key-without-plaintext", "GenerateDataKeyWithoutPlaintext", kCrypto,
     "Make a data key returned only encrypted (decrypt it when needed).",
     "Prints CiphertextBlob (base64), KeyId, KeyMaterialId. --outfile PATH writes the raw "
     "CiphertextBlob to PATH instead.",
     kGenerateDataKeyWithoutPlaintextOptions,
     "generate-data-key-without-plaintext --key-id alias/app --key-spec AES_256 --outfile key.enc",
     GenerateDataKeyWithoutPlaintextCommand},
    {"generate-random", "GenerateRandom", kCrypto, "Random bytes from KMS.",
     "Prints Plaintext (base64). --outfile PATH writes the raw bytes to PATH instead.",
     kGenerateRandomOptions, "generate-random --number-of-bytes 32 --outfile random.bin",
     GenerateRandomCommand},
    {"create-alias", "CreateAlias", kAliases, "Give a key a friendly name.", "Prints nothing.",
     kAliasOptions, "create-alias --alias-name alias/app --target-key-id KEY_ID",
     CreateAliasCommand},
    {"update-alias", "UpdateAlias", kAliases, "Point an alias at another key.", "Prints nothing.",
     kAliasOptions, "update-alias --alias-name alias/app --target-key-id OTHER_KEY_ID",
     UpdateAliasCommand},
    {"delete-alias", "DeleteAlias", kAliases, "Delete an alias (not its key).", "Prints nothing.",
     kDeleteAliasOptions, "delete-alias --alias-name alias/app", DeleteAliasCommand},
    {"list-aliases", "ListAliases", kAliases, "List aliases, of the account or of one key.",
     "Prints Aliases (AliasName, AliasArn, TargetKeyId, CreationDate, LastUpdatedDate), every "
     "page merged.",
     kListAliasesOptions, "list-aliases --key-id KEY_ID", ListAliasesCommand},
    {"tag-resource", "TagResource", kTags, "Add or replace tags on a key.", "Prints nothing.",
     kTagResourceOptions, "tag-resource --key-id alias/app --tags TagKey=env,TagValue=dev",
     TagResourceCommand},
    {"untag-resource", "UntagResource", kTags, "Remove tags from a key.", "Prints nothing.",
     kUntagResourceOptions, "untag-resource --key-id alias/app --tag-keys env",
     UntagResourceCommand},
    {"list-resource-tags", "ListResourceTags", kTags, "List a key's tags.",
     "Prints Tags (TagKey, TagValue), every page merged.", kListResourceTagsOptions,
     "list-resource-tags --key-id alias/app --output text", ListResourceTagsCommand},
};

}  // namespace

std::span<const CommandSpec> Commands() { return kCommands; }

std::span<const CommandSpec* const> AllCommands() {
  // The envelope commands and the tools are not KMS operations: tables of their own.
  static const std::vector<const CommandSpec*> all = [] {
    std::vector<const CommandSpec*> out;
    for (auto table : {Commands(), EnvelopeCommands(), ToolCommands()}) {
      for (const CommandSpec& command : table) out.push_back(&command);
    }
    return out;
  }();
  return all;
}

const CommandSpec* FindCommand(std::string_view name) {
  auto all = AllCommands();
  auto it =
      std::find_if(all.begin(), all.end(), [&](const CommandSpec* c) { return c->name == name; });
  return it == all.end() ? nullptr : *it;
}

const OptionSpec* FindOption(const CommandSpec& command, std::string_view name) {
  auto it = std::find_if(command.options.begin(), command.options.end(),
                         [&](const OptionSpec& o) { return o.name == name; });
  return it == command.options.end() ? nullptr : &*it;
}

}  // namespace kms::cli
