#include "core/model/online_logistic.hpp"

#include <cmath>

namespace persona {

online_logistic::online_logistic(size_t features, double learning_rate, double l2)
    : weights_(features + 1, 0.0),
      squared_gradients_(features + 1, 0.0),
      learning_rate_(learning_rate),
      l2_(l2) {}

double online_logistic::predict(const std::vector<double>& weights, const float* x) {
  if (weights.empty())
    return 0.5;
  size_t n = weights.size() - 1;
  double z = weights[n];
  for (size_t i = 0; i < n; ++i)
    z += weights[i] * x[i];
  if (z > 35)
    return 1.0;
  if (z < -35)
    return 0.0;
  return 1.0 / (1.0 + std::exp(-z));
}

void online_logistic::update(const float* x, float label) {
  double error = predict(x) - label;
  size_t n = features();
  for (size_t i = 0; i <= n; ++i) {
    double xi = i < n ? x[i] : 1.0;
    double g = error * xi + (i < n ? l2_ * weights_[i] : 0.0);
    squared_gradients_[i] += g * g;
    if (squared_gradients_[i] > 0)
      weights_[i] -= learning_rate_ * g / std::sqrt(squared_gradients_[i]);
  }
  ++steps_;
}

}  // namespace persona
