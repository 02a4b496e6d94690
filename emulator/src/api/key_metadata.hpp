// The KeyMetadata object of CreateKey and DescribeKey, rendered as AWS returns it, and AWS's
// JSON form of dates.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <span>

#include "domain/key.hpp"

namespace kms::emulator {

// A date as AWS's JSON 1.1 protocol sends it: epoch seconds as a JSON number with the
// milliseconds as fraction (serialized 1.713178346711E9, like AWS). Pure.
boost::json::value EpochSeconds(int64_t ms);

// KeyMetadata for `key`, members in AWS's (alphabetical) order and present exactly when AWS
// sends them: DeletionDate only while PendingDeletion, CurrentKeyMaterialId only for
// SYMMETRIC_DEFAULT keys that have material, EncryptionAlgorithms / SigningAlgorithms /
// MacAlgorithms / KeyAgreementAlgorithms by key usage, CustomerMasterKeySpec only for specs the
// deprecated enum has, PendingDeletionWindowInDays only while PendingReplicaDeletion,
// ExpirationModel (and ValidTo when it expires) only while an EXTERNAL key's material is
// imported. Pure.
boost::json::object KeyMetadataJson(const Key& key);

// KeyMetadataJson(key) and, for a multi-Region key, its MultiRegionConfiguration after
// MultiRegion: MultiRegionKeyType PRIMARY or REPLICA, PrimaryKey {Arn, Region} and ReplicaKeys
// (every replica, this key included when it is one, in the order of `related`). `related` holds
// the keys of the set (FindMultiRegionKeys, without deleted ones); `key` itself may be among
// them. Pure.
boost::json::object KeyMetadataJson(const Key& key,
                                    std::span<const std::shared_ptr<const Key>> related);

}  // namespace kms::emulator
