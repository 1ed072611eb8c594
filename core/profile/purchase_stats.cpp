#include "core/profile/purchase_stats.hpp"

#include <algorithm>
#include <ctime>

#include "core/profile/profile_config.hpp"

namespace persona {

uint16_t month_index(int64_t ts_ms) {
  std::time_t secs = static_cast<std::time_t>(ts_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return static_cast<uint16_t>((tm.tm_year - 70) * 12 + tm.tm_mon);
}

void purchase_stats::add_purchase(int64_t ts_ms, std::optional<double> price, int64_t quantity,
                                  int64_t occasion_gap_ms, size_t month_cap) {
  ++purchases_;
  if (price) {
    gross_ += *price * static_cast<double>(quantity);
    purchased_price_sum_ += *price;
    ++purchased_price_n_;
  }
  last_purchase_ms_ = std::max(last_purchase_ms_, ts_ms);
  // Purchase occasions: purchases closer than the gap form one occasion.
  if (occasions_ == 0) {
    first_occasion_ms_ = last_occasion_ms_ = ts_ms;
    occasions_ = 1;
  } else if (ts_ms > last_occasion_ms_ + occasion_gap_ms) {
    last_occasion_ms_ = ts_ms;
    ++occasions_;
  } else if (ts_ms < first_occasion_ms_ - occasion_gap_ms) {
    first_occasion_ms_ = ts_ms;
    ++occasions_;
  }
  auto m = month_index(ts_ms);
  auto it = std::lower_bound(months_.begin(), months_.end(), m);
  if ((it == months_.end() || *it != m) && months_.size() < month_cap)
    months_.insert(it, m);
}

void purchase_stats::add_refund(double amount) {
  ++refunds_;
  refunded_ += amount;
}

void purchase_stats::add_view_price(double price) {
  viewed_price_sum_ += price;
  ++viewed_price_n_;
}

double purchase_stats::monetary() const {
  return std::max(0.0, gross_ - refunded_);
}

std::optional<double> purchase_stats::avg_order_value() const {
  if (purchases_ == 0)
    return std::nullopt;
  return gross_ / purchases_;
}

std::optional<double> purchase_stats::recency_days(int64_t now_ms) const {
  if (purchases_ == 0)
    return std::nullopt;
  return std::max<double>(0.0, static_cast<double>(now_ms - last_purchase_ms_) / ms_per_day);
}

std::optional<double> purchase_stats::cycle_days() const {
  if (occasions_ < 2)
    return std::nullopt;
  return static_cast<double>(last_occasion_ms_ - first_occasion_ms_) / ms_per_day / (occasions_ - 1);
}

std::optional<double> purchase_stats::avg_viewed_price() const {
  if (viewed_price_n_ == 0)
    return std::nullopt;
  return viewed_price_sum_ / viewed_price_n_;
}

std::optional<double> purchase_stats::avg_purchased_price() const {
  if (purchased_price_n_ == 0)
    return std::nullopt;
  return purchased_price_sum_ / purchased_price_n_;
}

void purchase_stats::merge(const purchase_stats& o, size_t month_cap) {
  purchases_ += o.purchases_;
  refunds_ += o.refunds_;
  gross_ += o.gross_;
  refunded_ += o.refunded_;
  last_purchase_ms_ = std::max(last_purchase_ms_, o.last_purchase_ms_);
  if (o.occasions_ > 0) {
    if (occasions_ == 0) {
      first_occasion_ms_ = o.first_occasion_ms_;
      last_occasion_ms_ = o.last_occasion_ms_;
    } else {
      first_occasion_ms_ = std::min(first_occasion_ms_, o.first_occasion_ms_);
      last_occasion_ms_ = std::max(last_occasion_ms_, o.last_occasion_ms_);
    }
    occasions_ += o.occasions_;
  }
  viewed_price_sum_ += o.viewed_price_sum_;
  viewed_price_n_ += o.viewed_price_n_;
  purchased_price_sum_ += o.purchased_price_sum_;
  purchased_price_n_ += o.purchased_price_n_;
  std::vector<uint16_t> months;
  std::set_union(months_.begin(), months_.end(), o.months_.begin(), o.months_.end(),
                 std::back_inserter(months));
  if (months.size() > month_cap)
    months.resize(month_cap);
  months_ = std::move(months);
}

}  // namespace persona
