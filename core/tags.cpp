#include "core/tags.hpp"

namespace persona {

namespace {

constexpr const char* kNames[] = {
    "new",        "active", "dormant",        "window_shopper", "cart_abandoner",
    "high_value", "loyal",  "bargain_hunter", "churn_risk",     "risky",
};

double days_between(int64_t from_ms, int64_t to_ms) {
  return static_cast<double>(to_ms - from_ms) / ms_per_day;
}

}  // namespace

const char* to_string(tag t) {
  return kNames[static_cast<size_t>(t)];
}

std::optional<tag> tag_from_string(const std::string& name) {
  for (size_t i = 0; i < tag_count; ++i)
    if (name == kNames[i])
      return static_cast<tag>(i);
  return std::nullopt;
}

double risk_score(const profile& p, int64_t now_ms, const profile_config& cfg) {
  return risk_signals::score(p.risk.flags(now_ms, p.purchases, cfg.risk), cfg.risk);
}

uint32_t compute_tags(const profile& p, int64_t now_ms, const profile_config& cfg) {
  const auto& th = cfg.tags;
  uint32_t t = 0;
  if (p.first_seen_ms < 0)
    return t;
  if (days_between(p.first_seen_ms, now_ms) <= th.new_days)
    t |= tag_bit(tag::new_user);
  double idle_days = days_between(p.last_seen_ms, now_ms);
  if (idle_days <= th.active_days)
    t |= tag_bit(tag::active);
  if (idle_days >= th.dormant_days)
    t |= tag_bit(tag::dormant);
  if (p.windows.count(time_window::d30, event_type::view, now_ms) >= th.window_shopper_views &&
      p.windows.count(time_window::d30, event_type::purchase, now_ms) == 0)
    t |= tag_bit(tag::window_shopper);
  if (p.last_cart_ms >= 0 && days_between(p.last_cart_ms, now_ms) <= th.cart_abandoner_days &&
      p.purchases.last_purchase_ms() < p.last_cart_ms)
    t |= tag_bit(tag::cart_abandoner);
  if (p.purchases.monetary() >= th.high_value_monetary)
    t |= tag_bit(tag::high_value);
  if (p.purchases.distinct_months() >= th.loyal_months)
    t |= tag_bit(tag::loyal);
  auto viewed = p.purchases.avg_viewed_price();
  auto bought = p.purchases.avg_purchased_price();
  if (viewed && bought && *bought < th.bargain_ratio * *viewed)
    t |= tag_bit(tag::bargain_hunter);
  auto cycle = p.purchases.cycle_days();
  auto recency = p.purchases.recency_days(now_ms);
  if (cycle && recency && *cycle > 0 && *recency > th.churn_cycle_factor * *cycle)
    t |= tag_bit(tag::churn_risk);
  if (risk_score(p, now_ms, cfg) >= th.risky_score)
    t |= tag_bit(tag::risky);
  return t;
}

}  // namespace persona
