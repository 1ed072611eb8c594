// item_model_builder: the mutable state behind the item model. It takes
// the shards' signal batches (popularity, co-occurrence counters, BPR
// steps) and labelled examples (propensity, churn), and publishes immutable
// item_model versions. Owned by the item model actor; not thread-safe.
//
// Co-occurrence: an interaction with item i whose user's previous items are
// c_0, c_1, ... (newest first) adds w / (1 + r) to the pair (i, c_r) in
// both directions, for r below `pair_context`. Each item keeps `neighbour_capacity` counters; a new
// neighbour past that takes the place of the weakest and inherits its count
// (the space-saving algorithm), so a pair heavier than 1 / capacity of the
// item's total is never lost; the inherited part is not counted. The
// published similarity is c_ij / (sqrt(n_i * n_j) + shrink), n_i being the
// sum of i's pair weights.
//
// Learning waits: add() counts a signal for popularity at once and queues
// it; learn() takes queued signals for co-occurrence and factors, oldest
// first, as the item model actor's budget allows, so no signal is skipped.
// The whole state (with what waits) saves as sections and loads back into
// a builder over the same names (model_section.hpp).
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "core/model/churn_model.hpp"
#include "core/model/item_model.hpp"
#include "core/model/item_model_config.hpp"
#include "core/model/item_signal.hpp"
#include "core/model/model_section.hpp"
#include "core/model/propensity_model.hpp"
#include "core/model/replay_ring.hpp"
#include "core/util/status.hpp"
#include "core/util/xorshift_random.hpp"

namespace persona {

/// Interns the names of a saved state (its names section) into the node's
/// indexes, in id order; an error when the section is missing, does not
/// decode, or a name takes another id than it had (the indexes were not
/// empty). Before item_model_builder::load.
status restore_names(const std::vector<model_section>& sections, name_index& items, name_index& categories,
                     name_index& brands);

class item_model_builder {
 public:
  item_model_builder(item_model_config cfg, std::shared_ptr<const name_index> items,
                     std::shared_ptr<const name_index> categories, std::shared_ptr<const name_index> brands);

  /// Counts every signal's popularity and queues it to be learnt from
  /// (co-occurrence, factors) while fewer than `max_waiting` wait (the
  /// others count for popularity only); learns the batch's propensity
  /// examples; then learns up to `learn_now` waiting signals (learn()).
  /// How many signals were not queued.
  uint64_t add(const model_batch& batch, uint64_t learn_now = std::numeric_limits<uint64_t>::max(),
               uint64_t max_waiting = std::numeric_limits<uint64_t>::max());
  /// Learns co-occurrence and factors from up to `max` waiting signals,
  /// oldest first; how many it learnt.
  uint64_t learn(uint64_t max);
  /// Signals counted and not yet learnt from.
  uint64_t waiting() const { return waiting_.size(); }
  /// Signals learnt from so far.
  uint64_t learnt() const { return learnt_; }
  /// Signals counted so far.
  uint64_t signals() const { return signals_; }
  /// Labelled propensity examples learnt from so far.
  uint64_t propensity_examples() const { return propensity_examples_; }

  /// A new version holding everything added so far. Factors are copied
  /// only when `with_factors` (they are the biggest part), and the changed
  /// items' neighbour lists rebuilt only when `with_neighbours`; otherwise
  /// the previous version's are shared. `now_ns` is the steady-clock time,
  /// for the version's lag.
  std::shared_ptr<const item_model> publish(bool with_factors, int64_t now_ns, bool with_neighbours = true);

  /// Signals added since the last publish (a version's figures say the rest).
  uint64_t unpublished() const { return unpublished_; }
  /// Whether a new version would differ from the last: signals added or
  /// learnt since.
  bool changed() const { return unpublished_ > 0 || learnt_unpublished_ > 0; }

  /// The whole state as sections (item_model_state.cpp), to save.
  std::vector<model_section> save();
  /// Restores a state save() wrote, into a builder just made with the same
  /// config and names (restore_names() first). On an error the builder is
  /// half loaded: discard it.
  status load(const std::vector<model_section>& sections);

