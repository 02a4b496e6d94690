// Fixed-dictionary substitution for stored CloudTrail records (record_codec.hpp).
#include "audit/record_codec.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace kms::emulator::audit {
namespace {

// The fragments, in the order record_builder.cpp writes them. Token i is kTokens[i]; the JSON
// whitespace bytes (tab, newline, carriage return) are never tokens. Never reorder or change an
// entry: stored records depend on it; only append (at most kTokens' size).
constexpr std::string_view kFragments[] = {
    R"({"eventVersion":"1.11","userIdentity":{"type":"Root","principalId":")",
    R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":")",
    R"(","arn":"arn:aws:iam::)",
    R"(:root","accountId":")",
    R"(","accountId":")",
    R"(","accessKeyId":")",
    R"(","userName":")",
    R"("},"eventTime":")",
    R"(","eventSource":"kms.amazonaws.com","eventName":")",
    R"(","awsRegion":")",
    R"(","sourceIPAddress":")",
    R"(","userAgent":")",
    R"(","requestParameters":{)",
    R"("keyId":")",
    R"("encryptionContext":{)",
    R"("encryptionAlgorithm":"SYMMETRIC_DEFAULT")",
    R"(},"responseElements":null)",
    R"(,"additionalEventData":{"keyMaterialId":")",
    R"("},"requestID":")",
    R"(","eventID":")",
    R"(","readOnly":true,"resources":[{"accountId":")",
    R"(","readOnly":false,"resources":[{"accountId":")",
    R"(","type":"AWS::KMS::Key","ARN":"arn:aws:kms:)",
    R"("}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":")",
    R"(","eventCategory":"Management")",
    R"(,"errorCode":")",
    R"(","errorMessage":")",
    R"("keySpec":"AES_256")",
};
constexpr std::array<char, 28> kTokens = {1,  2,  3,  4,  5,  6,  7,  8,  11, 12, 14, 15, 16, 17,
                                          18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
static_assert(std::size(kFragments) <= kTokens.size());

struct Dictionary {
  // Fragment indexes by first byte, longest first (a longer match wins).
  std::array<std::vector<uint8_t>, 256> by_first;
  // Fragment index by token byte, or -1.
  std::array<int, 32> by_token;

  Dictionary() {
    by_token.fill(-1);
    for (size_t i = 0; i < std::size(kFragments); ++i) {
      by_first[static_cast<uint8_t>(kFragments[i][0])].push_back(static_cast<uint8_t>(i));
      by_token[static_cast<size_t>(kTokens[i])] = static_cast<int>(i);
    }
    for (auto& list : by_first) {
      std::stable_sort(list.begin(), list.end(), [](uint8_t a, uint8_t b) {
        return kFragments[a].size() > kFragments[b].size();
      });
    }
  }
};

const Dictionary& Dict() {
  static const Dictionary dictionary;
  return dictionary;
}

}  // namespace

void CompactRecord(std::string_view json, std::string& out) {
  const Dictionary& dict = Dict();
  size_t start = out.size();
  out.resize(start + json.size());  // the stored form is never longer
  char* dst = out.data() + start;
  size_t i = 0;
  while (i < json.size()) {
    const std::vector<uint8_t>& candidates = dict.by_first[static_cast<uint8_t>(json[i])];
    bool matched = false;
    for (uint8_t index : candidates) {
      std::string_view fragment = kFragments[index];
      if (json.size() - i >= fragment.size() &&
          std::memcmp(json.data() + i, fragment.data(), fragment.size()) == 0) {
        *dst++ = kTokens[index];
        i += fragment.size();
        matched = true;
        break;
      }
    }
    if (!matched) *dst++ = json[i++];
  }
  out.resize(static_cast<size_t>(dst - out.data()));
}

std::string ExpandRecord(std::string_view stored) {
  const Dictionary& dict = Dict();
  std::string out;
  out.reserve(stored.size() * 2);
  for (char c : stored) {
    auto byte = static_cast<uint8_t>(c);
    int index = byte < dict.by_token.size() ? dict.by_token[byte] : -1;
    if (index >= 0) {
      out.append(kFragments[static_cast<size_t>(index)]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace kms::emulator::audit
