#include "core/profile/affinity_table.hpp"

#include <algorithm>
#include <cmath>

namespace persona {

double decay_factor(int64_t dt_ms, int64_t half_life_ms) {
  return std::exp2(-static_cast<double>(dt_ms) / static_cast<double>(half_life_ms));
}

namespace {

/// Scores are kept in units of the reference time; a newer interaction is
/// scaled up instead of every entry being scaled down, and the table is
/// rebased only when the scale would leave float's comfortable range.
constexpr double max_half_lives_ahead = 48;

}  // namespace

void affinity_table::add(symbol key, double weight, int64_t ts_ms, int64_t half_life_ms, size_t cap) {
  if (weight <= 0)
    return;
  if (entries_.empty()) {
    ref_ms_ = ts_ms;
    entries_.reserve(std::min<size_t>(cap, 4));
  } else if (static_cast<double>(ts_ms - ref_ms_) >
             max_half_lives_ahead * static_cast<double>(half_life_ms)) {
    // Rebase: value every stored score at ts_ms.
    auto f = static_cast<float>(decay_factor(ts_ms - ref_ms_, half_life_ms));
    for (auto& e : entries_)
      e.score *= f;
    ref_ms_ = ts_ms;
  }
  // w * 2^((ts - ref) / h): the interaction's weight in reference-time units.
  double w = ts_ms == ref_ms_ ? weight : weight / decay_factor(ts_ms - ref_ms_, half_life_ms);
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
  std::sort(out.begin(), out.end(),
            [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
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

double affinity_table::score(symbol key) const {
  for (auto& e : entries_)
    if (e.key == key)
      return e.score;
  return -1;
}

double affinity_table::total() const {
  double t = 0;
  for (auto& e : entries_)
    t += e.score;
  return t;
}

}  // namespace persona
