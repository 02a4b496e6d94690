// The stored form of audit batches: exact round trips (the current delta format and v6's plain
// one), the size it saves on records alike, and damaged data refused with an error (never read
// past its end).
#include "audit/batch_codec.hpp"

#include <doctest/doctest.h>
#include <zstd.h>

#include <random>
#include <string>
#include <vector>

#include "batch_fixture.hpp"

namespace {

using kms::ErrorCode;
using kms::emulator::audit::BatchEncoder;
using kms::emulator::audit::BatchEntry;
using kms::emulator::audit::BatchFormat;
using kms::emulator::testing::FrameOf;
using kms::emulator::testing::PlainContent;
using kms::emulator::testing::PutVarint;

constexpr BatchFormat kDelta = BatchFormat::kDelta;
constexpr BatchFormat kPlain = BatchFormat::kPlain;

auto DecodeBatch(std::span<const uint8_t> stored, std::string& content,
                 BatchFormat format = kDelta) {
  return kms::emulator::audit::DecodeBatch(stored, format, content);
}

std::string Record(int n) {
  return R"({"eventVersion":"1.11","eventTime":"2026-11-30T04:37:17Z","eventName":"Decrypt",)"
         R"("requestID":"aa00eb47-67f9-435f-8b40-)" +
         std::to_string(100000000000 + n) + R"(","userAgent":"aws-cli/2.15.0 Python/3.11.6"})";
}

std::vector<uint8_t> Encode(const std::vector<BatchEntry>& entries) {
  BatchEncoder encoder;
  auto frame = encoder.Encode(entries);
  REQUIRE(frame.has_value());
  return {frame->begin(), frame->end()};
}

void CheckSame(const std::vector<BatchEntry>& got, const std::vector<BatchEntry>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    CHECK(got[i].time_ms == want[i].time_ms);
    CHECK(got[i].account == want[i].account);
    CHECK(got[i].region == want[i].region);
    CHECK(got[i].event_name == want[i].event_name);
    CHECK(got[i].record == want[i].record);
  }
}

}  // namespace

TEST_CASE("A stored batch decodes to exactly the events it was made of") {
  std::vector<std::string> records;
  for (int i = 0; i < 300; ++i) records.push_back(Record(i));
  records[7] = "";  // empty texts keep their place
  constexpr char kAnyBytes[] = "{\"nul\":\"\0\",\"utf8\":\"\xC3\xA9\"}";
  records[8] = std::string(kAnyBytes, sizeof(kAnyBytes) - 1);  // any bytes, NUL included
  std::vector<BatchEntry> entries;
  for (int i = 0; i < 300; ++i) {
    // Times go back as well as forward, and far from the first.
    int64_t time = i == 5 ? -86'400'000 : 1'764'477'437'000 + (i % 7 == 0 ? -i : i) * 1000;
    entries.push_back({time, i % 2 ? "111122223333" : "444455556666", i % 3 ? "us-east-1" : "",
                       i % 5 ? "Decrypt" : "GenerateDataKey", records[static_cast<size_t>(i)]});
  }
  std::vector<uint8_t> stored = Encode(entries);
  std::string content = "left over from an earlier batch";
  auto decoded = DecodeBatch(stored, content);
  REQUIRE(decoded.has_value());
  CheckSame(*decoded, entries);
}

TEST_CASE("Batches stored by schema v6 (plain format) still decode") {
  std::vector<std::string> records;
  for (int i = 0; i < 50; ++i) records.push_back(Record(i));
  std::vector<BatchEntry> entries;
  for (int i = 0; i < 50; ++i) {
    entries.push_back({1'764'477'437'000 - i * 7, i % 2 ? "111122223333" : "", "us-east-1",
                       i % 3 ? "Decrypt" : "Encrypt", records[static_cast<size_t>(i)]});
  }
  std::string content;
  auto decoded = DecodeBatch(FrameOf(PlainContent(entries)), content, kPlain);
  REQUIRE(decoded.has_value());
  CheckSame(*decoded, entries);
  // The same bytes read as the delta format are refused, not misread.
  auto misread = DecodeBatch(FrameOf(PlainContent(entries)), content, kDelta);
  REQUIRE_FALSE(misread.has_value());
  auto unknown = DecodeBatch(Encode(entries), content, static_cast<BatchFormat>(3));
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message == "corrupt audit batch: unknown format 3");
}

TEST_CASE("Records are stored as their difference from the record before") {
  std::vector<std::string> records;
  for (int i = 0; i < 100; ++i) records.push_back(Record(i));
  records[50] = "{}";                       // shares little with its neighbours
  records[51] = records[49] + records[49];  // longer than the one before it
  records[52] = records[51].substr(10);     // only a suffix in common
  std::vector<BatchEntry> entries;
  size_t plain = 0;
  for (int i = 0; i < 100; ++i) {
    entries.push_back({i, "111122223333", "us-east-1", "Decrypt", records[static_cast<size_t>(i)]});
    plain += records[static_cast<size_t>(i)].size();
  }
  std::vector<uint8_t> stored = Encode(entries);
  std::vector<char> content(ZSTD_getFrameContentSize(stored.data(), stored.size()));
  REQUIRE(ZSTD_decompress(content.data(), content.size(), stored.data(), stored.size()) ==
          content.size());
  INFO(plain << " bytes of records, " << content.size() << " bytes of content");
  CHECK(content.size() * 4 < plain);  // what compression sees: ids, not whole records
  std::string decoded_content;
  auto decoded = DecodeBatch(stored, decoded_content);
  REQUIRE(decoded.has_value());
  CheckSame(*decoded, entries);
}

