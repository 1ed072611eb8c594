// allocator_settings: the options jemalloc reads at start-up in every
// program linked with it (CMakeLists.txt, persona_allocator). Compiled
// into programs only, never into a library.
//
// Transparent huge pages for jemalloc's extents and metadata: a profile is
// a random, cold access each event, and on a virtual machine the page walk
// of a 4 KiB page is a large part of that miss.
//
// Freed memory goes back to the kernel after a minute unused instead of 10
// seconds (jemalloc's default): purging splits huge pages, and the next
// allocation there faults them in again, which showed as stalls of many
// milliseconds in every thread's latency tail. The node's memory mostly
// grows, so little is held back by the longer wait. In personad, memory
// from its reserve is not returned at all unless --memory-return-freed=on
// (core/os/memory_reserve.hpp).
//
// Measured in docs/benchmarks.md ("Huge pages"). The environment's
// MALLOC_CONF is read after this string and overrides it, option by option.

extern "C" {
// NOLINTNEXTLINE: the symbol jemalloc looks for, by its name.
const char* malloc_conf = "thp:always,metadata_thp:always,dirty_decay_ms:60000,muzzy_decay_ms:60000";
}
