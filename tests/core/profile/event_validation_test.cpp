#include <catch2/catch.hpp>

#include "core/profile/event_validation.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

std::string code_of(const event& e) {
  auto r = validate_event(e);
  return r ? r->code : "ok";
}

std::string message_of(const event& e) {
  auto r = validate_event(e);
  return r ? r->message : "";
}

}  // namespace

TEST_CASE("a well-formed event passes") {
  CHECK(code_of(make_event("u1", event_type::view, t0, "i1")) == "ok");
  CHECK(code_of(make_event("u1", event_type::login, t0)) == "ok");
  CHECK(code_of(make_event("u1", event_type::search, t0)) == "ok");
}

TEST_CASE("each broken rule has its own code and names its key") {
  SECTION("user") {
    auto e = make_event("", event_type::view, t0, "i1");
    CHECK(code_of(e) == "bad_user");
    e.user = std::string(257, 'x');
    CHECK(code_of(e) == "bad_user");
    event missing = make_event("u", event_type::view, t0, "i1");
    missing.present &= ~key_bit(event_key::user);
    CHECK(code_of(missing) == "bad_user");
    CHECK(message_of(missing).find("user") != std::string::npos);
  }
  SECTION("type") {
    auto e = make_event("u1", event_type::invalid, t0, "i1");
    CHECK(code_of(e) == "bad_type");
    CHECK(message_of(e).find("type") != std::string::npos);
  }
  SECTION("ts") {
    CHECK(code_of(make_event("u1", event_type::view, -1, "i1")) == "bad_ts");
    CHECK(code_of(make_event("u1", event_type::view, max_event_ts_ms + 1, "i1")) == "bad_ts");
    CHECK(code_of(make_event("u1", event_type::view, max_event_ts_ms, "i1")) == "ok");
    auto e = make_event("u1", event_type::view, t0, "i1");
    e.wrong_type |= key_bit(event_key::ts);
    CHECK(code_of(e) == "bad_ts");
  }
  SECTION("item is required for item events") {
    for (auto t : {event_type::view, event_type::click, event_type::add_to_cart, event_type::remove_from_cart,
                   event_type::purchase, event_type::rating, event_type::refund}) {
      auto e = make_event("u1", t, t0);
      CHECK(code_of(e) == "bad_item");
      CHECK(message_of(e).find(to_string(t)) != std::string::npos);
    }
  }
  SECTION("category") {
    auto e = with_category(make_event("u1", event_type::view, t0, "i1"), {""});
    CHECK(code_of(e) == "bad_category");
    e = with_category(make_event("u1", event_type::view, t0, "i1"), std::vector<std::string>(17, "c"));
    CHECK(code_of(e) == "bad_category");
  }
  SECTION("brand") {
    auto e = make_event("u1", event_type::view, t0, "i1");
    e.wrong_type |= key_bit(event_key::brand);
    e.mark(event_key::brand);
    CHECK(code_of(e) == "bad_brand");
  }
  SECTION("price") {
    CHECK(code_of(with_price(make_event("u1", event_type::purchase, t0, "i1"), -1)) == "bad_price");
    CHECK(code_of(with_price(make_event("u1", event_type::purchase, t0, "i1"), 0)) == "ok");
  }
  SECTION("quantity") {
    CHECK(code_of(with_price(make_event("u1", event_type::purchase, t0, "i1"), 5, 0)) == "bad_quantity");
  }
  SECTION("rating value") {
    auto e = make_event("u1", event_type::rating, t0, "i1");
    e.value = 5.5;
    CHECK(code_of(e) == "bad_value");
    e.present &= ~key_bit(event_key::value);
    CHECK(code_of(e) == "bad_value");
  }
  SECTION("search query") {
    auto e = make_event("u1", event_type::search, t0);
    e.present &= ~key_bit(event_key::query);
    CHECK(code_of(e) == "bad_query");
  }
  SECTION("session, context and id") {
    auto e = make_event("u1", event_type::view, t0, "i1");
    e.wrong_type |= key_bit(event_key::session);
    CHECK(code_of(e) == "bad_session");
    e = make_event("u1", event_type::view, t0, "i1");
    e.wrong_type |= key_bit(event_key::device);
    CHECK(code_of(e) == "bad_context");
    CHECK(message_of(e).find("device") != std::string::npos);
    e = make_event("u1", event_type::view, t0, "i1");
    e.id = "";
    e.mark(event_key::id);
    CHECK(code_of(e) == "bad_id");
  }
}
