#include "core/profile/tags.hpp"

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

bool tag_holds(const profile& p, tag t, int64_t now_ms, const profile_config& cfg) {
  const auto& th = cfg.tags;
  if (p.first_seen_ms < 0)
    return false;
  switch (t) {
    case tag::new_user:
      return days_between(p.first_seen_ms, now_ms) <= th.new_days;
    case tag::active:
      return days_between(p.last_seen_ms, now_ms) <= th.active_days;
    case tag::dormant:
      return days_between(p.last_seen_ms, now_ms) >= th.dormant_days;
    case tag::window_shopper:
      return p.windows.count(time_window::d30, event_type::view, now_ms) >= th.window_shopper_views &&
             p.windows.count(time_window::d30, event_type::purchase, now_ms) == 0;
    case tag::cart_abandoner:
      return p.last_cart_ms >= 0 && days_between(p.last_cart_ms, now_ms) <= th.cart_abandoner_days &&
             p.purchases.last_purchase_ms() < p.last_cart_ms;
    case tag::high_value:
      return p.purchases.monetary() >= th.high_value_monetary;
    case tag::loyal:
      return p.purchases.distinct_months() >= th.loyal_months;
    case tag::bargain_hunter: {
      auto viewed = p.purchases.avg_viewed_price();
      auto bought = p.purchases.avg_purchased_price();
      return viewed && bought && *bought < th.bargain_ratio * *viewed;
    }
    case tag::churn_risk: {
      auto cycle = p.purchases.cycle_days();
      auto recency = p.purchases.recency_days(now_ms);
      return cycle && recency && *cycle > 0 && *recency > th.churn_cycle_factor * *cycle;
    }
    case tag::risky:
      return risk_score(p, now_ms, cfg) >= th.risky_score;
  }
  return false;
}

uint32_t tag_event_types(tag t) {
  auto bit = [](event_type e) { return 1u << static_cast<unsigned>(e); };
  const uint32_t every = (1u << event_type_count) - 1;
  const uint32_t purchase = bit(event_type::purchase), refund = bit(event_type::refund);
  switch (t) {
    case tag::window_shopper:
      return bit(event_type::view) | purchase;
    case tag::cart_abandoner:
      return bit(event_type::add_to_cart) | purchase;
    case tag::high_value:
    case tag::loyal:
    case tag::churn_risk:
      return purchase | refund;
    case tag::bargain_hunter:  // prices seen on any event
    default:                   // new, active, dormant follow every event; risk too
      return every;
  }
}

time_moves tag_time_moves(tag t) {
  // Per tag_holds above: days since first or last seen, since the cart
  // and since the last purchase only grow; window counts only shrink.
  switch (t) {
    case tag::dormant:
    case tag::churn_risk:
      return {true, false};
    case tag::new_user:
    case tag::active:
    case tag::cart_abandoner:
      return {false, true};
    case tag::high_value:
    case tag::loyal:
    case tag::bargain_hunter:
      return {false, false};
    default:
      return {true, true};  // window_shopper (views and purchases expire), risky
  }
}

uint32_t compute_tags(const profile& p, int64_t now_ms, const profile_config& cfg) {
  uint32_t t = 0;
  for (size_t i = 0; i < tag_count; ++i)
    if (tag_holds(p, static_cast<tag>(i), now_ms, cfg))
      t |= tag_bit(static_cast<tag>(i));
  return t;
}

}  // namespace persona
