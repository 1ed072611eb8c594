#include "core/propensity_labeller.hpp"

#include "core/predictions.hpp"

namespace persona {

void propensity_labeller::observe(uint32_t slot, event_type type, int64_t ts_ms) {
  auto it = examples_.find(slot);
  if (it != examples_.end()) {
    auto& ex = it->second;
    if (!ex.probed || type != event_type::purchase || ts_ms <= ex.probe_ms ||
        ts_ms > ex.probe_ms + opts_.horizon_ms)
      return;
    ready_.push_back({ex.x, 1.0f});
    examples_.erase(it);
  }
  if (examples_.size() >= opts_.capacity || opts_.sample_rate <= 0)
    return;
  if (std::uniform_real_distribution<double>(0, 1)(rng_) >= opts_.sample_rate)
    return;
  int64_t probe = ts_ms + std::uniform_int_distribution<int64_t>(0, opts_.probe_spread_ms)(rng_);
  examples_[slot] = example{probe};
  probes_.emplace(probe, slot);
}

void propensity_labeller::advance(int64_t now_ms, const profile_of& lookup) {
  while (!probes_.empty() && probes_.top().first <= now_ms) {
    auto [probe, slot] = probes_.top();
    probes_.pop();
    auto it = examples_.find(slot);
    if (it == examples_.end() || it->second.probed || it->second.probe_ms != probe)
      continue;  // forgotten, or a newer example of a reused slot
    auto* p = lookup(slot);
    if (!p) {
      examples_.erase(it);
      continue;
    }
    it->second.probed = true;
    it->second.x = propensity_features(*p, probe);
    horizons_.emplace_back(probe + opts_.horizon_ms, slot);
  }
  while (!horizons_.empty() && horizons_.front().first < now_ms) {
    auto [end, slot] = horizons_.front();
    horizons_.pop_front();
    auto it = examples_.find(slot);
    if (it == examples_.end() || !it->second.probed || it->second.probe_ms + opts_.horizon_ms != end)
      continue;  // labelled positive already, or forgotten
    ready_.push_back({it->second.x, 0.0f});
    examples_.erase(it);
  }
}

}  // namespace persona
