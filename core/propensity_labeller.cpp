#include "core/propensity_labeller.hpp"

#include "core/predictions.hpp"

namespace persona {

void propensity_labeller::observe(uint32_t slot, const profile& p, event_type type, int64_t ts_ms) {
  auto it = pending_.find(slot);
  if (it != pending_.end()) {
    auto& ex = it->second;
    if (type != event_type::purchase || ts_ms <= ex.ts_ms || ts_ms > ex.ts_ms + opts_.horizon_ms)
      return;
    ready_.push_back({ex.x, 1.0f});
    pending_.erase(it);
  }
  if (pending_.size() >= opts_.capacity || opts_.sample_rate <= 0)
    return;
  if (std::uniform_real_distribution<double>(0, 1)(rng_) >= opts_.sample_rate)
    return;
  pending_[slot] = pending_example{ts_ms, propensity_features(p, ts_ms)};
  order_.emplace_back(ts_ms, slot);
}

void propensity_labeller::expire(int64_t now_ms) {
  while (!order_.empty() && order_.front().first + opts_.horizon_ms < now_ms) {
    auto [ts, slot] = order_.front();
    order_.pop_front();
    auto it = pending_.find(slot);
    if (it == pending_.end() || it->second.ts_ms != ts)
      continue;  // labelled positive already, or forgotten
    ready_.push_back({it->second.x, 0.0f});
    pending_.erase(it);
  }
}

}  // namespace persona
