#include "core/model/propensity_labeller.hpp"

#include <algorithm>

#include "core/model/predictions.hpp"

namespace persona {

void propensity_labeller::observe(uint32_t slot, event_type type, int64_t ts_ms) {
  // Only a purchase can label an example; only a sampled event starts one:
  // most events look nothing up.
  bool sampled = opts_.sample_rate > 0 && random_.unit() < opts_.sample_rate;
  if (type != event_type::purchase && !sampled)
    return;
  if (has_example(slot)) {
    auto it = examples_.find(slot);
    auto& ex = it->second;
    if (!ex.probed || type != event_type::purchase || ts_ms <= ex.probe_ms ||
        ts_ms > ex.probe_ms + opts_.horizon_ms)
      return;
    ready_.push_back({ex.x, 1.0f});
    erase(it);
  }
  if (!sampled || examples_.size() >= opts_.capacity)
    return;
  int64_t probe =
      ts_ms + static_cast<int64_t>(random_.next() % static_cast<uint64_t>(opts_.probe_spread_ms + 1));
  start(slot, example{probe});
  probes_.emplace(probe, slot);
}

propensity_labeller::example& propensity_labeller::start(uint32_t slot, example ex) {
  auto& kept = examples_[slot] = ex;
  if (with_example_.size() <= slot / 64)
    with_example_.resize(slot / 64 + 1, 0);
  with_example_[slot / 64] |= uint64_t{1} << (slot % 64);
  return kept;
}

void propensity_labeller::erase(example_map::iterator it) {
  uint32_t slot = it->first;
  with_example_[slot / 64] &= ~(uint64_t{1} << (slot % 64));
  examples_.erase(it);
}

void propensity_labeller::probed(uint32_t slot, example& ex, const profile& p) {
  ex.probed = true;
  ex.x = propensity_features(p, ex.probe_ms);
  horizons_.emplace_back(ex.probe_ms + opts_.horizon_ms, slot);
}

void propensity_labeller::take_probes(int64_t until_ms, const profile_of& lookup) {
  while (!probes_.empty() && probes_.top().first <= until_ms) {
    auto [probe, slot] = probes_.top();
    probes_.pop();
    auto it = examples_.find(slot);
    if (it == examples_.end() || it->second.probed || it->second.probe_ms != probe)
      continue;  // forgotten, or a newer example of a reused slot
    auto* p = lookup(slot);
    if (!p) {
      erase(it);
      continue;
    }
    probed(slot, it->second, *p);
  }
}

void propensity_labeller::take_census(int64_t now_ms, uint32_t slot_count, const profile_of& lookup) {
  // After a jump in event time, one interval's worth of draws at most.
  uint64_t draws =
      census_.due(now_ms, slot_count, opts_.census_share, opts_.census_interval_ms, opts_.census_interval_ms);
  for (uint64_t k = 0; k < draws && examples_.size() < opts_.capacity; ++k) {
    auto slot = static_cast<uint32_t>(random_.next() % slot_count);
    if (has_example(slot))
      continue;
    auto* p = lookup(slot);
    if (!p)
      continue;
    probed(slot, start(slot, example{now_ms}), *p);
  }
}

void propensity_labeller::advance(int64_t now_ms, uint32_t slot_count, const profile_of& lookup) {
  take_probes(now_ms, lookup);
  take_census(now_ms, slot_count, lookup);
  while (!horizons_.empty() && horizons_.front().first < now_ms) {
    auto [end, slot] = horizons_.front();
    horizons_.pop_front();
    auto it = examples_.find(slot);
    if (it == examples_.end() || !it->second.probed || it->second.probe_ms + opts_.horizon_ms != end)
      continue;  // labelled positive already, or forgotten
    ready_.push_back({it->second.x, 0.0f});
    erase(it);
  }
}

}  // namespace persona
