// Streaming encryption and decryption over the incremental cores, and the stock sinks.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>
#include <kms/envelope/stream.hpp>
#include <ostream>

#include "decrypt_core.hpp"
#include "encrypt_core.hpp"

namespace kms::envelope {
namespace {

// Large inputs are processed in slices so the output buffer is flushed between them.
constexpr size_t kSlice = detail::kFlushBytes;
constexpr size_t kReadChunk = size_t{1} << 20;

std::string Reason() { return std::strerror(errno); }

Error CannotRead(Sink& sink) {
  sink.Discard();
  return MakeError(ErrorCode::kValidation, "Cannot read the input");
}

// Update of both stream directions (their Impls have the same members): feeds `bytes` to the core
// kSlice at a time, flushing the output whenever it fills, so what is buffered stays bounded.
template <class Impl>
Status FeedInSlices(Impl& d, std::span<const uint8_t> bytes) {
  if (d.failed) return d.error;
  while (!bytes.empty()) {
    auto slice = bytes.first(std::min(kSlice, bytes.size()));
    bytes = bytes.subspan(slice.size());
    if (auto st = d.core.Update(slice); !st) return d.Fail(st.error());
    d.Track();
    if (auto st = d.out.MaybeFlush(); !st) return d.Fail(st.error());
  }
  if (auto st = d.out.Flush(); !st) return d.Fail(st.error());
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Sinks.

Status MemorySink::Write(std::span<const uint8_t> bytes) {
  if (size_ + bytes.size() > buffer_.size()) {
    buffer_.resize(std::max(size_ + bytes.size(), 2 * buffer_.size()));
  }
  if (!bytes.empty()) std::memcpy(buffer_.data() + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
  return {};
}

void MemorySink::Discard() {
  buffer_.clear();
  size_ = 0;
}

internal::SecretBytes MemorySink::Take() {
  buffer_.resize(size_);
  size_ = 0;
  return std::move(buffer_);
}

Result<FileSink> FileSink::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  std::FILE* file = fd < 0 ? nullptr : ::fdopen(fd, "wb");
  if (file == nullptr) {
    std::string reason = Reason();
    if (fd >= 0) ::close(fd);
    return MakeError(ErrorCode::kValidation, "Cannot open " + path + ": " + reason);
  }
  FileSink sink(file, path);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    sink.removable_ = true;
    sink.device_ = st.st_dev;
    sink.inode_ = st.st_ino;
  }
  return sink;
}

FileSink::FileSink(FileSink&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)),
      path_(std::move(other.path_)),
      removable_(std::exchange(other.removable_, false)),
      device_(other.device_),
      inode_(other.inode_) {}

FileSink& FileSink::operator=(FileSink&& other) noexcept {
  if (this != &other) {
    if (file_ != nullptr) std::fclose(file_);
    file_ = std::exchange(other.file_, nullptr);
    path_ = std::move(other.path_);
    removable_ = std::exchange(other.removable_, false);
    device_ = other.device_;
    inode_ = other.inode_;
  }
  return *this;
}

FileSink::~FileSink() {
  if (file_ != nullptr) std::fclose(file_);
}

Status FileSink::Write(std::span<const uint8_t> bytes) {
  if (file_ == nullptr)
    return MakeError(ErrorCode::kInternal, "Cannot write " + path_ + ": closed");
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return MakeError(ErrorCode::kInternal, "Cannot write " + path_ + ": " + Reason());
  }
  return {};
}

void FileSink::Discard() {
  if (file_ == nullptr) return;
  struct stat st {};
  // A FIFO or device is someone else's, and a path renamed or replaced meanwhile names another
  // file: only the regular file this sink opened is emptied and removed.
  bool ours =
      removable_ && ::stat(path_.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_;
  if (ours && ::ftruncate(::fileno(file_), 0) != 0) {
    // Removing the file below is what matters; a failed truncate changes nothing.
  }
  std::fclose(file_);
  file_ = nullptr;
  if (ours) ::unlink(path_.c_str());
}

Status FileSink::Close() {
  if (file_ == nullptr) return {};
  bool ok = std::fflush(file_) == 0;
  std::string reason = ok ? "" : Reason();
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok) return MakeError(ErrorCode::kInternal, "Cannot write " + path_ + ": " + reason);
  return {};
}

Status OstreamSink::Write(std::span<const uint8_t> bytes) {
  if (discarded_) return MakeError(ErrorCode::kInternal, "Cannot write the output stream");
  out_.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  if (!out_) return MakeError(ErrorCode::kInternal, "Cannot write the output stream");
  return {};
}

void OstreamSink::Discard() {
  discarded_ = true;
  out_.setstate(std::ios::failbit);
}

// ---------------------------------------------------------------------------------------------
// StreamEncryptor.

struct StreamEncryptor::Impl {
  explicit Impl(Sink& s) : sink(&s), out(&s, detail::kFlushBytes), core(&out) {}