  /// The churn model's learnt state (to save), and a model carrying on
  /// from a saved one.
  const churn_model_state& churn_state() const { return churn_.state(); }
  void restore_churn(churn_model_state state) { churn_ = churn_model(cfg_, std::move(state)); }

 private:
  /// An item's co-occurrence counters, as parallel arrays: the search for
  /// a neighbour scans the ids alone.
  struct counters {
    std::vector<uint32_t> items;
    std::vector<float> weights;
    /// The weight inherited from the counter it replaced: weight - error
    /// is a lower bound of the pair's true weight (space-saving).
    std::vector<float> errors;
  };
  struct item_state {
    double popularity = 0;
    int64_t popularity_ts = 0;
    /// Pair weights are valued at pair_ref_ts (decayed in closed form).
    double pair_total = 0;
    int64_t pair_ref_ts = 0;
    counters pairs;
    bool dirty = false;
    /// A hash of the categories and brand last set, so that a signal
    /// repeating them costs no look at the metadata.
    uint32_t meta_hash = 0;
  };
  struct replay_entry {
    uint32_t item;
    uint8_t context_count;
    std::array<uint32_t, item_signal::max_context> context;
  };

  /// Co-occurrence and factor steps of one signal.
  void learn_one(const item_signal& s);
  template <class F>
  void inspect_items(F& f);
  template <class F>
  void inspect_factors(F& f);
  template <class F>
  void inspect_propensity(F& f);
  template <class F>
  void inspect_neighbours(F& f);
  /// Whether every id in the loaded state is below the item count.
  bool ids_valid() const;
  void grow(uint32_t item);
  void add_popularity(item_state& s, float weight, int64_t ts);
  void add_pair(uint32_t from, uint32_t to, float weight, int64_t ts);
  /// Pair weight and total of `s` valued at `ts`.
  double pair_decay(const item_state& s, int64_t ts) const;
  void set_meta(const item_signal& s);
  void train_step(const replay_entry& e);
  /// One step of the propensity model on `ex`, then replay steps on kept
  /// examples.
  void learn_propensity(const labelled_example& ex);
  /// `totals[i]`: item i's pair total as of now (pair_totals_now()).
  std::vector<item_neighbour> neighbours_of(uint32_t item, const std::vector<double>& totals) const;
  /// Every item's pair total decayed to now, computed once per rebuild: the
  /// rebuild then reads one compact array instead of each neighbour's state.
  std::vector<double> pair_totals_now() const;

  item_model_config cfg_;
  std::shared_ptr<const name_index> items_, categories_, brands_;
  std::vector<item_state> states_;
  std::vector<item_meta> meta_;
  bool meta_dirty_ = false;
  int64_t as_of_ms_ = -1;
  // Factors, grown with the items.
  std::vector<float> target_, context_, bias_;
  replay_ring<replay_entry> replay_{cfg_.mf_replay};
  double step_credit_ = 0;
  std::mt19937_64 rng_;
  /// The draws of every training step (replayed signals, negatives).
  xorshift_random draws_{0x9E3779B97F4A7C15ull};
  propensity_model propensity_;
  /// Labelled examples kept for replay, and how many arrived (the model
  /// counts its steps, replays included).
  replay_ring<labelled_example> propensity_replay_{cfg_.propensity_replay};
  uint64_t propensity_examples_ = 0;
  churn_model churn_{cfg_};
  std::shared_ptr<const item_model> last_;
  uint64_t version_ = 0;
  uint64_t signals_ = 0;
  uint64_t unpublished_ = 0;
  uint64_t learnt_unpublished_ = 0;
  uint64_t learnt_ = 0;
  /// Signals counted for popularity, waiting to be learnt from.
  std::deque<item_signal> waiting_;
  uint64_t mf_steps_ = 0;
  int64_t oldest_unpublished_ns_ = 0;
};

}  // namespace persona
