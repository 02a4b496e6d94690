// Multi-Region key ids and shared properties.
#include "domain/multi_region.hpp"

#include <array>
#include <cstdint>
#include <kms/internal/encoding.hpp>
#include <kms/internal/random.hpp>

namespace kms::emulator {

Result<std::string> NewMultiRegionKeyId() {
  std::array<uint8_t, 16> bytes{};
  if (Status status = internal::RandomFill(bytes); !status) return status.error();
  return "mrk-" + internal::HexEncode(bytes);
}

void CopySharedProperties(const Key& primary, Key& replica) {
  if (primary.origin != Origin::kAwsKms) return;
  replica.materials = primary.materials;  // shared_ptr copies: the bytes are not duplicated
  replica.current_material_id = primary.current_material_id;
  replica.rotations = primary.rotations;
  replica.rotation_period_days = primary.rotation_period_days;
  replica.next_rotation_ms = primary.next_rotation_ms;
}

std::string_view PartitionOf(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  if (region.starts_with("us-isob-")) return "aws-iso-b";
  if (region.starts_with("us-iso-")) return "aws-iso";
  return "aws";
}

}  // namespace kms::emulator
