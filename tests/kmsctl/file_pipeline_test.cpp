// ReadAhead and WriteBehind: order of bytes across buffers and writes, pipes, errors with their
// messages, stopping a wait for input, and which outputs Discard removes.
#include "file_pipeline.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include "envelope/envelope_support.hpp"

namespace kms::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A fresh directory, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("kmsctl-pipeline-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

void WriteFile(const std::string& path, std::span<const uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Everything `reader` delivers until the end of the input; fails the test on an error.
std::vector<uint8_t> Drain(ReadAhead& reader, size_t* chunks = nullptr) {
  std::vector<uint8_t> got;
  for (;;) {
    auto chunk = reader.Next();
    REQUIRE(chunk.has_value());
    if (chunk->empty()) return got;
    got.insert(got.end(), chunk->begin(), chunk->end());
    if (chunks != nullptr) ++*chunks;
  }
}

struct Pipe {
  Pipe() { REQUIRE(::pipe2(fds, O_CLOEXEC) == 0); }
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  void CloseWriteEnd() {
    ::close(fds[1]);
    fds[1] = -1;
  }
  int fds[2] = {-1, -1};
};

TEST_CASE("ReadAhead delivers multi-MiB random data from a file in order, then the end") {
  TempDir dir;
  auto data = RandomBytes((size_t{5} << 20) + 123, 1);
  WriteFile(dir / "in", data);
  auto fd = OpenForReading(dir / "in");
  REQUIRE(fd.has_value());
  auto reader = ReadAhead::Start(fd->get(), dir / "in", {3, 64 * 1024});
  REQUIRE(reader.has_value());
  size_t chunks = 0;
  CHECK(envelope::test::Same(Drain(**reader, &chunks), data));
  CHECK(chunks == 81);  // 80 full buffers of 64 KiB and the last 123 bytes
  auto again = (*reader)->Next();
  REQUIRE(again.has_value());
  CHECK(again->empty());
}

TEST_CASE("ReadAhead delivers a pipe written in small random pieces in order") {
  auto data = RandomBytes(size_t{3} << 20, 2);
  Pipe pipe;
  std::thread writer([&] {
    std::mt19937 rng(3);
    size_t at = 0;
    while (at < data.size()) {
      size_t n = std::min<size_t>(data.size() - at, 1 + rng() % 5000);
      ssize_t written = ::write(pipe.fds[1], data.data() + at, n);
      if (written <= 0) break;
      at += static_cast<size_t>(written);
    }
    pipe.CloseWriteEnd();
  });
  auto reader = ReadAhead::Start(pipe.fds[0], "pipe", {4, 256 * 1024});
  REQUIRE(reader.has_value());
  std::vector<uint8_t> got = Drain(**reader);
  writer.join();
  CHECK(envelope::test::Same(got, data));
}

TEST_CASE("ReadAhead hands over what a pipe has so far instead of waiting for a full buffer") {
  Pipe pipe;
  REQUIRE(::write(pipe.fds[1], "0123456789", 10) == 10);
  // Ends the input after 3 s, so a reader that waits for a full buffer fails instead of hanging.
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    pipe.CloseWriteEnd();
  });
  auto reader = ReadAhead::Start(pipe.fds[0], "pipe");
  REQUIRE(reader.has_value());
  auto start = Clock::now();
  auto chunk = (*reader)->Next();
  auto waited = Clock::now() - start;
  REQUIRE(chunk.has_value());
  CHECK(std::string(chunk->begin(), chunk->end()) == "0123456789");
  CHECK(waited < std::chrono::seconds(2));
  closer.join();
  auto end = (*reader)->Next();
  REQUIRE(end.has_value());
  CHECK(end->empty());
}

