// purchase_stats: what a user's purchases, refunds and viewed prices add up
// to: RFM, purchase cycle, price statistics and the distinct purchase months
// behind the `loyal` tag. Part of a profile; formulas in docs/profiles.md.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace persona {

class purchase_stats {
 public:
  /// A purchase of `quantity` units at unit `price` (nullopt: unknown price).
  void add_purchase(int64_t ts_ms, std::optional<double> price, int64_t quantity, int64_t occasion_gap_ms,
                    size_t month_cap);
  /// A refund of `amount`.
  void add_refund(double amount);
  /// A view of an item priced `price`.
  void add_view_price(double price);

  uint32_t purchases() const { return purchases_; }
  uint32_t refunds() const { return refunds_; }
  /// Gross purchase amount minus refunded amount, never below 0.
  double monetary() const;
  /// Gross purchase amount / number of purchases; nullopt without purchases.
  std::optional<double> avg_order_value() const;
  /// Days from the last purchase to `now_ms`; nullopt without purchases.
  std::optional<double> recency_days(int64_t now_ms) const;
  /// Mean days between purchase occasions; nullopt with fewer than two.
  std::optional<double> cycle_days() const;
  std::optional<double> avg_viewed_price() const;
  std::optional<double> avg_purchased_price() const;
  /// Distinct calendar months (UTC) with a purchase, up to the cap.
  uint32_t distinct_months() const { return static_cast<uint32_t>(months_.size()); }
  int64_t last_purchase_ms() const { return last_purchase_ms_; }

  void merge(const purchase_stats& other, size_t month_cap);

  // Raw fields, for the profile codec. What a view touches comes first: a
  // profile's cache lines are prefetched from its start (profile.hpp).
  double viewed_price_sum_ = 0;
  uint32_t viewed_price_n_ = 0;
  uint32_t purchases_ = 0;
  uint32_t refunds_ = 0;
  uint32_t occasions_ = 0;
  double gross_ = 0;
  double refunded_ = 0;
  int64_t last_purchase_ms_ = -1;
  int64_t first_occasion_ms_ = -1;
  int64_t last_occasion_ms_ = -1;
  double purchased_price_sum_ = 0;
  uint32_t purchased_price_n_ = 0;
  std::vector<uint16_t> months_;  // sorted months since 1970-01

  size_t heap_bytes() const { return months_.capacity() * sizeof(uint16_t); }
};

/// Months since January 1970 (UTC) of a time in ms.
uint16_t month_index(int64_t ts_ms);

}  // namespace persona
