// Grant rules, identifiers and tokens.
#include "domain/grant.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>
#include <set>

namespace kms::emulator {
namespace {

constexpr std::string_view kGrantOperations[] = {
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "GetPublicKey",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
    "DeriveSharedSecret",
};

// Token layout: version byte 0x01 then 63 random bytes, base64 (88 characters).
constexpr uint8_t kTokenVersion = 0x01;
constexpr size_t kTokenBytes = 64;

bool OneOf(std::string_view s, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), s) != names.end();
}

// The operations a key of this usage and spec supports, besides the three every key has.
bool FitsUsage(std::string_view op, KeySpec spec, KeyUsage usage) {
  switch (usage) {
    case KeyUsage::kEncryptDecrypt:
      if (spec == KeySpec::kSymmetricDefault) {
        return OneOf(op, {"Decrypt", "Encrypt", "GenerateDataKey",
                          "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
                          "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"});
      }
      return OneOf(op, {"Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"});
    case KeyUsage::kSignVerify:
      return OneOf(op, {"Sign", "Verify", "GetPublicKey"});
    case KeyUsage::kGenerateVerifyMac:
      return OneOf(op, {"GenerateMac", "VerifyMac"});
    case KeyUsage::kKeyAgreement:
      return OneOf(op, {"DeriveSharedSecret", "GetPublicKey"});
  }
  return false;
}

std::set<std::string_view> OperationSet(const Grant& g) {
  return {g.operations.begin(), g.operations.end()};
}

}  // namespace

std::string Grant::KeyArn() const { return emulator::KeyArn(region, account, key_id); }

std::span<const std::string_view> GrantOperationNames() { return kGrantOperations; }

bool GrantOperationFitsKey(std::string_view operation, KeySpec spec, KeyUsage usage) {
  if (OneOf(operation, {"CreateGrant", "RetireGrant", "DescribeKey"})) return true;
  return FitsUsage(operation, spec, usage);
}

bool SameGrantRequest(const Grant& a, const Grant& b) {
  return a.account == b.account && a.region == b.region && a.key_id == b.key_id &&
         a.name == b.name && a.grantee_principal == b.grantee_principal &&
         a.retiring_principal == b.retiring_principal && OperationSet(a) == OperationSet(b) &&
         a.constraints == b.constraints;
}

Result<std::string> NewGrantId() {
  std::array<uint8_t, 32> id{};
  if (Status filled = internal::RandomFill(id); !filled) return filled.error();
  return internal::HexEncode(id);
}

Result<std::string> NewGrantToken() {
  std::array<uint8_t, kTokenBytes> bytes{};
  if (Status filled = internal::RandomFill(bytes); !filled) return filled.error();
  bytes[0] = kTokenVersion;
  return internal::Base64Encode(bytes);
}

bool IsGrantTokenShape(std::string_view token) {
  if (token.size() != internal::Base64EncodedSize(kTokenBytes)) return false;
  auto bytes = internal::Base64Decode(token);
  return bytes && bytes->size() == kTokenBytes && (*bytes)[0] == kTokenVersion;
}

bool IsGrantIdShape(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace kms::emulator
