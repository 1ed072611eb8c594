#include <catch2/catch.hpp>
#include <vector>

#include "core/profile/recent_items.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

std::vector<symbol> items_of(const recent_items& r) {
  std::vector<symbol> out;
  for (auto& e : r.items())
    out.push_back(e.item);
  return out;
}

}  // namespace

TEST_CASE("recent items are distinct, newest first, and a repeat moves to the front") {
  recent_items r;
  r.add(1, t0, 20);
  r.add(2, t0 + 1000, 20);
  r.add(3, t0 + 2000, 20);
  CHECK(items_of(r) == std::vector<symbol>{3, 2, 1});
  r.add(1, t0 + 3000, 20);
  CHECK(items_of(r) == std::vector<symbol>{1, 3, 2});
  CHECK(r.items()[0].ts_s == (t0 + 3000) / 1000);
}

TEST_CASE("at the cap the oldest item goes") {
  recent_items r;
  for (symbol i = 0; i < 5; ++i)
    r.add(i, t0 + i * 1000, 3);
  CHECK(items_of(r) == std::vector<symbol>{4, 3, 2});
}

TEST_CASE("late touches take their place by time") {
  recent_items r;
  r.add(1, t0 + 10000, 3);
  r.add(2, t0 + 30000, 3);
  r.add(3, t0 + 20000, 3);  // between the two
  CHECK(items_of(r) == std::vector<symbol>{2, 3, 1});
  // Older than everything kept, with the list full: not kept.
  r.add(4, t0, 3);
  CHECK(items_of(r) == std::vector<symbol>{2, 3, 1});
  // A late touch of an item touched since leaves it where it is.
  r.add(2, t0 + 5000, 3);
  CHECK(items_of(r) == std::vector<symbol>{2, 3, 1});
  CHECK(r.items()[0].ts_s == (t0 + 30000) / 1000);
}