TEST_CASE("An empty batch and a batch of one event round-trip") {
  std::string content;
  auto empty = DecodeBatch(Encode({}), content);
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
  std::string record = Record(1);
  std::vector<BatchEntry> one = {{42, "111122223333", "eu-west-1", "Encrypt", record}};
  auto decoded = DecodeBatch(Encode(one), content);
  REQUIRE(decoded.has_value());
  CheckSame(*decoded, one);
}

TEST_CASE("An encoder reused for several batches keeps each one separate") {
  BatchEncoder encoder;
  std::string a = Record(1), b = Record(2);
  std::vector<BatchEntry> first = {{1, "111122223333", "us-east-1", "Encrypt", a},
                                   {2, "111122223333", "us-east-1", "Decrypt", b}};
  std::vector<BatchEntry> second = {{3, "444455556666", "us-west-2", "Sign", b}};
  auto one = encoder.Encode(first);
  REQUIRE(one.has_value());
  std::vector<uint8_t> kept(one->begin(), one->end());
  auto two = encoder.Encode(second);
  REQUIRE(two.has_value());
  std::string content;
  CheckSame(DecodeBatch(kept, content).value(), first);
  CheckSame(DecodeBatch(*two, content).value(), second);
}

TEST_CASE("A batch of similar records is stored in a tenth of their size or less") {
  std::vector<std::string> records;
  for (int i = 0; i < 1024; ++i) records.push_back(Record(i));
  std::vector<BatchEntry> entries;
  size_t plain = 0;
  for (int i = 0; i < 1024; ++i) {
    entries.push_back({1'764'477'437'000 + i, "111122223333", "us-east-1", "Decrypt",
                       records[static_cast<size_t>(i)]});
    plain += records[static_cast<size_t>(i)].size();
  }
  std::vector<uint8_t> stored = Encode(entries);
  INFO(plain << " bytes of records stored in " << stored.size());
  CHECK(stored.size() * 10 <= plain);
}

TEST_CASE("Every truncation of a stored batch is refused as corrupt") {
  std::vector<std::string> records = {Record(1), Record(2), Record(3)};
  std::vector<BatchEntry> entries;
  for (size_t i = 0; i < records.size(); ++i) {
    entries.push_back(
        {static_cast<int64_t>(i), "111122223333", "us-east-1", "Decrypt", records[i]});
  }
  std::vector<uint8_t> stored = Encode(entries);
  std::string content;
  for (size_t n = 0; n < stored.size(); ++n) {
    auto decoded = DecodeBatch(std::span<const uint8_t>(stored.data(), n), content);
    REQUIRE_MESSAGE(!decoded.has_value(), "a prefix of " << n << " bytes decoded");
    CHECK(decoded.error().code == ErrorCode::kInternal);
    CHECK(decoded.error().message.rfind("corrupt audit batch: ", 0) == 0);
  }
}

