#include "core/os/allocator_stats.hpp"

#include <cstdint>

#include "core/os/jemalloc_control.hpp"

namespace persona {

namespace {

bool read_size(mallctl_function mallctl, const char* name, size_t& out) {
  size_t length = sizeof(out);
  return mallctl(name, &out, &length, nullptr, 0) == 0;
}

}  // namespace

allocator_stats read_allocator_stats() {
  allocator_stats s;
  auto mallctl = find_mallctl();
  if (mallctl == nullptr)
    return s;
  // The statistics are a snapshot taken at the last epoch: take a new one.
  uint64_t epoch = 1;
  size_t length = sizeof(epoch);
  if (mallctl("epoch", &epoch, &length, &epoch, sizeof(epoch)) != 0)
    return s;
  s.available =
      read_size(mallctl, "stats.allocated", s.allocated) && read_size(mallctl, "stats.active", s.active) &&
      read_size(mallctl, "stats.metadata", s.metadata) && read_size(mallctl, "stats.resident", s.resident) &&
      read_size(mallctl, "stats.mapped", s.mapped) && read_size(mallctl, "stats.retained", s.retained);
  if (!s.available)
    s = allocator_stats{};
  return s;
}

}  // namespace persona
