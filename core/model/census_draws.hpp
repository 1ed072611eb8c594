// census_draws: how many random probes a labeller's census owes as event
// time moves on: `share` of the slots for each `interval_ms` of event
// time, the fraction of a draw left over carried to the next call. Used
// by churn_labeller and propensity_labeller; owned by the labeller that
// holds it (one shard), not thread-safe.
#pragma once

#include <cstdint>

namespace persona {

class census_draws {
 public:
  /// Event time reached `now_ms`: the draws owed among `slot_count` slots
  /// since the last call, `max_span_ms` of event time's worth at most
  /// (one interval's at least; it bounds a jump in event time). None on
  /// the first call or while event time stands still; none, and nothing
  /// recorded, when `share`, `interval_ms` or `slot_count` is 0.
  uint64_t due(int64_t now_ms, uint32_t slot_count, double share, int64_t interval_ms, int64_t max_span_ms);

 private:
  /// Event time covered (-1: none yet), and the fraction of a draw owed.
  int64_t until_ms_ = -1;
  double owed_ = 0;
};

}  // namespace persona
