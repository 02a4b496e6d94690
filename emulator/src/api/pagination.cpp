// Marker tokens and Limit handling.
#include "api/pagination.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <kms/internal/encoding.hpp>
#include <vector>

#include "api/management.hpp"

namespace kms::emulator {
namespace {

constexpr size_t kCheckSize = 8;  // bytes of SHA-256 kept as the marker's checksum
constexpr std::string_view kDomain = "kms-emulator list marker v1";

bool IsMarkerText(std::string_view s) { return CodePointsWithin(s, 0x20, 0xFF); }

// SHA-256 over the domain, list, caller and position, each NUL-terminated. Unambiguous: none of
// them can contain NUL (positions are key ids, alias names or decimal offsets).
std::array<uint8_t, kCheckSize> Check(const RequestContext& ctx, std::string_view list,
                                      std::string_view position) {
  std::string data;
  for (std::string_view part :
       {kDomain, list, std::string_view(ctx.account), std::string_view(ctx.region), position}) {
    data.append(part).push_back('\0');
  }
  std::array<uint8_t, EVP_MAX_MD_SIZE> md{};
  unsigned int md_len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &md_len, EVP_sha256(), nullptr);
  std::array<uint8_t, kCheckSize> out{};
  std::copy_n(md.begin(), kCheckSize, out.begin());
  return out;
}

Error InvalidMarker() {
  // AWS's message for a bad marker is not recorded anywhere we could find (n/v).
  return MakeError(ErrorCode::kInvalidMarker, "Invalid marker");
}

}  // namespace

PageParams ReadPageParams(InputReader& in) {
  PageParams params;
  params.limit = in.Integer("Limit", IntRule{.min = 1, .max = 1000});
  params.marker = in.String(
      "Marker",
      StringRule{.min = 1, .max = 1024, .pattern = "[\\u0020-\\u00FF]*", .check = IsMarkerText});
  return params;
}

std::string EncodeMarker(const RequestContext& ctx, std::string_view list,
                         std::string_view position) {
  std::vector<uint8_t> bytes(position.begin(), position.end());
  auto check = Check(ctx, list, position);
  bytes.insert(bytes.end(), check.begin(), check.end());
  return internal::Base64Encode(bytes);
}

Result<std::string> DecodeMarker(const RequestContext& ctx, std::string_view list,
                                 std::string_view marker) {
  auto bytes = internal::Base64Decode(marker);
  if (!bytes || bytes->size() <= kCheckSize) return InvalidMarker();
  std::string position(bytes->begin(), bytes->end() - kCheckSize);
  auto check = Check(ctx, list, position);
  if (!std::equal(check.begin(), check.end(), bytes->end() - kCheckSize)) return InvalidMarker();
  return position;
}

Result<Page> ResolvePage(const RequestContext& ctx, std::string_view list, const PageParams& params,
                         size_t default_limit, size_t max_limit) {
  Page page;
  page.limit =
      params.limit ? std::min(static_cast<size_t>(*params.limit), max_limit) : default_limit;
  if (params.marker) {
    auto position = DecodeMarker(ctx, list, *params.marker);
    if (!position) return position.error();
    page.after = std::move(*position);
  }
  return page;
}

}  // namespace kms::emulator
