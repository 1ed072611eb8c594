// ingest_decoder: a thread that decodes and routes ingest batches for the
// sessions, so that the I/O threads only read, frame and answer.
//
// Decoding a batch of events from MessagePack and routing it to its shards
// is most of an I/O thread's work under ingest. An I/O thread that does it
// has used more than its share of a core when a point read wakes it, and
// the kernel then lets it wait for a core until the next tick (4 ms at
// HZ=250) instead of preempting for it. Measured in docs/benchmarks.md
// ("Ingest decoded off the I/O thread").
//
// Jobs run one at a time in the order posted: the batches of one
// connection keep their order. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace persona::net {

class ingest_decoder {
 public:
  ingest_decoder() = default;
  ~ingest_decoder();
  ingest_decoder(const ingest_decoder&) = delete;
  ingest_decoder& operator=(const ingest_decoder&) = delete;

  /// Starts the thread, asking for `slice` as its time slice (0: the
  /// kernel's default).
  void start(std::chrono::microseconds slice);
  /// Runs `job` on the decoder's thread, after the jobs posted before it.
  /// REQUIRES: started and not stopped.
  void post(std::function<void()> job);
  /// Runs what is queued, then ends the thread. Idempotent.
  void stop();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::chrono::microseconds slice_{0};
  std::thread thread_;
};

}  // namespace persona::net
