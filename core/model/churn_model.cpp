#include "core/model/churn_model.hpp"

#include <cmath>

namespace persona {

namespace {

double logistic(double z) {
  if (z > 35)
    return 1.0;
  if (z < -35)
    return 0.0;
  return 1.0 / (1.0 + std::exp(-z));
}

/// w . standardized(x) + intercept.
double linear(const std::vector<double>& w, const std::array<float, churn_feature_count>& mean,
              const std::array<float, churn_feature_count>& inv_sd, const churn_vector& x) {
  double z = w[churn_feature_count];
  for (size_t i = 0; i < churn_feature_count; ++i)
    z += w[i] * (x[i] - mean[i]) * inv_sd[i];
  return z;
}

}  // namespace

double churn_scorer::predict(const churn_vector& x) const {
  if (weights.size() != churn_feature_count + 1)
    return 0.5;
  return logistic(linear(weights, mean, inv_sd, x));
}

churn_model::churn_model(const item_model_config& cfg, churn_model_state state)
    : learning_rate_(cfg.churn_learning_rate),
      l2_(cfg.churn_l2),
      replay_steps_(cfg.churn_replay_steps),
      min_examples_(cfg.churn_min_examples),
      prior_gaps_(cfg.next_purchase_prior_gaps),
      state_(std::move(state)),
      replay_(cfg.churn_replay) {
  // A state of another feature count starts afresh.
  if (state_.weights.size() != churn_feature_count + 1 ||
      state_.squared_gradients.size() != churn_feature_count + 1)
    state_ = churn_model_state{};
  refresh_scaling();
}

void churn_model::refresh_scaling() {
  for (size_t i = 0; i < churn_feature_count; ++i) {
    double n = static_cast<double>(state_.examples);
    double variance = state_.examples > 1 ? state_.m2[i] / (n - 1) : 0.0;
    scaling_.mean[i] = static_cast<float>(state_.mean[i]);
    scaling_.inv_sd[i] = variance > 1e-12 ? static_cast<float>(1.0 / std::sqrt(variance)) : 0.0f;
  }
}

void churn_model::step(const churn_example& ex) {
  auto& w = state_.weights;
  double error = logistic(linear(w, scaling_.mean, scaling_.inv_sd, ex.x)) - ex.churned;
  for (size_t i = 0; i <= churn_feature_count; ++i) {
    bool intercept = i == churn_feature_count;
    double xi = intercept ? 1.0 : (ex.x[i] - scaling_.mean[i]) * scaling_.inv_sd[i];
    double g = error * xi + (intercept ? 0.0 : l2_ * w[i]);
    state_.squared_gradients[i] += g * g;
    if (state_.squared_gradients[i] > 0)
      w[i] -= learning_rate_ * g / std::sqrt(state_.squared_gradients[i]);
  }
  ++state_.steps;
}

void churn_model::learn(const churn_example& ex) {
  ++state_.examples;
  double n = static_cast<double>(state_.examples);
  for (size_t i = 0; i < churn_feature_count; ++i) {
    double delta = ex.x[i] - state_.mean[i];
    state_.mean[i] += delta / n;
    state_.m2[i] += delta * (ex.x[i] - state_.mean[i]);
  }
  refresh_scaling();
  state_.gaps += ex.gaps;
  state_.gap_days += ex.span_days;
  step(ex);
  replay_.add(ex);
  for (uint32_t k = 0; k < replay_steps_ && !replay_.empty(); ++k)
    step(replay_.draw(draws_));
}

churn_scorer churn_model::scorer() const {
  churn_scorer s = scaling_;
  if (state_.examples > 0)
    s.weights = state_.weights;
  s.examples = state_.examples;
  s.min_examples = min_examples_;
  s.shop_gap_days = state_.gaps > 0 ? state_.gap_days / state_.gaps : 0.0;
  s.prior_gaps = prior_gaps_;
  return s;
}

}  // namespace persona
