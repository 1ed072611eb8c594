// item_model: one published version of the node's global item statistics:
// time-decayed popularity (overall and per category), each item's nearest
// neighbours by co-occurrence in users' recent histories, matrix
// factorization factors, and the purchase propensity model's weights.
//
// A version is immutable. The item model actor builds a new one from its
// item_model_builder every publish interval and swaps it into the node's
// item_model_holder; shards and the engine read the current version from
// any thread without locking. Parts that did not change between versions
// (an item's neighbour list, the item metadata, the factors between their
// own publishes) are shared, not copied.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/model/churn_model.hpp"
#include "core/model/propensity_model.hpp"
#include "core/util/name_index.hpp"

namespace persona {

/// One neighbour of an item and their normalized co-occurrence similarity.
struct item_neighbour {
  uint32_t item = 0;
  float score = 0;
};

/// What the model knows of an item beyond its id.
struct item_meta {
  std::vector<uint32_t> categories;
  uint32_t brand = name_index::npos;
};

/// The fields of an item's metadata (state_codec.hpp).
template <class F>
void inspect(F& f, item_meta& m) {
  f(m.categories);
  f(m.brand);
}

/// Item factors of the BPR model: scores are bias + target . user, where a
/// user is the weighted mean of the context factors of their recent items.
struct item_factors {
  uint32_t dims = 0;
  uint32_t items = 0;
  /// Row-major, items x dims each.
  std::vector<float> target;
  std::vector<float> context;
  std::vector<float> bias;
};

struct item_model {
  uint64_t version = 0;
  /// The event time popularity is decayed to (the newest signal's).
  int64_t as_of_ms = -1;
  /// Node-wide names of the ids below.
  std::shared_ptr<const name_index> items;
  std::shared_ptr<const name_index> categories;
  std::shared_ptr<const name_index> brands;

  /// Decayed popularity per item id, at as_of_ms; ids past its size: 0.
  std::vector<float> popularity;
  /// The most popular items, best first; and per category id.
  std::vector<uint32_t> popular;
  std::vector<std::vector<uint32_t>> popular_in;
  /// Per item id: categories and brand.
  std::shared_ptr<const std::vector<item_meta>> meta;
  /// Per item id: nearest neighbours, best first (null: none yet).
  std::vector<std::shared_ptr<const std::vector<item_neighbour>>> neighbours;
  /// Null until the factorization has seen enough signals.
  std::shared_ptr<const item_factors> factors;
  /// The propensity model; null: untrained.
  std::shared_ptr<const propensity_scorer> propensity;
  uint64_t propensity_examples = 0;
  /// The churn model and the shop's purchase gap; null: no example yet.
  std::shared_ptr<const churn_scorer> churn;
  uint64_t churn_examples = 0;

  // Figures for stats.
  uint64_t signals = 0;
  /// Signals learnt from (co-occurrence, factors); the others wait.
  uint64_t learnt = 0;
  /// Signals counted for popularity and waiting to be learnt from.
  uint64_t waiting = 0;
  /// Time from the oldest signal in this version being collected by its
  /// shard to the version being published.
  double lag_ms = 0;
  /// Steady-clock time (ns) the version was published.
  int64_t published_ns = 0;

  size_t item_count() const { return popularity.size(); }
  float popularity_of(uint32_t item) const { return item < popularity.size() ? popularity[item] : 0.0f; }
  const std::vector<item_neighbour>* neighbours_of(uint32_t item) const {
    return item < neighbours.size() ? neighbours[item].get() : nullptr;
  }
  const item_meta* meta_of(uint32_t item) const {
    return meta && item < meta->size() ? &(*meta)[item] : nullptr;
  }
  bool in_category(uint32_t item, uint32_t category) const;
};

/// The current item model version of a node. Thread-safe.
class item_model_holder {
 public:
  item_model_holder();
  std::shared_ptr<const item_model> current() const { return std::atomic_load(&current_); }
  void publish(std::shared_ptr<const item_model> model) { std::atomic_store(&current_, std::move(model)); }

  /// The node-wide name indexes every shard and version shares.
  const std::shared_ptr<name_index>& items() const { return items_; }
  const std::shared_ptr<name_index>& categories() const { return categories_; }
  const std::shared_ptr<name_index>& brands() const { return brands_; }

 private:
  std::shared_ptr<name_index> items_;
  std::shared_ptr<name_index> categories_;
  std::shared_ptr<name_index> brands_;
  std::shared_ptr<const item_model> current_;
};

}  // namespace persona
