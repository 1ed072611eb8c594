#include <catch2/catch.hpp>

#include "core/profile/tags.hpp"
#include "core/store/profile_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// A store holding one user, "u", fed the given events.
struct one_user {
  profile_config cfg;
  profile_store store{cfg};
  void feed(std::vector<event> events) {
    std::vector<uint32_t> idx(events.size());
    store.apply(events, idx);
  }
  bool has(tag t, int64_t now) const {
    return compute_tags(*store.find("u"), now, store.config()) & tag_bit(t);
  }
};

}  // namespace

TEST_CASE("new, active and dormant follow event time") {
  one_user u;
  u.feed({make_event("u", event_type::view, t0, "i1")});
  CHECK(u.has(tag::new_user, t0 + days(7)));
  CHECK_FALSE(u.has(tag::new_user, t0 + days(7) + 1));
  CHECK(u.has(tag::active, t0 + days(7)));
  CHECK_FALSE(u.has(tag::active, t0 + days(7) + 1));
  CHECK_FALSE(u.has(tag::dormant, t0 + days(30) - 1));
  CHECK(u.has(tag::dormant, t0 + days(30)));
  u.feed({make_event("u", event_type::view, t0 + days(40), "i1")});
  CHECK(u.has(tag::active, t0 + days(40)));
  CHECK_FALSE(u.has(tag::dormant, t0 + days(40)));
  CHECK_FALSE(u.has(tag::new_user, t0 + days(40)));
}

TEST_CASE("window_shopper needs 20 views in 30 days and no purchase") {
  one_user u;
  std::vector<event> views;
  for (int i = 0; i < 19; ++i)
    views.push_back(make_event("u", event_type::view, t0 + hours(i), "i1"));
  u.feed(views);
  auto now = t0 + hours(20);
  CHECK_FALSE(u.has(tag::window_shopper, now));
  u.feed({make_event("u", event_type::view, now, "i1")});
  CHECK(u.has(tag::window_shopper, now));
  u.feed({with_price(make_event("u", event_type::purchase, now, "i1"), 5)});
  CHECK_FALSE(u.has(tag::window_shopper, now));
}

TEST_CASE("cart_abandoner: a recent add_to_cart with no purchase after it") {
  one_user u;
  u.feed({make_event("u", event_type::add_to_cart, t0, "i1")});
  CHECK(u.has(tag::cart_abandoner, t0 + days(7)));
  CHECK_FALSE(u.has(tag::cart_abandoner, t0 + days(7) + 1));
  u.feed({with_price(make_event("u", event_type::purchase, t0 + hours(1), "i1"), 5)});
  CHECK_FALSE(u.has(tag::cart_abandoner, t0 + hours(2)));
  u.feed({make_event("u", event_type::add_to_cart, t0 + hours(3), "i2")});
  CHECK(u.has(tag::cart_abandoner, t0 + hours(4)));
}

TEST_CASE("high_value at the monetary threshold") {
  one_user u;
  u.feed({with_price(make_event("u", event_type::purchase, t0, "i1"), 999.99)});
  CHECK_FALSE(u.has(tag::high_value, t0));
  u.feed({with_price(make_event("u", event_type::purchase, t0 + 1, "i1"), 0.01)});
  CHECK(u.has(tag::high_value, t0));
}

TEST_CASE("loyal after purchases in three distinct months") {
  one_user u;
  u.feed({with_price(make_event("u", event_type::purchase, t0, "i1"), 1),
          with_price(make_event("u", event_type::purchase, t0 + days(35), "i1"), 1)});
  CHECK_FALSE(u.has(tag::loyal, t0 + days(35)));
  u.feed({with_price(make_event("u", event_type::purchase, t0 + days(65), "i1"), 1)});
  CHECK(u.has(tag::loyal, t0 + days(65)));
}

TEST_CASE("bargain_hunter buys below 0.7 of what it views") {
  one_user u;
  u.feed({with_price(make_event("u", event_type::view, t0, "i1"), 100)});
  u.feed({with_price(make_event("u", event_type::purchase, t0 + 1, "i2"), 70)});
  CHECK_FALSE(u.has(tag::bargain_hunter, t0 + 1));  // 70 is not below 0.7 x 100
  u.feed({with_price(make_event("u", event_type::purchase, t0 + 2, "i3"), 60)});
  CHECK(u.has(tag::bargain_hunter, t0 + 2));  // 65 < 70
}

TEST_CASE("churn_risk when the last purchase is over two cycles ago") {
  one_user u;
  u.feed({with_price(make_event("u", event_type::purchase, t0, "i1"), 1),
          with_price(make_event("u", event_type::purchase, t0 + days(10), "i1"), 1)});
  CHECK_FALSE(u.has(tag::churn_risk, t0 + days(30)));  // 20 days = exactly 2 cycles
  CHECK(u.has(tag::churn_risk, t0 + days(30) + hours(1)));
}

TEST_CASE("risky at a risk score of 0.8") {
  one_user u;
  // Establish history: three ordinary purchases on one device and geo.
  for (int i = 0; i < 3; ++i) {
    auto e = with_price(make_event("u", event_type::purchase, t0 + days(i) + hours(12), "i1"), 20);
    e.device = "phone";
    e.geo = "DE";
    u.feed({e});
  }
  auto now = t0 + days(5) + hours(12);
  auto odd = with_price(make_event("u", event_type::purchase, now, "i9"), 900);
  odd.device = "laptop";
  u.feed({odd});
  // unusual_amount (0.6) and new_device (0.3): 1 - 0.4 x 0.7 = 0.72
  CHECK(risk_score(*u.store.find("u"), now, u.cfg) == Approx(0.72));
  CHECK_FALSE(u.has(tag::risky, now));
  auto odder = make_event("u", event_type::login, now + 1);
  odder.geo = "BR";
  u.feed({odder});
  // + new_geo (0.3): 1 - 0.4 x 0.7 x 0.7 = 0.804
  CHECK(risk_score(*u.store.find("u"), now + 1, u.cfg) == Approx(0.804));
  CHECK(u.has(tag::risky, now + 1));
  // Event-driven flags fade after a day.
  CHECK_FALSE(u.has(tag::risky, now + days(2)));
}
