// `kmsctl envelope encrypt|decrypt`: files and streams in the AWS Encryption SDK message format
// under KMS keys. They are not KMS operations, so they live in a table of their own that
// FindCommand consults after the KMS command table.
#pragma once

#include <span>

#include "command.hpp"

namespace kms::cli {

// The envelope commands ("envelope encrypt", "envelope decrypt"). Thread-safe (constant).
std::span<const CommandSpec> EnvelopeCommands();

// Handlers. They stream --in (a file, or "-" = standard input) to --out (a file created 0600,
// or "-" = standard output) in constant memory; a failed run removes an --out file. Errors are
// the SDK's unchanged (kValidation for bad option values, kInvalidCiphertext for messages, the
// keyring's for KMS failures), except I/O errors (kValidation "Cannot open <path>: <reason>" and
// "Cannot read <path>: <reason>", kInternal "Cannot write <path>: <reason>"; standard input and
// output are named so). Input is read and output written on threads of their own.
Status EnvelopeEncryptCommand(Context& ctx, const Args& args, Output& out);
Status EnvelopeDecryptCommand(Context& ctx, const Args& args, Output& out);

// For `kmsctl decrypt`: kInvalidCiphertext "This is an AWS Encryption SDK message, not a KMS
// ciphertext blob; decrypt it with an Encryption SDK (kmsctl envelope decrypt)" when `blob`
// starts like a message (01 80 <v1 suite> or 02 <v2 suite>), which KMS would reject with a length
// error or an empty message. Pure.
Status CheckNotEnvelopeMessage(std::span<const uint8_t> blob);

}  // namespace kms::cli
