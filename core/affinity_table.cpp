#include "core/affinity_table.hpp"

#include <algorithm>
#include <cmath>

namespace persona {

double decay_factor(int64_t dt_ms, int64_t half_life_ms) {
  return std::exp2(-static_cast<double>(dt_ms) / static_cast<double>(half_life_ms));
}

void affinity_table::add(symbol key, double weight, int64_t ts_ms, int64_t half_life_ms, size_t cap) {
  if (weight <= 0)
    return;
  if (entries_.empty()) {
    ref_ms_ = ts_ms;
  } else if (ts_ms > ref_ms_) {
    // Move the reference forward: decay every stored score to ts_ms.
    auto f = static_cast<float>(decay_factor(ts_ms - ref_ms_, half_life_ms));
    for (auto& e : entries_)
      e.score *= f;
    ref_ms_ = ts_ms;
  }
  // An interaction older than the reference is decayed to the reference.
  double w = ts_ms < ref_ms_ ? weight * decay_factor(ref_ms_ - ts_ms, half_life_ms) : weight;
  for (auto& e : entries_) {
    if (e.key == key) {
      e.score += static_cast<float>(w);
      return;
    }
  }
  if (entries_.size() < cap) {
    entries_.push_back({key, static_cast<float>(w)});
    return;
  }
  auto weakest = std::min_element(entries_.begin(), entries_.end(),
                                  [](const entry& a, const entry& b) { return a.score < b.score; });
  if (weakest->score < w)
    *weakest = {key, static_cast<float>(w)};
}

double affinity_table::raw_score(symbol key, int64_t now_ms, int64_t half_life_ms) const {
  for (auto& e : entries_)
    if (e.key == key)
      return e.score * decay_factor(now_ms - ref_ms_, half_life_ms);
  return 0;
}

std::vector<std::pair<symbol, double>> affinity_table::shares() const {
  double total = 0;
  for (auto& e : entries_)
    total += e.score;
  std::vector<std::pair<symbol, double>> out;
  out.reserve(entries_.size());
  for (auto& e : entries_)
    out.emplace_back(e.key, total > 0 ? e.score / total : 0.0);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return out;
}

double affinity_table::share(symbol key) const {
  double total = 0;
  double mine = -1;
  for (auto& e : entries_) {
    total += e.score;
    if (e.key == key)
      mine = e.score;
  }
  if (mine < 0)
    return -1;
  return total > 0 ? mine / total : 0.0;
}

}  // namespace persona
