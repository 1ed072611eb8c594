// weighted_sampler: draws indices in proportion to their weights, where
// weights are only ever appended (so a new user can join a population while
// it is being sampled). A prefix-sum array and a binary search: O(log n) a
// draw, O(1) amortised an append. Shared by the workload of the benchmarks
// and the load generator's simulated shop. Not thread-safe; owned by one
// generator.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace persona {

class weighted_sampler {
 public:
  /// Adds index size() with weight `w` (> 0).
  void add(double w) { prefix_.push_back(total() + w); }

  /// An index drawn with probability weight / total. REQUIRES: size() > 0.
  template <class Rng>
  uint32_t draw(Rng& rng) const {
    double u = std::uniform_real_distribution<double>(0.0, total())(rng);
    auto it = std::upper_bound(prefix_.begin(), prefix_.end(), u);
    return static_cast<uint32_t>(std::min<size_t>(it - prefix_.begin(), prefix_.size() - 1));
  }

  size_t size() const { return prefix_.size(); }
  double total() const { return prefix_.empty() ? 0.0 : prefix_.back(); }

 private:
  std::vector<double> prefix_;
};

/// Zipf(s) weights over ranks 1..n, appended to `sampler`.
inline void add_zipf(weighted_sampler& sampler, size_t n, double s) {
  for (size_t r = 1; r <= n; ++r)
    sampler.add(1.0 / std::pow(static_cast<double>(r), s));
}

}  // namespace persona
