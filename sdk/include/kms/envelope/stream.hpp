// Streaming envelope encryption and decryption in constant memory: push bytes in with Update,
// end with Finish; output goes to a Sink as soon as it may be released.
//
// What StreamDecryptor releases, and when:
// - nothing before the header is authenticated (and the key commitment checked);
// - unsigned suites: each frame's plaintext once its tag verifies (released plaintext reaches
//   the sink before the Update call that verified it returns, in writes of up to ~2 MiB);
// - signed suites: each regular frame's plaintext right after its tag verifies; the final frame
//   only after the footer signature verifies, in Finish or in the Update that completes the
//   message. So, until Finish returns success, released plaintext is NOT yet known to be signed:
//   treat it as provisional (or set DecryptOptions::refuse_signed_suites);
// - non-framed bodies (legacy; never written by this SDK) are held whole until their tag (and
//   signature) verifies, so they take memory proportional to their size.
// On any failure the sink's Discard() is called once, so it can wipe or delete what it got, and
// the error says what failed. Memory stays bounded by about one frame plus about 2 MiB of output
// buffer, whatever the message size.
//
// Signed suites, both ways (and in the one-shot Encrypt and Decrypt): past the first 4 MiB of a
// message, its signature hash (SHA-384 or SHA-256) runs on a thread of its own, joined before
// Finish returns or when the stream is destroyed, over copies of the message bytes in a 4 MiB
// queue; on a machine with a free core, hashing then overlaps encryption and I/O. The sink is
// only ever called from the caller's thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <iosfwd>
#include <kms/envelope/encryptor.hpp>
#include <kms/envelope/keyring.hpp>
#include <kms/envelope/message.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <kms/result.hpp>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kms::envelope {

// Where streamed output goes. Not thread-safe; one operation writes to one sink.
class Sink {
 public:
  virtual ~Sink() = default;
  // Takes the bytes (they are not kept by the caller). An error stops the operation.
  virtual Status Write(std::span<const uint8_t> bytes) = 0;
  // Called once when the operation fails: drop, and wipe where possible, all bytes written.
  virtual void Discard() = 0;
  // Optional, for sinks that queue output (for example for another thread to write): takes the
  // first `size` bytes of `buffer` by taking the buffer itself, which saves Write's copy, and
  // leaves in its place a buffer the sink is done with (of any size; the caller overwrites it).
  // The streams call Take (ciphertext in a vector, plaintext in SecretBytes) instead of Write
  // when they hand over a whole buffer. Returns false, leaving `buffer` untouched, when the sink
  // does not take buffers (the default): the caller then calls Write. An error stops the
  // operation as Write's does, and leaves `buffer` untouched too.
  virtual Result<bool> Take(std::vector<uint8_t>& buffer, size_t size) {
    (void)buffer;
    (void)size;
    return false;
  }
  virtual Result<bool> Take(internal::SecretBytes& buffer, size_t size) {
    (void)buffer;
    (void)size;
    return false;
  }
};

// Collects output in zeroizing memory. Discard wipes it.
class MemorySink : public Sink {
 public:
  Status Write(std::span<const uint8_t> bytes) override;
  void Discard() override;
  std::span<const uint8_t> bytes() const { return {buffer_.data(), size_}; }
  // Moves the bytes out, leaving the sink empty.
  internal::SecretBytes Take();

 private:
  internal::SecretBytes buffer_;
  size_t size_ = 0;
};

// Writes to a file through a large buffer. Discard() truncates the file and removes it, so a
// failed decryption leaves no partial plaintext behind; only a regular file is removed, and only
// while its path still names it (a FIFO or a device such as /dev/null is left alone). Movable.
class FileSink : public Sink {
 public:
  // Creates or truncates `path` (mode 0600 for new files). kValidation "Cannot open <path>:
  // <reason>" on failure.
  static Result<FileSink> Open(const std::string& path);
  FileSink(FileSink&& other) noexcept;
  FileSink& operator=(FileSink&& other) noexcept;
  ~FileSink() override;

  Status Write(std::span<const uint8_t> bytes) override;
  void Discard() override;
  // Flushes and closes; kInternal "Cannot write <path>: <reason>" on failure.
  Status Close();

 private:
  FileSink(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}
  std::FILE* file_ = nullptr;
  std::string path_;
  bool removable_ = false;  // a regular file, identified by device and inode
  uint64_t device_ = 0;
  uint64_t inode_ = 0;
};

// Writes to a std::ostream (e.g. std::cout). A stream cannot take back what it was given, so
// Discard() only stops further writes and sets failbit; callers that stream plaintext to a pipe
// must act on the error themselves.
class OstreamSink : public Sink {
 public:
  explicit OstreamSink(std::ostream& out) : out_(out) {}
  Status Write(std::span<const uint8_t> bytes) override;
  void Discard() override;

 private:
  std::ostream& out_;
  bool discarded_ = false;
};

// Streaming encryption: header when created, a frame each time a frame's worth of plaintext has
// arrived, the final frame (and the footer for signed suites) in Finish. Plaintext is copied
// only when a frame is split across Update calls. Not thread-safe; movable.
class StreamEncryptor {
 public:
  // Gets the data key from `keyring`, writes the header to `sink`. The keyring is used only
  // here; `sink` must outlive the encryptor. Errors as Encrypt's.
  static Result<StreamEncryptor> Create(const Keyring& keyring, const EncryptOptions& options,
                                        Sink& sink);
  StreamEncryptor(StreamEncryptor&&) noexcept;
  StreamEncryptor& operator=(StreamEncryptor&&) noexcept;
  ~StreamEncryptor();

  Status Update(std::span<const uint8_t> plaintext);
  // Writes the final frame and footer; then the message is complete.
  Status Finish();
  const MessageInfo& header() const;
  // Largest number of bytes the encryptor held at once (buffers), for tests and tuning.
  size_t peak_buffered_bytes() const;

  struct Impl;

 private:
  explicit StreamEncryptor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Streaming decryption; see the top of this file for what is released when. The keyring is
// called (once) from the Update that completes the header. Not thread-safe; movable.
class StreamDecryptor {
 public:
  // `keyring` and `sink` must outlive the decryptor.
  StreamDecryptor(const Keyring& keyring, const DecryptOptions& options, Sink& sink);
  StreamDecryptor(StreamDecryptor&&) noexcept;
  StreamDecryptor& operator=(StreamDecryptor&&) noexcept;
  ~StreamDecryptor();

  // Consumes message bytes. After a failure every call returns the same error.
  Status Update(std::span<const uint8_t> message_bytes);
  // Ends the input: fails ("Message is truncated: ...") unless the whole message was seen and
  // verified; on success all plaintext has been written to the sink.
  Status Finish();
  // The authenticated header, or nullptr before it is verified.
  const MessageInfo* header() const;
  size_t peak_buffered_bytes() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Reads `in` to its end in 1 MiB chunks through a StreamEncryptor into `sink`.
// Errors as StreamEncryptor's, and kValidation "Cannot read the input" when `in` is not good to
// begin with (e.g. a file that did not open) or fails while reading. For speed with std::cin,
// call std::ios::sync_with_stdio(false) first.
Result<MessageInfo> EncryptStream(const Keyring& keyring, std::istream& in, Sink& sink,
                                  const EncryptOptions& options = {});

// Reads `in` to its end through a StreamDecryptor into `sink` (which is Discard()ed on error).
Result<MessageInfo> DecryptStream(const Keyring& keyring, std::istream& in, Sink& sink,
                                  const DecryptOptions& options = {});

}  // namespace kms::envelope
