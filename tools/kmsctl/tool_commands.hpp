// kmsctl's own tools, not KMS operations: `inspect` (explain a message or ciphertext blob byte by
// byte) and `audit` (the emulator's CloudTrail events). A table of their own, after the envelope
// commands in --help.
#pragma once

#include <span>

#include "command.hpp"

namespace kms::cli {

// The tool commands ("inspect", "audit"). Thread-safe (constant).
std::span<const CommandSpec> ToolCommands();

// True when the command should print its own text layout: --output text, or no --output at
// all (inspect and audit default to text, being read by people). Pure.
bool WantsText(const GlobalOptions& globals);

// `kmsctl inspect [FILE|-]`: reads the input whole (standard input for "-" or no file) and
// prints Inspect()'s explanation. Errors: kValidation "Cannot open <path>: <reason>", and
// Inspect's, prefixed "Cannot inspect <what>: ". Makes no request.
Status InspectCommand(Context& ctx, const Args& args, Output& out);

// `kmsctl audit`: CloudTrail LookupEvents (audit_command.cpp). Errors: the option checks
// (kValidation), DescribeKey's for a --key-id that is not an ARN, and LookupEvents' (the
// CloudTrail type in ctx.error_type).
Status AuditCommand(Context& ctx, const Args& args, Output& out);

}  // namespace kms::cli
