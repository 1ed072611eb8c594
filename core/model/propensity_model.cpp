#include "core/model/propensity_model.hpp"

#include <cmath>

namespace persona {

void propensity_scorer::inputs(const feature_vector& x, float* out) const {
  constexpr size_t n = propensity_feature_count;
  for (size_t i = 0; i < n; ++i)
    out[i] = (x[i] - mean[i]) * inv_sd[i];
  if (!pairwise)
    return;
  float* pair = out + n;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i; j < n; ++j)
      *pair++ = out[i] * out[j];
}

double propensity_scorer::predict(const feature_vector& x) const {
  if (weights.empty())
    return 0.5;
  std::array<float, propensity_input_count(true)> in;
  inputs(x, in.data());
  return online_logistic::predict(weights, in.data());
}

propensity_model::propensity_model(bool pairwise, double learning_rate, double l2)
    : regression_(propensity_input_count(pairwise), learning_rate, l2),
      inputs_(propensity_input_count(pairwise)) {
  scaling_.pairwise = pairwise;
}

void propensity_model::observe(const feature_vector& x) {
  ++observed_;
  for (size_t i = 0; i < propensity_feature_count; ++i) {
    double delta = x[i] - mean_[i];
    mean_[i] += delta / static_cast<double>(observed_);
    m2_[i] += delta * (x[i] - mean_[i]);
  }
  refresh_scaling();
}

void propensity_model::refresh_scaling() {
  for (size_t i = 0; i < propensity_feature_count; ++i) {
    double variance = observed_ > 1 ? m2_[i] / static_cast<double>(observed_ - 1) : 0.0;
    scaling_.mean[i] = static_cast<float>(mean_[i]);
    scaling_.inv_sd[i] = variance > 1e-12 ? static_cast<float>(1.0 / std::sqrt(variance)) : 0.0f;
  }
}

void propensity_model::update(const feature_vector& x, float label) {
  scaling_.inputs(x, inputs_.data());
  regression_.update(inputs_.data(), label);
}

propensity_scorer propensity_model::scorer() const {
  propensity_scorer s = scaling_;
  s.weights = regression_.weights();
  return s;
}

}  // namespace persona
