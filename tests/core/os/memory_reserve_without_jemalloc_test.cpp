// The memory reserve in a program whose allocator is not jemalloc: this
// test program links glibc's malloc (tests/CMakeLists.txt), and the
// reserve declines to start, saying why. With jemalloc:
// tests/core/os/memory_reserve_test.cpp.
#include <catch2/catch.hpp>
#include <string>

#include "core/os/memory_reserve.hpp"

using namespace persona;

TEST_CASE("a program whose allocator is not jemalloc runs without the memory reserve, and says why") {
  std::string why_not;
  CHECK_FALSE(start_memory_reserve(memory_reserve_options{}, why_not));
  CHECK(why_not.find("jemalloc") != std::string::npos);
  CHECK_FALSE(read_memory_reserve().active);
}