  Status Fail(Error e) {
    if (!failed) {
      failed = true;
      error = std::move(e);
      out.WipeAll();
      sink->Discard();
    }
    return error;
  }
  void Track() { peak = std::max(peak, out.capacity() + core.buffered_bytes()); }

  Sink* sink;
  detail::OutputBuffer<std::vector<uint8_t>> out;
  detail::EncryptCore core;
  bool failed = false;
  Error error;
  size_t peak = 0;
};

StreamEncryptor::StreamEncryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamEncryptor::StreamEncryptor(StreamEncryptor&&) noexcept = default;
StreamEncryptor& StreamEncryptor::operator=(StreamEncryptor&&) noexcept = default;
StreamEncryptor::~StreamEncryptor() = default;

Result<StreamEncryptor> StreamEncryptor::Create(const Keyring& keyring,
                                                const EncryptOptions& options, Sink& sink) {
  auto impl = std::make_unique<Impl>(sink);
  if (auto st = impl->core.Start(keyring, options); !st) return impl->Fail(st.error()).error();
  if (auto st = impl->out.Flush(); !st) return impl->Fail(st.error()).error();
  impl->Track();
  return StreamEncryptor(std::move(impl));
}

Status StreamEncryptor::Update(std::span<const uint8_t> plaintext) {
  return FeedInSlices(*impl_, plaintext);
}

Status StreamEncryptor::Finish() {
  Impl& d = *impl_;
  if (d.failed) return d.error;
  if (auto st = d.core.Finish(); !st) return d.Fail(st.error());
  d.Track();
  if (auto st = d.out.Flush(); !st) return d.Fail(st.error());
  return {};
}

const MessageInfo& StreamEncryptor::header() const { return impl_->core.header(); }
size_t StreamEncryptor::peak_buffered_bytes() const { return impl_->peak; }

// ---------------------------------------------------------------------------------------------
// StreamDecryptor.

struct StreamDecryptor::Impl {
  Impl(const Keyring& keyring, const DecryptOptions& options, Sink& s)
      : sink(&s),
        out(&s, detail::kFlushBytes),
        core(detail::DecryptCore::Mode::kDecrypt, &keyring, options, &out) {}

  Status Fail(Error e) {
    if (!failed) {
      failed = true;
      error = std::move(e);
      out.WipeAll();
      sink->Discard();
    }
    return error;
  }
  void Track() { peak = std::max(peak, out.capacity() + core.buffered_bytes()); }

  Sink* sink;
  detail::OutputBuffer<internal::SecretBytes> out;
  detail::DecryptCore core;
  bool failed = false;
  Error error;
  size_t peak = 0;
};

StreamDecryptor::StreamDecryptor(const Keyring& keyring, const DecryptOptions& options, Sink& sink)
    : impl_(std::make_unique<Impl>(keyring, options, sink)) {}
StreamDecryptor::StreamDecryptor(StreamDecryptor&&) noexcept = default;
StreamDecryptor& StreamDecryptor::operator=(StreamDecryptor&&) noexcept = default;
StreamDecryptor::~StreamDecryptor() = default;

Status StreamDecryptor::Update(std::span<const uint8_t> message_bytes) {
  return FeedInSlices(*impl_, message_bytes);
}

Status StreamDecryptor::Finish() {
  Impl& d = *impl_;
  if (d.failed) return d.error;
  if (auto st = d.core.Finish(); !st) return d.Fail(st.error());
  if (auto st = d.out.Flush(); !st) return d.Fail(st.error());
  return {};
}

const MessageInfo* StreamDecryptor::header() const { return impl_->core.header(); }
size_t StreamDecryptor::peak_buffered_bytes() const { return impl_->peak; }

// ---------------------------------------------------------------------------------------------
// istream helpers.

Result<MessageInfo> EncryptStream(const Keyring& keyring, std::istream& in, Sink& sink,
                                  const EncryptOptions& options) {
  if (!in) return CannotRead(sink);
  auto encryptor = StreamEncryptor::Create(keyring, options, sink);
  if (!encryptor) return encryptor.error();
  internal::SecretBytes buffer(kReadChunk);
  while (in) {
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer.size()));
    auto n = static_cast<size_t>(in.gcount());
    if (n == 0) continue;
    if (auto st = encryptor->Update(buffer.span().first(n)); !st) return st.error();
  }
  if (in.bad()) return CannotRead(sink);
  if (auto st = encryptor->Finish(); !st) return st.error();
  return encryptor->header();
}

Result<MessageInfo> DecryptStream(const Keyring& keyring, std::istream& in, Sink& sink,
                                  const DecryptOptions& options) {
  if (!in) return CannotRead(sink);
  StreamDecryptor decryptor(keyring, options, sink);
  std::vector<uint8_t> buffer(kReadChunk);
  while (in) {
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer.size()));
    auto n = static_cast<size_t>(in.gcount());
    if (n == 0) continue;
    if (auto st = decryptor.Update({buffer.data(), n}); !st) return st.error();
  }
  if (in.bad()) return CannotRead(sink);
  if (auto st = decryptor.Finish(); !st) return st.error();
  return *decryptor.header();
}

}  // namespace kms::envelope
