#include <catch2/catch.hpp>
#include <string>

#include "core/model/predictions.hpp"
#include "core/profile/profile.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("features are read at the probe's moment: activity windows and recency") {
  auto p = with_events({{event_type::view, t0}, {event_type::add_to_cart, t0 + minutes(1)}});
  auto now = propensity_features(p, t0 + minutes(2));
  auto later = propensity_features(p, t0 + days(3));
  CHECK(now[1] > 0);  // views_24h
  CHECK(later[1] == 0);
  CHECK(now[8] == 1);        // open_cart
  CHECK(later[9] > now[9]);  // hours since the last event
  for (size_t i = 0; i < propensity_feature_count; ++i)
    CHECK(std::string(propensity_feature_name(i)).size() > 0);
}

TEST_CASE("churn risk is 0.5 at two purchase cycles, next purchase counts down the cycle") {
  profile_config cfg;
  auto p = with_events({{event_type::purchase, t0}, {event_type::purchase, t0 + days(10)}});
  CHECK(churn_risk(p, t0 + days(10), cfg) == Approx(0.0));
  CHECK(churn_risk(p, t0 + days(30), cfg) == Approx(0.5));
  CHECK(churn_risk(p, t0 + days(60), cfg) > 0.9);
  CHECK(*next_purchase_days(p, t0 + days(14)) == Approx(6));
  CHECK(*next_purchase_days(p, t0 + days(40)) == 0);
  auto once = with_events({{event_type::view, t0}});
  CHECK_FALSE(next_purchase_days(once, t0));
  CHECK(churn_risk(once, t0 + days(30), cfg) == Approx(0.5));
}
