#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "core/profile/event.hpp"

using namespace persona;

TEST_CASE("event types and keys have their protocol names") {
  const char* types[] = {"view",   "click", "add_to_cart", "remove_from_cart", "purchase", "rating",
                         "search", "login", "refund"};
  for (size_t t = 0; t < event_type_count; ++t) {
    CHECK(to_string(static_cast<event_type>(t)) == std::string(types[t]));
    CHECK(event_type_from_string(types[t]) == static_cast<event_type>(t));
  }
  CHECK(std::string(to_string(event_type::invalid)) == "invalid");
  CHECK_FALSE(event_type_from_string("invalid"));
  CHECK_FALSE(event_type_from_string("View"));
  CHECK_FALSE(event_type_from_string(""));
  CHECK(std::string(to_string(event_key::quantity)) == "quantity");
  CHECK(std::string(to_string(event_key::id)) == "id");
  CHECK(std::string(to_string(event_key::category)) == "category");
}

TEST_CASE("every type that touches an item must name one") {
  for (auto t : {event_type::view, event_type::click, event_type::add_to_cart, event_type::remove_from_cart,
                 event_type::purchase, event_type::rating, event_type::refund})
    CHECK(requires_item(t));
  for (auto t : {event_type::search, event_type::login, event_type::invalid})
    CHECK_FALSE(requires_item(t));
}

TEST_CASE("an event marks the keys it has, and a price counts only when present and a number") {
  event e;
  CHECK(e.present == 0);
  CHECK_FALSE(e.has(event_key::price));
  CHECK_FALSE(e.has_price());
  e.price = 12;
  CHECK_FALSE(e.has_price());  // set but not marked
  e.mark(event_key::price);
  CHECK(e.has(event_key::price));
  CHECK(e.has_price());
  CHECK(e.present == key_bit(event_key::price));
  e.price = std::nan("");
  CHECK_FALSE(e.has_price());
  e.mark(event_key::user);
  CHECK(e.present == (key_bit(event_key::price) | key_bit(event_key::user)));
}
