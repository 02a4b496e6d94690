// The stored form of a batch of audit events (one row of audit_batches): for each event its time,
// account, region and event name (what lookups filter on before reading a record) and its
// CloudTrail record, all in one zstd frame. Successive records of a batch share most of their
// text, so a batch shrinks about twentyfold and the writer's cost per event is a fraction of a
// microsecond, instead of bytes through SQLite's WAL and checkpoints.
//
// Frame content, format 2 (BatchFormat::kDelta, what the encoder writes): the number of events,
// then for each event varints (LEB128) of: the zigzag difference of its time from the previous
// event's (the first from 0); a bit set of the texts equal to the previous event's (1 account,
// 2 region, 4 event name); the lengths of the other texts of those three; then of its record: the
// bytes it shares with the start of the previous record, the bytes it shares with the end of the
// rest of the previous record, and the length of the part between them. After all of them, the
// texts of every event in that order (account, region and event name unless shared, then the
// record's middle part). Records of one caller differ from the one before in about a tenth of
// their bytes (ids and times), so compression has a tenth of the bytes to look at.
// Format 1 (BatchFormat::kPlain, written by schema v6): no bit set and every record whole: the
// lengths of account, region, event name and record, then the four texts.
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

// The content format of a stored batch (audit_batches.format).
enum class BatchFormat : int64_t { kPlain = 1, kDelta = 2 };

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

  // The stored form of `entries` in BatchFormat::kDelta (at most kMaxBatchEvents, but any
  // count encodes): a view into this encoder, valid until its next Encode. kInternal when zstd
  // fails (out of memory).
  Result<std::span<const uint8_t>> Encode(std::span<const BatchEntry> entries);

 private:
  ZSTD_CCtx_s* context_ = nullptr;
  std::string content_;
  struct Part {
    size_t offset;  // of the record's own part (what it does not share with the previous one)
    size_t size;
    uint64_t same;  // which texts equal the previous event's
  };
  std::vector<Part> parts_;
  std::vector<uint8_t> frame_;
};

// Decodes a stored batch of `format`: its content and rebuilt records go into `content` (reused
// between calls), the entries view it. kInternal "corrupt audit batch: <what>" when the frame or
// the content is damaged (or the format unknown); never reads outside the data. Thread-safe (each
// call has its own state).
Result<std::vector<BatchEntry>> DecodeBatch(std::span<const uint8_t> stored, BatchFormat format,
                                            std::string& content);

}  // namespace kms::emulator::audit
