// Multi-Region keys as the other key operations see them: DescribeKey's MultiRegionConfiguration
// and the writes that must see a primary key's replicas (ScheduleKeyDeletion).
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <kms/result.hpp>
#include <memory>

#include "api/context.hpp"
#include "domain/key.hpp"

namespace kms::emulator {

// KeyMetadata of `key` as DescribeKey shows it: for a multi-Region key with its
// MultiRegionConfiguration, listing the keys of its set not past their deletion date at
// `now_ms`. Thread-safe.
boost::json::object DescribedKeyMetadata(const Services& services, const Key& key, int64_t now_ms);

// Like MutateKey (management.hpp, same errors), but `mutate` also gets the number of replicas
// the key has when it is a multi-Region primary (0 otherwise), counting replicas not past their
// deletion date, read under the same writer lock. Thread-safe.
Result<std::shared_ptr<const Key>> MutateKeyWithReplicaCount(
    Services& services, const RequestContext& ctx, const Key& key,
    const std::function<Status(Key&, size_t replicas)>& mutate);

// UnsupportedOperationException "<ARN> is not a multi-region primary key." (AWS, recorded for
// ReplicateKey from a replica). Pure.
Error NotMultiRegionPrimary(const Key& key);

}  // namespace kms::emulator
