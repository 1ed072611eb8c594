// churn_labeller: turns a shard's own stream into training examples for
// the churn model (churn_model.hpp). A census probes users at random
// moments: over each `census_interval_ms` of event time, `census_share` of
// the shard's profiles, drawn at random, a few at each advance (after a
// jump in event time, a horizon's worth at most). A probe
// takes the user's features at that moment; the example is labelled "kept"
// (0) at their next purchase within `horizon_ms`, "churned" (1) once event
// time has passed the horizon without one. Probing at random moments, not
// at events, is what shows the model users going quiet.
// Memory is bounded by `capacity` examples under way. Owned by one shard;
// not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <unordered_map>
#include <vector>

#include "core/model/census_draws.hpp"
#include "core/model/churn_example.hpp"
#include "core/profile/profile.hpp"
#include "core/util/xorshift_random.hpp"

namespace persona {

struct churn_labeller_options {
  /// The label's horizon: a purchase within this much event time.
  int64_t horizon_ms = int64_t{30} * 24 * 3600 * 1000;
  /// Share of the profiles probed per interval of event time (0: none),
  /// and the interval.
  double census_share = 0.02;
  int64_t census_interval_ms = int64_t{24} * 3600 * 1000;
  /// Examples under way at most.
  size_t capacity = 65536;
};

class churn_labeller {
 public:
  /// The profile in a slot, or null when the slot is free.
  using profile_of = std::function<const profile*(uint32_t slot)>;

  explicit churn_labeller(churn_labeller_options o = {}, uint64_t seed = 1)
      : opts_(o), random_(seed * 0xD1B54A32D192ED03ull | 1) {}

  /// `slot`'s profile has just taken an event of `type` at `ts_ms`.
  void observe(uint32_t slot, event_type type, int64_t ts_ms);
  /// Event time reached `now_ms`: labels "churned" the examples whose
  /// horizon has passed, then probes the census's due draws among the
  /// slots below `slot_count`.
  void advance(int64_t now_ms, uint32_t slot_count, const profile_of& lookup);
  /// The profile in `slot` is gone: its example too.
  void forget(uint32_t slot);

  /// Labelled examples not yet taken.
  std::vector<churn_example>& ready() { return ready_; }
  size_t ready_count() const { return ready_.size(); }
  size_t under_way() const { return examples_.size(); }

 private:
  struct example {
    int64_t probe_ms = 0;
    churn_example data;
  };
  using example_map = std::unordered_map<uint32_t, example>;

  bool has_example(uint32_t slot) const { return slot < with_example_.size() && with_example_[slot]; }
  void erase(example_map::iterator it);
  /// Probes the census's due share of the slots below `slot_count`.
  void take_census(int64_t now_ms, uint32_t slot_count, const profile_of& lookup);

  churn_labeller_options opts_;
  xorshift_random random_;
  example_map examples_;
  /// One flag a slot: a purchase of a user without an example (most of
  /// them) looks nothing up.
  std::vector<bool> with_example_;
  /// Examples by the end of their horizon, earliest first (probes are
  /// taken in event-time order).
  std::deque<std::pair<int64_t, uint32_t>> horizons_;
  /// The census's event time covered and draws owed.
  census_draws census_;
  std::vector<churn_example> ready_;
};

}  // namespace persona
