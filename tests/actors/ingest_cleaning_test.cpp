// The engine's cleaning of ingest: prices and quantities past the node's
// limits, purchases without a price, and events without ids deduplicated by
// content; each rejected event changes nothing, and a replay of the WAL
// decides as the first run did.
#include <catch2/catch.hpp>

#include "actors/engine.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

std::vector<std::string> codes_of(const value& answer) {
  std::vector<std::string> out;
  for (auto& r : answer.find("rejected")->as_array())
    out.push_back(std::to_string(r.find("index")->as_int()) + ":" + r.find("code")->as_string());
  return out;
}

double monetary_of(engine& eng, const std::string& user) {
  auto p = eng.get_profile_sync(user);
  REQUIRE(p.ok());
  return p->find("rfm")->find("monetary")->as_double();
}

int64_t purchases_of(engine& eng, const std::string& user) {
  auto p = eng.get_profile_sync(user);
  REQUIRE(p.ok());
  return p->find("counts")->find("purchase")->as_int();
}

}  // namespace

TEST_CASE("absurd prices and quantities and purchases without a price are rejected, each with its code") {
  auto o = test_engine(2);
  o.limits.max_price = 1e6;
  o.limits.max_quantity = 100;
  engine eng(o);
  std::vector<event> batch = {
      with_price(make_event("ana", event_type::purchase, t0, "sku-1"), 25, 2),
      with_price(make_event("ana", event_type::purchase, t0 + 1, "sku-1"), 2e6),      // over max-price
      with_price(make_event("ana", event_type::purchase, t0 + 2, "sku-1"), 25, 101),  // over max-quantity
      with_price(make_event("ana", event_type::purchase, t0 + 3, "sku-1"), -25),      // negative
      with_price(make_event("ana", event_type::purchase, t0 + 4, "sku-1"), 25, 0),    // no units
      make_event("ana", event_type::purchase, t0 + 5, "sku-1"),                       // no price anywhere
      make_event("ana", event_type::refund, t0 + 6, "sku-1"),                         // no price anywhere
      with_price(make_event("ana", event_type::refund, t0 + 7, "sku-1"), 25, 1000),   // over max-quantity
      with_price(make_event("bob", event_type::purchase, t0 + 8, "sku-1"), 1e9),      // a new user
  };
  auto r = eng.ingest_sync(batch);
  REQUIRE(r.ok());
  CHECK(r->find("accepted")->as_int() == 1);
  CHECK(codes_of(*r) == std::vector<std::string>{"1:bad_price", "2:bad_quantity", "3:bad_price",
                                                 "4:bad_quantity", "5:bad_price", "6:bad_price",
                                                 "7:bad_quantity", "8:bad_price"});
  CHECK(purchases_of(eng, "ana") == 1);
  CHECK(monetary_of(eng, "ana") == 50.0);
  CHECK(eng.get_profile_sync("bob").error().code() == error_code::not_found);
  auto s = eng.stats_sync();
  REQUIRE(s.ok());
  CHECK(s->find("events_rejected")->as_int() == 8);
  CHECK(s->find("users")->as_int() == 1);

  SECTION(
      "an item upsert over max-price is rejected, and a priced item prices the events that leave it out") {
    auto up =
        eng.upsert_items_sync(value{value::array{map_of({{"item", value{"sku-2"}}, {"price", value{2e6}}}),
                                                 map_of({{"item", value{"sku-3"}}, {"price", value{4.0}}})}});
    REQUIRE(up.ok());
    CHECK(up->find("upserted")->as_int() == 1);
    REQUIRE(up->find("rejected")->as_array().size() == 1);
    CHECK(up->find("rejected")->as_array()[0].find("code")->as_string() == "bad_price");
    auto later = eng.ingest_sync({make_event("ana", event_type::purchase, t0 + 10, "sku-3"),
                                  make_event("ana", event_type::refund, t0 + 11, "sku-3"),
                                  make_event("ana", event_type::purchase, t0 + 12, "sku-2")});
    REQUIRE(later.ok());
    CHECK(codes_of(*later) == std::vector<std::string>{"2:bad_price"});  // sku-2 was never priced
    CHECK(purchases_of(eng, "ana") == 2);
    CHECK(monetary_of(eng, "ana") == 50.0);  // 50 + 4 - 4
  }
}

TEST_CASE("deduplicated by content, a resent batch without ids counts once, and not, twice") {
  auto batch = [] {
    return std::vector<event>{
        with_price(make_event("ana", event_type::purchase, t0, "sku-1"), 10),
        make_event("ana", event_type::view, t0 + 1, "sku-2"),
        with_id(with_price(make_event("ana", event_type::purchase, t0 + 2, "sku-3"), 5), "o-3")};
  };
  auto o = test_engine(2);
  SECTION("on") {
    o.dedupe_without_id = true;
    engine eng(o);
    REQUIRE(eng.ingest_sync(batch())->find("accepted")->as_int() == 3);
    auto again = eng.ingest_sync(batch());
    REQUIRE(again.ok());
    CHECK(again->find("accepted")->as_int() == 0);
    CHECK(codes_of(*again) == std::vector<std::string>{"0:duplicate", "1:duplicate", "2:duplicate"});
    CHECK(monetary_of(eng, "ana") == 15.0);
  }
  SECTION("off") {
    engine eng(o);
    REQUIRE(eng.ingest_sync(batch())->find("accepted")->as_int() == 3);
    auto again = eng.ingest_sync(batch());
    REQUIRE(again.ok());
    CHECK(again->find("accepted")->as_int() == 2);  // only the one with an id is caught
    CHECK(monetary_of(eng, "ana") == 25.0);
  }
}

TEST_CASE("a replay keeps the dedupe decisions of the first run, whatever the flag is at restart") {
  temp_directory dir;
  auto o = test_engine(2, dir.path());
  o.dedupe_without_id = true;
  std::vector<event> batch = {with_price(make_event("ana", event_type::purchase, t0, "sku-1"), 10)};
  {
    engine eng(o);
    REQUIRE(eng.wait_ready().ok());
    REQUIRE(eng.ingest_sync(batch)->find("accepted")->as_int() == 1);
    REQUIRE(eng.ingest_sync(batch)->find("accepted")->as_int() == 0);
  }
  o.dedupe_without_id = false;
  engine eng(o);
  REQUIRE(eng.wait_ready().ok());
  CHECK(purchases_of(eng, "ana") == 1);
  CHECK(monetary_of(eng, "ana") == 10.0);
  // The key is still remembered: a third resend, now unmarked, is a new event.
  REQUIRE(eng.ingest_sync(batch)->find("accepted")->as_int() == 1);
  CHECK(purchases_of(eng, "ana") == 2);
}
