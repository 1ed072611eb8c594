#include "net/ingest_decoder.hpp"

#include <algorithm>

#include "core/os/thread_slice.hpp"

namespace persona::net {

ingest_decoder::~ingest_decoder() {
  stop();
}

void ingest_decoder::start(std::chrono::microseconds slice) {
  slice_ = slice;
  thread_ = std::thread([this] { run(); });
}

bool ingest_decoder::reserve(size_t bytes, std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (max_queued_bytes_ == 0 || queued_bytes_ == 0 || queued_bytes_ + bytes <= max_queued_bytes_) {
    queued_bytes_ += bytes;
    return true;
  }
  waiting_.push_back(std::move(wake));
  return false;
}

void ingest_decoder::post(std::function<void()> job, size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(queued_job{std::move(job), bytes});
  }
  wake_.notify_one();
}

size_t ingest_decoder::queued_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queued_bytes_;
}

void ingest_decoder::release(size_t bytes) {
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queued_bytes_ -= std::min(bytes, queued_bytes_);
    if (max_queued_bytes_ == 0 || queued_bytes_ < max_queued_bytes_)
      wake.swap(waiting_);
  }
  for (auto& w : wake)
    w();
}

void ingest_decoder::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable())
    thread_.join();
  // Those still waiting for room will not get it: let them go.
  std::vector<std::function<void()>> waiting;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    waiting.swap(waiting_);
  }
}

void ingest_decoder::run() {
  if (slice_.count() > 0)
    request_time_slice(slice_);
  while (true) {
    queued_job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty())
        return;  // stopping, and everything posted has run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job.run();
    job.run = nullptr;  // what it held goes before its room is given back
    if (job.bytes > 0)
      release(job.bytes);
  }
}

}  // namespace persona::net
