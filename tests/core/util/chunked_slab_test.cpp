#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/util/chunked_slab.hpp"

using persona::chunked_slab;

TEST_CASE("a chunked slab indexes like a vector and never moves an element") {
  chunked_slab<std::string, 4> slab;
  std::vector<const std::string*> where;
  for (int i = 0; i < 100; ++i) {
    slab.push_back("value " + std::to_string(i));
    where.push_back(&slab[i]);
  }
  CHECK(slab.size() == 100);
  CHECK(slab.capacity() == 100);
  for (int i = 0; i < 100; ++i) {
    CHECK(slab[i] == "value " + std::to_string(i));
    CHECK(&slab[i] == where[i]);
  }
  slab[7] = "changed";
  CHECK(slab[7] == "changed");
}
