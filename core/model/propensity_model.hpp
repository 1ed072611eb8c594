// propensity_model: the purchase propensity model (predictions.hpp). A
// logistic regression over the profile's features, each standardized by
// its running mean and deviation, and, when `pairwise`, over the products
// of every two of them, so that a feature can weigh more in the company of
// another (a session kept to one category says more when nothing was
// carted). Trained one labelled example at a time (online_logistic) by the
// item model builder, which publishes a propensity_scorer: the means,
// deviations and weights of the moment, immutable, read by every shard.
// The model itself is not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/model/item_signal.hpp"
#include "core/model/online_logistic.hpp"

namespace persona {

/// The regression's inputs for `pairwise` models or not: the standardized
/// features, then the product of each two (itself included).
constexpr size_t propensity_input_count(bool pairwise) {
  return propensity_feature_count +
         (pairwise ? propensity_feature_count * (propensity_feature_count + 1) / 2 : 0);
}

/// A published propensity model: P(purchase within 24 h | features).
struct propensity_scorer {
  bool pairwise = true;
  std::array<float, propensity_feature_count> mean{};
  /// 1 / standard deviation; 0 for a feature that has not varied.
  std::array<float, propensity_feature_count> inv_sd{};
  /// online_logistic layout over the inputs (intercept last).
  std::vector<double> weights;

  double predict(const feature_vector& x) const;
  /// Writes the regression's inputs for `x` into `out`.
  /// REQUIRES: out has propensity_input_count(pairwise) entries.
  void inputs(const feature_vector& x, float* out) const;
};

class propensity_model {
 public:
  propensity_model(bool pairwise, double learning_rate, double l2);

  /// Counts `x` in the running means and deviations: once per new example
  /// (replayed ones are not counted again).
  void observe(const feature_vector& x);
  /// One step towards predicting `label` for `x`, standardized as of now.
  void update(const feature_vector& x, float label);

  /// The model as of now, to publish.
  propensity_scorer scorer() const;
  /// update() calls so far.
  uint64_t steps() const { return regression_.steps(); }

  /// The running moments and the regression (state_codec.hpp).
  template <class F>
  friend void inspect(F& f, propensity_model& m) {
    f(m.mean_);
    f(m.m2_);
    f(m.observed_);
    f(m.regression_);
    if constexpr (F::loading)
      m.refresh_scaling();
  }

 private:
  void refresh_scaling();

  /// Welford's running moments of each feature.
  std::array<double, propensity_feature_count> mean_{}, m2_{};
  uint64_t observed_ = 0;
  online_logistic regression_;
  /// The current means and deviations (no weights: scorer() adds them).
  propensity_scorer scaling_;
  std::vector<float> inputs_;
};

}  // namespace persona
