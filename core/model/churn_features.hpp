// churn_features: what the churn model reads of a profile at a given
// "now" (docs/recommendations.md, "Predictions"): recency, frequency and
// spend, the gaps between purchase occasions and recency against them,
// tenure and the recent windows, log-scaled. Pure functions.
#pragma once

#include <cstdint>

#include "core/model/churn_example.hpp"
#include "core/profile/profile.hpp"

namespace persona {

/// The churn model's inputs for `p` at `now_ms`.
churn_vector churn_features(const profile& p, int64_t now_ms);

/// Name of feature `i` (for docs and diagnostics); "" past the last.
const char* churn_feature_name(size_t i);

/// Gaps between `p`'s purchase occasions so far (occasions - 1, or 0).
uint32_t purchase_gaps(const profile& p);

/// Days from `p`'s first purchase occasion to its last (0 without two).
double purchase_span_days(const profile& p);

}  // namespace persona
