// The stored form of a batch of audit events (one row of audit_batches): for each event its time,
// account, region and event name (what lookups filter on before reading a record) and its
// CloudTrail record, all in one zstd frame. Successive records of a batch share most of their
// text, so a batch shrinks about twentyfold and the writer's cost per event is mostly compression
// at gigabytes per second, instead of bytes through SQLite's WAL and checkpoints.
//
// Frame content: the number of events, then for each event varints (LEB128) of: the zigzag
// difference of its time from the previous event's (the first from 0), then the lengths of account,
// region, event name and record; after all of them, the texts of every event in that order.
#pragma once

#include <cstdint>
#include <kms/result.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace kms::emulator::audit {

// Events per stored batch: a lookup decompresses a whole batch to read any of its events.
inline constexpr size_t kMaxBatchEvents = 1024;

// One event of a batch. Views: into the caller's data when encoding, into the decoded content
// when decoding.
struct BatchEntry {
  int64_t time_ms = 0;
  std::string_view account;
  std::string_view region;
  std::string_view event_name;
  std::string_view record;  // the CloudTrail record's JSON
};

// Encodes batches; keeps its buffers and compression context between calls. Not thread-safe.
class BatchEncoder {
 public:
  BatchEncoder();
  ~BatchEncoder();
  BatchEncoder(BatchEncoder&& other) noexcept;
  BatchEncoder& operator=(BatchEncoder&& other) noexcept;

  // The stored form of `entries` (at most kMaxBatchEvents, but any count encodes): a view into
  // this encoder, valid until its next Encode. kInternal when zstd fails (out of memory).
  Result<std::span<const uint8_t>> Encode(std::span<const BatchEntry> entries);

 private:
  ZSTD_CCtx_s* context_ = nullptr;
  std::string content_;
  std::vector<uint8_t> frame_;
};

// Decodes a stored batch: its content goes into `content` (reused between calls), the entries
// view it. kInternal "corrupt audit batch: <what>" when the frame or the content is damaged; never
// reads outside the data. Thread-safe (each call has its own state).
Result<std::vector<BatchEntry>> DecodeBatch(std::span<const uint8_t> stored, std::string& content);

}  // namespace kms::emulator::audit
