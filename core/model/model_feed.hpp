// model_feed: a shard's side of the item model. As the shard applies
// events it turns interactions into item_signals and its own stream into
// labelled propensity and churn examples (propensity_labeller.hpp,
// churn_labeller.hpp), collected until
// the shard sends them as a model_batch; and it turns a profile into the
// user_taste the recommenders read. It maps the shard's symbols to the
// node-wide ids of name_index, caching each mapping, so a name is interned
// once per shard. Owned by one shard; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/model/churn_labeller.hpp"
#include "core/model/item_model_config.hpp"
#include "core/model/item_signal.hpp"
#include "core/model/propensity_labeller.hpp"
#include "core/model/user_taste.hpp"
#include "core/profile/profile.hpp"
#include "core/util/name_index.hpp"

namespace persona {

class model_feed {
 public:
  model_feed(std::shared_ptr<name_index> items, std::shared_ptr<name_index> categories,
             std::shared_ptr<name_index> brands, const item_model_config& cfg, labeller_options labels = {},
             uint64_t seed = 1);

  /// `slot`'s profile `p` has just taken event `e` (symbols `syms`).
  void observe(uint32_t slot, const profile& p, const event& e, const event_symbols& syms,
               const symbol_table& symbols);
  /// The shard's event time is now `now_ms`: due probes read their
  /// profiles (through `lookup`) and expired examples get labels.
  void advance(int64_t now_ms, uint32_t slot_count, const propensity_labeller::profile_of& lookup) {
    labeller_.advance(now_ms, slot_count, lookup);
    churn_labeller_.advance(now_ms, slot_count, lookup);
  }
  /// The profile in `slot` was erased.
  void forget(uint32_t slot) {
    labeller_.forget(slot);
    churn_labeller_.forget(slot);
  }

  /// Signals and examples collected and not yet taken.
  size_t collected() const {
    return batch_.signals.size() + labeller_.ready_count() + churn_labeller_.ready_count();
  }
  /// Steady-clock ns when the oldest collected signal arrived; 0: none.
  int64_t oldest_ns() const { return batch_.collected_ns; }
  /// Everything collected, for sending; the feed starts a new batch.
  model_batch take();

  /// Replays `p`'s recent items, oldest first, as signals whose context is
  /// the items before each (after a restart, the item model is rebuilt
  /// from the recovered profiles' histories). Marks the batch replayed.
  void replay_history(const profile& p, const symbol_table& symbols);

  /// What the recommenders read of `p` (null: an unknown user).
  user_taste taste(const profile* p, const symbol_table& symbols);

  /// The node-wide id of one of the shard's symbols (interning the name).
  uint32_t item_id(symbol s, const symbol_table& symbols) { return id_of(item_ids_, *items_, s, symbols); }
  uint32_t category_id(symbol s, const symbol_table& symbols) {
    return id_of(category_ids_, *categories_, s, symbols);
  }
  uint32_t brand_id(symbol s, const symbol_table& symbols) { return id_of(brand_ids_, *brands_, s, symbols); }

 private:
  static constexpr uint32_t unmapped = UINT32_MAX - 1;
  static uint32_t id_of(std::vector<uint32_t>& cache, name_index& names, symbol s,
                        const symbol_table& symbols);

  std::shared_ptr<name_index> items_, categories_, brands_;
  item_model_config cfg_;
  std::vector<uint32_t> item_ids_, category_ids_, brand_ids_;
  propensity_labeller labeller_;
  churn_labeller churn_labeller_;
  model_batch batch_;
};

}  // namespace persona
