// churn_check: measures churn_risk and next_purchase_days on a retail
// transaction table (transaction_file.hpp). The rows before the cut are
// replayed in time order through an in-process engine as purchases (its
// churn model learns from that stream alone); then every user seen gets a
// `predict` at the cut. The truth is what followed: churned when no basket
// falls within the horizon after the cut; the days to the first basket
// after it. Baselines on the same users: the days since the last basket
// (churn), the median gap minus the days since the last basket, at least 0
// (next purchase), and a batch logistic regression over recency,
// frequency, spend and gaps with k-fold cross-validation (churn).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "actors/engine.hpp"
#include "core/util/status.hpp"
#include "tools/eval/transaction_file.hpp"

namespace persona::eval {

struct churn_settings {
  engine_options engine;
  /// The cut (ms since the epoch) and the label's horizon.
  int64_t cut_ms = 0;
  int64_t horizon_ms = int64_t{30} * 86400000;
  size_t folds = 5;
  uint64_t seed = 42;
  std::function<void(const std::string&)> progress;
};

struct churn_figures {
  /// Users with a basket before the cut, and of them those who churned.
  size_t users = 0;
  size_t churned = 0;
  /// ROC AUC of churn_risk, of the days since the last basket, and of the
  /// cross-validated batch regression.
  double auc_engine = 0, auc_recency = 0, auc_batch = 0;
  /// Users with two baskets before the cut and one after it: the MAE (days)
  /// of next_purchase_days and of the median-gap rule over them.
  size_t next_users = 0;
  double mae_engine = 0, mae_rule = 0;
  /// Whether churn_risk came from the learnt model, and its examples.
  bool learnt = false;
  uint64_t examples = 0;
  size_t events = 0, rejected = 0;
  double seconds = 0;
};

result<churn_figures> check_churn(const transaction_table& t, const churn_settings& s);

}  // namespace persona::eval
