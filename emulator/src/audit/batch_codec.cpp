// Varint framing and zstd compression of stored audit batches (batch_codec.hpp).
#include "audit/batch_codec.hpp"

#include <zstd.h>

#include <utility>

namespace kms::emulator::audit {
namespace {

// Fast and still about 20x on audit records; higher levels cost more than the bytes they save.
constexpr int kLevel = 1;
// A batch's content is at most ~1024 records of a few KiB; a frame claiming more is damaged.
constexpr unsigned long long kMaxContent = 256ull << 20;

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
      frame_(std::move(other.frame_)) {}
BatchEncoder& BatchEncoder::operator=(BatchEncoder&& other) noexcept {
  if (this != &other) {
    ZSTD_freeCCtx(context_);
    context_ = std::exchange(other.context_, nullptr);
    content_ = std::move(other.content_);
    frame_ = std::move(other.frame_);
  }
  return *this;
}

Result<std::span<const uint8_t>> BatchEncoder::Encode(std::span<const BatchEntry> entries) {
  if (context_ == nullptr) return MakeError(ErrorCode::kInternal, "zstd: out of memory");
  content_.clear();
  PutVarint(content_, entries.size());
  int64_t previous = 0;
  for (const BatchEntry& e : entries) {
    PutVarint(content_, ZigZag(e.time_ms - previous));
    previous = e.time_ms;
    for (std::string_view text : {e.account, e.region, e.event_name, e.record}) {
      PutVarint(content_, text.size());
    }
  }
  for (const BatchEntry& e : entries) {
    content_.append(e.account).append(e.region).append(e.event_name).append(e.record);
  }
  frame_.resize(ZSTD_compressBound(content_.size()));
  size_t n =
      ZSTD_compress2(context_, frame_.data(), frame_.size(), content_.data(), content_.size());
  if (ZSTD_isError(n)) {
    return MakeError(ErrorCode::kInternal, std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  return std::span<const uint8_t>(frame_.data(), n);
}

Result<std::vector<BatchEntry>> DecodeBatch(std::span<const uint8_t> stored, std::string& content) {
  unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Corrupt("not a zstd frame with its content size");
  }
  if (size > kMaxContent) return Corrupt("content of " + std::to_string(size) + " bytes");
  content.resize(static_cast<size_t>(size));
  size_t n = ZSTD_decompress(content.data(), content.size(), stored.data(), stored.size());
  if (ZSTD_isError(n)) return Corrupt(ZSTD_getErrorName(n));
  if (n != content.size()) return Corrupt("content shorter than its frame says");

  std::string_view data(content);
  VarintReader reader(data);
  struct Sizes {
    int64_t time_ms;
    uint64_t size[4];
  };
  uint64_t count = 0;
  // Each event takes at least five header bytes: a count beyond that is damage, not a size.
  if (!reader.Next(count) || count > data.size() / 5) return Corrupt("bad event count");
  std::vector<Sizes> sizes;
  sizes.reserve(static_cast<size_t>(count));
  uint64_t text_bytes = 0;
  int64_t time = 0;
  for (uint64_t i = 0; i < count; ++i) {
    Sizes s{};
    uint64_t delta = 0;
    if (!reader.Next(delta)) return Corrupt("truncated event header");
    time += UnZigZag(delta);
    s.time_ms = time;
    for (uint64_t& field : s.size) {
      if (!reader.Next(field)) return Corrupt("truncated event header");
      if (field > data.size() || (text_bytes += field) > data.size()) {
        return Corrupt("event sizes exceed the batch");
      }
    }
    sizes.push_back(s);
  }
  if (reader.pos() + text_bytes != data.size()) return Corrupt("event texts do not fill the batch");
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
    e.account = take(s.size[0]);
    e.region = take(s.size[1]);
    e.event_name = take(s.size[2]);
    e.record = take(s.size[3]);
    entries.push_back(e);
  }
  return entries;
}

}  // namespace kms::emulator::audit
