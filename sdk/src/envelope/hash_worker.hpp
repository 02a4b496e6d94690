// A digest updated on a thread of its own: the signed bytes of a large message are copied into
// a few fixed blocks and hashed there, so SHA-384 overlaps the AES-GCM and I/O of the caller.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace kms::envelope::detail {

class HashWorker {
 public:
  // Starts a thread that feeds `ctx`, which must outlive the worker and which the caller must
  // not touch until Drain returns. nullptr when no thread can be started: then hash inline.
  static std::unique_ptr<HashWorker> Start(EVP_MD_CTX* ctx);
  // Stops the thread, dropping what is still queued (a failed message needs no digest).
  ~HashWorker();
  HashWorker(const HashWorker&) = delete;
  HashWorker& operator=(const HashWorker&) = delete;

  // Queues a copy of `bytes`; waits while every block is queued. Only from the thread that
  // started the worker.
  void Update(std::span<const uint8_t> bytes);
  // Hashes everything queued and ends the thread. False when an EVP_DigestUpdate failed. Call
  // once, then only destroy the worker.
  bool Drain();

  // The queue: kBlocks blocks of kBlockSize message bytes (header and ciphertext, never
  // plaintext), so memory stays at 4 MiB however large the message. Smaller blocks cost more
  // thread wake-ups (measured: 64 KiB blocks slow the whole run down by a quarter).
  static constexpr size_t kBlockSize = size_t{1} << 20;
  static constexpr size_t kBlocks = 4;

 private:
  struct Block {
    std::vector<uint8_t> bytes;
    size_t size = 0;
  };

  explicit HashWorker(EVP_MD_CTX* ctx);
  void Run();
  void Submit();  // queues current_ and takes a free block, waiting for one
  void Stop(bool hash_queued);

  EVP_MD_CTX* ctx_;
  std::array<Block, kBlocks> blocks_;
  Block* current_ = nullptr;  // being filled by the caller; in neither queue
  std::mutex mutex_;
  std::condition_variable work_ready_;  // full_ grew, or stopping_ was set
  std::condition_variable block_free_;  // free_ grew
  std::deque<Block*> full_;
  std::deque<Block*> free_;
  bool stopping_ = false;
  bool hash_queued_ = true;  // once stopping_: hash what is left in full_, or drop it
  bool failed_ = false;
  std::thread thread_;
};

}  // namespace kms::envelope::detail
