// ranking_metrics: the accuracy and coverage figures of an offline
// evaluation with one held-out item per user (docs/evaluation.md):
// HR@10 (the item is among the first 10), NDCG@10 (1 / log2(rank + 1) when
// it is, rank counted from 1), Recall@20 (among the first 20; with one
// held-out item it equals HR@20), and catalog coverage (the share of the
// catalog's items that appear in any user's first 10). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace persona {

struct ranking_figures {
  size_t users = 0;
  double hr10 = 0;
  double ndcg10 = 0;
  double recall20 = 0;
  double coverage = 0;
};

class ranking_metrics {
 public:
  /// `catalog` items can be recommended (the coverage denominator).
  explicit ranking_metrics(size_t catalog) : catalog_(catalog) {}

  /// One user's ranked list (best first) and their held-out item.
  void add(const std::vector<uint32_t>& ranked, uint32_t held_out);

  ranking_figures figures() const;

 private:
  size_t catalog_;
  size_t users_ = 0;
  size_t hits10_ = 0, hits20_ = 0;
  double ndcg_ = 0;
  std::unordered_set<uint32_t> shown_;
};

}  // namespace persona
