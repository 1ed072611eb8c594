#include "core/model/churn_features.hpp"

#include <algorithm>
#include <cmath>

#include "core/profile/profile_config.hpp"

namespace persona {

namespace {

constexpr const char* feature_names[churn_feature_count] = {
    "has_purchased", "days_since_purchase", "occasions",         "tenure_days", "mean_gap_days",
    "has_gap",       "gap_ratio",           "occasions_per_30d", "monetary",    "order_value",
    "purchases_30d", "purchases_7d",        "days_since_event",  "events_30d",
};

float log_scaled(double x) {
  return static_cast<float>(std::log1p(std::max(0.0, x)));
}

double days(int64_t ms) {
  return static_cast<double>(ms) / ms_per_day;
}

}  // namespace

const char* churn_feature_name(size_t i) {
  return i < churn_feature_count ? feature_names[i] : "";
}

uint32_t purchase_gaps(const profile& p) {
  return p.purchases.occasions_ > 1 ? p.purchases.occasions_ - 1 : 0;
}

double purchase_span_days(const profile& p) {
  auto& s = p.purchases;
  if (s.occasions_ < 2)
    return 0;
  return std::max(0.0, days(s.last_occasion_ms_ - s.first_occasion_ms_));
}

churn_vector churn_features(const profile& p, int64_t now_ms) {
  churn_vector x{};
  auto& s = p.purchases;
  auto& w = p.windows;
  if (s.occasions_ > 0 && s.last_purchase_ms() >= 0) {
    double recency = std::max(0.0, days(now_ms - s.last_purchase_ms()));
    double tenure = std::max(0.0, days(now_ms - s.first_occasion_ms_));
    x[0] = 1;
    x[1] = log_scaled(recency);
    x[2] = log_scaled(s.occasions_);
    x[3] = log_scaled(tenure);
    if (uint32_t gaps = purchase_gaps(p); gaps > 0) {
      double gap = purchase_span_days(p) / gaps;
      x[4] = log_scaled(gap);
      x[5] = 1;
      // Recency against the user's own rhythm; capped, an outlier's ratio
      // says no more than "long overdue".
      x[6] = static_cast<float>(std::min(5.0, recency / std::max(gap, 1.0 / 24)));
    }
    x[7] = log_scaled(30.0 * s.occasions_ / std::max(tenure, 1.0));
    x[8] = log_scaled(s.monetary());
    x[9] = log_scaled(s.monetary() / s.occasions_);
  }
  x[10] = log_scaled(w.count(time_window::d30, event_type::purchase, now_ms));
  x[11] = log_scaled(w.count(time_window::d7, event_type::purchase, now_ms));
  if (p.last_seen_ms >= 0)
    x[12] = log_scaled(days(now_ms - p.last_seen_ms));
  uint32_t events = 0;
  for (auto t : {event_type::view, event_type::click, event_type::add_to_cart, event_type::search})
    events += w.count(time_window::d30, t, now_ms);
  x[13] = log_scaled(events);
  return x;
}

}  // namespace persona
