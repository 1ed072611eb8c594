#include "core/model/churn_labeller.hpp"

#include <algorithm>

#include "core/model/churn_features.hpp"

namespace persona {

void churn_labeller::observe(uint32_t slot, event_type type, int64_t ts_ms) {
  if (type != event_type::purchase || !has_example(slot))
    return;
  auto it = examples_.find(slot);
  auto& ex = it->second;
  if (ts_ms <= ex.probe_ms || ts_ms > ex.probe_ms + opts_.horizon_ms)
    return;
  ex.data.churned = 0;
  ready_.push_back(ex.data);
  erase(it);
}

void churn_labeller::forget(uint32_t slot) {
  if (has_example(slot))
    erase(examples_.find(slot));
}

void churn_labeller::erase(example_map::iterator it) {
  with_example_[it->first] = false;
  examples_.erase(it);
}

void churn_labeller::take_census(int64_t now_ms, uint32_t slot_count, const profile_of& lookup) {
  // After a jump in event time (a replay's slice can span days), one
  // horizon's worth of draws at most: past that, a user would be probed
  // again before being labelled.
  uint64_t draws =
      census_.due(now_ms, slot_count, opts_.census_share, opts_.census_interval_ms, opts_.horizon_ms);
  for (uint64_t k = 0; k < draws && examples_.size() < opts_.capacity; ++k) {
    auto slot = static_cast<uint32_t>(random_.next() % slot_count);
    if (has_example(slot))
      continue;
    auto* p = lookup(slot);
    if (!p)
      continue;
    example ex;
    ex.probe_ms = now_ms;
    ex.data.x = churn_features(*p, now_ms);
    ex.data.gaps = purchase_gaps(*p);
    ex.data.span_days = static_cast<float>(purchase_span_days(*p));
    examples_[slot] = ex;
    if (with_example_.size() <= slot)
      with_example_.resize(std::max<size_t>(slot + 1, with_example_.size() * 2), false);
    with_example_[slot] = true;
    horizons_.emplace_back(now_ms + opts_.horizon_ms, slot);
  }
}

void churn_labeller::advance(int64_t now_ms, uint32_t slot_count, const profile_of& lookup) {
  while (!horizons_.empty() && horizons_.front().first < now_ms) {
    auto [end, slot] = horizons_.front();
    horizons_.pop_front();
    auto it = examples_.find(slot);
    if (it == examples_.end() || it->second.probe_ms + opts_.horizon_ms != end)
      continue;  // labelled "kept" already, forgotten, or a newer example
    it->second.data.churned = 1;
    ready_.push_back(it->second.data);
    erase(it);
  }
  take_census(now_ms, slot_count, lookup);
}

}  // namespace persona
