#include <catch2/catch.hpp>
#include <cmath>

#include "core/profile/event_limits.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("a price over --max-price is rejected as bad_price, saying the limit") {
  event_limits limits;
  limits.max_price = 1000;
  auto at_limit = with_price(make_event("u", event_type::purchase, t0, "i"), 1000);
  CHECK_FALSE(check_limits(at_limit, limits));
  auto over = with_price(make_event("u", event_type::purchase, t0, "i"), 1000.5);
  auto r = check_limits(over, limits);
  REQUIRE(r);
  CHECK(r->code == "bad_price");
  CHECK(r->message ==
        "price 1000.5 is over the node's limit of 1000 (--max-price); the event changed nothing");
  SECTION("on any event that carries a price, a view too") {
    auto view = with_price(make_event("u", event_type::view, t0, "i"), 5e12);
    REQUIRE(check_limits(view, limits));
    CHECK(check_limits(view, limits)->code == "bad_price");
  }
}

TEST_CASE("a quantity over --max-quantity is rejected as bad_quantity") {
  event_limits limits;
  limits.max_quantity = 50;
  CHECK_FALSE(check_limits(with_price(make_event("u", event_type::purchase, t0, "i"), 3, 50), limits));
  auto r = check_limits(with_price(make_event("u", event_type::refund, t0, "i"), 3, 51), limits);
  REQUIRE(r);
  CHECK(r->code == "bad_quantity");
  CHECK(r->message ==
        "quantity 51 is over the node's limit of 50 (--max-quantity); the event changed nothing");
}

TEST_CASE("the default limits let ordinary amounts through and stop absurd ones") {
  event_limits limits;
  CHECK_FALSE(
      check_limits(with_price(make_event("u", event_type::purchase, t0, "i"), 999999999, 1000000), limits));
  CHECK(check_limits(with_price(make_event("u", event_type::purchase, t0, "i"), 1e10), limits));
  CHECK(check_limits(with_price(make_event("u", event_type::purchase, t0, "i"), 1, 1000001), limits));
  CHECK_FALSE(check_limits(make_event("u", event_type::login, t0), limits));
}

TEST_CASE("an item's price over the limit is rejected, and an item without a price is not") {
  event_limits limits;
  limits.max_price = 10;
  CHECK_FALSE(check_item_price(std::nan(""), limits));
  CHECK_FALSE(check_item_price(10, limits));
  REQUIRE(check_item_price(11, limits));
  CHECK(check_item_price(11, limits)->code == "bad_price");
}

TEST_CASE("purchases and refunds need a price, other types do not") {
  CHECK(needs_price(event_type::purchase));
  CHECK(needs_price(event_type::refund));
  for (auto t : {event_type::view, event_type::click, event_type::add_to_cart, event_type::remove_from_cart,
                 event_type::rating, event_type::search, event_type::login})
    CHECK_FALSE(needs_price(t));
  auto r = missing_price(make_event("u", event_type::refund, t0, "sku-9"));
  CHECK(r.code == "bad_price");
  CHECK(
      r.message ==
      "a refund needs a price: send price, or upsert item 'sku-9' with one first; the event changed nothing");
}
