// Shared helpers for the envelope tests: keyrings with fixed keys, plaintext patterns, chunked
// streaming, and byte surgery on messages.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <kms/envelope/encryptor.hpp>
#include <kms/envelope/keyring.hpp>
#include <kms/envelope/stream.hpp>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kms::envelope::test {

using internal::SecretBytes;
using KeyringPtr = std::shared_ptr<const Keyring>;

// A raw AES-256 keyring whose wrapping key is 32 bytes of `fill`.
inline KeyringPtr AesKeyring(std::string name = "key-1", uint8_t fill = 7,
                             std::string key_namespace = "test-namespace") {
  auto keyring = MakeRawAesKeyring(std::move(key_namespace), std::move(name),
                                   SecretBytes(std::vector<uint8_t>(32, fill)));
  REQUIRE(keyring.has_value());
  return *keyring;
}

// n bytes of a pattern that differs per position and seed.
inline std::vector<uint8_t> Pattern(size_t n, uint32_t seed = 1) {
  std::vector<uint8_t> out(n);
  uint32_t x = seed * 2654435761u + 12345;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345;
    out[i] = static_cast<uint8_t>(x >> 16);
  }
  return out;
}

inline bool Same(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// The commitment policy that lets `suite` be encrypted (v1 suites need FORBID_ENCRYPT).
inline CommitmentPolicy PolicyFor(AlgorithmSuiteId id) {
  return GetAlgorithmSuite(id).committing ? CommitmentPolicy::kRequireEncryptRequireDecrypt
                                          : CommitmentPolicy::kForbidEncryptAllowDecrypt;
}

inline EncryptOptions OptionsFor(AlgorithmSuiteId id, uint32_t frame_length = 4096) {
  EncryptOptions options;
  options.algorithm = id;
  options.frame_length = frame_length;
  options.commitment_policy = PolicyFor(id);
  return options;
}

inline DecryptOptions DecryptFor(AlgorithmSuiteId id) {
  DecryptOptions options;
  options.commitment_policy = PolicyFor(id);
  return options;
}

inline std::vector<uint8_t> EncryptOrDie(const Keyring& keyring, std::span<const uint8_t> plaintext,
                                         const EncryptOptions& options) {
  auto result = Encrypt(keyring, plaintext, options);
  REQUIRE_MESSAGE(result.has_value(), result.error().message);
  return std::move(result->ciphertext);
}

// Feeds `message` to a StreamDecryptor `chunk` bytes at a time into `sink`.
inline Status StreamDecryptInto(const Keyring& keyring, std::span<const uint8_t> message,
                                const DecryptOptions& options, size_t chunk, Sink& sink) {
  StreamDecryptor decryptor(keyring, options, sink);
  for (size_t i = 0; i < message.size(); i += chunk) {
    if (auto st = decryptor.Update(message.subspan(i, std::min(chunk, message.size() - i))); !st) {
      return st;
    }
  }
  return decryptor.Finish();
}

// Feeds `plaintext` to a StreamEncryptor `chunk` bytes at a time; the whole message.
inline std::vector<uint8_t> StreamEncrypt(const Keyring& keyring,
                                          std::span<const uint8_t> plaintext,
                                          const EncryptOptions& options, size_t chunk) {
  MemorySink sink;
  auto encryptor = StreamEncryptor::Create(keyring, options, sink);
  REQUIRE_MESSAGE(encryptor.has_value(), encryptor.error().message);
  for (size_t i = 0; i < plaintext.size(); i += chunk) {
    auto st = encryptor->Update(plaintext.subspan(i, std::min(chunk, plaintext.size() - i)));
    REQUIRE_MESSAGE(st.has_value(), st.error().message);
  }
  auto st = encryptor->Finish();
  REQUIRE_MESSAGE(st.has_value(), st.error().message);
  auto bytes = sink.bytes();
  return {bytes.begin(), bytes.end()};
}

// A sink that records what it got and whether Discard was called.
class RecordingSink : public Sink {
 public:
  Status Write(std::span<const uint8_t> bytes) override {
    data.insert(data.end(), bytes.begin(), bytes.end());
    ++writes;
    return {};
  }
  void Discard() override {
    data.clear();
    ++discards;
  }
  std::vector<uint8_t> data;
  int writes = 0;
  int discards = 0;
};

// A sink that takes whole buffers (Sink::Take) and records what it got: it gives back a small
// buffer of 0xA5 bytes each time, so a stream that kept using the taken buffer, or trusted the
// returned one's contents or size, would produce wrong output. `fail_after` takes succeed, then
// Take fails with "taking failed".
class TakingSink : public RecordingSink {
 public:
  Result<bool> Take(std::vector<uint8_t>& buffer, size_t size) override {
    if (auto st = Taking(buffer.data(), size); !st) return st.error();
    buffer.assign(100, 0xA5);
    ++vectors;
    return true;
  }
  Result<bool> Take(SecretBytes& buffer, size_t size) override {
    if (auto st = Taking(buffer.data(), size); !st) return st.error();
    buffer = SecretBytes(std::vector<uint8_t>(100, 0xA5));
    ++secrets;
    return true;
  }
  int vectors = 0;  // vectors taken
  int secrets = 0;  // SecretBytes taken
  int fail_after = 1 << 30;

 private:
  Status Taking(const uint8_t* bytes, size_t size) {
    if (vectors + secrets >= fail_after) return MakeError(ErrorCode::kInternal, "taking failed");
    data.insert(data.end(), bytes, bytes + size);
    return {};
  }
};

// Counts and checksums output without keeping it (for large streams).
class CountingSink : public Sink {
 public:
  Status Write(std::span<const uint8_t> bytes) override {
    for (uint8_t b : bytes) sum = sum * 31 + b;
    size += bytes.size();
    return {};
  }
  void Discard() override { ++discards; }
  uint64_t size = 0;
  uint64_t sum = 0;
  int discards = 0;
};

inline uint64_t Checksum(std::span<const uint8_t> bytes) {
  uint64_t sum = 0;
  for (uint8_t b : bytes) sum = sum * 31 + b;
  return sum;
}

}  // namespace kms::envelope::test
