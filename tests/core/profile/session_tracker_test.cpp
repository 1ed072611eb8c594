#include <catch2/catch.hpp>

#include "core/profile/session_tracker.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("without session ids a 30-minute gap starts a new session") {
  session_tracker s;
  auto gap = minutes(30);
  s.add(t0, "", gap);
  s.add(t0 + minutes(10), "", gap);
  s.add(t0 + minutes(40), "", gap);  // exactly 30 min after the last: same session
  CHECK(s.count() == 1);
  s.add(t0 + minutes(70) + 1, "", gap);  // 30 min + 1 ms: new session
  CHECK(s.count() == 2);
  CHECK(s.avg_events() == Approx(2.0));
  CHECK(s.avg_duration_s() == Approx(40.0 * 60 / 2));
}

TEST_CASE("a new session id starts a session even without a gap") {
  session_tracker s;
  auto gap = minutes(30);
  s.add(t0, "a", gap);
  s.add(t0 + minutes(1), "a", gap);
  s.add(t0 + minutes(2), "b", gap);
  CHECK(s.count() == 2);
  // The same id keeps the session across a long gap.
  s.add(t0 + hours(5), "b", gap);
  CHECK(s.count() == 2);
  CHECK(s.avg_duration_s() == Approx((60.0 + 5 * 3600 - 120) / 2));
}

TEST_CASE("merged sessions count both users' sessions") {
  session_tracker a, b;
  a.add(t0, "", minutes(30));
  b.add(t0, "", minutes(30));
  b.add(t0 + hours(2), "", minutes(30));
  a.merge(b);
  CHECK(a.count() == 3);
  CHECK(a.avg_events() == Approx(1.0));
}
