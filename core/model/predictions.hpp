// predictions: what `predict` and a profile's `predict` key say of a user,
// from their profile at a given "now" (docs/recommendations.md,
// "Predictions"): the features of the purchase propensity model, churn
// risk (learnt, or from recency against the user's own purchase cycle),
// and the days until their next purchase. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/model/churn_model.hpp"
#include "core/model/item_signal.hpp"
#include "core/model/propensity_model.hpp"
#include "core/profile/profile.hpp"
#include "core/profile/profile_config.hpp"

namespace persona {

/// The propensity model's inputs (log-scaled counts, recencies, flags).
feature_vector propensity_features(const profile& p, int64_t now_ms);

/// Names of the features, in order (for docs and diagnostics).
const char* propensity_feature_name(size_t i);

/// P(purchase within 24 h) under `model`; 0.5 while it is untrained.
double purchase_propensity(const profile& p, int64_t now_ms, const propensity_scorer& model);

/// In [0, 1]: P(no purchase within the churn horizon) under `learnt`
/// once it has learnt enough (churn_scorer::learnt()). Before, the recency
/// rule: 0.5 when the days since the last purchase reach
/// churn_cycle_factor purchase cycles (the `churn_risk` tag's threshold);
/// without a cycle, when the days since the last event reach dormant_days.
double churn_risk(const profile& p, int64_t now_ms, const profile_config& cfg,
                  const churn_scorer* learnt = nullptr);

/// The recency rule of churn_risk alone.
double churn_risk_rule(const profile& p, int64_t now_ms, const profile_config& cfg);

/// Days until the next purchase: with the shop's gap known (`shop`), the
/// median wait of a steady buyer whose mean gap is the user's own (first
/// purchase occasion to now, over their gaps) blended with the shop's,
/// weighed by the number of gaps; nullopt without a purchase. Without it,
/// the purchase cycle minus the days since the last purchase, at least 0;
/// nullopt with fewer than two purchase occasions.
std::optional<double> next_purchase_days(const profile& p, int64_t now_ms,
                                         const churn_scorer* shop = nullptr);

/// The blend alone: ln 2 * (tenure_days + prior_gaps * shop_gap_days) /
/// (gaps + prior_gaps); nullopt when the denominator is not positive.
std::optional<double> blended_wait_days(double tenure_days, uint32_t gaps, double shop_gap_days,
                                        double prior_gaps);

}  // namespace persona
