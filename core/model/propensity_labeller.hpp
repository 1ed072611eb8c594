// propensity_labeller: turns a shard's own stream into training examples
// for the purchase propensity model. When a user's event is sampled (at
// `sample_rate`, for users without an example under way), a probe time is
// drawn uniformly within `probe_spread_ms` after it; once the shard's
// event time reaches the probe, the user's features at that moment are
// taken, and the example is labelled positive at their next purchase
// within `horizon_ms`, negative once event time has passed the horizon
// without one. Probing at random moments, not only at events, is what
// lets the model see users going quiet: predictions are asked at any time.
// A census adds examples of users as they are, busy or idle: over each
// `census_interval_ms` of event time, `census_share` of the shard's
// profiles, drawn at random, are probed, a few at each advance so that no
// call takes long.
// Memory is bounded by `capacity` examples under way. Owned by one shard;
// not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "core/model/census_draws.hpp"
#include "core/model/item_signal.hpp"
#include "core/profile/profile.hpp"
#include "core/util/xorshift_random.hpp"

namespace persona {

struct labeller_options {
  /// Share of events that start an example (for users without one under way).
  double sample_rate = 0.02;
  /// Examples under way at most.
  size_t capacity = 65536;
  /// The label's horizon: a purchase within this much event time.
  int64_t horizon_ms = int64_t{24} * 3600 * 1000;
  /// The probe follows the sampled event by up to this much event time.
  int64_t probe_spread_ms = int64_t{48} * 3600 * 1000;
  /// Share of the profiles the census probes per interval of event time
  /// (0: no census), and the interval.
  double census_share = 0.02;
  int64_t census_interval_ms = int64_t{6} * 3600 * 1000;
};

class propensity_labeller {
 public:
  /// The profile in a slot, or null when the slot is free.
  using profile_of = std::function<const profile*(uint32_t slot)>;

  explicit propensity_labeller(labeller_options o = {}, uint64_t seed = 1)
      : opts_(o), random_(seed * 0x9E3779B97F4A7C15ull | 1) {}

  /// `slot`'s profile has just taken an event of `type` at `ts_ms`.
  void observe(uint32_t slot, event_type type, int64_t ts_ms);
  /// Event time reached `now_ms`: takes the features of due probes, the
  /// census's due draws (of slots below `slot_count`), and labels negative
  /// the examples whose horizon has passed.
  void advance(int64_t now_ms, uint32_t slot_count, const profile_of& lookup);
  /// The profile in `slot` is gone: its example too.
  void forget(uint32_t slot) {
    if (has_example(slot))
      erase(examples_.find(slot));
  }

  /// Labelled examples not yet taken.
  std::vector<labelled_example>& ready() { return ready_; }
  size_t ready_count() const { return ready_.size(); }
  size_t under_way() const { return examples_.size(); }

 private:
  struct example {
    int64_t probe_ms;
    bool probed = false;
    feature_vector x{};
  };
  using timed_slot = std::pair<int64_t, uint32_t>;
  using example_map = std::unordered_map<uint32_t, example>;

  /// Whether `slot` has an example under way, from a bitmap of one bit a
  /// slot: it stays in cache where the map's lookup of a user with no
  /// example (most purchases) would wait for memory.
  bool has_example(uint32_t slot) const {
    return slot / 64 < with_example_.size() && (with_example_[slot / 64] >> (slot % 64) & 1) != 0;
  }
  /// Puts `ex` under way for `slot`; returns it as kept.
  example& start(uint32_t slot, example ex);
  /// Takes the features of the probes due by `until_ms`.
  void take_probes(int64_t until_ms, const profile_of& lookup);
  /// Probes the census's due share of the slots below `slot_count`, at `now_ms`.
  void take_census(int64_t now_ms, uint32_t slot_count, const profile_of& lookup);
  /// Starts the labelling of a probed example.
  void probed(uint32_t slot, example& ex, const profile& p);
  void erase(example_map::iterator it);

  labeller_options opts_;
  xorshift_random random_;
  example_map examples_;
  std::vector<uint64_t> with_example_;
  /// Probes by time, earliest first; then probed examples by horizon end.
  std::priority_queue<timed_slot, std::vector<timed_slot>, std::greater<timed_slot>> probes_;
  std::deque<timed_slot> horizons_;
  /// The census's event time covered and draws owed.
  census_draws census_;
  std::vector<labelled_example> ready_;
};

}  // namespace persona
