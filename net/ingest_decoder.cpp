#include "net/ingest_decoder.hpp"

#include "core/os/thread_slice.hpp"

namespace persona::net {

ingest_decoder::~ingest_decoder() {
  stop();
}

void ingest_decoder::start(std::chrono::microseconds slice) {
  slice_ = slice;
  thread_ = std::thread([this] { run(); });
}

void ingest_decoder::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void ingest_decoder::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable())
    thread_.join();
}

void ingest_decoder::run() {
  if (slice_.count() > 0)
    request_time_slice(slice_);
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty())
        return;  // stopping, and everything posted has run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace persona::net
