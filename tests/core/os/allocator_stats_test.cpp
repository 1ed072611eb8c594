// jemalloc's figures as `stats` shows them (core/os/allocator_stats.hpp), in
// a program whose allocator is jemalloc. Without it:
// tests/core/os/allocator_stats_without_jemalloc_test.cpp.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <memory>

#include "core/os/allocator_stats.hpp"

using namespace persona;

namespace {

constexpr size_t mib = size_t{1} << 20;

}  // namespace

TEST_CASE("jemalloc's figures count an allocation while it is held, and not after it is freed") {
  auto before = read_allocator_stats();
  REQUIRE(before.available);
  CHECK(before.allocated > 0);
  auto held = std::make_unique<char[]>(64 * mib);
  std::memset(held.get(), 1, 64 * mib);
  auto during = read_allocator_stats();
  CHECK(during.allocated >= before.allocated + 64 * mib);
  CHECK(during.active >= during.allocated);
  CHECK(during.mapped >= during.active);
  CHECK(during.resident >= 64 * mib);
  CHECK(during.metadata > 0);
  held.reset();
  auto after = read_allocator_stats();
  CHECK(after.allocated + 64 * mib <= during.allocated);
}
