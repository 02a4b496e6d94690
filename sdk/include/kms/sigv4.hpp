// AWS Signature Version 4: parsing of the Authorization header (used by the emulator to learn
// the caller's access key and region). Signing and verification live here too.
#pragma once

#include <kms/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kms::sigv4 {

// The parts of "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/kms/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<hex>".
struct AuthorizationHeader {
  std::string algorithm;                    // "AWS4-HMAC-SHA256"
  std::string access_key_id;                // "AKID"
  std::string date;                         // "20150830" (credential scope date)
  std::string region;                       // "us-east-1"
  std::string service;                      // "kms"
  std::vector<std::string> signed_headers;  // lower-case, as listed
  std::string signature;                    // lower-case hex
};

// Parses an Authorization header value. kIncompleteSignature when a component is missing or
// malformed (message names what is wrong, in AWS's wording where known). Pure, thread-safe.
Result<AuthorizationHeader> ParseAuthorization(std::string_view value);

}  // namespace kms::sigv4
