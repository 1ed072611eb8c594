// The memory reserve in a program whose allocator is jemalloc: fresh
// memory comes from the reserve, the warmer faults it in ahead without
// changing a byte, and allocation goes on past the reserve's end. Each
// test case runs in its own process (CTest), as the reserve lasts as long
// as the process.
#include <jemalloc/jemalloc.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/os/memory_reserve.hpp"
#include "core/os/process_usage.hpp"

using namespace persona;

namespace {

constexpr size_t mib = size_t{1} << 20;

/// A block filled with a pattern of its own, checked later.
struct block {
  std::unique_ptr<uint64_t[]> words;
  size_t count = 0;
  uint64_t seed = 0;

  block(size_t bytes, uint64_t s) : words(new uint64_t[bytes / 8]), count(bytes / 8), seed(s) {
    for (size_t i = 0; i < count; ++i)
      words[i] = seed * 0x9E3779B97F4A7C15ull + i;
  }
  bool intact() const {
    for (size_t i = 0; i < count; ++i)
      if (words[i] != seed * 0x9E3779B97F4A7C15ull + i)
        return false;
    return true;
  }
};

/// Waits up to 20 s for the warmer to reach `bytes` into the reserve.
bool warmed_to(size_t bytes) {
  for (int i = 0; i < 2000; ++i) {
    if (read_memory_reserve().warmed_bytes >= bytes)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("fresh memory comes from the reserve, and the warmer faults it in ahead without changing a byte") {
  CHECK_FALSE(read_memory_reserve().active);
  memory_reserve_options options;
  options.reserve_bytes = 1024 * mib;
  options.warm_ahead_bytes = 32 * mib;
  std::string why_not;
  REQUIRE(start_memory_reserve(options, why_not));
  auto start = read_memory_reserve();
  CHECK(start.active);
  CHECK(start.reserved_bytes == 1024 * mib);
  CHECK(start.outside_extents == 0);
  // The warmer starts at once, ahead of anything handed out.
  REQUIRE(warmed_to(start.used_bytes + 32 * mib));

  // Small and large blocks, written while the warmer faults in what lies
  // ahead of them: 200 MB in all.
  std::vector<block> blocks;
  uint64_t seed = 1;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 1000; ++i)
      blocks.emplace_back(size_t{64} << (i % 8), seed++);
    blocks.emplace_back(2 * mib + 4096 * static_cast<size_t>(round), seed++);
  }
  auto after = read_memory_reserve();
  size_t written = 0;
  for (auto& b : blocks)
    written += b.count * 8;
  CHECK(after.used_bytes >= start.used_bytes + written * 9 / 10);
  CHECK(after.outside_extents == 0);
  // Past jemalloc's oversize threshold (8 MiB), allocations go to an arena
  // of their own, made on first use: it has the hooks too.
  blocks.emplace_back(64 * mib, seed++);
  auto oversized = read_memory_reserve();
  CHECK(oversized.used_bytes >= after.used_bytes + 64 * mib);
  CHECK(oversized.outside_extents == 0);
  after = oversized;
  // The warmer catches up with the new frontier, and every byte written
  // is still there.
  REQUIRE(warmed_to(after.used_bytes + 16 * mib));
  size_t broken = 0;
  for (auto& b : blocks)
    broken += b.intact() ? 0 : 1;
  CHECK(broken == 0);
}

namespace {

/// Frees a 256 MiB block written through, makes jemalloc purge every
/// arena, and gives how far the resident size fell.
int64_t resident_drop_after_purge() {
  auto big = std::make_unique<block>(256 * mib, 7);
  REQUIRE(big->intact());
  auto before = static_cast<int64_t>(read_process_usage().rss_bytes);
  big.reset();
  std::string purge_all = "arena." + std::to_string(MALLCTL_ARENAS_ALL) + ".purge";
  REQUIRE(mallctl(purge_all.c_str(), nullptr, nullptr, nullptr, 0) == 0);
  return before - static_cast<int64_t>(read_process_usage().rss_bytes);
}

}  // namespace

TEST_CASE("freed memory of the reserve stays resident when jemalloc purges it") {
  std::string why_not;
  REQUIRE(start_memory_reserve(memory_reserve_options{}, why_not));
  auto drop = resident_drop_after_purge();
  CHECK(drop < static_cast<int64_t>(32 * mib));
  CHECK(read_memory_reserve().kept_purges > 0);
  // Reused without a fault: the next block lands where the last one was.
  auto used = read_memory_reserve().used_bytes;
  block again(256 * mib, 8);
  CHECK(read_memory_reserve().used_bytes < used + 32 * mib);
  CHECK(again.intact());
}

TEST_CASE("with return_freed, freed memory of the reserve goes back to the kernel") {
  memory_reserve_options options;
  options.return_freed = true;
  options.warm_ahead_bytes = 0;  // nothing resident but what was written
  std::string why_not;
  REQUIRE(start_memory_reserve(options, why_not));
  auto drop = resident_drop_after_purge();
  CHECK(drop > static_cast<int64_t>(200 * mib));
  CHECK(read_memory_reserve().kept_purges == 0);
}

TEST_CASE("past the reserve's end, allocation goes on as without the reserve") {
  memory_reserve_options options;
  options.reserve_bytes = 64 * mib;
  options.warm_ahead_bytes = 0;  // no warmer
  std::string why_not;
  REQUIRE(start_memory_reserve(options, why_not));
  std::vector<block> blocks;
  for (uint64_t i = 0; i < 40; ++i)
    blocks.emplace_back(4 * mib, i + 1);  // 160 MB
  auto s = read_memory_reserve();
  CHECK(s.used_bytes <= s.reserved_bytes);
  CHECK(s.used_bytes > s.reserved_bytes / 2);
  CHECK(s.outside_extents > 0);
  CHECK(s.warmed_bytes == 0);
  for (auto& b : blocks)
    CHECK(b.intact());
}

TEST_CASE("a second reserve, or one under 2 MiB, is refused with the reason") {
  std::string why_not;
  memory_reserve_options tiny;
  tiny.reserve_bytes = 1 * mib;
  CHECK_FALSE(start_memory_reserve(tiny, why_not));
  CHECK(why_not.find("at least 2 MiB") != std::string::npos);
  CHECK_FALSE(read_memory_reserve().active);

  memory_reserve_options options;
  options.reserve_bytes = 16 * mib;
  REQUIRE(start_memory_reserve(options, why_not));
  CHECK_FALSE(start_memory_reserve(options, why_not));
  CHECK(why_not.find("started already") != std::string::npos);
  CHECK(read_memory_reserve().reserved_bytes == 16 * mib);
}
