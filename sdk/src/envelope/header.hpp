// Message header (data-format/message-header.md) serialization and incremental parsing.
#pragma once

#include <array>
#include <cstdint>
#include <kms/envelope/message.hpp>
#include <kms/result.hpp>
#include <optional>
#include <span>
#include <vector>

namespace kms::envelope::detail {

struct ParsedHeader {
  MessageInfo info;                            // encryption_context holds the stored pairs only
  std::array<uint8_t, kIvLength> header_iv{};  // v1 only; v2 authenticates with a zero IV
  std::array<uint8_t, kTagLength> header_tag{};
  size_t body_length = 0;  // bytes of the header body (the part the tag authenticates)
};

// Parses a header from the start of `data`. Returns the header once `data` holds all of it;
// nullopt with `needed` set to the total size `data` must reach before a retry can progress; or
// an error: kInvalidCiphertext "Malformed message: ..." (with hints for a KMS ciphertext blob or
// base64 text), kValidation when it has more than `max_edks` (non-zero) encrypted data keys,
// raised as soon as the count is read. Pure.
Result<std::optional<ParsedHeader>> TryParseHeader(std::span<const uint8_t> data, size_t max_edks,
                                                   size_t& needed);

// The header body of a framed message (content type 2) for `info` (version, suite, message id,
// EDKs, frame length, commit key) with `stored_context` = the serialized stored pairs.
// kValidation when an EDK field is longer than 65535 bytes or there are more than 65535 EDKs.
Result<std::vector<uint8_t>> SerializeHeaderBody(const MessageInfo& info,
                                                 std::span<const uint8_t> stored_context);

// Helpers for errors about the message.
Error Malformed(const std::string& what);
Error Truncated(const std::string& where);

}  // namespace kms::envelope::detail
