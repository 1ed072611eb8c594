// profile_config: every tunable of online profile maintenance, with its
// default, in one place (docs/profiles.md explains each). A shard holds one
// copy; it never changes while the shard runs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/profile/event.hpp"

namespace persona {

constexpr int64_t ms_per_second = 1000;
constexpr int64_t ms_per_minute = 60 * ms_per_second;
constexpr int64_t ms_per_hour = 60 * ms_per_minute;
constexpr int64_t ms_per_day = 24 * ms_per_hour;

/// Thresholds of the ten rule-based tags (docs/protocol.md, "Tags").
struct tag_thresholds {
  /// `new`: first seen within this many days.
  double new_days = 7;
  /// `active`: an event within this many days.
  double active_days = 7;
  /// `dormant`: no event for this many days.
  double dormant_days = 30;
  /// `window_shopper`: at least this many views in the 30d window, no purchase there.
  uint32_t window_shopper_views = 20;
  /// `cart_abandoner`: an add_to_cart within this many days, no purchase after it.
  double cart_abandoner_days = 7;
  /// `high_value`: monetary at least this.
  double high_value_monetary = 1000;
  /// `loyal`: purchases in at least this many distinct calendar months.
  uint32_t loyal_months = 3;
  /// `bargain_hunter`: avg purchased price below this share of avg viewed price.
  double bargain_ratio = 0.7;
  /// `churn_risk`: days since last purchase above this many purchase cycles.
  double churn_cycle_factor = 2;
  /// `risky`: risk score at least this.
  double risky_score = 0.8;
};

/// Risk signals and the weights that combine them (docs/profiles.md, "Risk").
struct risk_config {
  /// A purchase this many standard deviations above the user's own mean is unusual.
  double amount_z = 3.0;
  /// ... once the user has at least this many earlier purchases.
  uint32_t amount_min_history = 3;
  /// A burst: this many events within burst_seconds.
  uint32_t burst_events = 30;
  int64_t burst_seconds = 60;
  /// Night: UTC hours in [night_start_hour, night_end_hour).
  int night_start_hour = 0;
  int night_end_hour = 5;
  /// `night_purchases`: at least this share of purchases at night ...
  double night_share = 0.5;
  /// ... among at least this many purchases.
  uint32_t night_min_purchases = 3;
  /// `refunds`: refunds / purchases at least this, with at least refund_min refunds.
  double refund_ratio = 0.3;
  uint32_t refund_min = 2;
  /// Event-driven flags (unusual_amount, burst, new_device, new_geo) stay on
  /// this long after the event that raised them.
  int64_t flag_ttl_ms = ms_per_day;
  /// Weights w of the noisy-or score 1 - prod(1 - w) over raised flags.
  double weight_unusual_amount = 0.6;
  double weight_burst = 0.5;
  double weight_night_purchases = 0.3;
  double weight_new_device = 0.3;
  double weight_new_geo = 0.3;
  double weight_refunds = 0.5;
};

/// Caps on every per-user collection (docs/profiles.md, "Memory").
struct profile_caps {
  /// Category and brand affinity entries kept per profile (each).
  size_t affinity_entries = 16;
  /// Distinct recent items kept, newest first.
  size_t recent_items = 20;
  /// Recent event ids remembered for duplicate detection.
  size_t event_ids = 32;
  /// Known devices and known geos (each) for the new-device/new-geo signals.
  size_t known_contexts = 8;
  /// Attributes per profile.
  size_t attributes = 64;
  /// Distinct purchase months remembered for `loyal`.
  size_t purchase_months = 24;
};

struct profile_config {
  /// Affinity half-life: an interaction's weight halves after this long.
  int64_t affinity_half_life_ms = 7 * ms_per_day;
  /// Affinity weight of each event type, in event_type order. A rating adds
  /// its weight scaled by value / 5.
  std::array<double, event_type_count> affinity_weights = {
      1.0,  // view
      2.0,  // click
      4.0,  // add_to_cart
      0.0,  // remove_from_cart
      8.0,  // purchase
      4.0,  // rating (x value / 5)
      1.0,  // search (when it names a category)
      0.0,  // login
      0.0,  // refund
  };
  /// Without a session id, a gap longer than this starts a new session.
  int64_t session_gap_ms = 30 * ms_per_minute;
  /// Purchases closer than this belong to one purchase occasion (one basket)
  /// for the purchase cycle.
  int64_t purchase_occasion_gap_ms = ms_per_hour;
  tag_thresholds tags;
  risk_config risk;
  profile_caps caps;
};

}  // namespace persona
