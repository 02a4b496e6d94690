// Limit and Marker handling of the List* operations. A marker is an opaque token we issue: the
// position to resume after, bound by a checksum to the list and to the caller's account and
// region, so a marker we did not issue (or issued for another list or caller) is refused.
// Markers survive restarts (no per-process secret).
#pragma once

#include <cstddef>
#include <cstdint>
#include <kms/result.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/context.hpp"
#include "api/input.hpp"

namespace kms::emulator {

// The Limit and Marker members as read from a request.
struct PageParams {
  std::optional<int64_t> limit;
  std::optional<std::string_view> marker;
};

// Where a page starts and how long it may be.
struct Page {
  size_t limit = 0;
  std::optional<std::string> after;  // resume after this position; nullopt = from the start
};

// Reads Limit (model range 1..1000) and Marker (1..1024 chars of [\u0020-\u00FF]) with the
// model's validation wording. Call in.Finish() afterwards, as for any member.
PageParams ReadPageParams(InputReader& in);

// The page for validated `params`: Limit defaults to `default_limit` and is capped at
// `max_limit` (AWS documents that it "might return fewer"); the marker must be one that
// EncodeMarker issued for `list` and this caller, else InvalidMarkerException. Thread-safe.
Result<Page> ResolvePage(const RequestContext& ctx, std::string_view list, const PageParams& params,
                         size_t default_limit, size_t max_limit);

// The NextMarker that resumes `list` after `position`, for this caller. Thread-safe.
std::string EncodeMarker(const RequestContext& ctx, std::string_view list,
                         std::string_view position);

// The position in a marker issued by EncodeMarker for `list` and this caller;
// InvalidMarkerException otherwise. Thread-safe.
Result<std::string> DecodeMarker(const RequestContext& ctx, std::string_view list,
                                 std::string_view marker);

}  // namespace kms::emulator
