// SDK response structures as the JSON the aws CLI prints: botocore member order, absent members
// left out, timestamps as epoch seconds (the wire form aws CLI v1 prints), enums by wire name.
#pragma once

#include <boost/json/object.hpp>
#include <kms/model.hpp>

namespace kms::cli {

// Seconds since the epoch with the milliseconds the SDK keeps (1700000000.123). Pure.
double EpochSeconds(Timestamp t);

// KeyMetadata. Description is always present (KMS always returns it, "" when unset). Pure.
boost::json::object ToJson(const KeyMetadata& m);
boost::json::object ToJson(const MultiRegionKey& k);
boost::json::object ToJson(const KeyListEntry& e);
boost::json::object ToJson(const AliasListEntry& e);
boost::json::object ToJson(const Tag& t);

}  // namespace kms::cli
