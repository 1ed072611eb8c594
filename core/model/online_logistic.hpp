// online_logistic: logistic regression trained one example at a time
// (AdaGrad steps with L2 regularization), for the purchase propensity
// model. Owned by the item model builder; published as a copy of its
// weights. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace persona {

class online_logistic {
 public:
  /// `features` excludes the intercept, which the model adds itself.
  online_logistic(size_t features, double learning_rate, double l2);

  /// One step towards predicting `label` (0 or 1) for `x`.
  /// REQUIRES: x has features() entries.
  void update(const float* x, float label);

  /// P(label = 1 | x). REQUIRES: x has features() entries.
  double predict(const float* x) const { return predict(weights_, x); }
  /// The same with published weights (intercept last).
  static double predict(const std::vector<double>& weights, const float* x);

  size_t features() const { return weights_.size() - 1; }
  /// Feature weights, then the intercept.
  const std::vector<double>& weights() const { return weights_; }
  /// update() calls so far: replayed examples count again.
  uint64_t steps() const { return steps_; }

  /// The learnt weights and step sizes; a saved model of another size does
  /// not load (the decoder fails).
  template <class F>
  friend void inspect(F& f, online_logistic& m) {
    size_t n = m.weights_.size();
    f(m.weights_);
    f(m.squared_gradients_);
    f(m.steps_);
    if (m.weights_.size() != n || m.squared_gradients_.size() != n) {
      m.weights_.assign(n, 0.0);
      m.squared_gradients_.assign(n, 0.0);
      if constexpr (F::loading)
        f.fail();
    }
  }

 private:
  std::vector<double> weights_;
  std::vector<double> squared_gradients_;
  double learning_rate_;
  double l2_;
  uint64_t steps_ = 0;
};

}  // namespace persona
