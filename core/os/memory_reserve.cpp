// The jemalloc side of memory_reserve.hpp: extent hooks that carve fresh
// extents from one reserved range, and the warmer thread. jemalloc's
// control function is looked up at run time: a program that does not link
// jemalloc (a test, or a build without it) runs without the reserve.
//
// The hooks run inside jemalloc, some under its locks: they take no lock
// and allocate nothing. What they do not serve from the reserve (an
// extent past its end, or one jemalloc asks to grow in place elsewhere)
// goes to jemalloc's own hooks.
#include "core/os/memory_reserve.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/os/jemalloc_control.hpp"

#if __has_include(<jemalloc/jemalloc.h>)
#include <jemalloc/jemalloc.h>
#define PERSONA_HAS_JEMALLOC_HEADER 1
#endif

namespace persona {

#ifdef PERSONA_HAS_JEMALLOC_HEADER

namespace {

constexpr uintptr_t huge_page = uintptr_t{2} << 20;
constexpr uintptr_t small_page = 4096;

/// The reserve, process-wide (jemalloc's hooks are plain functions).
/// Constant-initialized: no constructor runs before main.
struct reserve_state {
  uintptr_t begin = 0;
  uintptr_t end = 0;
  size_t warm_ahead = 0;
  bool return_freed = false;
  /// jemalloc's own hooks, for what the reserve does not serve.
  extent_hooks_t* fallback = nullptr;
  std::atomic<bool> active{false};
  /// Everything below has been handed out.
  std::atomic<uintptr_t> frontier{0};
  /// Everything below has been faulted in by the warmer.
  std::atomic<uintptr_t> warmed{0};
  std::atomic<uint64_t> outside{0};
  std::atomic<uint64_t> kept_purges{0};
};

reserve_state reserve;

/// The reserve keeps its addresses as integers (aligned, compared and
/// advanced atomically); this gives one back as the pointer it is.
void* address(uintptr_t a) {
  return reinterpret_cast<void*>(a);  // NOLINT(performance-no-int-to-ptr): an address of the reserve
}

bool inside(const void* addr) {
  auto a = reinterpret_cast<uintptr_t>(addr);
  return a >= reserve.begin && a < reserve.end;
}

void* reserve_alloc(extent_hooks_t*, void* new_addr, size_t size, size_t alignment, bool* zero, bool* commit,
                    unsigned arena) {
  auto wanted = reinterpret_cast<uintptr_t>(new_addr);
  if (new_addr == nullptr || inside(new_addr)) {
    uintptr_t align = std::max<uintptr_t>(alignment, small_page);
    uintptr_t cur = reserve.frontier.load(std::memory_order_relaxed);
    for (;;) {
      uintptr_t start = new_addr ? wanted : (cur + align - 1) & ~(align - 1);
      // Growing in place works only at the frontier.
      if ((new_addr && start != cur) || start + size > reserve.end || start + size < start)
        break;
      if (reserve.frontier.compare_exchange_weak(cur, start + size, std::memory_order_relaxed)) {
        // Never handed out before, and the warmer only faults pages in:
        // the memory is as the kernel gave it, zeroed and committed.
        *zero = true;
        *commit = true;
        return address(start);
      }
    }
    if (new_addr)
      return nullptr;
  }
  reserve.outside.fetch_add(1, std::memory_order_relaxed);
  return reserve.fallback->alloc(reserve.fallback, new_addr, size, alignment, zero, commit, arena);
}

void reserve_destroy(extent_hooks_t*, void* addr, size_t size, bool committed, unsigned arena) {
  if (!inside(addr) && reserve.fallback->destroy)
    reserve.fallback->destroy(reserve.fallback, addr, size, committed, arena);
}

/// Whether a purge of `addr` is declined, keeping its memory resident
/// (return_freed off). jemalloc then keeps the extent as retained, knowing
/// it is not zeroed, and reuses it without a fault.
bool keep(void* addr) {
  if (reserve.return_freed || !inside(addr))
    return false;
  reserve.kept_purges.fetch_add(1, std::memory_order_relaxed);
  return true;
}

// Otherwise purging returns memory to the kernel as jemalloc would; both
// advice calls leave the mappings as they are.
bool reserve_purge_lazy(extent_hooks_t*, void* addr, size_t, size_t offset, size_t length, unsigned) {
  return keep(addr) || madvise(static_cast<char*>(addr) + offset, length, MADV_FREE) != 0;
}

bool reserve_purge_forced(extent_hooks_t*, void* addr, size_t, size_t offset, size_t length, unsigned) {
  return keep(addr) || madvise(static_cast<char*>(addr) + offset, length, MADV_DONTNEED) != 0;
}

// Extents of the reserve split and merge freely: it is one mapping.
// jemalloc merges only neighbours, and Linux mappings side by side merge
// too, so extents jemalloc mapped itself may merge as well.
bool reserve_split(extent_hooks_t*, void*, size_t, size_t, size_t, bool, unsigned) {
  return false;
}

bool reserve_merge(extent_hooks_t*, void*, size_t, void*, size_t, bool, unsigned) {
  return false;
}

extent_hooks_t reserve_hooks = {
    reserve_alloc,
    nullptr,  // dalloc: opt out, jemalloc keeps the address space
    reserve_destroy,
    nullptr,  // commit: Linux overcommits, memory is never decommitted
    nullptr,  // decommit
    reserve_purge_lazy,
    reserve_purge_forced,
    reserve_split,
    reserve_merge,
};

/// Faults in [at, at + n) for writing without changing a byte: pages
/// handed out meanwhile may already hold data.
bool fault_in(uintptr_t at, size_t n, bool& by_advice) {
  if (by_advice) {
    if (madvise(address(at), n, MADV_POPULATE_WRITE) == 0)
      return true;
    if (errno != EINVAL)
      return false;
    by_advice = false;  // a kernel before 5.14
  }
  for (uintptr_t p = at; p < at + n; p += small_page)
    __atomic_fetch_add(static_cast<uint64_t*>(address(p)), uint64_t{0}, __ATOMIC_RELAXED);
  return true;
}

/// Keeps the pages up to warm_ahead past the frontier faulted in, at the
/// lowest priority: it runs when a core is idle, and a shard that outruns
/// it faults its pages in itself, as without the warmer.
void warm() {
  pthread_setname_np(pthread_self(), "persona-warmer");
  sched_param none{};
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &none);
  bool by_advice = true;
  for (;;) {
    uintptr_t target =
        std::min(reserve.end, reserve.frontier.load(std::memory_order_relaxed) + reserve.warm_ahead);
    uintptr_t at = reserve.warmed.load(std::memory_order_relaxed);
    if (at >= target) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    size_t n = std::min<uintptr_t>(huge_page, target - at);
    if (!fault_in(at, n, by_advice))
      return;  // out of memory: the shards fault in what they use, as without
    reserve.warmed.store(at + n, std::memory_order_relaxed);
  }
}

bool fail(std::string& why_not, const std::string& reason) {
  why_not = reason;
  return false;
}

}  // namespace

