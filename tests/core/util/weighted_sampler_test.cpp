#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "core/util/weighted_sampler.hpp"

using namespace persona;

TEST_CASE("a sampler draws each index in proportion to its weight") {
  weighted_sampler s;
  CHECK(s.size() == 0);
  CHECK(s.total() == 0);
  s.add(1);
  s.add(3);
  s.add(6);
  CHECK(s.size() == 3);
  CHECK(s.total() == 10);
  std::mt19937_64 rng(5);
  std::vector<int> counts(3);
  const int draws = 100000;
  for (int i = 0; i < draws; ++i) {
    auto k = s.draw(rng);
    REQUIRE(k < 3);
    ++counts[k];
  }
  CHECK(counts[0] / double(draws) == Approx(0.1).margin(0.01));
  CHECK(counts[1] / double(draws) == Approx(0.3).margin(0.01));
  CHECK(counts[2] / double(draws) == Approx(0.6).margin(0.01));
}

TEST_CASE("an index added while sampling joins the draws") {
  weighted_sampler s;
  s.add(1);
  std::mt19937_64 rng(9);
  for (int i = 0; i < 100; ++i)
    REQUIRE(s.draw(rng) == 0);
  s.add(1);
  int second = 0;
  for (int i = 0; i < 10000; ++i)
    second += s.draw(rng) == 1;
  CHECK(second > 4500);
  CHECK(second < 5500);
}

TEST_CASE("zipf weights fall as one over the rank to the power s") {
  weighted_sampler s;
  add_zipf(s, 4, 1.0);
  CHECK(s.size() == 4);
  CHECK(s.total() == Approx(1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0));
  weighted_sampler steep;
  add_zipf(steep, 3, 2.0);
  CHECK(steep.total() == Approx(1 + 1 / 4.0 + 1 / 9.0));
  std::mt19937_64 rng(1);
  int first = 0;
  for (int i = 0; i < 20000; ++i)
    first += steep.draw(rng) == 0;
  CHECK(first / 20000.0 == Approx(1 / steep.total()).margin(0.02));
}
