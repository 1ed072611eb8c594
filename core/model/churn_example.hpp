// churn_example: what the churn model reads of a user at one moment (the
// features of churn_features.hpp) and what followed: whether they bought
// nothing within the horizon. Plain data; travels from a shard's
// churn_labeller to the item model builder in a model_batch.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace persona {

/// Profile features the churn model reads (churn_features.hpp).
constexpr size_t churn_feature_count = 14;
using churn_vector = std::array<float, churn_feature_count>;

/// Features of a user at a probe and whether they churned after it.
struct churn_example {
  churn_vector x{};
  /// 1: no purchase within the horizon after the probe; 0: one.
  float churned = 0;
  /// The user's gaps between purchase occasions at the probe, and the days
  /// they span (first to last occasion): the shop-wide gap is learnt from them.
  uint32_t gaps = 0;
  float span_days = 0;
};

}  // namespace persona