bool start_memory_reserve(const memory_reserve_options& options, std::string& why_not) {
  auto mallctl = find_mallctl();
  if (mallctl == nullptr)
    return fail(why_not, "this program's allocator is not jemalloc (scripts/setup.sh installs it)");
  if (reserve.active.load())
    return fail(why_not, "the memory reserve is started already");
  if (options.reserve_bytes < huge_page)
    return fail(why_not, "the memory reserve must be at least 2 MiB");
  // Allocations past the oversize threshold go to an arena jemalloc makes
  // on first use; one such allocation makes it now, so it gets the hooks.
  // (Through a volatile pointer: a compiler may drop a malloc whose
  // memory is never used.)
  size_t oversize = 0;
  size_t length = sizeof(oversize);
  if (mallctl("opt.oversize_threshold", &oversize, &length, nullptr, 0) == 0 && oversize > 0 &&
      oversize < (size_t{1} << 30)) {
    void* volatile oversized = malloc(oversize + 1);
    free(oversized);
  }
  unsigned arenas = 0;
  length = sizeof(arenas);
  if (mallctl("arenas.narenas", &arenas, &length, nullptr, 0) != 0)
    return fail(why_not, "jemalloc did not say how many arenas it has");

  size_t bytes = (options.reserve_bytes + huge_page - 1) & ~(huge_page - 1);
  void* mapped = mmap(nullptr, bytes + huge_page, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapped == MAP_FAILED)
    return fail(why_not, std::string("the kernel refused to reserve the address space: ") +
                             std::strerror(errno) + "; ask for less (--memory-reserve-mb)");
  // Huge-page aligned, so that the first extent already starts on one.
  auto begin = (reinterpret_cast<uintptr_t>(mapped) + huge_page - 1) & ~(huge_page - 1);
  madvise(address(begin), bytes, MADV_HUGEPAGE);
  reserve.begin = begin;
  reserve.end = begin + bytes;
  reserve.warm_ahead = options.warm_ahead_bytes;
  reserve.return_freed = options.return_freed;
  reserve.frontier.store(begin);
  reserve.warmed.store(begin);

  extent_hooks_t* own = nullptr;
  length = sizeof(extent_hooks_t*);
  if (mallctl("arena.0.extent_hooks", &own, &length, nullptr, 0) != 0 || own == nullptr) {
    munmap(mapped, bytes + huge_page);
    return fail(why_not, "jemalloc did not give its extent hooks");
  }
  reserve.fallback = own;
  reserve.active.store(true);  // the hooks serve from here on, in every arena they reach
  extent_hooks_t* hooks = &reserve_hooks;
  for (unsigned i = 0; i < arenas; ++i) {
    std::string name = "arena." + std::to_string(i) + ".extent_hooks";
    // An automatic arena not made yet is made now, with the hooks; an
    // index that is neither (EFAULT) is skipped.
    int rc = mallctl(name.c_str(), nullptr, nullptr, &hooks, sizeof(extent_hooks_t*));
    if (rc != 0 && rc != EFAULT)
      return fail(why_not,
                  "jemalloc refused the hooks of arena " + std::to_string(i) + ": " + std::strerror(rc));
  }
  if (options.warm_ahead_bytes > 0)
    std::thread(warm).detach();
  return true;
}

memory_reserve_stats read_memory_reserve() {
  memory_reserve_stats s;
  s.active = reserve.active.load();
  if (!s.active)
    return s;
  s.reserved_bytes = reserve.end - reserve.begin;
  s.used_bytes = std::min(reserve.end, reserve.frontier.load(std::memory_order_relaxed)) - reserve.begin;
  s.warmed_bytes = reserve.warmed.load(std::memory_order_relaxed) - reserve.begin;
  s.outside_extents = reserve.outside.load(std::memory_order_relaxed);
  s.kept_purges = reserve.kept_purges.load(std::memory_order_relaxed);
  return s;
}

#else

bool start_memory_reserve(const memory_reserve_options&, std::string& why_not) {
  why_not = "this build has no jemalloc header (scripts/setup.sh installs libjemalloc-dev)";
  return false;
}

memory_reserve_stats read_memory_reserve() {
  return {};
}

#endif

}  // namespace persona
