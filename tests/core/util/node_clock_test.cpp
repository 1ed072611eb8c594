#include "core/util/node_clock.hpp"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("an events clock is the wall clock until the first event, then the newest event time") {
  manual_wall_clock wall(t0 + days(30));
  node_clock clock(clock_mode::events, wall.source());
  CHECK(clock.newest_event_ms() == -1);
  CHECK(clock.now_ms() == t0 + days(30));

  clock.observe(t0);
  CHECK(clock.now_ms() == t0);
  wall.advance(days(1));
  CHECK(clock.now_ms() == t0);  // a quiet feed does not move it

  clock.observe(t0 + hours(2));
  CHECK(clock.now_ms() == t0 + hours(2));
  clock.observe(t0 + hours(1));  // an older event never lowers it
  CHECK(clock.now_ms() == t0 + hours(2));
  CHECK(clock.newest_event_ms() == t0 + hours(2));
}

TEST_CASE("a live clock follows the wall clock when it is later than the newest event") {
  manual_wall_clock wall(t0);
  node_clock clock(clock_mode::live, wall.source());
  CHECK(clock.now_ms() == t0);
  clock.observe(t0 - days(100));  // a replay of history
  CHECK(clock.now_ms() == t0);
  wall.advance(days(2));
  CHECK(clock.now_ms() == t0 + days(2));
  clock.observe(t0 + days(3));  // an event ahead of the wall clock
  CHECK(clock.now_ms() == t0 + days(3));
  CHECK(clock.newest_event_ms() == t0 + days(3));
}

TEST_CASE("now_with says the now an observation would make, without making it") {
  manual_wall_clock wall(t0 + days(5));
  node_clock events(clock_mode::events, wall.source());
  CHECK(events.now_with(t0) == t0);
  CHECK(events.now_with(-1) == t0 + days(5));
  CHECK(events.newest_event_ms() == -1);
  events.observe(t0 + hours(1));
  CHECK(events.now_with(t0) == t0 + hours(1));
  CHECK(events.now_with(t0 + hours(3)) == t0 + hours(3));

  node_clock live(clock_mode::live, wall.source());
  CHECK(live.now_with(t0) == t0 + days(5));
  CHECK(live.now_with(t0 + days(6)) == t0 + days(6));
}

TEST_CASE("threads raising the clock at once leave it at the newest of their times") {
  node_clock clock;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&clock, t] {
      for (int i = 0; i < 10000; ++i)
        clock.observe(t0 + i * 4 + t);
    });
  for (auto& th : threads)
    th.join();
  CHECK(clock.newest_event_ms() == t0 + 9999 * 4 + 3);
}

TEST_CASE("clock modes are named events and live") {
  CHECK(std::string(to_string(clock_mode::events)) == "events");
  CHECK(std::string(to_string(clock_mode::live)) == "live");
  CHECK(parse_clock_mode("live") == clock_mode::live);
  CHECK(parse_clock_mode("events") == clock_mode::events);
  CHECK_FALSE(parse_clock_mode("wall").has_value());
}

TEST_CASE("the system wall clock is in this century") {
  auto now = system_wall_ms();
  CHECK(now > t0 - days(3650));
  CHECK(now < 4102444800000);
}
