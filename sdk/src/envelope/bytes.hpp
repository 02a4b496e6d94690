// Big-endian integer writing and a bounds-checked reader for the message format parsers.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kms::envelope::detail {

inline void PutU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
inline void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}
inline void PutBytes(std::vector<uint8_t>& out, std::span<const uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}
inline void PutString(std::vector<uint8_t>& out, std::string_view s) {
  out.insert(out.end(), s.begin(), s.end());
}

inline void StoreU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline void StoreU64(uint8_t* p, uint64_t v) {
  StoreU32(p, static_cast<uint32_t>(v >> 32));
  StoreU32(p + 4, static_cast<uint32_t>(v));
}
inline uint16_t LoadU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t LoadU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline uint64_t LoadU64(const uint8_t* p) { return (uint64_t{LoadU32(p)} << 32) | LoadU32(p + 4); }

// Reads fields in order from a byte span. When a field runs past the end, the reader becomes
// "short": every later read fails too, and needed() tells how many bytes in total the span must
// hold before that field can be read (for incremental parsing).
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}

  bool Has(size_t n) {
    if (short_) return false;
    if (data_.size() - pos_ >= n) return true;
    short_ = true;
    needed_ = pos_ + n;
    return false;
  }
  std::optional<uint8_t> U8() {
    if (!Has(1)) return std::nullopt;
    return data_[pos_++];
  }
  std::optional<uint16_t> U16() {
    if (!Has(2)) return std::nullopt;
    uint16_t v = LoadU16(data_.data() + pos_);
    pos_ += 2;
    return v;
  }
  std::optional<uint32_t> U32() {
    if (!Has(4)) return std::nullopt;
    uint32_t v = LoadU32(data_.data() + pos_);
    pos_ += 4;
    return v;
  }
  std::optional<uint64_t> U64() {
    if (!Has(8)) return std::nullopt;
    uint64_t v = LoadU64(data_.data() + pos_);
    pos_ += 8;
    return v;
  }
  std::optional<std::span<const uint8_t>> Bytes(size_t n) {
    if (!Has(n)) return std::nullopt;
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

  size_t pos() const { return pos_; }
  bool is_short() const { return short_; }
  size_t needed() const { return needed_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  bool short_ = false;
  size_t needed_ = 0;
};

inline std::string ToString(std::span<const uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}
inline std::span<const uint8_t> AsSpan(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace kms::envelope::detail
