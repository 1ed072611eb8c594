// item_signal: what a shard tells the item model about one interaction
// (view, click, add_to_cart, purchase, rating), in node-wide ids
// (name_index.hpp): the item, its categories and brand, when, how strong,
// and the user's previous items as context for co-occurrence and matrix
// factorization. Also the labelled examples that train the purchase
// propensity model, and the batch they and the churn examples travel in.
// Plain data.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include "core/model/churn_example.hpp"

namespace persona {

struct item_signal {
  /// Items of the user's history a signal carries as context, newest first.
  static constexpr size_t max_context = 6;
  static constexpr size_t max_categories = 4;

  uint32_t item = 0;
  uint32_t brand = UINT32_MAX;
  int64_t ts_ms = 0;
  float weight = 1;
  uint8_t category_count = 0;
  uint8_t context_count = 0;
  std::array<uint32_t, max_categories> categories{};
  /// The user's previous distinct items, newest first (never `item`).
  std::array<uint32_t, max_context> context{};
};

/// Profile features the propensity model reads (propensity_features.hpp).
constexpr size_t propensity_feature_count = 27;
using feature_vector = std::array<float, propensity_feature_count>;

/// Features of a user at one moment and whether they bought within a day.
struct labelled_example {
  feature_vector x{};
  float label = 0;
};

/// The fields of a signal (state_codec.hpp), for signals that wait to be
/// learnt when the item model's state is saved.
template <class F>
void inspect(F& f, item_signal& s) {
  f(s.item);
  f(s.brand);
  f(s.ts_ms);
  f(s.weight);
  f(s.category_count);
  f(s.context_count);
  f(s.categories);
  f(s.context);
  if (s.category_count > item_signal::max_categories || s.context_count > item_signal::max_context) {
    s.category_count = 0;
    s.context_count = 0;
    if constexpr (F::loading)
      f.fail();
  }
}

template <class F>
void inspect(F& f, labelled_example& ex) {
  f(ex.x);
  f(ex.label);
}

/// Steady-clock time in ns: when batches were collected and versions
/// published (for the item model's lag).
inline int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// One shard's signals and examples since its last batch.
struct model_batch {
  std::vector<item_signal> signals;
  std::vector<labelled_example> examples;
  /// Labelled churn examples (churn_labeller.hpp).
  std::vector<churn_example> churn_examples;
  /// Steady-clock time (ns) the oldest signal was collected; for the lag.
  int64_t collected_ns = 0;
  /// Signals replayed after a restart (from the WAL's tail, or from
  /// recovered profiles' histories): learnt from at once, whatever the budget.
  bool replayed = false;
  /// The shard that sent the batch, and the last of its WAL records whose
  /// events the batch (with the shard's batches before it) holds: what a
  /// saved item model covers (0: a shard without a WAL).
  uint32_t shard = 0;
  uint64_t wal_seq = 0;
};

}  // namespace persona
