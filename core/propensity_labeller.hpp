// propensity_labeller: turns a shard's own stream into training examples
// for the purchase propensity model. After an event, a user without a
// pending example is sampled (at `sample_rate`): their features at that
// moment are held until the label is known, positive at their next
// purchase within `horizon_ms` of event time, negative once the shard's
// event time has passed the horizon without one. Memory is bounded by
// `capacity` pending examples. Owned by one shard; not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <unordered_map>
#include <vector>

#include "core/item_signal.hpp"
#include "core/profile.hpp"

namespace persona {

struct labeller_options {
  /// Share of events that start an example (for users without one pending).
  double sample_rate = 0.02;
  /// Pending examples held at most.
  size_t capacity = 65536;
  /// The label's horizon: a purchase within this much event time.
  int64_t horizon_ms = 24 * 3600 * 1000;
};

class propensity_labeller {
 public:
  explicit propensity_labeller(labeller_options o = {}, uint64_t seed = 1) : opts_(o), rng_(seed) {}

  /// `slot`'s profile `p` has just taken an event of `type` at `ts_ms`.
  void observe(uint32_t slot, const profile& p, event_type type, int64_t ts_ms);
  /// Labels negative the examples whose horizon ended before `now_ms`.
  void expire(int64_t now_ms);
  /// The profile in `slot` is gone: its pending example too.
  void forget(uint32_t slot) { pending_.erase(slot); }

  /// Labelled examples not yet taken.
  std::vector<labelled_example>& ready() { return ready_; }
  size_t ready_count() const { return ready_.size(); }
  size_t pending() const { return pending_.size(); }

 private:
  struct pending_example {
    int64_t ts_ms;
    feature_vector x;
  };
  labeller_options opts_;
  std::mt19937_64 rng_;
  std::unordered_map<uint32_t, pending_example> pending_;
  /// (ts, slot) in the order examples were taken, for expiry.
  std::deque<std::pair<int64_t, uint32_t>> order_;
  std::vector<labelled_example> ready_;
};

}  // namespace persona
