// workload: a simple synthetic shop for the demo and the engine benchmark:
// users, a Zipf-popular item catalog with categories, brands and log-normal
// prices, and events in the mix 70% view, 15% click, 8% add_to_cart, 4%
// purchase, 3% search. Deterministic for a seed. Not thread-safe: one
// generator per thread.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/profile/event.hpp"
#include "core/util/value.hpp"
#include "core/util/weighted_sampler.hpp"

namespace persona {

struct workload_options {
  uint64_t users = 100000;
  uint64_t items = 100000;
  uint32_t categories = 50;
  uint32_t brands = 200;
  /// Zipf exponent of item popularity.
  double zipf_s = 1.0;
  /// Zipf exponent of user activity; 0 draws users uniformly (every event
  /// hits a random, usually cold, profile).
  double user_skew = 0.0;
  /// Event time of the first event, and mean ms between consecutive events.
  int64_t start_ms = 1767225600000;  // 2026-01-01T00:00:00Z
  int64_t step_ms = 10;
  uint64_t seed = 42;
};

class workload {
 public:
  explicit workload(workload_options o);

  /// The catalog as an upsert_items argument.
  value catalog() const;

  /// The next event, for a random user.
  event next();
  /// The next event for user number `u`.
  event next_for(uint64_t u);

  /// An event as the protocol's event map.
  static value to_value(const event& e);

  static std::string user_id(uint64_t u) { return "u" + std::to_string(u); }
  static std::string item_id(uint64_t i) { return "i" + std::to_string(i); }
  const workload_options& options() const { return opts_; }

 private:
  uint64_t zipf_item();
  uint64_t pick_user();

  workload_options opts_;
  std::mt19937_64 rng_;
  weighted_sampler items_by_popularity_;
  weighted_sampler users_by_activity_;  // empty when users are uniform
  std::vector<uint64_t> user_rank_;     // rank -> user, so activity is not ordered by id
  std::vector<uint32_t> item_category_;
  std::vector<uint32_t> item_brand_;
  std::vector<double> item_price_;
  int64_t clock_ms_;
};

}  // namespace persona
