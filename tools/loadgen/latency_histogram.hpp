// latency_histogram: a log-bucketed histogram of latencies from 1 us to
// 100 s with 1.2% relative resolution (Boost.Histogram underneath), so
// percentiles stay honest however many samples arrive, in constant memory.
// Not thread-safe: one per recording thread, merged afterwards.
#pragma once

#include <cstdint>
#include <memory>

namespace persona::loadgen {

class latency_histogram {
 public:
  latency_histogram();
  ~latency_histogram();
  latency_histogram(const latency_histogram& o);
  latency_histogram& operator=(const latency_histogram& o);

  /// Records one latency in microseconds (values outside the range are
  /// clamped into the end buckets; max() stays exact).
  void record(double us);
  /// Adds every sample of `o`.
  void merge(const latency_histogram& o);
  void reset();

  uint64_t count() const { return count_; }
  double max() const { return max_; }
  /// The latency at or below which a share `q` (0..1) of samples fall: the
  /// upper edge of the bucket holding it, never above max(). 0 when empty.
  double percentile(double q) const;

 private:
  struct buckets;
  std::unique_ptr<buckets> buckets_;
  uint64_t count_ = 0;
  double max_ = 0;
};

}  // namespace persona::loadgen
