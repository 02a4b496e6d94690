// MapMessage: InspectMessage's checks, then a second walk over the (now known to be well formed)
// message that records where each field lies, for `kmsctl inspect`.
#include <kms/envelope/encryptor.hpp>
#include <kms/envelope/message.hpp>
#include <tuple>

#include "bytes.hpp"

namespace kms::envelope {
namespace {

using detail::Reader;
using Frame = MessageFieldMap::Frame;
using FrameKind = MessageFieldMap::FrameKind;

constexpr uint32_t kFinalFrameMarker = 0xFFFFFFFF;

// Records the ranges of the fields read from one message. A short read cannot happen after
// InspectMessage accepted the message; it is still reported (kInternal) rather than assumed.
class Walker {
 public:
  explicit Walker(std::span<const uint8_t> message) : r_(message), data_(message) {}

  // Skips `n` bytes and returns their range.
  ByteRange Take(size_t n) {
    ByteRange range{r_.pos(), n};
    if (!r_.Bytes(n)) short_ = true;
    return range;
  }
  // Reads a big-endian integer of `n` (<= 8) bytes into `value` and returns its range.
  ByteRange Number(size_t n, uint64_t& value) {
    ByteRange range{r_.pos(), n};
    auto bytes = r_.Bytes(n);
    value = 0;
    if (!bytes) {
      short_ = true;
      return range;
    }
    for (uint8_t b : *bytes) value = (value << 8) | b;
    return range;
  }
  // A uint16 length prefix and the bytes it announces.
  std::pair<ByteRange, ByteRange> Prefixed() {
    uint64_t n = 0;
    ByteRange length = Number(2, n);
    return {length, Take(static_cast<size_t>(n))};
  }
  std::string Text(ByteRange range) const {
    if (short_ || range.end() > data_.size()) return {};
    return detail::ToString(data_.subspan(range.offset, range.length));
  }
  size_t pos() const { return r_.pos(); }
  bool failed() const { return short_; }

 private:
  Reader r_;
  std::span<const uint8_t> data_;
  bool short_ = false;
};

void MapContext(Walker& w, MessageFieldMap& map) {
  uint64_t aad_length = 0;
  map.context_length = w.Number(2, aad_length);
  if (aad_length == 0) return;
  uint64_t count = 0;
  map.context_count = w.Number(2, count);
  for (uint64_t i = 0; i < count && !w.failed(); ++i) {
    MessageFieldMap::ContextPair pair;
    std::tie(pair.key_length, pair.key_bytes) = w.Prefixed();
    std::tie(pair.value_length, pair.value_bytes) = w.Prefixed();
    pair.key = w.Text(pair.key_bytes);
    pair.value = w.Text(pair.value_bytes);
    map.context_pairs.push_back(std::move(pair));
  }
}

void MapDataKeys(Walker& w, MessageFieldMap& map) {
  uint64_t count = 0;
  map.data_key_count = w.Number(2, count);
  for (uint64_t i = 0; i < count && !w.failed(); ++i) {
    MessageFieldMap::DataKey key;
    size_t start = w.pos();
    std::tie(key.provider_id_length, key.provider_id) = w.Prefixed();
    std::tie(key.provider_info_length, key.provider_info) = w.Prefixed();
    std::tie(key.ciphertext_length, key.ciphertext) = w.Prefixed();
    key.whole = {start, w.pos() - start};
    map.data_keys.push_back(key);
  }
}

void MapHeader(Walker& w, const MessageInfo& info, MessageFieldMap& map) {
  const bool v1 = info.message_version == 1;
  map.version = w.Take(1);
  if (v1) map.type = w.Take(1);
  map.suite_id = w.Take(2);
  map.message_id = w.Take(info.suite->message_id_length());
  MapContext(w, map);
  MapDataKeys(w, map);
  map.content_type = w.Take(1);
  if (v1) {
    map.reserved = w.Take(4);
    map.iv_length = w.Take(1);
  }
  map.frame_length = w.Take(4);
  if (!v1) map.suite_data = w.Take(kCommitKeyLength);
  if (v1) map.header_iv = w.Take(kIvLength);
  map.header_tag = w.Take(kTagLength);
  map.header = {0, w.pos()};
}

// One frame (or the non-framed body) starting at the walker's position.
Frame ReadFrame(Walker& w, const MessageInfo& info) {
  Frame frame;
  size_t start = w.pos();
  uint64_t length = info.frame_length;
  if (info.content_type == ContentType::kNonFramed) {
    frame.kind = FrameKind::kNonFramed;
    frame.sequence_number = 1;
    frame.iv = w.Take(kIvLength);
    frame.content_length = w.Number(8, length);
  } else {
    uint64_t first = 0;
    ByteRange head = w.Number(4, first);
    uint64_t sequence = first;
    if (first == kFinalFrameMarker) {
      frame.kind = FrameKind::kFinal;
      frame.final_marker = head;
      frame.sequence = w.Number(4, sequence);
    } else {
      frame.sequence = head;
    }
    frame.sequence_number = static_cast<uint32_t>(sequence);
    frame.iv = w.Take(kIvLength);
    if (frame.kind == FrameKind::kFinal) frame.content_length = w.Number(4, length);
  }
  frame.content_bytes = length;
  frame.content = w.Take(static_cast<size_t>(length));
  frame.tag = w.Take(kTagLength);
  frame.whole = {start, w.pos() - start};
  return frame;
}

void MapBody(Walker& w, const MessageInfo& info, size_t max_listed, MessageFieldMap& map) {
  size_t start = w.pos();
  uint64_t regular = 0;
  while (!w.failed()) {
    Frame frame = ReadFrame(w, info);
    if (frame.kind == FrameKind::kRegular && regular++ >= max_listed) {
      ++map.frames_not_listed;
      continue;
    }
    bool last = frame.kind != FrameKind::kRegular;
    map.frames.push_back(frame);
    if (last) break;
  }
  map.body = {start, w.pos() - start};
}

void MapFooter(Walker& w, MessageFieldMap& map) {
  size_t start = w.pos();
  uint64_t length = 0;
  map.signature_length = w.Number(2, length);
  map.signature = w.Take(static_cast<size_t>(length));
  map.footer = {start, w.pos() - start};
}

}  // namespace

Result<MessageMap> MapMessage(std::span<const uint8_t> message, size_t max_listed_frames) {
  auto layout = InspectMessage(message);
  if (!layout) return layout.error();
  MessageMap out{std::move(*layout), {}};
  const MessageInfo& info = out.layout.header;
  Walker w(message);
  MapHeader(w, info, out.fields);
  MapBody(w, info, max_listed_frames, out.fields);
  if (info.suite->is_signed()) MapFooter(w, out.fields);
  if (w.failed() || w.pos() != out.layout.message_length) {
    return MakeError(ErrorCode::kInternal, "MapMessage lost its place in a message it had checked");
  }
  return out;
}

}  // namespace kms::envelope
