// Random bytes and UUIDs from OpenSSL's DRBG, drawn through a small per-thread pool: each
// RAND_bytes call costs a getpid() system call (OpenSSL's fork check) plus the DRBG's set-up, and
// a request needs several small draws (a data key, an IV, a request id). Bytes leave the pool once
// and are wiped as they leave; a fork() empties every pool, so a child never repeats its parent.
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <kms/internal/random.hpp>
#include <mutex>

namespace kms::internal {
namespace {

constexpr size_t kPoolSize = 1024;
// Larger draws go straight to the DRBG: the pool would only add a copy.
constexpr size_t kMaxPooledDraw = 128;

std::atomic<uint64_t> fork_generation{0};

void OnForkChild() { fork_generation.fetch_add(1, std::memory_order_relaxed); }

class Pool {
 public:
  Pool() {
    static std::once_flag registered;
    std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, OnForkChild); });
  }
  ~Pool() { OPENSSL_cleanse(bytes_, sizeof(bytes_)); }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  bool Draw(std::span<uint8_t> out) {
    uint64_t generation = fork_generation.load(std::memory_order_relaxed);
    if (generation != generation_) {
      OPENSSL_cleanse(bytes_, sizeof(bytes_));
      used_ = kPoolSize;
      generation_ = generation;
    }
    if (kPoolSize - used_ < out.size()) {
      if (RAND_bytes(bytes_, static_cast<int>(kPoolSize)) != 1) return false;
      used_ = 0;
    }
    std::memcpy(out.data(), bytes_ + used_, out.size());
    OPENSSL_cleanse(bytes_ + used_, out.size());
    used_ += out.size();
    return true;
  }

 private:
  uint8_t bytes_[kPoolSize];
  size_t used_ = kPoolSize;  // nothing drawn yet
  uint64_t generation_ = fork_generation.load(std::memory_order_relaxed);
};

bool Fill(std::span<uint8_t> out) {
  if (out.size() > kMaxPooledDraw) {
    return out.size() <= INT_MAX && RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
  }
  thread_local Pool pool;
  return pool.Draw(out);
}

}  // namespace

Status RandomFill(std::span<uint8_t> out) {
  if (out.empty()) return {};
  if (!Fill(out)) return MakeError(ErrorCode::kInternal, "random number generator failed");
  return {};
}

Result<SecretBytes> RandomSecret(size_t n) {
  SecretBytes out(n);
  if (auto st = RandomFill(out.span()); !st) return st.error();
  return out;
}

std::string RandomUuid() {
  uint8_t b[16];
  if (!Fill(b)) std::abort();  // no safe way to go on without randomness
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  char text[36];
  static constexpr char kHex[] = "0123456789abcdef";
  size_t pos = 0;
  for (size_t i = 0; i < sizeof(b); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text[pos++] = '-';
    text[pos++] = kHex[b[i] >> 4];
    text[pos++] = kHex[b[i] & 0x0f];
  }
  return std::string(text, sizeof(text));
}

}  // namespace kms::internal
