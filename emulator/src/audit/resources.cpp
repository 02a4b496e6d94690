// Which keys and aliases a call named, for the record's resources and GetKeyLastUsage.
#include "audit/resources.hpp"

#include <kms/internal/encoding.hpp>

#include "api/key_resolver.hpp"
#include "domain/ciphertext_blob.hpp"

namespace kms::emulator::audit {
namespace {

bool IsKmsArn(std::string_view s) { return s.starts_with("arn:aws:kms:"); }

void AddResolved(const AuditedCall& call, std::string_view member, ResourceList& out) {
  std::string_view key_id = StringMember(*call.input, member);
  if (key_id.empty()) return;
  auto key = ResolveKey(call.services, call.ctx, key_id);
  if (key) out.AddOwned((*key)->Arn());
}

void AddAlias(const AuditedCall& call, ResourceList& out) {
  std::string_view name = StringMember(*call.input, "AliasName");
  if (!name.starts_with("alias/")) return;
  out.AddOwned("arn:aws:kms:" + call.ctx.region + ":" + call.ctx.account + ":" + std::string(name));
}

// The key a CiphertextBlob names in its header (a failed Decrypt or ReEncrypt that named no key
// still names it, as AWS's failed-Decrypt example does), if that key exists for the caller.
void AddBlobKey(const AuditedCall& call, ResourceList& out) {
  std::string_view text = StringMember(*call.input, "CiphertextBlob");
  if (text.empty()) return;
  auto bytes = internal::Base64Decode(text);
  if (!bytes) return;
  auto blob = ParseCiphertextBlob(*bytes);
  if (!blob) return;
  auto key = ResolveKey(call.services, call.ctx, blob->key_arn);
  if (key) out.AddOwned((*key)->Arn());
}

// Resources named by the request, for calls whose response names none. Orders as AWS's
// examples: CreateAlias key then alias; UpdateAlias and DeleteAlias alias then key.
void ResourcesFromInput(const AuditedCall& call, ResourceList& out) {
  if (call.operation == "CreateAlias") {
    AddResolved(call, "TargetKeyId", out);
    AddAlias(call, out);
  } else if (call.operation == "UpdateAlias" || call.operation == "DeleteAlias") {
    AddAlias(call, out);
    AddResolved(call, call.operation == "UpdateAlias" ? "TargetKeyId" : "AliasName", out);
  } else if (call.operation == "ReEncrypt") {
    AddResolved(call, "SourceKeyId", out);
    if (out.empty()) AddBlobKey(call, out);
    AddResolved(call, "DestinationKeyId", out);
  } else if (call.operation == "Decrypt") {
    AddResolved(call, "KeyId", out);
    if (out.empty()) AddBlobKey(call, out);
  } else {
    AddResolved(call, "KeyId", out);
  }
}

// Resources named by the response: KeyId (an ARN in every KMS response that has one),
// ReEncrypt's SourceKeyId first, CreateKey/DescribeKey's KeyMetadata.Arn.
void ResourcesFromOutput(const boost::json::object& output, ResourceList& out) {
  if (auto arn = StringMember(output, "SourceKeyId"); IsKmsArn(arn)) out.Add(arn);
  if (auto arn = StringMember(output, "KeyId"); IsKmsArn(arn)) out.Add(arn);
  auto metadata = output.find("KeyMetadata");
  if (metadata != output.end() && metadata->value().is_object()) {
    auto arn = StringMember(metadata->value().get_object(), "Arn");
    if (IsKmsArn(arn)) out.Add(arn);
  }
}

}  // namespace

void CollectResources(const AuditedCall& call, ResourceList& out) {
  if (call.output != nullptr) ResourcesFromOutput(*call.output, out);
  bool alias_op = call.operation == "CreateAlias" || call.operation == "UpdateAlias" ||
                  call.operation == "DeleteAlias";
  if ((out.empty() || alias_op) && call.input != nullptr) ResourcesFromInput(call, out);
}

std::string_view StringMember(const boost::json::object& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || !it->value().is_string()) return {};
  return it->value().get_string();
}

std::string_view ArnAccount(std::string_view arn) {
  size_t start = 0;
  for (int colon = 0; colon < 4; ++colon) {
    start = arn.find(':', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  size_t end = arn.find(':', start);
  return end == std::string_view::npos ? std::string_view() : arn.substr(start, end - start);
}

bool IsKeyArn(std::string_view arn) { return arn.find(":key/") != std::string_view::npos; }

}  // namespace kms::emulator::audit
