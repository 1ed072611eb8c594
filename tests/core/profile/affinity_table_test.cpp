#include <catch2/catch.hpp>
#include <cmath>

#include "core/profile/affinity_table.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("a view decays to half after one half-life") {
  affinity_table t;
  auto h = days(7);
  t.add(1, 1.0, t0, h, 16);
  CHECK(t.raw_score(1, t0, h) == Approx(1.0));
  CHECK(t.raw_score(1, t0 + h, h) == Approx(0.5));
  CHECK(t.raw_score(1, t0 + 3 * h, h) == Approx(0.125));
}

TEST_CASE("decayed scores follow the closed form whatever the arrival order") {
  auto h = days(3);
  std::vector<std::pair<double, int64_t>> hits = {
      {1, t0}, {4, t0 + days(1)}, {2, t0 + days(5)}, {8, t0 + hours(30)}};
  double now = t0 + days(10);
  double expected = 0;
  for (auto& [w, ts] : hits)
    expected += w * std::exp2(-(now - ts) / h);

  affinity_table forward, backward;
  for (auto& [w, ts] : hits)
    forward.add(7, w, ts, h, 16);
  for (auto it = hits.rbegin(); it != hits.rend(); ++it)
    backward.add(7, it->first, it->second, h, 16);
  CHECK(forward.raw_score(7, static_cast<int64_t>(now), h) == Approx(expected).epsilon(1e-5));
  CHECK(backward.raw_score(7, static_cast<int64_t>(now), h) == Approx(expected).epsilon(1e-5));
}

TEST_CASE("shares sum to one and come highest first") {
  affinity_table t;
  auto h = days(7);
  t.add(1, 1, t0, h, 16);
  t.add(2, 3, t0, h, 16);
  t.add(3, 4, t0, h, 16);
  auto s = t.shares();
  REQUIRE(s.size() == 3);
  CHECK(s[0].first == 3);
  CHECK(s[0].second == Approx(0.5));
  CHECK(s[1].first == 2);
  CHECK(s[2].second == Approx(0.125));
  CHECK(t.share(9) < 0);
}

TEST_CASE("a recent interest overtakes an old one as time passes") {
  affinity_table t;
  auto h = days(7);
  t.add(1, 8, t0, h, 16);             // a purchase long ago
  t.add(2, 2, t0 + days(28), h, 16);  // a click today: 8 * 2^-4 = 0.5 < 2
  auto s = t.shares();
  CHECK(s[0].first == 2);
  CHECK(s[0].second == Approx(0.8));
}

TEST_CASE("a full table keeps its strongest entries") {
  affinity_table t;
  auto h = days(7);
  for (symbol k = 0; k < 4; ++k)
    t.add(k, 10 + k, t0, h, 4);
  t.add(99, 1, t0, h, 4);  // weaker than every entry: dropped
  CHECK(t.size() == 4);
  CHECK(t.share(99) < 0);
  t.add(98, 50, t0, h, 4);  // stronger than the weakest: replaces it
  CHECK(t.share(98) > 0);
  CHECK(t.share(0) < 0);
}
