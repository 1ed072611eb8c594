// leave_last_out: the evaluation split of docs/evaluation.md. Interactions
// are ordered by time (ties in input order); each user with at least
// `min_interactions` has their last one held out for test and the one
// before it for validation. Users with fewer keep all theirs in training.
// Plain data and a pure function.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace persona {

/// One interaction of a dataset, ids dense from 0.
struct interaction {
  uint32_t user = 0;
  uint32_t item = 0;
  int64_t ts_ms = 0;
  /// A rating or other value of the interaction; NaN when it has none.
  double value = std::nan("");
};

/// A user's held-out interaction: its index in the time-ordered list.
struct held_out {
  uint32_t user = 0;
  uint32_t item = 0;
  int64_t ts_ms = 0;
  size_t index = 0;
};

struct evaluation_split {
  /// Every interaction, ordered by time (ties in input order).
  std::vector<interaction> ordered;
  /// Per evaluated user: the last interaction (test) and the one before
  /// (validation), in the order of `ordered`.
  std::vector<held_out> test;
  std::vector<held_out> validation;
  /// Per interaction of `ordered`: 0 training, 1 validation, 2 test.
  std::vector<uint8_t> role;
};

/// Splits `all` (in input order). REQUIRES: min_interactions >= 2.
evaluation_split leave_last_out(std::vector<interaction> all, size_t min_interactions = 5);

/// Each user's items before `phase` (1: validation, training only; 2:
/// test, training and validation), indexed by user id, time order.
std::vector<std::vector<uint32_t>> histories(const evaluation_split& split, uint8_t phase, uint32_t users);

}  // namespace persona