TEST_CASE("ReadAhead::Stop interrupts a wait for input that never comes") {
  Pipe pipe;  // the write end stays open: without Stop the reader would wait forever
  auto reader = ReadAhead::Start(pipe.fds[0], "standard input");
  REQUIRE(reader.has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let it block in poll
  auto start = Clock::now();
  (*reader)->Stop();
  CHECK(Clock::now() - start < std::chrono::seconds(1));
  auto next = (*reader)->Next();
  REQUIRE(!next.has_value());
  CHECK(next.error().code == ErrorCode::kValidation);
  CHECK(next.error().message == "Cannot read standard input: Operation canceled");
  (*reader)->Stop();  // idempotent
}

TEST_CASE("ReadAhead::Stop also ends a reader waiting for the consumer to free a buffer") {
  TempDir dir;
  WriteFile(dir / "in", RandomBytes(size_t{1} << 20, 4));
  auto fd = OpenForReading(dir / "in");
  REQUIRE(fd.has_value());
  auto reader = ReadAhead::Start(fd->get(), "in", {2, 4096});
  REQUIRE(reader.has_value());
  auto first = (*reader)->Next();
  REQUIRE(first.has_value());
  CHECK(first->size() == 4096);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // both buffers fill; it waits
  (*reader)->Stop();
  CHECK(!(*reader)->Next().has_value());
}

TEST_CASE("Reading a directory fails with the reason, and keeps failing") {
  TempDir dir;
  auto fd = OpenForReading(dir.path());
  REQUIRE(fd.has_value());
  auto reader = ReadAhead::Start(fd->get(), dir.path());
  REQUIRE(reader.has_value());
  for (int i = 0; i < 2; ++i) {
    auto next = (*reader)->Next();
    REQUIRE(!next.has_value());
    CHECK(next.error().code == ErrorCode::kValidation);
    CHECK(next.error().message == "Cannot read " + dir.path() + ": Is a directory");
  }
}

TEST_CASE("OpenForReading a missing file says which and why") {
  TempDir dir;
  auto fd = OpenForReading(dir / "absent");
  REQUIRE(!fd.has_value());
  CHECK(fd.error().code == ErrorCode::kValidation);
  CHECK(fd.error().message == "Cannot open " + (dir / "absent") + ": No such file or directory");
}

TEST_CASE("WriteBehind writes many writes of random sizes in order, into a 0600 file") {
  TempDir dir;
  auto data = RandomBytes(size_t{6} << 20, 5);
  auto sink = WriteBehind::OpenFile(dir / "out", {3, 100 * 1024});
  REQUIRE(sink.has_value());
  std::mt19937 rng(6);
  size_t at = 0;
  while (at < data.size()) {
    // 0 to 300 KiB: empty writes, and writes spread over up to four slots
    size_t n = std::min<size_t>(data.size() - at, rng() % (300 * 1024));
    REQUIRE((*sink)->Write({data.data() + at, n}).has_value());
    at += n;
  }
  REQUIRE((*sink)->Close().has_value());
  CHECK(envelope::test::Same(ReadFile(dir / "out"), data));
  CHECK((fs::status(dir / "out").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  (*sink)->Discard();  // after a successful Close: nothing to take back
  CHECK(fs::exists(dir / "out"));
  auto late = (*sink)->Write(data);
  REQUIRE(!late.has_value());
  CHECK(late.error().message == "Cannot write " + (dir / "out") + ": closed");
}

TEST_CASE("WriteBehind takes vectors and SecretBytes between writes, in order, without copying") {
  TempDir dir;
  auto data = RandomBytes(size_t{6} << 20, 15);
  auto sink = WriteBehind::OpenFile(dir / "out", {3, 100 * 1024});
  REQUIRE(sink.has_value());
  std::mt19937 rng(16);
  std::vector<uint8_t> vector;
  internal::SecretBytes secret;
  size_t at = 0;
  int takes = 0;
  // Hands `buffer` (holding the next n bytes, and a few more) to the sink, which keeps the
  // buffer itself and gives back another (or an empty one).
  auto take = [&](auto& buffer, size_t n) {
    buffer.resize(n + rng() % 10);
    const uint8_t* handed = buffer.data();
    auto taken = (*sink)->Take(buffer, n);
    REQUIRE(taken.has_value());
    CHECK(*taken);
    CHECK((n == 0 || buffer.empty() || buffer.data() != handed));
    ++takes;
  };
  while (at < data.size()) {
    // 0 to 300 KiB; taken buffers hold a few bytes more than they hand over
    size_t n = std::min<size_t>(data.size() - at, rng() % (300 * 1024));
    auto piece = std::span<const uint8_t>(data).subspan(at, n);
    switch (rng() % 3) {
      case 0:
        REQUIRE((*sink)->Write(piece).has_value());
        break;
      case 1:
        vector.assign(piece.begin(), piece.end());
        take(vector, n);
        break;
      default:
        secret = internal::SecretBytes(piece);
        take(secret, n);
    }
    at += n;
  }
  CHECK(takes > 10);
  REQUIRE((*sink)->Close().has_value());
  CHECK(envelope::test::Same(ReadFile(dir / "out"), data));

  std::vector<uint8_t> late(10, 1);
  auto closed = (*sink)->Take(late, late.size());
  REQUIRE(!closed.has_value());
  CHECK(closed.error().message == "Cannot write " + (dir / "out") + ": closed");
  CHECK(late == std::vector<uint8_t>(10, 1));  // left with the caller
}

TEST_CASE("WriteBehind::Take refuses more bytes than the buffer holds, keeping the buffer") {
  TempDir dir;
  auto sink = WriteBehind::OpenFile(dir / "out");
  REQUIRE(sink.has_value());
  internal::SecretBytes secret(RandomBytes(10, 17));
  auto taken = (*sink)->Take(secret, 11);
  REQUIRE(!taken.has_value());
  CHECK(taken.error().code == ErrorCode::kInternal);
  CHECK(taken.error().message ==
        "Cannot write " + (dir / "out") + ": 11 bytes asked of a buffer of 10");
  CHECK(envelope::test::Same(secret.span(), RandomBytes(10, 17)));
  REQUIRE((*sink)->Close().has_value());
  CHECK(ReadFile(dir / "out").empty());
}

TEST_CASE("WriteBehind::Take to /dev/full reports No space left on device from Take or Close") {
  UniqueFd fd(::open("/dev/full", O_WRONLY | O_CLOEXEC));
  REQUIRE(fd.get() >= 0);
  auto sink = WriteBehind::ForFd(fd.get(), "/dev/full", {2, 4096});
  REQUIRE(sink.has_value());
  Status status;
  for (int i = 0; i < 100 && status; ++i) {
    std::vector<uint8_t> buffer = RandomBytes(4096, 18);
    auto taken = (*sink)->Take(buffer, buffer.size());
    if (!taken) status = taken.error();
  }
  if (status) status = (*sink)->Close();
  REQUIRE(!status.has_value());
  CHECK(status.error().message == "Cannot write /dev/full: No space left on device");
  (*sink)->Discard();
}

// Writes until a Write fails, or Closes; the first error, or success.
Status WriteUntilError(WriteBehind& sink) {
  auto data = RandomBytes(4096, 7);
  Status status;
  for (int i = 0; i < 100 && status; ++i) status = sink.Write(data);
  if (status) status = sink.Close();
  return status;
}

TEST_CASE("WriteBehind to /dev/full reports No space left on device from Write or Close") {
  // Through ForFd, which never removes anything, so no regression can delete the real device.
  UniqueFd fd(::open("/dev/full", O_WRONLY | O_CLOEXEC));
  REQUIRE(fd.get() >= 0);
  auto sink = WriteBehind::ForFd(fd.get(), "/dev/full", {2, 4096});
  REQUIRE(sink.has_value());
  Status status = WriteUntilError(**sink);
  REQUIRE(!status.has_value());
  CHECK(status.error().code == ErrorCode::kInternal);
  CHECK(status.error().message == "Cannot write /dev/full: No space left on device");
  auto closed = (*sink)->Close();  // Close reports the failure too (and again)
  REQUIRE(!closed.has_value());
  CHECK(closed.error().message == "Cannot write /dev/full: No space left on device");
  (*sink)->Discard();
}

TEST_CASE("Discard removes a regular file it created, and one it truncated") {
  TempDir dir;
  WriteFile(dir / "existing", RandomBytes(100, 8));
  for (const std::string& name : {std::string("created"), std::string("existing")}) {
    CAPTURE(name);
    auto sink = WriteBehind::OpenFile(dir / name);
    REQUIRE(sink.has_value());
    REQUIRE((*sink)->Write(RandomBytes(size_t{3} << 20, 9)).has_value());
    (*sink)->Discard();
    CHECK(!fs::exists(dir / name));
    (*sink)->Discard();  // idempotent
    auto closed = (*sink)->Close();
    REQUIRE(!closed.has_value());
    CHECK(closed.error().message == "Cannot write " + (dir / name) + ": closed");
  }
}

TEST_CASE("Destroying a WriteBehind without Close discards the file") {
  TempDir dir;
  {
    auto sink = WriteBehind::OpenFile(dir / "out");
    REQUIRE(sink.has_value());
    REQUIRE((*sink)->Write(RandomBytes(1000, 10)).has_value());
  }
  CHECK(!fs::exists(dir / "out"));
}

TEST_CASE("Discard leaves a file that has since replaced the output's path") {
  TempDir dir;
  auto sink = WriteBehind::OpenFile(dir / "out");
  REQUIRE(sink.has_value());
  fs::rename(dir / "out", dir / "moved");
  WriteFile(dir / "out", RandomBytes(10, 11));
  (*sink)->Discard();
  CHECK(fs::file_size(dir / "out") == 10);
}

TEST_CASE("Discard leaves a FIFO in place") {
  TempDir dir;
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  // Holding both ends open lets OpenFile's O_WRONLY open return at once.
  int held = ::open((dir / "fifo").c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(held >= 0);
  auto sink = WriteBehind::OpenFile(dir / "fifo");
  REQUIRE(sink.has_value());
  REQUIRE((*sink)->Write(RandomBytes(1000, 12)).has_value());
  (*sink)->Discard();
  ::close(held);
  CHECK(fs::is_fifo(dir / "fifo"));
}

TEST_CASE("Discard leaves character devices such as /dev/null and /dev/full in place") {
  TempDir dir;
  // Twins of /dev/null (1, 3) and /dev/full (1, 7) inside the test directory, so a regression
  // cannot remove the real ones; creating device nodes needs CAP_MKNOD.
  if (::mknod((dir / "null").c_str(), S_IFCHR | 0600, makedev(1, 3)) != 0 ||
      ::mknod((dir / "full").c_str(), S_IFCHR | 0600, makedev(1, 7)) != 0) {
    MESSAGE("skipped: cannot create device nodes here (" << std::strerror(errno) << ")");
    return;
  }
  auto null = WriteBehind::OpenFile(dir / "null");
  REQUIRE(null.has_value());
  REQUIRE((*null)->Write(RandomBytes(size_t{3} << 20, 13)).has_value());
  (*null)->Discard();
  CHECK(fs::is_character_file(dir / "null"));

  auto full = WriteBehind::OpenFile(dir / "full", {2, 4096});
  REQUIRE(full.has_value());
  Status status = WriteUntilError(**full);
  REQUIRE(!status.has_value());
  CHECK(status.error().message == "Cannot write " + (dir / "full") + ": No space left on device");
  (*full)->Discard();
  CHECK(fs::is_character_file(dir / "full"));
}

TEST_CASE("OpenFile in a missing directory says which and why") {
  TempDir dir;
  auto sink = WriteBehind::OpenFile(dir / "absent/out");
  REQUIRE(!sink.has_value());
  CHECK(sink.error().code == ErrorCode::kValidation);
  CHECK(sink.error().message ==
        "Cannot open " + (dir / "absent/out") + ": No such file or directory");
}

// The envelope commands' loop (ReadAhead into a stream, the stream into WriteBehind), here with a
// raw AES keyring so no KMS is needed.
template <class Stream>
Status Run(const std::string& in, const std::string& out, Stream make) {
  auto fd = OpenForReading(in);
  if (!fd) return fd.error();
  auto sink = WriteBehind::OpenFile(out);
  if (!sink) return sink.error();
  auto reader = ReadAhead::Start(fd->get(), in);
  if (!reader) return reader.error();
  auto stream = make(**sink);
  if (!stream) return stream.error();
  for (;;) {
    auto chunk = (*reader)->Next();
    if (!chunk) return chunk.error();
    if (chunk->empty()) break;
    if (Status st = stream->Update(*chunk); !st) return st;
  }
  if (Status st = stream->Finish(); !st) return st;
  return (*sink)->Close();
}

TEST_CASE("Empty and multi-MiB inputs encrypt and decrypt through ReadAhead and WriteBehind") {
  TempDir dir;
  auto keyring = envelope::test::AesKeyring();
  auto options =
      envelope::test::OptionsFor(envelope::AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey);
  for (size_t size : {size_t{0}, (size_t{5} << 20) + 17}) {
    CAPTURE(size);
    auto data = RandomBytes(size, 14);
    WriteFile(dir / "plain", data);
    REQUIRE(Run(dir / "plain", dir / "message", [&](envelope::Sink& sink) {
              return envelope::StreamEncryptor::Create(*keyring, options, sink);
            }).has_value());
    auto message = ReadFile(dir / "message");
    CHECK(message.size() > size);
    REQUIRE(Run(dir / "message", dir / "out",
                [&](envelope::Sink& sink) -> Result<envelope::StreamDecryptor> {
                  return envelope::StreamDecryptor(*keyring, {}, sink);
                })
                .has_value());
    CHECK(envelope::test::Same(ReadFile(dir / "out"), data));
  }
}

}  // namespace
}  // namespace kms::cli
