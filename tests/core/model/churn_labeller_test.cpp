// The churn labeller: a census probes users at random moments; an example
// is labelled "kept" at a purchase within the horizon after its probe,
// "churned" once the horizon passes without one.
#include <catch2/catch.hpp>
#include <vector>

#include "core/model/churn_labeller.hpp"
#include "core/profile/profile.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// Every profile probed at the first census after the start.
churn_labeller_options everyone_probed() {
  churn_labeller_options o;
  o.horizon_ms = days(30);
  o.census_share = 1;
  o.census_interval_ms = days(1);
  return o;
}

}  // namespace

TEST_CASE("the churn labeller: kept on a purchase within the horizon, churned once it passes") {
  churn_labeller labels(everyone_probed(), 3);
  auto buyer = with_events({{event_type::purchase, t0}});
  auto gone = with_events({{event_type::purchase, t0}});
  std::vector<const profile*> slots{&buyer, &gone};
  auto lookup = [&](uint32_t slot) -> const profile* { return slot < slots.size() ? slots[slot] : nullptr; };
  labels.advance(t0, 2, lookup);  // the census starts counting
  CHECK(labels.under_way() == 0);
  // A day later the census owes a draw per profile: both get probed (a
  // draw that hits a probed slot again is lost, so advance a few days).
  for (int d = 1; d <= 5 && labels.under_way() < 2; ++d)
    labels.advance(t0 + days(d), 2, lookup);
  REQUIRE(labels.under_way() == 2);
  int64_t probed_by = t0 + days(5);
  // Slot 0 buys within the horizon: labelled kept at once.
  labels.observe(0, event_type::purchase, probed_by + days(10));
  REQUIRE(labels.ready_count() == 1);
  CHECK(labels.ready()[0].churned == 0.0f);
  CHECK(labels.ready()[0].x[0] == 1.0f);  // has_purchased at the probe
  labels.ready().clear();
  // A view is no purchase; slot 1 is labelled churned once 30 days passed.
  labels.observe(1, event_type::view, probed_by + days(12));
  CHECK(labels.ready_count() == 0);
  labels.advance(t0 + days(1) + days(29), 0, lookup);
  CHECK(labels.ready_count() == 0);
  labels.advance(probed_by + days(31), 0, lookup);
  REQUIRE(labels.ready_count() == 1);
  CHECK(labels.ready()[0].churned == 1.0f);
  CHECK(labels.under_way() == 0);
  // A purchase after the example ended labels nothing.
  labels.observe(1, event_type::purchase, probed_by + days(32));
  CHECK(labels.ready_count() == 1);
}

TEST_CASE("the churn labeller's census probes its share of profiles as event time passes") {
  churn_labeller_options o;
  o.census_share = 0.1;
  o.census_interval_ms = days(1);
  o.horizon_ms = days(30);
  churn_labeller labels(o, 5);
  auto someone = with_events({{event_type::purchase, t0}});
  auto lookup = [&](uint32_t) -> const profile* { return &someone; };
  labels.advance(t0, 1000, lookup);
  for (int h = 1; h <= 24; ++h)
    labels.advance(t0 + hours(h), 1000, lookup);
  // 10% of 1000 profiles a day, less the draws that hit a slot twice.
  CHECK(labels.under_way() > 90);
  CHECK(labels.under_way() <= 100);
  // Forgotten profiles take their examples with them.
  for (uint32_t s = 0; s < 1000; ++s)
    labels.forget(s);
  CHECK(labels.under_way() == 0);
}

TEST_CASE("the churn labeller keeps at most its capacity of examples under way") {
  churn_labeller_options o = everyone_probed();
  o.capacity = 10;
  churn_labeller labels(o);
  auto someone = with_events({{event_type::purchase, t0}});
  auto lookup = [&](uint32_t) -> const profile* { return &someone; };
  labels.advance(t0, 500, lookup);
  labels.advance(t0 + days(3), 500, lookup);
  CHECK(labels.under_way() == 10);
}
