// allocator_settings: the options jemalloc reads at start-up in every
// program linked with it (CMakeLists.txt, persona_allocator). Compiled
// into programs only, never into a library.
//
// Transparent huge pages for jemalloc's extents and metadata: a profile is
// a random, cold access each event, and on a virtual machine the page walk
// of a 4 KiB page is a large part of that miss. Measured in
// docs/benchmarks.md ("Huge pages"). The environment's MALLOC_CONF is read
// after this string and overrides it (MALLOC_CONF=thp:default turns it off).

extern "C" {
// NOLINTNEXTLINE: the symbol jemalloc looks for, by its name.
const char* malloc_conf = "thp:always,metadata_thp:always";
}
