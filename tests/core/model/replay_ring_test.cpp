#include <catch2/catch.hpp>
#include <set>
#include <vector>

#include "core/model/replay_ring.hpp"

using namespace persona;

TEST_CASE("a replay ring keeps the last items up to its capacity, the oldest overwritten first") {
  replay_ring<int> ring(3);
  CHECK(ring.empty());
  for (int i = 1; i <= 5; ++i)
    ring.add(i);
  CHECK(ring.size() == 3);
  xorshift_random random(3);
  std::set<int> drawn;
  for (int i = 0; i < 300; ++i)
    drawn.insert(ring.draw(random));
  CHECK(drawn == std::set<int>{3, 4, 5});
}

TEST_CASE("draws from a replay ring are uniform over what it keeps") {
  replay_ring<int> ring(4);
  for (int i = 0; i < 4; ++i)
    ring.add(i);
  xorshift_random random(11);
  std::vector<int> counts(4);
  for (int i = 0; i < 40000; ++i)
    ++counts[ring.draw(random)];
  for (auto c : counts)
    CHECK(c == Approx(10000).epsilon(0.05));
}

TEST_CASE("a replay ring of capacity 0 keeps nothing") {
  replay_ring<int> ring(0);
  ring.add(1);
  ring.add(2);
  CHECK(ring.empty());
  CHECK(ring.size() == 0);
}