TEST_CASE("Damaged content inside a valid frame is refused, not read past its end") {
  struct Case {
    std::string content;
    std::string message;
    BatchFormat format = kPlain;
  };
  const Case cases[] = {
      {"", "bad event count"},
      {"\x80", "bad event count"},                                      // a varint cut short
      {std::string("\x64\x00\x00\x00\x00\x00", 6), "bad event count"},  // 100 events in 6 bytes
      {std::string("\x01\x00\x01\x01\x80\x80", 6), "truncated event header"},
      {std::string("\x01\x00\x01\x01\x01\xff\xff\xff\x7f", 9), "event sizes exceed the batch"},
      {std::string("\x01\x00\x01\x01\x01\x01"
                   "abc",
                   9),
       "event texts do not fill the batch"},
      {std::string("\x01\x00\x00\x00\x00\x00"
                   "extra",
                   11),
       "event texts do not fill the batch"},
      // The delta format: time, shared-text bits, lengths, then prefix, suffix and own part.
      {std::string("\x01\x00\x01\x00\x00", 5), "bad shared-text bits", kDelta},  // none before
      {std::string("\x01\x00\x08\x00\x00", 5), "bad shared-text bits", kDelta},
      {std::string("\x01\x00\x00\x00\x00\x00\x01", 7), "truncated event header", kDelta},
      {std::string("\x01\x00\x00\x00\x00\x00\x01\x00\x00", 9),
       "a record shares more than the previous record holds", kDelta},
      {std::string("\x02\x00\x00\x00\x00\x00\x00\x00\x02"  // a 2-byte record, then one
                   "\x00\x07\x01\x02\x00"                  // sharing 1 + 2 bytes of it
                   "ab",
                   16),
       "a record shares more than the previous record holds", kDelta},
      {std::string("\x01\x00\x00\x00\x00\x00\x00\x00\x05"
                   "ab",
                   11),
       "event texts do not fill the batch", kDelta},
  };
  std::string content;
  for (const Case& c : cases) {
    auto decoded = DecodeBatch(FrameOf(c.content), content, c.format);
    REQUIRE_FALSE_MESSAGE(decoded.has_value(), "decoded: " << c.message);
    CHECK(decoded.error().message == "corrupt audit batch: " + c.message);
  }
  // A frame header claiming 1 TiB of content is refused before anything is allocated.
  const std::vector<uint8_t> huge = {0x28, 0xB5, 0x2F, 0xFD, 0xE0, 0, 0, 0, 0, 0, 1, 0, 0};
  auto claimed = DecodeBatch(huge, content);
  REQUIRE_FALSE(claimed.has_value());
  CHECK(claimed.error().message == "corrupt audit batch: content of 1099511627776 bytes");
  CHECK(content.size() < 1024);
  const std::vector<uint8_t> not_zstd = {'{', '"', 'a', '"', ':', '1', '}'};
  auto decoded = DecodeBatch(not_zstd, content);
  REQUIRE_FALSE(decoded.has_value());
  CHECK(decoded.error().message == "corrupt audit batch: not a zstd frame with its content size");
  // The smallest valid batches, for contrast: one event with empty texts.
  auto one = DecodeBatch(FrameOf(std::string("\x01\x02\x00\x00\x00\x00", 6)), content, kPlain);
  REQUIRE(one.has_value());
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].time_ms == 1);
  auto two = DecodeBatch(FrameOf(std::string("\x02\x02\x00\x00\x00\x00\x00\x00\x02"
                                             "\x00\x07\x01\x01\x00"
                                             "ab",
                                             16)),
                         content);
  REQUIRE(two.has_value());
  REQUIRE(two->size() == 2);
  CHECK((*two)[0].record == "ab");
  CHECK((*two)[1].record == "ab");  // 'a' from the front, 'b' from the back of the one before
  CHECK((*two)[1].time_ms == 1);
}

TEST_CASE("A batch whose shared parts would rebuild more than 256 MiB is refused first") {
  // One 64 KiB record, then 4096 events that each repeat all of it: 7 bytes of header apiece,
  // 256 MiB and more once rebuilt.
  std::string content;
  PutVarint(content, 4097);
  content += std::string("\x00\x00\x00\x00\x00\x00\x00", 7);  // time, bits, 3 lengths, 2 shares
  PutVarint(content, 65536);                                  // its own part: all of it
  for (int i = 0; i < 4096; ++i) {
    content += std::string("\x00\x07", 2);  // time, every text shared
    PutVarint(content, 65536);              // the whole previous record
    content += std::string("\x00\x00", 2);  // no suffix, no own part
  }
  content += std::string(65536, 'r');
  std::string decoded_content;
  auto decoded = DecodeBatch(FrameOf(content), decoded_content);
  REQUIRE_FALSE(decoded.has_value());
  CHECK(decoded.error().message == "corrupt audit batch: records of more than 268435456 bytes");
  CHECK(decoded_content.size() < (size_t{1} << 20));  // refused before anything was rebuilt
  // One event fewer rebuilds exactly 256 MiB, which is allowed (both counts are 2-byte varints).
  content.replace(0, 2, [] {
    std::string count;
    PutVarint(count, 4096);
    return count;
  }());
  content.erase(content.size() - 65536 - 7, 7);  // the last repeat: 2 + 3-byte varint + 2
  auto largest = DecodeBatch(FrameOf(content), decoded_content);
  REQUIRE_MESSAGE(largest.has_value(), largest.error().message);
  CHECK(largest->size() == 4096);
  CHECK(largest->back().record.size() == 65536);
}

TEST_CASE("Random byte flips in a stored batch never crash the decoder") {
  std::vector<std::string> records;
  for (int i = 0; i < 20; ++i) records.push_back(Record(i));
  std::vector<BatchEntry> entries;
  for (int i = 0; i < 20; ++i) {
    entries.push_back({i, "111122223333", "us-east-1", "Decrypt", records[static_cast<size_t>(i)]});
  }
  std::vector<uint8_t> stored = Encode(entries);
  std::mt19937 rng(7);
  std::string content;
  int refused = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> damaged = stored;
    damaged[rng() % damaged.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    auto decoded = DecodeBatch(damaged, content);
    if (!decoded) {
      ++refused;
      CHECK(decoded.error().message.rfind("corrupt audit batch: ", 0) == 0);
    } else {
      // The frame's checksum covers the content: what decodes at all decodes unchanged (a flip
      // in a header bit that does not change the content, such as the window size, is harmless).
      CheckSame(*decoded, entries);
    }
  }
  CHECK(refused > 1900);
}
