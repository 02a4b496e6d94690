// The form schema v5 stored CloudTrail records in, one row of audit_events each: the JSON text
// with its fixed fragments (member names and constant values every KMS record repeats) replaced
// by one control byte each. Raw control bytes never occur in JSON text (strings escape them), so
// the mapping is exact both ways, and a record stored before this form existed (plain JSON)
// expands to itself. Since schema v6 the trail is stored in compressed batches
// (batch_codec.hpp); ExpandRecord reads the rows of older databases when they are moved there,
// and CompactRecord makes such rows in tests.
#pragma once

#include <string>
#include <string_view>

namespace kms::emulator::audit {

// Appends the stored form of `json` to `out`. Pure, thread-safe.
void CompactRecord(std::string_view json, std::string& out);

// The JSON text of a stored record (either form). Pure, thread-safe.
std::string ExpandRecord(std::string_view stored);

}  // namespace kms::emulator::audit
