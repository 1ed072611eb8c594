#include <catch2/catch.hpp>

#include "core/profile/purchase_stats.hpp"
#include "core/profile/risk_signals.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

uint32_t bit(risk_flag f) {
  return 1u << static_cast<unsigned>(f);
}

struct history {
  risk_config cfg;
  risk_signals risk;
  purchase_stats purchases;
  void purchase(int64_t ts, double amount) {
    risk.on_event(ts, "", "", cfg, 8);
    risk.on_purchase(ts, amount, cfg);
    purchases.add_purchase(ts, amount, 1, ms_per_hour, 24);
  }
  bool flagged(risk_flag f, int64_t now) const { return risk.flags(now, purchases, cfg) & bit(f); }
};

}  // namespace

TEST_CASE("unusual_amount: far above the user's own purchases") {
  history h;
  h.purchase(t0 + hours(12), 20);
  h.purchase(t0 + days(1) + hours(12), 22);
  h.purchase(t0 + days(2) + hours(12), 18);
  h.purchase(t0 + days(3) + hours(12), 25);  // ordinary
  CHECK_FALSE(h.flagged(risk_flag::unusual_amount, t0 + days(3) + hours(12)));
  auto big = t0 + days(4) + hours(12);
  h.purchase(big, 500);
  CHECK(h.flagged(risk_flag::unusual_amount, big));
  CHECK(h.flagged(risk_flag::unusual_amount, big + days(1)));
  CHECK_FALSE(h.flagged(risk_flag::unusual_amount, big + days(1) + 1));
}

TEST_CASE("unusual_amount needs some history first") {
  history h;
  h.purchase(t0 + hours(12), 20);
  h.purchase(t0 + hours(13), 5000);
  CHECK_FALSE(h.flagged(risk_flag::unusual_amount, t0 + hours(13)));
}

TEST_CASE("burst: 30 events within a minute") {
  history h;
  for (int i = 0; i < 29; ++i)
    h.risk.on_event(t0 + i * 1000, "", "", h.cfg, 8);
  CHECK_FALSE(h.flagged(risk_flag::burst, t0 + 29000));
  h.risk.on_event(t0 + 29000, "", "", h.cfg, 8);
  CHECK(h.flagged(risk_flag::burst, t0 + 29000));
  // Slow events never burst.
  history slow;
  for (int i = 0; i < 100; ++i)
    slow.risk.on_event(t0 + i * 3000, "", "", slow.cfg, 8);
  CHECK_FALSE(slow.flagged(risk_flag::burst, t0 + 300000));
}

TEST_CASE("night_purchases: half of at least three purchases at night") {
  history h;
  h.purchase(t0 + hours(2), 10);
  h.purchase(t0 + days(1) + hours(3), 10);
  CHECK_FALSE(h.flagged(risk_flag::night_purchases, t0 + days(2)));  // only two purchases
  h.purchase(t0 + days(2) + hours(14), 10);
  CHECK(h.flagged(risk_flag::night_purchases, t0 + days(3)));  // 2 of 3 at night
  h.purchase(t0 + days(3) + hours(14), 10);
  CHECK(h.flagged(risk_flag::night_purchases, t0 + days(4)));  // 2 of 4 = 0.5
  h.purchase(t0 + days(4) + hours(14), 10);
  CHECK_FALSE(h.flagged(risk_flag::night_purchases, t0 + days(5)));  // 2 of 5
}

TEST_CASE("new_device and new_geo on an established profile only") {
  history h;
  h.risk.on_event(t0, "phone", "DE", h.cfg, 8);
  CHECK_FALSE(h.flagged(risk_flag::new_device, t0));  // the first device is the baseline
  CHECK_FALSE(h.flagged(risk_flag::new_geo, t0));
  h.risk.on_event(t0 + hours(1), "phone", "FR", h.cfg, 8);
  CHECK_FALSE(h.flagged(risk_flag::new_device, t0 + hours(1)));
  CHECK(h.flagged(risk_flag::new_geo, t0 + hours(1)));
  h.risk.on_event(t0 + hours(2), "tablet", "FR", h.cfg, 8);
  CHECK(h.flagged(risk_flag::new_device, t0 + hours(2)));
}

TEST_CASE("refunds: a refund ratio of 0.3 with at least two refunds") {
  history h;
  for (int i = 0; i < 6; ++i)
    h.purchase(t0 + days(i) + hours(12), 10);
  h.purchases.add_refund(10);
  CHECK_FALSE(h.flagged(risk_flag::refunds, t0 + days(7)));
  h.purchases.add_refund(10);
  CHECK(h.flagged(risk_flag::refunds, t0 + days(7)));  // 2 / 6 = 0.33
}

TEST_CASE("the score is the noisy-or of the raised flags' weights") {
  risk_config cfg;
  CHECK(risk_signals::score(0, cfg) == 0.0);
  CHECK(risk_signals::score(bit(risk_flag::burst), cfg) == Approx(0.5));
  CHECK(risk_signals::score(bit(risk_flag::burst) | bit(risk_flag::refunds), cfg) == Approx(0.75));
  uint32_t all = (1u << risk_flag_count) - 1;
  double s = risk_signals::score(all, cfg);
  CHECK(s > 0.95);
  CHECK(s <= 1.0);
}
