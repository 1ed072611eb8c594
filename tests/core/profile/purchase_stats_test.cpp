#include <catch2/catch.hpp>

#include "core/profile/purchase_stats.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("RFM adds up purchases and subtracts refunds") {
  purchase_stats p;
  CHECK_FALSE(p.recency_days(t0));
  CHECK_FALSE(p.avg_order_value());
  p.add_purchase(t0, 10.0, 3, hours(1), 24);
  p.add_purchase(t0 + days(2), 50.0, 1, hours(1), 24);
  CHECK(p.purchases() == 2);
  CHECK(p.monetary() == Approx(80.0));
  CHECK(*p.avg_order_value() == Approx(40.0));
  CHECK(*p.recency_days(t0 + days(5)) == Approx(3.0));
  p.add_refund(50.0);
  CHECK(p.monetary() == Approx(30.0));
  p.add_refund(100.0);
  CHECK(p.monetary() == 0.0);
  CHECK(*p.avg_purchased_price() == Approx(30.0));
}

TEST_CASE("the purchase cycle is the mean gap between purchase occasions") {
  purchase_stats p;
  p.add_purchase(t0, 1.0, 1, hours(1), 24);
  CHECK_FALSE(p.cycle_days());
  // A basket: several lines within the occasion gap count once.
  p.add_purchase(t0 + minutes(5), 1.0, 1, hours(1), 24);
  p.add_purchase(t0 + days(10), 1.0, 1, hours(1), 24);
  p.add_purchase(t0 + days(20), 1.0, 1, hours(1), 24);
  p.add_purchase(t0 + days(30), 1.0, 1, hours(1), 24);
  REQUIRE(p.cycle_days());
  CHECK(*p.cycle_days() == Approx(10.0));
}

TEST_CASE("distinct purchase months are counted once each") {
  purchase_stats p;
  p.add_purchase(t0, 1.0, 1, hours(1), 24);
  p.add_purchase(t0 + days(3), 1.0, 1, hours(1), 24);
  CHECK(p.distinct_months() == 1);
  p.add_purchase(t0 + days(40), 1.0, 1, hours(1), 24);
  p.add_purchase(t0 + days(70), 1.0, 1, hours(1), 24);
  CHECK(p.distinct_months() == 3);
}

TEST_CASE("viewed and purchased prices are averaged separately") {
  purchase_stats p;
  CHECK_FALSE(p.avg_viewed_price());
  p.add_view_price(10);
  p.add_view_price(30);
  CHECK(*p.avg_viewed_price() == Approx(20));
  p.add_purchase(t0, std::nullopt, 1, hours(1), 24);  // price unknown
  CHECK_FALSE(p.avg_purchased_price());
  CHECK(p.monetary() == 0.0);
}
