// HashWorker: blocks go caller -> full_ -> worker thread -> free_ -> caller, in order, so the
// digest sees the bytes exactly as they were queued.
#include "hash_worker.hpp"

#include <algorithm>
#include <cstring>
#include <system_error>

namespace kms::envelope::detail {

std::unique_ptr<HashWorker> HashWorker::Start(EVP_MD_CTX* ctx) {
  std::unique_ptr<HashWorker> worker(new HashWorker(ctx));
  try {
    worker->thread_ = std::thread([w = worker.get()] { w->Run(); });
  } catch (const std::system_error&) {
    return nullptr;  // no thread (resource limits): the caller hashes inline
  }
  return worker;
}

HashWorker::HashWorker(EVP_MD_CTX* ctx) : ctx_(ctx) {
  for (Block& block : blocks_) {
    block.bytes.resize(kBlockSize);
    free_.push_back(&block);
  }
  current_ = free_.front();
  free_.pop_front();
}

HashWorker::~HashWorker() { Stop(false); }

void HashWorker::Update(std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    size_t n = std::min(bytes.size(), kBlockSize - current_->size);
    std::memcpy(current_->bytes.data() + current_->size, bytes.data(), n);
    current_->size += n;
    bytes = bytes.subspan(n);
    if (current_->size == kBlockSize) Submit();
  }
}

void HashWorker::Submit() {
  std::unique_lock lock(mutex_);
  full_.push_back(current_);
  work_ready_.notify_one();
  block_free_.wait(lock, [this] { return !free_.empty(); });
  current_ = free_.front();
  free_.pop_front();
}

bool HashWorker::Drain() {
  {
    std::lock_guard lock(mutex_);
    if (current_->size != 0) full_.push_back(current_);
  }
  Stop(true);
  return !failed_;
}

void HashWorker::Stop(bool hash_queued) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    hash_queued_ = hash_queued;
  }
  work_ready_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void HashWorker::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [this] { return !full_.empty() || stopping_; });
    if (full_.empty() || !hash_queued_) return;
    Block* block = full_.front();
    full_.pop_front();
    lock.unlock();
    bool ok = EVP_DigestUpdate(ctx_, block->bytes.data(), block->size) == 1;
    lock.lock();
    block->size = 0;
    failed_ = failed_ || !ok;
    free_.push_back(block);
    block_free_.notify_one();
  }
}

}  // namespace kms::envelope::detail
