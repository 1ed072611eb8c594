#include "core/profile/event_time_limit.hpp"

#include <catch2/catch.hpp>

#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("an event dated more than the limit past the wall clock is a bad_timestamp") {
  const int64_t wall = t0 + days(10);
  const int64_t limit = minutes(5);

  SECTION("up to the limit ahead passes") {
    CHECK_FALSE(check_event_time(make_event("u1", event_type::view, wall, "i1"), wall, limit));
    CHECK_FALSE(check_event_time(make_event("u1", event_type::view, wall + limit, "i1"), wall, limit));
  }
  SECTION("old events pass: a replay of history") {
    CHECK_FALSE(check_event_time(make_event("u1", event_type::view, 0, "i1"), wall, limit));
    CHECK_FALSE(check_event_time(make_event("u1", event_type::view, wall - days(3650), "i1"), wall, limit));
  }
  SECTION("one ms past the limit is rejected, saying the limit and what to do") {
    auto r = check_event_time(make_event("u1", event_type::view, wall + limit + 1, "i1"), wall, limit);
    REQUIRE(r);
    CHECK(r->code == "bad_timestamp");
    CHECK(r->message.find("--max-future-ms=300000") != std::string::npos);
    CHECK(r->message.find("client's clock") != std::string::npos);
  }
  SECTION("a day ahead is rejected") {
    auto r = check_event_time(make_event("u1", event_type::purchase, wall + days(1), "i1"), wall, limit);
    REQUIRE(r);
    CHECK(r->code == "bad_timestamp");
    CHECK(r->message.find(std::to_string(days(1))) != std::string::npos);
  }
  SECTION("a zero limit allows nothing ahead of the wall clock") {
    CHECK_FALSE(check_event_time(make_event("u1", event_type::view, wall, "i1"), wall, 0));
    CHECK(check_event_time(make_event("u1", event_type::view, wall + 1, "i1"), wall, 0));
  }
}
