// The resources of a CloudTrail record for KMS: the ARNs of the keys and aliases a call named,
// from its response (KeyId, SourceKeyId, KeyMetadata.Arn) or, failing that, from resolving the
// request's KeyId/TargetKeyId/AliasName (or a ciphertext's header) in the key store.
#pragma once

#include <algorithm>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "audit/audit_event.hpp"

namespace kms::emulator::audit {

// The ARNs of one record, in order, without duplicates. Views into the response JSON where they
// come from there (no copy on the hot path); resolved ones are owned.
class ResourceList {
 public:
  static constexpr size_t kMax = 4;  // the most any KMS record names is 2

  void Add(std::string_view arn) {
    if (count_ == kMax || std::find(items_, items_ + count_, arn) != items_ + count_) return;
    items_[count_++] = arn;
  }
  void AddOwned(std::string arn) {
    if (count_ == kMax || std::find(items_, items_ + count_, arn) != items_ + count_) return;
    owned_[count_] = std::move(arn);
    items_[count_] = owned_[count_];
    ++count_;
  }
  bool empty() const { return count_ == 0; }
  const std::string_view* begin() const { return items_; }
  const std::string_view* end() const { return items_ + count_; }

 private:
  std::string_view items_[kMax];
  std::string owned_[kMax];
  size_t count_ = 0;
};

// The string member `name` of `object`, or an empty view. Pure.
std::string_view StringMember(const boost::json::object& object, std::string_view name);

// The account field of arn:aws:kms:<region>:<account>:<resource>, or empty. Pure.
std::string_view ArnAccount(std::string_view arn);

// True for a key ARN (":key/"), false for an alias ARN. Pure.
bool IsKeyArn(std::string_view arn);

// Fills `out` for `call` in AWS's order: ReEncrypt's source then destination key; CreateAlias key
// then alias; UpdateAlias and DeleteAlias alias then key. A name that resolves to no key of the
// caller adds nothing. Thread-safe (reads the store's cache).
void CollectResources(const AuditedCall& call, ResourceList& out);

}  // namespace kms::emulator::audit
