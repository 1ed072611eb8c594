#include <catch2/catch.hpp>

#include "core/profile/window_counters.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("an event counts in every window until its bucket slides out") {
  window_counters w;
  auto v = event_type::view;
  w.add(v, t0);
  for (auto win : {time_window::h1, time_window::h24, time_window::d7, time_window::d30})
    CHECK(w.count(win, v, t0) == 1);
  // 1h window: 12 buckets of 5 minutes. t0 is a bucket start, so the event's
  // bucket is the oldest of the window until now reaches t0 + 60 min.
  CHECK(w.count(time_window::h1, v, t0 + minutes(59.9)) == 1);
  CHECK(w.count(time_window::h1, v, t0 + minutes(60)) == 0);
  CHECK(w.count(time_window::h24, v, t0 + hours(23.9)) == 1);
  CHECK(w.count(time_window::h24, v, t0 + hours(24)) == 0);
  CHECK(w.count(time_window::d7, v, t0 + days(7) - 1) == 1);
  CHECK(w.count(time_window::d7, v, t0 + days(7)) == 0);
  CHECK(w.count(time_window::d30, v, t0 + days(30) - 1) == 1);
  CHECK(w.count(time_window::d30, v, t0 + days(30)) == 0);
}

TEST_CASE("windows are exact at bucket granularity") {
  window_counters w;
  // An event late in its 5-minute bucket leaves the 1h window when its
  // bucket does, 56 minutes after it: the documented granularity.
  w.add(event_type::click, t0 + minutes(4));
  CHECK(w.count(time_window::h1, event_type::click, t0 + minutes(59.9)) == 1);
  CHECK(w.count(time_window::h1, event_type::click, t0 + minutes(60)) == 0);
  // A `now` before the event's bucket does not count it yet.
  CHECK(w.count(time_window::h1, event_type::click, t0 - minutes(5)) == 0);
}

TEST_CASE("windows count per type and slide event by event") {
  window_counters w;
  for (int i = 0; i < 48; ++i)
    w.add(event_type::view, t0 + hours(i));
  w.add(event_type::purchase, t0 + hours(47));
  auto now = t0 + hours(47);
  CHECK(w.count(time_window::h1, event_type::view, now) == 1);
  CHECK(w.count(time_window::h24, event_type::view, now) == 24);
  CHECK(w.count(time_window::d7, event_type::view, now) == 48);
  CHECK(w.count(time_window::h24, event_type::purchase, now) == 1);
  CHECK(w.count(time_window::h24, event_type::click, now) == 0);
}

TEST_CASE("late events land in their own bucket, too-old ones are ignored") {
  window_counters w;
  w.add(event_type::view, t0 + days(10));
  w.add(event_type::view, t0 + days(10) - hours(3));  // late, inside 24h
  w.add(event_type::view, t0);                        // older than 7d: only 30d
  auto now = t0 + days(10);
  CHECK(w.count(time_window::h24, event_type::view, now) == 2);
  CHECK(w.count(time_window::d7, event_type::view, now) == 2);
  CHECK(w.count(time_window::d30, event_type::view, now) == 3);
}

TEST_CASE("merging windows adds bucket by bucket") {
  window_counters a, b;
  a.add(event_type::view, t0);
  b.add(event_type::view, t0 + minutes(1));
  b.add(event_type::view, t0 + hours(2));
  a.merge(b);
  CHECK(a.count(time_window::h24, event_type::view, t0 + hours(2)) == 3);
  CHECK(a.count(time_window::h1, event_type::view, t0 + hours(2)) == 1);
}
