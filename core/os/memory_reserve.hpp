// memory_reserve: keeps the kernel's page faults and mapping changes off
// the threads that serve requests. At start-up the process reserves one
// large range of address space (no memory behind it yet) and gives
// jemalloc hooks that hand out fresh memory from it, in order, instead of
// mapping more; a warmer thread faults in the pages just ahead of what has
// been handed out. A shard growing its profiles then finds its memory
// already there, instead of stopping for a huge page to be zeroed (about
// 5 ms on a virtual machine), and no thread changes the process's mappings
// while others fault, which made every fault in the process queue behind
// the slowest (docs/benchmarks.md, "The longest stalls").
//
// Only for programs whose allocator is jemalloc (CMakeLists.txt,
// persona_allocator): it is found at run time, and elsewhere
// start_memory_reserve says why it cannot start. Start it first thing in
// main, before other threads run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace persona {

struct memory_reserve_options {
  /// Address space reserved; memory behind it is used as needed. Past it,
  /// jemalloc maps memory as it would without the reserve.
  size_t reserve_bytes = size_t{64} << 30;
  /// How far ahead of the memory handed out the warmer keeps pages faulted
  /// in; 0: no warmer.
  size_t warm_ahead_bytes = size_t{256} << 20;
  /// Whether memory jemalloc frees and purges (after dirty_decay_ms) goes
  /// back to the kernel. Off: it stays resident, at the peak the process
  /// reached, and is reused without a fault; on: the process shrinks
  /// after a peak, and whichever thread reuses the memory faults it in
  /// again.
  bool return_freed = false;
};

/// What the reserve has done so far.
struct memory_reserve_stats {
  bool active = false;
  size_t reserved_bytes = 0;
  /// Handed out to jemalloc, from the start of the reserve.
  size_t used_bytes = 0;
  /// Faulted in by the warmer, from the start of the reserve.
  size_t warmed_bytes = 0;
  /// Extents jemalloc had to map outside the reserve (it was used up).
  uint64_t outside_extents = 0;
  /// Purges of the reserve's memory kept resident (return_freed off).
  uint64_t kept_purges = 0;
};

/// Reserves the address space, installs the hooks on every automatic
/// arena and starts the warmer. False, with the reason in `why_not`, when
/// the program has no jemalloc, the options are invalid or the kernel
/// refuses the reservation; the program then runs as it would without.
/// Once started, the reserve lasts as long as the process.
bool start_memory_reserve(const memory_reserve_options& options, std::string& why_not);

memory_reserve_stats read_memory_reserve();

}  // namespace persona
