// Stored audit batches written by hand: the zstd frame of any content, and v6's plain format,
// for tests of the decoder and of databases an older emulator left.
#pragma once

#include <doctest/doctest.h>
#include <zstd.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/batch_codec.hpp"

namespace kms::emulator::testing {

// A zstd frame of `content`, as a stored batch holds.
inline std::vector<uint8_t> FrameOf(const std::string& content) {
  std::vector<uint8_t> frame(ZSTD_compressBound(content.size()));
  size_t n = ZSTD_compress(frame.data(), frame.size(), content.data(), content.size(), 1);
  REQUIRE_FALSE(ZSTD_isError(n));
  frame.resize(n);
  return frame;
}

inline void PutVarint(std::string& out, uint64_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>(v | 0x80));
  out.push_back(static_cast<char>(v));
}

// `entries` in v6's plain format (audit::BatchFormat::kPlain): count, per event the zigzag time
// delta and four lengths, then the texts.
inline std::string PlainContent(const std::vector<audit::BatchEntry>& entries) {
  std::string out;
  PutVarint(out, entries.size());
  int64_t previous = 0;
  for (const audit::BatchEntry& e : entries) {
    int64_t d = e.time_ms - previous;
    PutVarint(out, (static_cast<uint64_t>(d) << 1) ^ static_cast<uint64_t>(d >> 63));
    previous = e.time_ms;
    for (std::string_view text : {e.account, e.region, e.event_name, e.record}) {
      PutVarint(out, text.size());
    }
  }
  for (const audit::BatchEntry& e : entries) {
    out.append(e.account).append(e.region).append(e.event_name).append(e.record);
  }
  return out;
}

}  // namespace kms::emulator::testing
