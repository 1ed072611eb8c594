// jemalloc's figures in a program whose allocator is not jemalloc: this
// test program links glibc's malloc (tests/CMakeLists.txt), and there are
// none. With jemalloc: tests/core/os/allocator_stats_test.cpp.
#include <catch2/catch.hpp>

#include "core/os/allocator_stats.hpp"

using namespace persona;

TEST_CASE("a program whose allocator is not jemalloc has no allocator figures") {
  auto s = read_allocator_stats();
  CHECK_FALSE(s.available);
  CHECK(s.allocated == 0);
  CHECK(s.resident == 0);
  CHECK(s.retained == 0);
}
