// item_model_config: every tunable of the item model and the recommenders,
// with its default, in one place (docs/recommendations.md explains each).
#pragma once

#include <array>
#include <cstdint>

#include "core/profile/event.hpp"

namespace persona {

/// Weights of the `auto` strategy's blend (each strategy's scores are
/// scaled to [0, 1] before they are added). Tuned on the evaluation in
/// docs/evaluation.md.
struct blend_weights {
  double item_cf = 1.0;
  double mf = 0.3;
  double content = 0.15;
  double popular = 0.25;
};

struct item_model_config {
  // Popularity.
  /// Half-life of an interaction's weight in popularity, in days of event time.
  double popularity_half_life_days = 7;
  /// Items kept in each popularity list (overall and per category).
  uint32_t popular_top = 1000;

  // Co-occurrence (item_cf, similar_items).
  /// Counters kept per item; past that, the weakest is replaced (space-saving).
  uint32_t neighbour_capacity = 96;
  /// Neighbours published per item, best first.
  uint32_t neighbours_kept = 48;
  /// The user's previous items an interaction pairs with (newest first, at
  /// most item_signal::max_context).
  uint32_t pair_context = 3;
  /// Half-life of a pair's weight, in days of event time (0: no decay):
  /// neighbours follow what is chosen together now, not years ago.
  double cooccurrence_half_life_days = 365;
  /// Added to the normalizer sqrt(n_i * n_j), so that pairs seen once
  /// between rare items do not outrank well-supported ones.
  double similarity_shrink = 100;

  // Matrix factorization (mf): BPR over item factors, users folded in
  // from their recent items.
  /// Factor dimensions.
  uint32_t factors = 32;
  float mf_learning_rate = 0.05f;
  float mf_regularization = 0.002f;
  /// Recent signals kept for extra training passes.
  uint32_t mf_replay = 1u << 18;
  /// Training steps per arriving signal (drawn from the replay ring).
  double mf_steps_per_signal = 1;
  uint64_t seed = 7;

  /// Signals per second learnt from (co-occurrence and factors) at most;
  /// past that they are sampled evenly, and every signal still counts for
  /// popularity. Bounds the item model's CPU under any ingest rate.
  double learn_signals_per_second = 20000;

  // Purchase propensity (online logistic regression, propensity_model.hpp).
  /// Whether the regression also reads the product of every two features.
  bool propensity_pairwise = true;
  double propensity_learning_rate = 0.01;
  double propensity_l2 = 1e-5;
  /// Recent labelled examples kept for extra training steps: examples are
  /// few (a few thousand a day per million events), so each new one is
  /// followed by `propensity_replay_steps` steps on kept ones drawn at
  /// random, bringing the online fit nearer a batch fit.
  uint32_t propensity_replay = 100000;
  uint32_t propensity_replay_steps = 4;

  // Churn risk (churn_model.hpp, churn_labeller.hpp) and next purchase.
  /// The churn label's horizon: no purchase within this much event time.
  int64_t churn_horizon_ms = int64_t{30} * 24 * 3600 * 1000;
  /// Share of a shard's profiles probed for churn examples per interval of
  /// event time, and the interval.
  double churn_census_share = 0.02;
  int64_t churn_census_interval_ms = int64_t{24} * 3600 * 1000;
  /// Churn examples under way per shard at most.
  uint32_t churn_capacity = 65536;
  double churn_learning_rate = 0.05;
  double churn_l2 = 1e-4;
  /// Kept examples for replay, and replay steps after each new one.
  uint32_t churn_replay = 100000;
  uint32_t churn_replay_steps = 4;
  /// Examples the churn model learns from before churn_risk reads it.
  uint64_t churn_min_examples = 1000;
  /// Gaps of the shop's mean gap a user's own gaps are blended with.
  double next_purchase_prior_gaps = 3;

  /// Interaction weight per event type; 0: not an interaction.
  std::array<float, event_type_count> weights{{1.0f, 1.5f, 3.0f, 0, 5.0f, 2.0f, 0, 0, 0}};

  // Recommending.
  /// Recent items of a user the recommenders read, newest first.
  uint32_t history_items = 20;
  /// Weight of a user's history item at rank r (0 = newest) is decay^r.
  double history_decay = 0.8;
  blend_weights blend;
};

}  // namespace persona
