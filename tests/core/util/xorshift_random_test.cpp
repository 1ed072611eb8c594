#include <catch2/catch.hpp>
#include <cstdint>
#include <set>

#include "core/util/xorshift_random.hpp"

using namespace persona;

TEST_CASE("xorshift_random repeats its sequence for a seed, and unit() is at least 0 and below 1") {
  xorshift_random a(42), b(42), c(43);
  std::set<uint64_t> seen;
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    auto x = a.next();
    REQUIRE(x == b.next());
    differs |= x != c.next();
    seen.insert(x);
  }
  CHECK(differs);
  CHECK(seen.size() == 1000);

  xorshift_random r(7);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    double u = r.unit();
    REQUIRE(u >= 0);
    REQUIRE(u < 1);
    sum += u;
  }
  CHECK(sum / 100000 == Approx(0.5).margin(0.01));
}
