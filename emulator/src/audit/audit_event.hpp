// One audited KMS call: what the router hands the audit trail (AuditedCall), the CloudTrail event
// built from it (AuditEvent: one text buffer plus spans, reused per thread) and the queue's batch
// of events (EventBatch: one arena), so an event costs no allocation once buffers have grown.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <kms/http.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/context.hpp"

namespace kms::emulator {

// One KMS request as the router saw it, after its response was produced. Views only: valid for
// the duration of the AuditLog::Record call.
struct AuditedCall {
  std::string_view operation;  // "Encrypt": the X-Amz-Target names a KMS operation
  const HttpRequest& request;
  const RequestContext& ctx;  // the caller; account/region may be defaults when auth failed
  const Services& services;
  const boost::json::object* input;   // the parsed body; null when it was never parsed
  const boost::json::object* output;  // the handler's response members; null on failure
  const HttpResponse& response;
};

// Where the parts of an event are in its text. Lists of ARNs are joined as "\n<arn>\n<arn>\n"
// (empty when there are none), the form the resources column stores.
struct EventLayout {
  struct Span {
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  int64_t time_ms = 0;
  bool read_only = false;
  Span record, event_name, account, region, request_id, event_id, username, access_key_id,
      error_type, resources, used_keys;
};

// Read access to an event's parts (in an AuditEvent or an EventBatch).
class EventView {
 public:
  EventView(std::string_view text, const EventLayout& layout) : text_(text), layout_(&layout) {}

  int64_t TimeMs() const { return layout_->time_ms; }
  bool ReadOnly() const { return layout_->read_only; }
  std::string_view Record() const { return Part(layout_->record); }
  std::string_view EventName() const { return Part(layout_->event_name); }
  std::string_view Account() const { return Part(layout_->account); }
  std::string_view Region() const { return Part(layout_->region); }
  std::string_view RequestId() const { return Part(layout_->request_id); }
  std::string_view EventId() const { return Part(layout_->event_id); }
  // userIdentity.userName, or "root" for the account's root.
  std::string_view Username() const { return Part(layout_->username); }
  std::string_view AccessKeyId() const { return Part(layout_->access_key_id); }  // may be empty
  std::string_view ErrorType() const { return Part(layout_->error_type); }       // empty on success
  // The record's resources (keys and aliases), joined.
  std::string_view Resources() const { return Part(layout_->resources); }
  // Successful cryptographic operations: the key ARNs whose last use this call sets, joined.
  std::string_view UsedKeys() const { return Part(layout_->used_keys); }

 private:
  std::string_view Part(EventLayout::Span s) const { return text_.substr(s.offset, s.size); }
  std::string_view text_;
  const EventLayout* layout_;
};

// An event being built: write the record into RecordBuffer(), MarkRecord(), then set the columns.
// Not thread-safe.
class AuditEvent {
 public:
  int64_t time_ms = 0;
  bool read_only = false;

  // Empties the event, keeping its buffer's capacity for the next one.
  void Clear() {
    text_.clear();
    time_ms = 0;
    read_only = false;
    layout_ = {};
  }
  void Reserve(size_t bytes) { text_.reserve(bytes); }
  std::string& RecordBuffer() { return text_; }
  void MarkRecord() { layout_.record = {0, static_cast<uint32_t>(text_.size())}; }
  void SetEventName(std::string_view v) { layout_.event_name = Append(v); }
  void SetAccount(std::string_view v) { layout_.account = Append(v); }
  void SetRegion(std::string_view v) { layout_.region = Append(v); }
  void SetRequestId(std::string_view v) { layout_.request_id = Append(v); }
  void SetEventId(std::string_view v) { layout_.event_id = Append(v); }
  void SetUsername(std::string_view v) { layout_.username = Append(v); }
  void SetAccessKeyId(std::string_view v) { layout_.access_key_id = Append(v); }
  void SetErrorType(std::string_view v) { layout_.error_type = Append(v); }
  void SetResources(std::string_view joined) { layout_.resources = Append(joined); }
  void SetUsedKeys(std::string_view joined) { layout_.used_keys = Append(joined); }
  // For a list joined straight into RecordBuffer() from offset `start` on (after MarkRecord).
  void MarkResources(size_t start) { layout_.resources = Tail(start); }
  void MarkUsedKeys(size_t start) { layout_.used_keys = Tail(start); }

  std::string_view Text() const { return text_; }
  EventLayout Layout() const {
    EventLayout out = layout_;
    out.time_ms = time_ms;
    out.read_only = read_only;
    return out;
  }
  // Views into this event: valid while it is unchanged.
  EventView View() {
    view_layout_ = Layout();
    return EventView(text_, view_layout_);
  }

 private:
  EventLayout::Span Tail(size_t start) const {
    return {static_cast<uint32_t>(start), static_cast<uint32_t>(text_.size() - start)};
  }
  EventLayout::Span Append(std::string_view v) {
    EventLayout::Span s{static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(v.size())};
    text_.append(v);
    return s;
  }

  std::string text_;
  EventLayout layout_;
  EventLayout view_layout_;
};

// Events queued for the writer: their texts back to back in one arena. Not thread-safe.
class EventBatch {
 public:
  // Copies `event` in.
  void Add(const AuditEvent& event) {
    entries_.emplace_back(static_cast<uint32_t>(arena_.size()), event.Layout());
    arena_.append(event.Text());
  }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  EventView operator[](size_t i) const {
    const auto& [offset, layout] = entries_[i];
    return EventView(std::string_view(arena_).substr(offset), layout);
  }
  // Empties the batch, keeping its capacity.
  void clear() {
    arena_.clear();
    entries_.clear();
  }
  void swap(EventBatch& other) noexcept {
    arena_.swap(other.arena_);
    entries_.swap(other.entries_);
  }
  void reserve(size_t events, size_t bytes) {
    entries_.reserve(events);
    arena_.reserve(bytes);
  }

 private:
  std::string arena_;
  std::vector<std::pair<uint32_t, EventLayout>> entries_;
};

// Calls `f(arn)` for each ARN of a joined list ("\n<arn>\n<arn>\n").
template <class F>
void ForEachArn(std::string_view joined, F&& f) {
  size_t start = 0;
  while (start < joined.size()) {
    size_t end = joined.find('\n', start);
    if (end == std::string_view::npos) end = joined.size();
    if (end > start) f(joined.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace kms::emulator
