// batch_logistic: a logistic regression fit on a whole table at once
// (Newton steps with L2 regularization on standardized features), the
// batch baseline the online churn model is measured against
// (docs/evaluation.md, "Churn and next purchase"). Plain functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace persona::eval {

/// A fit model: feature means and deviations, then weights (intercept last).
struct logistic_fit {
  std::vector<double> mean, sd, weights;
  /// P(label = 1 | x).
  double predict(const std::vector<double>& x) const;
};

/// Fits rows `x` (all of one width) to `labels`; `l2` weighs the squared
/// weights (not the intercept). REQUIRES: !x.empty(), x.size() == labels.size().
logistic_fit fit_logistic(const std::vector<std::vector<double>>& x, const std::vector<bool>& labels,
                          double l2 = 1.0);

/// Out-of-fold predictions of `folds`-fold cross-validation: every row is
/// predicted by the model fit on the other folds (rows dealt to folds in
/// an order shuffled by `seed`).
std::vector<double> cross_validated(const std::vector<std::vector<double>>& x,
                                    const std::vector<bool>& labels, size_t folds, uint64_t seed,
                                    double l2 = 1.0);

}  // namespace persona::eval
