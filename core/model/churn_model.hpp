// churn_model: the learnt churn risk and the shop-wide purchase gap
// (predictions.hpp). A logistic regression over the churn features
// (churn_features.hpp), each standardized by its running mean and
// deviation, trained one labelled example at a time (AdaGrad steps with L2
// regularization) by the item model builder, each new example followed by
// steps on kept ones drawn at random. It also sums the examples' purchase
// gaps: the shop's mean gap, which next_purchase_days blends a user's own
// gaps with. Publishes a churn_scorer, immutable, read by every shard.
// Its learnt state is one plain struct (churn_model_state), to save and
// restore. The model itself is not thread-safe: the builder owns it.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/model/churn_example.hpp"
#include "core/model/item_model_config.hpp"
#include "core/model/replay_ring.hpp"
#include "core/util/xorshift_random.hpp"

namespace persona {

/// A published churn model: P(no purchase within the horizon | features),
/// and the shop's purchase gap.
struct churn_scorer {
  std::array<float, churn_feature_count> mean{};
  /// 1 / standard deviation; 0 for a feature that has not varied.
  std::array<float, churn_feature_count> inv_sd{};
  /// Feature weights, then the intercept; empty: no example yet.
  std::vector<double> weights;
  /// Labelled examples learnt from, and how many make the model trusted
  /// (below it, churn_risk keeps the recency rule).
  uint64_t examples = 0;
  uint64_t min_examples = 0;
  /// The shop's mean days between purchase occasions (0: no gap seen yet),
  /// and how many gaps of its own a user needs to weigh as much as it.
  double shop_gap_days = 0;
  double prior_gaps = 3;

  /// Whether churn_risk reads this model.
  bool learnt() const { return !weights.empty() && examples >= min_examples; }
  /// P(churn) for `x`; 0.5 without weights.
  double predict(const churn_vector& x) const;
};

/// Everything the churn model has learnt: save it and construct a model
/// from it to carry on where it stopped.
struct churn_model_state {
  /// Welford's running moments of each feature over the new examples.
  std::array<double, churn_feature_count> mean{}, m2{};
  /// Feature weights then intercept, and AdaGrad's sums of squared gradients.
  std::vector<double> weights = std::vector<double>(churn_feature_count + 1, 0.0);
  std::vector<double> squared_gradients = std::vector<double>(churn_feature_count + 1, 0.0);
  uint64_t examples = 0;
  uint64_t steps = 0;
  /// Sums of the examples' purchase gaps and the days they span.
  double gaps = 0;
  double gap_days = 0;
};

class churn_model {
 public:
  explicit churn_model(const item_model_config& cfg, churn_model_state state = {});

  /// Learns from a new labelled example, then replays kept ones.
  void learn(const churn_example& ex);
  /// The model as of now, to publish.
  churn_scorer scorer() const;

  /// The learnt state (to save).
  const churn_model_state& state() const { return state_; }
  uint64_t examples() const { return state_.examples; }

 private:
  /// One AdaGrad step towards `ex`'s label, standardized as of now.
  void step(const churn_example& ex);
  void refresh_scaling();

  double learning_rate_, l2_;
  uint32_t replay_steps_;
  uint64_t min_examples_;
  double prior_gaps_;
  churn_model_state state_;
  /// The current means and deviations (no weights: scorer() adds them).
  churn_scorer scaling_;
  replay_ring<churn_example> replay_;
  xorshift_random draws_{0x2545F4914F6CDD1Dull};
};

}  // namespace persona
