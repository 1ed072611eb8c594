// allocator_stats: the heap as jemalloc counts it, for `stats`: what the
// program has allocated, what that holds in pages, what is resident, and
// what jemalloc keeps mapped or retains for reuse. Together with the
// process's resident size they tell an operator where memory went:
// profiles (allocated), fragmentation (active - allocated), pages freed
// but not yet returned (resident - active - metadata), or the memory
// reserve's pages faulted in ahead (core/os/memory_reserve.hpp).
//
// jemalloc is found at run time, as by the memory reserve: in a program
// without it the figures are not available.
#pragma once

#include <cstddef>

namespace persona {

struct allocator_stats {
  /// False when the program's allocator is not jemalloc, or it keeps no
  /// statistics; the figures are then 0.
  bool available = false;
  /// Bytes the program holds in allocations.
  size_t allocated = 0;
  /// Bytes in the pages those allocations occupy.
  size_t active = 0;
  /// jemalloc's own bookkeeping.
  size_t metadata = 0;
  /// Bytes in pages jemalloc knows are resident (an upper bound).
  size_t resident = 0;
  /// Bytes in extents jemalloc holds mapped for use.
  size_t mapped = 0;
  /// Address space freed by the program that jemalloc keeps for reuse.
  size_t retained = 0;
};

/// jemalloc's current figures (it refreshes them first: a call costs
/// microseconds, fine for `stats`, not for a hot path).
allocator_stats read_allocator_stats();

}  // namespace persona
