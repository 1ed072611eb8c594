// A labeller's census: the draws owed as event time moves, the fraction
// of a draw carried over, and a jump in event time bounded.
#include <catch2/catch.hpp>

#include "core/model/census_draws.hpp"

using namespace persona;

TEST_CASE("a census owes its share of the slots per interval and carries the fraction of a draw") {
  census_draws census;
  // 2% of 100 slots: two draws an interval of 1000 ms.
  CHECK(census.due(0, 100, 0.02, 1000, 1000) == 0);  // the first call only starts the count
  CHECK(census.due(500, 100, 0.02, 1000, 1000) == 1);
  CHECK(census.due(500, 100, 0.02, 1000, 1000) == 0);  // event time stood still
  CHECK(census.due(750, 100, 0.02, 1000, 1000) == 0);  // half a draw owed
  CHECK(census.due(1000, 100, 0.02, 1000, 1000) == 1);
  CHECK(census.due(400, 100, 0.02, 1000, 1000) == 0);  // event time went back
  CHECK(census.due(1500, 100, 0.02, 1000, 1000) == 1);
}

TEST_CASE("after a jump in event time a census owes the bounding span's worth, one interval's at least") {
  census_draws three_intervals;
  three_intervals.due(0, 100, 0.02, 1000, 3000);
  CHECK(three_intervals.due(100000, 100, 0.02, 1000, 3000) == 6);

  census_draws one_interval;
  one_interval.due(0, 100, 0.02, 1000, 0);
  CHECK(one_interval.due(100000, 100, 0.02, 1000, 0) == 2);
}

TEST_CASE("a census without a share, an interval or slots owes nothing and starts no count") {
  census_draws census;
  CHECK(census.due(0, 100, 0.0, 1000, 1000) == 0);
  CHECK(census.due(0, 100, 0.02, 0, 1000) == 0);
  CHECK(census.due(0, 0, 0.02, 1000, 1000) == 0);
  // Had any of those started the count at 0, this would owe two draws.
  CHECK(census.due(1000, 100, 0.02, 1000, 1000) == 0);
  CHECK(census.due(1500, 100, 0.02, 1000, 1000) == 1);
}
