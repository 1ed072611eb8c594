#include "core/model/predictions.hpp"

#include <algorithm>
#include <cmath>

#include "core/model/churn_features.hpp"

namespace persona {

namespace {

float log_count(uint32_t n) {
  return static_cast<float>(std::log1p(static_cast<double>(n)));
}

double days(int64_t ms) {
  return static_cast<double>(ms) / ms_per_day;
}

constexpr const char* feature_names[propensity_feature_count] = {
    "views_1h",
    "views_24h",
    "clicks_24h",
    "carts_24h",
    "carts_7d",
    "purchases_7d",
    "purchases_30d",
    "purchases_lifetime",
    "open_cart",
    "hours_since_event",
    "has_purchased",
    "days_since_purchase",
    "cycle_ratio",
    "sessions",
    "sessions_per_day",
    "purchases_per_week",
    "repurchase_due",
    "session_views",
    "session_focus",
    "session_carted",
    "session_searched",
    "session_bought",
    "deciding_streak",
    "recent_sessions",
    "searched_focus",
    "session_focus_views",
    "session_other_views",
};

}  // namespace

const char* propensity_feature_name(size_t i) {
  return i < propensity_feature_count ? feature_names[i] : "";
}

feature_vector propensity_features(const profile& p, int64_t now_ms) {
  feature_vector x{};
  auto& w = p.windows;
  x[0] = log_count(w.count(time_window::h1, event_type::view, now_ms));
  x[1] = log_count(w.count(time_window::h24, event_type::view, now_ms));
  x[2] = log_count(w.count(time_window::h24, event_type::click, now_ms));
  x[3] = log_count(w.count(time_window::h24, event_type::add_to_cart, now_ms));
  x[4] = log_count(w.count(time_window::d7, event_type::add_to_cart, now_ms));
  x[5] = log_count(w.count(time_window::d7, event_type::purchase, now_ms));
  x[6] = log_count(w.count(time_window::d30, event_type::purchase, now_ms));
  x[7] = log_count(p.purchases.purchases());
  int64_t last_purchase = p.purchases.last_purchase_ms();
  x[8] = p.last_cart_ms > last_purchase && now_ms - p.last_cart_ms < 7 * ms_per_day ? 1.0f : 0.0f;
  x[9] = p.last_seen_ms < 0
             ? 0.0f
             : static_cast<float>(std::log1p(std::max(0.0, days(now_ms - p.last_seen_ms) * 24)));
  if (last_purchase >= 0) {
    double since = std::max(0.0, days(now_ms - last_purchase));
    x[10] = 1;
    x[11] = static_cast<float>(std::log1p(since));
    if (auto cycle = p.purchases.cycle_days(); cycle && *cycle > 0) {
      x[12] = static_cast<float>(std::min(5.0, since / *cycle));
      // Peaks when the next purchase of the user's own rhythm is due.
      x[16] = static_cast<float>(std::max(0.0, 1.0 - std::abs(since / *cycle - 1.0)));
    }
  }
  x[13] = log_count(p.sessions.count());
  // Lifetime rates: how often this user comes and buys.
  if (p.first_seen_ms >= 0) {
    double age_days = std::max(1.0, days(now_ms - p.first_seen_ms));
    x[14] = static_cast<float>(std::log1p(p.sessions.count() / age_days));
    x[15] = static_cast<float>(std::log1p(7.0 * p.purchases.purchases() / age_days));
  }
  // The latest session: a mission keeps to one category, visit after
  // visit, and carts only when it decides.
  auto& ls = p.latest_session;
  x[17] = log_count(ls.views());
  x[18] = static_cast<float>(ls.focus_share());
  x[19] = ls.carts() > 0 ? 1.0f : 0.0f;
  x[20] = ls.searches() > 0 ? 1.0f : 0.0f;
  x[21] = ls.purchases() > 0 ? 1.0f : 0.0f;
  x[22] = log_count(ls.deciding_streak());
  // How often the user has come lately, fading by the day.
  if (p.sessions.count() > 0)
    x[23] = static_cast<float>(std::log1p(ls.recent_sessions(p.sessions.start_ms, now_ms)));
  x[24] = ls.searched_focus() ? 1.0f : 0.0f;
  x[25] = static_cast<float>(std::min<int>(ls.focus_views(), 30));
  x[26] = static_cast<float>(std::min<int>(ls.views() - ls.focus_views(), 30));
  return x;
}

double purchase_propensity(const profile& p, int64_t now_ms, const propensity_scorer& model) {
  return model.predict(propensity_features(p, now_ms));
}

double churn_risk_rule(const profile& p, int64_t now_ms, const profile_config& cfg) {
  double ratio = 0;
  auto cycle = p.purchases.cycle_days();
  auto recency = p.purchases.recency_days(now_ms);
  if (cycle && recency && *cycle > 0)
    ratio = *recency / (cfg.tags.churn_cycle_factor * *cycle);
  else if (p.last_seen_ms >= 0 && cfg.tags.dormant_days > 0)
    ratio = days(now_ms - p.last_seen_ms) / cfg.tags.dormant_days;
  else
    return 0;
  ratio = std::max(0.0, ratio);
  return 1.0 - std::exp(-std::log(2.0) * ratio * ratio);
}

double churn_risk(const profile& p, int64_t now_ms, const profile_config& cfg, const churn_scorer* learnt) {
  if (learnt && learnt->learnt())
    return learnt->predict(churn_features(p, now_ms));
  return churn_risk_rule(p, now_ms, cfg);
}

std::optional<double> blended_wait_days(double tenure_days, uint32_t gaps, double shop_gap_days,
                                        double prior_gaps) {
  double weight = static_cast<double>(gaps) + prior_gaps;
  if (weight <= 0)
    return std::nullopt;
  // Gaps of a steady buyer are near exponential: the wait from any moment
  // has median ln 2 times the mean gap, however long since the last.
  double mean_gap = (std::max(0.0, tenure_days) + prior_gaps * shop_gap_days) / weight;
  return std::log(2.0) * mean_gap;
}

std::optional<double> next_purchase_days(const profile& p, int64_t now_ms, const churn_scorer* shop) {
  auto& s = p.purchases;
  if (shop && shop->shop_gap_days > 0) {
    if (s.occasions_ == 0 || s.first_occasion_ms_ < 0)
      return std::nullopt;
    if (auto wait = blended_wait_days(days(now_ms - s.first_occasion_ms_), purchase_gaps(p),
                                      shop->shop_gap_days, shop->prior_gaps))
      return wait;
  }
  auto cycle = s.cycle_days();
  auto recency = s.recency_days(now_ms);
  if (!cycle || !recency)
    return std::nullopt;
  return std::max(0.0, *cycle - *recency);
}

}  // namespace persona
