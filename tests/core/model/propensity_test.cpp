// The purchase propensity model and the other predictions: logistic
// regression converging on separable data, examples labelled from the
// stream, churn risk and the next purchase from the user's own cycle.
#include <catch2/catch.hpp>
#include <random>

#include "core/model/online_logistic.hpp"
#include "core/model/predictions.hpp"
#include "core/model/propensity_labeller.hpp"
#include "core/profile/profile.hpp"
#include "model_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("online_logistic converges on separable data") {
  online_logistic lr(2, 0.5, 0);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int i = 0; i < 20000; ++i) {
    float x[2] = {u(rng), u(rng)};
    lr.update(x, x[0] + 0.5f * x[1] > 0.2f ? 1.0f : 0.0f);
  }
  int right = 0;
  for (int i = 0; i < 1000; ++i) {
    float x[2] = {u(rng), u(rng)};
    bool truth = x[0] + 0.5f * x[1] > 0.2f;
    right += (lr.predict(x) > 0.5) == truth;
  }
  CHECK(right >= 980);
  float far_yes[2] = {1, 1}, far_no[2] = {-1, -1};
  CHECK(lr.predict(far_yes) > 0.95);
  CHECK(lr.predict(far_no) < 0.05);
  CHECK(lr.steps() == 20000);
  // The weights point the way of the boundary: w0 about twice w1.
  CHECK(lr.weights()[0] > lr.weights()[1]);
  CHECK(online_logistic::predict({}, far_yes) == 0.5);
}

namespace {

profile with_events(std::vector<std::pair<event_type, int64_t>> events) {
  profile p;
  profile_config cfg;
  for (auto& [type, ts] : events) {
    auto e = make_event("u", type, ts, "i1");
    if (type == event_type::purchase)
      e = with_price(e, 10);
    event_symbols syms;
    syms.item = 0;
    apply_event(p, e, syms, cfg);
  }
  return p;
}

/// Every event starts an example (for a user without one), probed at once.
labeller_options every_event_probed_at_once() {
  labeller_options o;
  o.sample_rate = 1;
  o.probe_spread_ms = 0;
  o.census_share = 0;
  return o;
}

}  // namespace

TEST_CASE("the labeller: positive on a purchase within a day of the probe, negative once the day passes") {
  propensity_labeller labels(every_event_probed_at_once());
  auto buyer = with_events({{event_type::view, t0}});
  auto idle = with_events({{event_type::view, t0}});
  auto lookup = [&](uint32_t slot) -> const profile* { return slot == 1 ? &buyer : &idle; };
  labels.observe(1, event_type::view, t0);
  labels.observe(2, event_type::view, t0);
  labels.advance(t0, 0, lookup);
  CHECK(labels.under_way() == 2);
  // Slot 1 buys 5 hours later; slot 2 never does.
  labels.observe(1, event_type::purchase, t0 + hours(5));
  REQUIRE(labels.ready_count() == 1);
  CHECK(labels.ready()[0].label == 1.0f);
  labels.advance(t0 + hours(23), 0, lookup);
  CHECK(labels.ready_count() == 1);
  labels.advance(t0 + hours(25), 0, lookup);
  REQUIRE(labels.ready_count() == 2);
  CHECK(labels.ready()[1].label == 0.0f);
  // A purchase past the horizon does not make a positive (slot 1's
  // purchase started its next example, labelled negative meanwhile).
  labels.observe(3, event_type::view, t0 + days(2));
  labels.advance(t0 + days(2), 0, lookup);
  labels.ready().clear();
  labels.observe(3, event_type::purchase, t0 + days(4));
  CHECK(labels.ready().empty());
}

