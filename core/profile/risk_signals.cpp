#include "core/profile/risk_signals.hpp"

#include <algorithm>
#include <cmath>

#include "core/profile/purchase_stats.hpp"
#include "core/util/stable_hash.hpp"

namespace persona {

namespace {

constexpr const char* kFlagNames[] = {"unusual_amount", "burst",   "night_purchases",
                                      "new_device",     "new_geo", "refunds"};
constexpr uint64_t kGeoBit = 1ull << 63;

uint32_t bit(risk_flag f) {
  return 1u << static_cast<unsigned>(f);
}

bool recent(int64_t raised_ms, int64_t now_ms, int64_t ttl_ms) {
  return raised_ms >= 0 && now_ms - raised_ms <= ttl_ms && now_ms >= raised_ms - ttl_ms;
}

// Remembers a context hash; true when it is new on a profile that already
// knew at least one context of the same kind.
bool learn(std::vector<uint64_t>& known, uint64_t h, bool geo, size_t cap) {
  if (std::find(known.begin(), known.end(), h) != known.end())
    return false;
  bool had_one =
      std::any_of(known.begin(), known.end(), [&](uint64_t x) { return ((x & kGeoBit) != 0) == geo; });
  size_t same_kind = static_cast<size_t>(
      std::count_if(known.begin(), known.end(), [&](uint64_t x) { return ((x & kGeoBit) != 0) == geo; }));
  if (same_kind >= cap) {
    // Forget the oldest context of this kind.
    auto oldest =
        std::find_if(known.begin(), known.end(), [&](uint64_t x) { return ((x & kGeoBit) != 0) == geo; });
    known.erase(oldest);
  }
  known.push_back(h);
  return had_one;
}

}  // namespace

const char* to_string(risk_flag f) {
  return kFlagNames[static_cast<size_t>(f)];
}

void risk_signals::on_event(int64_t ts_ms, const std::string& device, const std::string& geo,
                            const risk_config& cfg, size_t context_cap) {
  // Burst: events counted in windows of burst_seconds, each opened by the
  // first event after the previous window closed. Late events are skipped.
  if (burst_window_start_ms_ < 0 || ts_ms >= burst_window_start_ms_ + cfg.burst_seconds * 1000) {
    burst_window_start_ms_ = ts_ms;
    burst_count_ = 0;
  }
  if (ts_ms >= burst_window_start_ms_ && ++burst_count_ >= cfg.burst_events)
    burst_ms_ = std::max(burst_ms_, ts_ms);

  if (!device.empty() && learn(contexts_, stable_hash(device) & ~kGeoBit, false, context_cap))
    new_device_ms_ = std::max(new_device_ms_, ts_ms);
  if (!geo.empty() && learn(contexts_, stable_hash(geo) | kGeoBit, true, context_cap))
    new_geo_ms_ = std::max(new_geo_ms_, ts_ms);
}

void risk_signals::on_purchase(int64_t ts_ms, double amount, const risk_config& cfg) {
  if (amounts_n_ >= cfg.amount_min_history) {
    double sd = std::sqrt(amount_m2_ / amounts_n_);
    // A floor on the deviation keeps identical histories from flagging cents.
    double floor_sd = std::max(sd, 0.1 * std::abs(amount_mean_));
    if (floor_sd > 0 && (amount - amount_mean_) / floor_sd >= cfg.amount_z)
      unusual_amount_ms_ = std::max(unusual_amount_ms_, ts_ms);
  }
  ++amounts_n_;
  double delta = amount - amount_mean_;
  amount_mean_ += delta / amounts_n_;
  amount_m2_ += delta * (amount - amount_mean_);

  int64_t ms_of_day = ((ts_ms % ms_per_day) + ms_per_day) % ms_per_day;
  int hour = static_cast<int>(ms_of_day / ms_per_hour);
  if (hour >= cfg.night_start_hour && hour < cfg.night_end_hour)
    ++night_purchases_;
}

uint32_t risk_signals::flags(int64_t now_ms, const purchase_stats& p, const risk_config& cfg) const {
  uint32_t f = 0;
  if (recent(unusual_amount_ms_, now_ms, cfg.flag_ttl_ms))
    f |= bit(risk_flag::unusual_amount);
  if (recent(burst_ms_, now_ms, cfg.flag_ttl_ms))
    f |= bit(risk_flag::burst);
  if (p.purchases() >= cfg.night_min_purchases && p.purchases() > 0 &&
      static_cast<double>(night_purchases_) / p.purchases() >= cfg.night_share)
    f |= bit(risk_flag::night_purchases);
  if (recent(new_device_ms_, now_ms, cfg.flag_ttl_ms))
    f |= bit(risk_flag::new_device);
  if (recent(new_geo_ms_, now_ms, cfg.flag_ttl_ms))
    f |= bit(risk_flag::new_geo);
  if (p.refunds() >= cfg.refund_min &&
      static_cast<double>(p.refunds()) / std::max<uint32_t>(1, p.purchases()) >= cfg.refund_ratio)
    f |= bit(risk_flag::refunds);
  return f;
}

double risk_signals::score(uint32_t flags, const risk_config& cfg) {
  const double weights[] = {cfg.weight_unusual_amount, cfg.weight_burst,   cfg.weight_night_purchases,
                            cfg.weight_new_device,     cfg.weight_new_geo, cfg.weight_refunds};
  double keep = 1.0;
  for (size_t i = 0; i < risk_flag_count; ++i)
    if (flags & (1u << i))
      keep *= 1.0 - std::clamp(weights[i], 0.0, 1.0);
  return 1.0 - keep;
}

void risk_signals::merge(const risk_signals& o, size_t context_cap) {
  // Chan et al.'s parallel combination of mean and squared deviations.
  if (o.amounts_n_ > 0) {
    uint32_t n = amounts_n_ + o.amounts_n_;
    double delta = o.amount_mean_ - amount_mean_;
    amount_m2_ += o.amount_m2_ + delta * delta * amounts_n_ * o.amounts_n_ / n;
    amount_mean_ += delta * o.amounts_n_ / n;
    amounts_n_ = n;
  }
  night_purchases_ += o.night_purchases_;
  unusual_amount_ms_ = std::max(unusual_amount_ms_, o.unusual_amount_ms_);
  burst_ms_ = std::max(burst_ms_, o.burst_ms_);
  new_device_ms_ = std::max(new_device_ms_, o.new_device_ms_);
  new_geo_ms_ = std::max(new_geo_ms_, o.new_geo_ms_);
  for (auto h : o.contexts_)
    if (std::find(contexts_.begin(), contexts_.end(), h) == contexts_.end())
      learn(contexts_, h, (h & kGeoBit) != 0, context_cap);
}

}  // namespace persona
