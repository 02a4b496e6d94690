// Varint framing and zstd compression of stored audit batches (batch_codec.hpp).
#include "audit/batch_codec.hpp"

#include <zstd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

namespace kms::emulator::audit {
namespace {

// Fast and still about 20x on audit records; higher levels cost more than the bytes they save.
constexpr int kLevel = 1;
// A batch's content (and its rebuilt records) is at most ~1024 records of a few KiB; a frame
// claiming more is damaged.
constexpr unsigned long long kMaxContent = 256ull << 20;

enum SameAsPrevious : uint64_t { kSameAccount = 1, kSameRegion = 2, kSameEventName = 4 };

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// Reads varints from the front of a byte range; false once one is truncated or too long.
class VarintReader {
 public:
  explicit VarintReader(std::string_view data) : data_(data) {}
  bool Next(uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      auto byte = static_cast<uint8_t>(data_[pos_++]);
      out |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Bytes at the start of `a` and `b` that are equal, compared eight at a time.
size_t CommonPrefix(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x = 0, y = 0;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) {
      uint64_t diff = x ^ y;  // the first differing byte is the lowest one on little-endian
      return i + static_cast<size_t>(std::endian::native == std::endian::little
                                         ? std::countr_zero(diff)
                                         : std::countl_zero(diff)) /
                     8;
    }
  }
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// Bytes at the end of `a` and `b` that are equal.
size_t CommonSuffix(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x = 0, y = 0;
    std::memcpy(&x, a.data() + a.size() - i - 8, 8);
    std::memcpy(&y, b.data() + b.size() - i - 8, 8);
    if (x != y) {
      uint64_t diff = x ^ y;  // the last differing byte is the highest one on little-endian
      return i + static_cast<size_t>(std::endian::native == std::endian::little
                                         ? std::countl_zero(diff)
                                         : std::countr_zero(diff)) /
                     8;
    }
  }
  while (i < n && a[a.size() - 1 - i] == b[b.size() - 1 - i]) ++i;
  return i;
}

Error Corrupt(const std::string& what) {
  return MakeError(ErrorCode::kInternal, "corrupt audit batch: " + what);
}

}  // namespace

BatchEncoder::BatchEncoder() : context_(ZSTD_createCCtx()) {
  // With a checksum of the content in every frame, damage on disk is refused, never misread.
  if (context_ != nullptr &&
      (ZSTD_isError(ZSTD_CCtx_setParameter(context_, ZSTD_c_compressionLevel, kLevel)) ||
       ZSTD_isError(ZSTD_CCtx_setParameter(context_, ZSTD_c_checksumFlag, 1)))) {
    ZSTD_freeCCtx(context_);
    context_ = nullptr;
  }
}
BatchEncoder::~BatchEncoder() { ZSTD_freeCCtx(context_); }
BatchEncoder::BatchEncoder(BatchEncoder&& other) noexcept
    : context_(std::exchange(other.context_, nullptr)),
      content_(std::move(other.content_)),
      parts_(std::move(other.parts_)),
      frame_(std::move(other.frame_)) {}
BatchEncoder& BatchEncoder::operator=(BatchEncoder&& other) noexcept {
  if (this != &other) {
    ZSTD_freeCCtx(context_);
    context_ = std::exchange(other.context_, nullptr);
    content_ = std::move(other.content_);
    parts_ = std::move(other.parts_);
    frame_ = std::move(other.frame_);
  }
  return *this;
}

Result<std::span<const uint8_t>> BatchEncoder::Encode(std::span<const BatchEntry> entries) {
  if (context_ == nullptr) return MakeError(ErrorCode::kInternal, "zstd: out of memory");
  content_.clear();
  parts_.clear();
  PutVarint(content_, entries.size());
  int64_t previous_ms = 0;
  const BatchEntry* previous = nullptr;
  for (const BatchEntry& e : entries) {
    PutVarint(content_, ZigZag(e.time_ms - previous_ms));
    previous_ms = e.time_ms;
    uint64_t same = 0;
    if (previous != nullptr) {
      if (e.account == previous->account) same |= kSameAccount;
      if (e.region == previous->region) same |= kSameRegion;
      if (e.event_name == previous->event_name) same |= kSameEventName;
    }
    PutVarint(content_, same);
    if (!(same & kSameAccount)) PutVarint(content_, e.account.size());
    if (!(same & kSameRegion)) PutVarint(content_, e.region.size());
    if (!(same & kSameEventName)) PutVarint(content_, e.event_name.size());
    std::string_view last = previous != nullptr ? previous->record : std::string_view();
    size_t prefix = CommonPrefix(last, e.record);
    size_t suffix = CommonSuffix(last.substr(prefix), e.record.substr(prefix));
    size_t middle = e.record.size() - prefix - suffix;
    PutVarint(content_, prefix);
    PutVarint(content_, suffix);
    PutVarint(content_, middle);
    parts_.push_back({prefix, middle, same});
    previous = &e;
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    const BatchEntry& e = entries[i];
    const Part& part = parts_[i];
    if (!(part.same & kSameAccount)) content_.append(e.account);
    if (!(part.same & kSameRegion)) content_.append(e.region);
    if (!(part.same & kSameEventName)) content_.append(e.event_name);
    content_.append(e.record.substr(part.offset, part.size));
  }
  frame_.resize(ZSTD_compressBound(content_.size()));
  size_t n =
      ZSTD_compress2(context_, frame_.data(), frame_.size(), content_.data(), content_.size());
  if (ZSTD_isError(n)) {
    return MakeError(ErrorCode::kInternal, std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  return std::span<const uint8_t>(frame_.data(), n);
}

Result<std::vector<BatchEntry>> DecodeBatch(std::span<const uint8_t> stored, BatchFormat format,
                                            std::string& content) {
  if (format != BatchFormat::kPlain && format != BatchFormat::kDelta) {
    return Corrupt("unknown format " + std::to_string(static_cast<int64_t>(format)));
  }
  const bool delta = format == BatchFormat::kDelta;
  unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Corrupt("not a zstd frame with its content size");
  }
  if (size > kMaxContent) return Corrupt("content of " + std::to_string(size) + " bytes");
  content.resize(static_cast<size_t>(size));
  size_t n = ZSTD_decompress(content.data(), content.size(), stored.data(), stored.size());
  if (ZSTD_isError(n)) return Corrupt(ZSTD_getErrorName(n));
  if (n != content.size()) return Corrupt("content shorter than its frame says");

  const size_t decoded = content.size();
  VarintReader reader(std::string_view(content.data(), decoded));
  struct Sizes {
    int64_t time_ms;
    uint64_t same;                    // SameAsPrevious bits
    uint64_t size[3];                 // account, region, event name (0 when same)
    uint64_t prefix, suffix, middle;  // of the record: shared with the previous one, and its own
  };
  uint64_t count = 0;
  // Each event takes at least five header bytes: a count beyond that is damage, not a size.
  if (!reader.Next(count) || count > decoded / 5) return Corrupt("bad event count");
  std::vector<Sizes> sizes;
  sizes.reserve(static_cast<size_t>(count));
  uint64_t text_bytes = 0;
  uint64_t record_bytes = 0;  // delta: the rebuilt records, after the decoded content
  uint64_t last_record = 0;
  int64_t time = 0;
  for (uint64_t i = 0; i < count; ++i) {
    Sizes s{};
    uint64_t delta_ms = 0;
    if (!reader.Next(delta_ms)) return Corrupt("truncated event header");
    time += UnZigZag(delta_ms);
    s.time_ms = time;
    if (delta && !reader.Next(s.same)) return Corrupt("truncated event header");
    if (s.same > (kSameAccount | kSameRegion | kSameEventName) || (i == 0 && s.same != 0)) {
      return Corrupt("bad shared-text bits");
    }
    for (int field = 0; field < 3; ++field) {
      if ((s.same >> field) & 1) continue;
      if (!reader.Next(s.size[field])) return Corrupt("truncated event header");
      if (s.size[field] > decoded || (text_bytes += s.size[field]) > decoded) {
        return Corrupt("event sizes exceed the batch");
      }
    }
    if (delta && (!reader.Next(s.prefix) || !reader.Next(s.suffix))) {
      return Corrupt("truncated event header");
    }
    if (!reader.Next(s.middle)) return Corrupt("truncated event header");
    if (s.middle > decoded || (text_bytes += s.middle) > decoded) {
      return Corrupt("event sizes exceed the batch");
    }
    if (s.prefix > last_record || s.suffix > last_record - s.prefix) {
      return Corrupt("a record shares more than the previous record holds");
    }
    last_record = s.prefix + s.middle + s.suffix;
    if (delta && (record_bytes += last_record) > kMaxContent) {
      return Corrupt("records of more than " + std::to_string(kMaxContent) + " bytes");
    }
    sizes.push_back(s);
  }
  if (reader.pos() + text_bytes != decoded) return Corrupt("event texts do not fill the batch");
  content.resize(decoded + static_cast<size_t>(record_bytes));  // views are taken after this
  std::string_view data(content);
  char* rebuilt = content.data() + decoded;
  std::vector<BatchEntry> entries;
  entries.reserve(sizes.size());
  size_t at = reader.pos();
  auto take = [&](uint64_t n) {
    std::string_view text = data.substr(at, static_cast<size_t>(n));
    at += static_cast<size_t>(n);
    return text;
  };
  for (const Sizes& s : sizes) {
    BatchEntry e;
    e.time_ms = s.time_ms;
    e.account = (s.same & kSameAccount) ? entries.back().account : take(s.size[0]);
    e.region = (s.same & kSameRegion) ? entries.back().region : take(s.size[1]);
    e.event_name = (s.same & kSameEventName) ? entries.back().event_name : take(s.size[2]);
    std::string_view middle = take(s.middle);
    if (!delta) {
      e.record = middle;
    } else {
      std::string_view last = entries.empty() ? std::string_view() : entries.back().record;
      char* start = rebuilt;
      // std::copy, not memcpy: the first record's `last` is empty, without a data pointer.
      rebuilt = std::copy_n(last.data(), s.prefix, rebuilt);
      rebuilt = std::copy(middle.begin(), middle.end(), rebuilt);
      rebuilt = std::copy_n(last.data() + (last.size() - s.suffix), s.suffix, rebuilt);
      e.record = std::string_view(start, static_cast<size_t>(rebuilt - start));
    }
    entries.push_back(e);
  }
  return entries;
}

}  // namespace kms::emulator::audit
