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
// connection keep their order. The queue is bounded in bytes (what its
// jobs hold decoded): a session reserves room before it posts, and when
// there is none it waits, not reading, until the decoder calls it back.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace persona::net {

class ingest_decoder {
 public:
  /// `max_queued_bytes`: the bound on what queued jobs hold (0: none).
  explicit ingest_decoder(size_t max_queued_bytes = 0) : max_queued_bytes_(max_queued_bytes) {}
  ~ingest_decoder();
  ingest_decoder(const ingest_decoder&) = delete;
  ingest_decoder& operator=(const ingest_decoder&) = delete;

  /// Starts the thread, asking for `slice` as its time slice (0: the
  /// kernel's default).
  void start(std::chrono::microseconds slice);
  /// Reserves `bytes` of the queue's bound for a job about to be posted.
  /// False when the queue is full (a job always fits an empty queue):
  /// `wake` is then called, once, from the decoder's thread when room is
  /// made.
  bool reserve(size_t bytes, std::function<void()> wake);
  /// Runs `job` on the decoder's thread, after the jobs posted before it;
  /// the `bytes` it reserved are released once it has run.
  /// REQUIRES: started and not stopped.
  void post(std::function<void()> job, size_t bytes = 0);
  /// Bytes the queued jobs hold.
  size_t queued_bytes() const;
  /// Runs what is queued, then ends the thread. Idempotent.
  void stop();

 private:
  void run();

  /// Releases `bytes` and calls the waiters once there is room.
  void release(size_t bytes);

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  struct queued_job {
    std::function<void()> run;
    size_t bytes;
  };
  std::deque<queued_job> jobs_;
  size_t max_queued_bytes_ = 0;
  size_t queued_bytes_ = 0;
  /// Called back once there is room (sessions that could not reserve).
  std::vector<std::function<void()>> waiting_;
  bool stopping_ = false;
  std::chrono::microseconds slice_{0};
  std::thread thread_;
};

}  // namespace persona::net
