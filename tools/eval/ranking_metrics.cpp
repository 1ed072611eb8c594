#include "tools/eval/ranking_metrics.hpp"

#include <algorithm>
#include <cmath>

namespace persona {

void ranking_metrics::add(const std::vector<uint32_t>& ranked, uint32_t held_out) {
  ++users_;
  size_t n10 = std::min<size_t>(10, ranked.size());
  shown_.insert(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n10));
  for (size_t i = 0; i < std::min<size_t>(20, ranked.size()); ++i) {
    if (ranked[i] != held_out)
      continue;
    ++hits20_;
    if (i < 10) {
      ++hits10_;
      ndcg_ += 1.0 / std::log2(static_cast<double>(i) + 2.0);
    }
    break;
  }
}

ranking_figures ranking_metrics::figures() const {
  ranking_figures f;
  f.users = users_;
  if (users_ == 0)
    return f;
  double n = static_cast<double>(users_);
  f.hr10 = static_cast<double>(hits10_) / n;
  f.ndcg10 = ndcg_ / n;
  f.recall20 = static_cast<double>(hits20_) / n;
  f.coverage = catalog_ ? static_cast<double>(shown_.size()) / static_cast<double>(catalog_) : 0.0;
  return f;
}

}  // namespace persona
