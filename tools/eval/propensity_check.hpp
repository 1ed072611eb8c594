// propensity_check: measures the purchase propensity model where the truth
// is known: the load generator's simulated shop (docs/loadgen.md) registers
// its catalog and runs for `days` through an engine that trains its model
// from that stream; at the cut, every shopper seen so far gets a
// prediction; the simulation then runs one more day, and a shopper is
// positive when they purchase in it.
// The figure is the ROC AUC of the predictions against that truth.
#pragma once

#include <cstdint>
#include <functional>

#include "actors/engine.hpp"
#include "core/util/status.hpp"

namespace persona::eval {

struct propensity_settings {
  engine_options engine;
  uint32_t users = 20000;
  double days = 28;
  uint64_t seed = 42;
  std::function<void(const std::string&)> progress;
};

struct propensity_figures {
  double auc = 0;
  uint64_t predicted = 0;
  uint64_t positives = 0;
  uint64_t training_events = 0;
  uint64_t examples = 0;
  double seconds = 0;
};

result<propensity_figures> check_propensity(const propensity_settings& s);

/// ROC AUC of `scores` against `labels` (ties count half). 0.5 when one
/// class is missing.
double roc_auc(const std::vector<double>& scores, const std::vector<bool>& labels);

}  // namespace persona::eval
