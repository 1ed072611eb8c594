// shopper: one simulated user: how active (heavy-tailed), what they like
// (favourite categories with weights, favourite brands), whether they
// re-buy a staple on a cycle, and whether they are one of the few labelled
// anomalous users. Plain data owned by shop_simulation.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>

#include "tools/loadgen/shop_catalog.hpp"
#include "tools/loadgen/sim_event.hpp"

namespace persona::loadgen {

/// The labelled kinds of anomalous users, each aimed at one risk flag.
enum class anomaly_kind : uint8_t {
  none,
  burst,            // bursts of 40 to 80 events a minute -> burst
  night_purchases,  // shops and buys between 00:00 and 05:00 UTC -> night_purchases
  unusual_amount,   // after a few normal orders, orders of 20 to 40 units -> unusual_amount
  new_devices,      // a new device and geo every session -> new_device, new_geo
  refunds,          // refunds most orders -> refunds
};
constexpr size_t anomaly_kind_count = 6;

const char* to_string(anomaly_kind k);
/// The risk flag a kind is expected to raise ("" for none).
const char* expected_flag(anomaly_kind k);

struct shopper {
  /// Relative session rate (Pareto, mean about 1).
  double activity = 1;
  std::array<uint32_t, 3> categories{};
  std::array<float, 3> category_weights{};
  std::array<uint32_t, 2> brands{};
  /// The item re-bought every `cycle_days`, when cycle_days > 0.
  uint32_t staple = no_item;
  float cycle_days = 0;
  uint16_t geo = 0;
  anomaly_kind anomaly = anomaly_kind::none;
  /// Purchases so far, and the newest purchased item (for ratings, refunds).
  uint16_t purchases = 0;
  uint32_t last_purchase = no_item;
  uint8_t last_quantity = 1;
  bool rating_due = false;
  bool refund_due = false;
  uint32_t sessions = 0;
  /// The open purchase mission: its category, and the visits still to come
  /// (0: no mission open).
  uint32_t mission_category = 0;
  uint8_t mission_visits_left = 0;

  /// A new shopper with tastes drawn from `catalog`.
  static shopper make(const shop_catalog& catalog, double pareto_alpha, std::mt19937_64& rng);
};

}  // namespace persona::loadgen
