#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "core/profile/event_id_window.hpp"

using namespace persona;

TEST_CASE("the window remembers the last cap ids and forgets the oldest") {
  event_id_window w;
  CHECK_FALSE(w.contains(1));
  for (uint64_t id = 1; id <= 4; ++id)
    w.insert(id, 3);
  CHECK_FALSE(w.contains(1));
  CHECK(w.contains(2));
  CHECK(w.contains(4));
  CHECK(w.ids() == std::vector<uint64_t>{2, 3, 4});
  // A smaller cap than the window holds drops the oldest down to it.
  w.insert(5, 2);
  CHECK(w.ids() == std::vector<uint64_t>{4, 5});
  // A cap of 0 remembers nothing new.
  w.insert(6, 0);
  CHECK_FALSE(w.contains(6));
  CHECK(w.heap_bytes() >= 2 * sizeof(uint64_t));
}
