// Multi-Region keys: their ids and the properties a primary key shares with its replicas.
#pragma once

#include <kms/result.hpp>
#include <string>
#include <string_view>

#include "domain/key.hpp"

namespace kms::emulator {

// A fresh multi-Region key id: "mrk-" and 32 random lower-case hex chars. kInternal if the
// system RNG fails. Thread-safe.
Result<std::string> NewMultiRegionKeyId();

// Copies the properties AWS keeps synchronized from a primary key to its replica: key material
// (every version, with its ids, so ciphertexts of one Region decrypt in the other), the current
// material, the rotation history and the automatic-rotation schedule. Only for AWS_KMS keys:
// the replicas of a key with imported material get their own imports. Pure.
void CopySharedProperties(const Key& primary, Key& replica);

// AWS's partition of a Region: "aws-cn" for cn-*, "aws-us-gov" for us-gov-*, "aws-iso" for
// us-iso-*, "aws-iso-b" for us-isob-*, else "aws". Pure.
std::string_view PartitionOf(std::string_view region);

}  // namespace kms::emulator
