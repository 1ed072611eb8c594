#include "core/os/process_usage.hpp"

#include <sys/mman.h>

#include <catch2/catch.hpp>
#include <cstddef>

using persona::read_process_usage;

TEST_CASE("touching fresh memory shows in the process's faults and resident size") {
  auto before = read_process_usage();
  REQUIRE(before.rss_bytes > 0);
  REQUIRE(before.minor_faults > 0);

  const size_t bytes = size_t{32} << 20;
  void* raw = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(raw != MAP_FAILED);
  auto* p = static_cast<volatile char*>(raw);
  for (size_t off = 0; off < bytes; off += 4096)
    p[off] = 1;
  auto touched = read_process_usage();
  munmap(raw, bytes);

  // Every page is new to the process: at least one fault (one per huge
  // page when the kernel backs it with huge pages), and all of it resident.
  CHECK(touched.minor_faults > before.minor_faults);
  CHECK(touched.rss_bytes >= before.rss_bytes + bytes / 2);
  CHECK(touched.major_faults >= before.major_faults);
}
