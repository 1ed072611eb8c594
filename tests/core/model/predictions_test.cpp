#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "core/model/churn_features.hpp"
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

TEST_CASE("churn risk reads the learnt model once it has learnt enough, the recency rule before") {
  profile_config cfg;
  auto p = with_events({{event_type::purchase, t0}, {event_type::purchase, t0 + days(10)}});
  churn_scorer model;
  model.weights.assign(churn_feature_count + 1, 0.0);
  model.weights.back() = 2.0;  // an intercept alone: P = 1 / (1 + e^-2)
  model.min_examples = 100;
  model.examples = 99;
  CHECK(churn_risk(p, t0 + days(30), cfg, &model) == Approx(0.5));  // the rule
  model.examples = 100;
  CHECK(churn_risk(p, t0 + days(30), cfg, &model) == Approx(1 / (1 + std::exp(-2.0))));
  CHECK(churn_risk_rule(p, t0 + days(30), cfg) == Approx(0.5));
}

TEST_CASE("next purchase blends the user's gaps with the shop's: no gap, one gap, many gaps") {
  churn_scorer shop;
  shop.shop_gap_days = 10;
  shop.prior_gaps = 3;
  double ln2 = std::log(2.0);
  SECTION("no purchase: nothing to say") {
    auto viewer = with_events({{event_type::view, t0}});
    CHECK_FALSE(next_purchase_days(viewer, t0 + days(1), &shop));
  }
  SECTION("one purchase, no gap: the shop's gap, stretched by the time since") {
    auto once = with_events({{event_type::purchase, t0}});
    CHECK(*next_purchase_days(once, t0, &shop) == Approx(ln2 * 10));
    CHECK(*next_purchase_days(once, t0 + days(6), &shop) == Approx(ln2 * (6 + 30) / 3));
    CHECK_FALSE(next_purchase_days(once, t0));  // no shop gap: the cycle rule needs two
  }
  SECTION("one gap: a quarter the user's, three quarters the shop's") {
    auto twice = with_events({{event_type::purchase, t0}, {event_type::purchase, t0 + days(2)}});
    CHECK(*next_purchase_days(twice, t0 + days(2), &shop) == Approx(ln2 * (2 + 30) / 4));
  }
  SECTION("many gaps: the user's own rhythm") {
    std::vector<std::pair<event_type, int64_t>> weekly;
    for (int w = 0; w <= 100; ++w)
      weekly.push_back({event_type::purchase, t0 + days(7 * w)});
    auto regular = with_events(weekly);
    double wait = *next_purchase_days(regular, t0 + days(700), &shop);
    CHECK(wait == Approx(ln2 * (700 + 30) / 103));
    CHECK(std::abs(wait - ln2 * 7) < 0.2);
  }
  SECTION("no prior weight and no gap: the cycle rule") {
    shop.prior_gaps = 0;
    auto once = with_events({{event_type::purchase, t0}});
    CHECK_FALSE(next_purchase_days(once, t0 + days(1), &shop));
  }
  CHECK_FALSE(blended_wait_days(5, 0, 10, 0));
  CHECK(*blended_wait_days(20, 2, 10, 3) == Approx(ln2 * 50 / 5));
}

TEST_CASE("churn features read recency, frequency and gaps at the moment asked") {
  auto p = with_events({{event_type::purchase, t0}, {event_type::purchase, t0 + days(10)}});
  auto soon = churn_features(p, t0 + days(11));
  auto late = churn_features(p, t0 + days(60));
  CHECK(soon[0] == 1);                         // has_purchased
  CHECK(late[1] > soon[1]);                    // days since purchase
  CHECK(soon[5] == 1);                         // has_gap
  CHECK(soon[4] == Approx(std::log1p(10.0)));  // mean gap
  CHECK(late[6] == Approx(5));                 // recency / gap, capped
  CHECK(soon[10] > 0);                         // purchases in 30 days
  CHECK(late[10] == 0);
  CHECK(purchase_gaps(p) == 1);
  CHECK(purchase_span_days(p) == Approx(10));
  for (size_t i = 0; i < churn_feature_count; ++i)
    CHECK(std::string(churn_feature_name(i)).size() > 0);
  auto never = churn_features(with_events({{event_type::view, t0}}), t0 + days(1));
  CHECK(never[0] == 0);
  CHECK(never[12] > 0);  // days since the last event
}
