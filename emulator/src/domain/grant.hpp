// A KMS grant as CreateGrant records it and ListGrants shows it, the grant operations AWS allows
// per key type, and the identifiers and tokens the emulator issues. Enforcement comes later.
#pragma once

#include <cstdint>
#include <kms/result.hpp>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/key.hpp"

namespace kms::emulator {

using ContextMap = std::map<std::string, std::string>;

// CreateGrant's Constraints: either or both encryption-context conditions (nullopt = absent).
struct GrantConstraints {
  std::optional<ContextMap> encryption_context_equals;
  std::optional<ContextMap> encryption_context_subset;

  bool empty() const { return !encryption_context_equals && !encryption_context_subset; }
  bool operator==(const GrantConstraints&) const = default;
};

struct Grant {
  std::string id;       // 64 lower-case hex chars, as AWS's GrantId
  std::string account;  // the key's account and region
  std::string region;
  std::string key_id;
  std::optional<std::string> name;
  std::string grantee_principal;
  std::optional<std::string> retiring_principal;
  std::vector<std::string> operations;  // GrantOperation names in request order, no duplicates
  GrantConstraints constraints;
  std::string issuing_account;  // "arn:aws:iam::<account>:root" of the caller that created it
  int64_t creation_ms = 0;

  // arn:aws:kms:<region>:<account>:key/<key_id>
  std::string KeyArn() const;
};

// AWS's GrantOperation enum, in the model's order. Pure.
std::span<const std::string_view> GrantOperationNames();

// True when AWS allows a grant for `operation` on a key of this spec and usage (the developer
// guide's "grant operations" table): e.g. no Sign on a symmetric key, no GenerateDataKey on an
// asymmetric one. CreateGrant, RetireGrant and DescribeKey fit every key. Pure.
bool GrantOperationFitsKey(std::string_view operation, KeySpec spec, KeyUsage usage);

// True when `a` and `b` are the same CreateGrant request for idempotency (AWS: a retried
// CreateGrant with the same Name and identical parameters returns the existing grant): same key,
// name, grantee, retiring principal, operation set and constraints. Pure.
bool SameGrantRequest(const Grant& a, const Grant& b);

// A new GrantId: 64 random lower-case hex chars. kInternal if the RNG fails. Thread-safe.
Result<std::string> NewGrantId();

// A new grant token: opaque base64 text revealing nothing about the grant (the store maps it to
// its grant). Every call gives a different token (AWS: each CreateGrant returns a new token, all
// usable interchangeably). kInternal if the RNG fails. Thread-safe.
Result<std::string> NewGrantToken();

// True for text of the shape NewGrantToken makes (whether or not the store knows it). Pure.
bool IsGrantTokenShape(std::string_view token);

// True for 64 lower-case hex chars. Pure.
bool IsGrantIdShape(std::string_view s);

}  // namespace kms::emulator
