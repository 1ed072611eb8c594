// The propensity labeller: examples started by sampled events and by the
// census of all profiles, labelled positive on a purchase within a day of
// their probe, negative once the day passes.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "core/model/propensity_labeller.hpp"
#include "core/profile/profile.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

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
