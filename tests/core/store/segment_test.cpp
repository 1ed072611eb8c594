// segment_set (core/profile/segment_set.hpp): ids below 64 as bits, larger
// ones spilled to the heap.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "core/profile/segment_set.hpp"

using namespace persona;

TEST_CASE("a segment set keeps ids below 64 as bits, spills larger ones, and copies and moves whole") {
  segment_set s;
  CHECK(s.empty());
  CHECK(s.heap_bytes() == 0);
  for (segment_id id : {9, 3, 63, 7, 1, 0})
    CHECK(s.set(id, true));
  CHECK_FALSE(s.set(7, true));  // already in
  CHECK(std::vector<segment_id>(s.begin(), s.end()) == std::vector<segment_id>{0, 1, 3, 7, 9, 63});
  CHECK(s.heap_bytes() == 0);
  CHECK_FALSE(s.set(64, false));  // not in
  for (segment_id id = 200; id > 60; id -= 7)
    s.set(id, true);
  CHECK(s.heap_bytes() > 0);
  std::vector<segment_id> all(s.begin(), s.end());
  CHECK(std::is_sorted(all.begin(), all.end()));
  CHECK(all.size() == s.size());
  CHECK(s.contains(165));
  CHECK_FALSE(s.contains(166));
  CHECK(s.contains(63));
  segment_set copy = s;
  CHECK(s.set(165, false));
  CHECK(s.set(3, false));
  CHECK_FALSE(s.contains(165));
  CHECK_FALSE(s.contains(3));
  CHECK(copy.contains(165));
  CHECK(copy.contains(3));
  CHECK(copy.size() == s.size() + 2);
  segment_set moved = std::move(copy);
  CHECK(moved.size() == s.size() + 2);
  CHECK(copy.empty());
  moved = s;
  CHECK(std::vector<segment_id>(moved.begin(), moved.end()) == std::vector<segment_id>(s.begin(), s.end()));
  moved.clear();
  CHECK(moved.empty());
  CHECK(moved.heap_bytes() == 0);
  CHECK(moved.set(2, true));
  CHECK(moved.contains(2));
  CHECK(moved.set(65535 - 1, true));
  CHECK(std::vector<segment_id>(moved.begin(), moved.end()) == std::vector<segment_id>{2, 65534});
}