TEST_CASE("the labeller's census probes a share of all profiles, busy or idle, as event time passes") {
  labeller_options o;
  o.sample_rate = 0;  // no event starts an example: only the census
  o.census_share = 0.5;
  o.census_interval_ms = hours(6);
  propensity_labeller labels(o);
  // Ten users last seen at t0, who all buy at t0 + 8 h.
  std::vector<profile> users(10, with_events({{event_type::view, t0}}));
  auto lookup = [&](uint32_t slot) -> const profile* { return slot < users.size() ? &users[slot] : nullptr; };
  labels.advance(t0, 10, lookup);  // the census starts counting here
  CHECK(labels.under_way() == 0);
  labels.advance(t0 + hours(3), 10, lookup);
  // Half an interval: 2.5 draws owed, 2 taken (with repeats: 1 or 2 users).
  size_t first = labels.under_way();
  CHECK(first >= 1);
  CHECK(first <= 2);
  labels.advance(t0 + hours(6), 10, lookup);  // 2.5 more: 3 taken
  size_t probed = labels.under_way();
  CHECK(probed > first);
  CHECK(probed <= 5);
  for (uint32_t slot = 0; slot < 10; ++slot)
    labels.observe(slot, event_type::purchase, t0 + hours(8));
  REQUIRE(labels.ready_count() == probed);  // every probed user bought within the day
  for (auto& ex : labels.ready()) {
    CHECK(ex.label == 1.0f);
    // Their features as of their probe, 3 or 6 idle hours after their view.
    bool three = ex.x[9] == Approx(std::log1p(3.0));
    bool six = ex.x[9] == Approx(std::log1p(6.0));
    CHECK((three || six));
  }
  labels.ready().clear();
  // Event time jumps ten days: one interval's draws (5) stand for the forty missed.
  labels.advance(t0 + days(10), 10, lookup);
  CHECK(labels.under_way() >= 1);
  CHECK(labels.under_way() <= 5);
}

TEST_CASE("the labeller: a forgotten slot's example is gone, and its next purchase labels nothing") {
  propensity_labeller labels(every_event_probed_at_once());
  auto buyer = with_events({{event_type::view, t0}});
  auto lookup = [&](uint32_t) -> const profile* { return &buyer; };
  labels.observe(100000, event_type::view, t0);  // a slot past any earlier one
  labels.advance(t0, 0, lookup);
  REQUIRE(labels.under_way() == 1);
  labels.forget(100000);
  CHECK(labels.under_way() == 0);
  labels.forget(7);  // never had an example
  labels.forget(5000000);
  // The purchase starts a new example (every event is sampled here) but
  // labels none: the probed one was forgotten.
  labels.observe(100000, event_type::purchase, t0 + hours(1));
  CHECK(labels.ready_count() == 0);
  CHECK(labels.under_way() == 1);
  labels.advance(t0 + hours(1), 0, lookup);
  labels.observe(100000, event_type::purchase, t0 + hours(2));
  REQUIRE(labels.ready_count() == 1);
  CHECK(labels.ready()[0].label == 1.0f);
}

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

TEST_CASE("the item model replays kept propensity examples: the same examples teach it more") {
  auto learn = [](uint32_t replay_steps) {
    model_fixture f;
    f.cfg.propensity_replay_steps = replay_steps;
    f.reset();
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<float> u(-1, 1);
    for (int i = 0; i < 300; ++i) {
      labelled_example ex;
      ex.x[0] = u(rng);
      ex.label = ex.x[0] > 0 ? 1.0f : 0.0f;
      f.batch.examples.push_back(ex);
    }
    return f.publish();
  };
  auto plain = learn(0);
  auto replayed = learn(3);
  // Examples count once, however often they are replayed.
  CHECK(plain->propensity_examples == 300);
  CHECK(replayed->propensity_examples == 300);
  REQUIRE(plain->propensity);
  REQUIRE(replayed->propensity);
  feature_vector yes{}, no{};
  yes[0] = 1;
  no[0] = -1;
  double plain_gap = plain->propensity->predict(yes) - plain->propensity->predict(no);
  double replayed_gap = replayed->propensity->predict(yes) - replayed->propensity->predict(no);
  CHECK(plain_gap > 0);
  CHECK(replayed_gap > plain_gap + 0.05);
}
