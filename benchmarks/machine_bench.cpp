// persona-bench-machine: the two properties of the machine that the
// engine's figures follow, measured the same way each time so that runs on
// different days can be compared (docs/benchmarks.md):
//
// - the latency of a dependent cache miss: a pointer chase over a random
//   cycle through 1 GiB, each load waiting for the one before;
// - the cost of a page fault: the first touch of fresh anonymous memory in
//   2 MiB huge pages and in 4 KiB pages, and of huge pages the process
//   freed a moment before.
//
// On a virtual machine the first touch of a fresh huge page can cost
// milliseconds (5 ms on the project's machine, against 0.25 ms for one
// just freed), and a thread that takes such a fault holds up everything
// queued behind it.
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

constexpr size_t huge_page = size_t{2} << 20;
constexpr size_t small_page = 4096;

double ns_since(clock_type::time_point t) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - t).count();
}

/// Nanoseconds per load of a chase through `bytes` of memory.
double chase_ns(size_t bytes, size_t loads) {
  size_t n = bytes / sizeof(uint64_t);
  std::vector<uint64_t> order(n);
  std::iota(order.begin(), order.end(), uint64_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937_64(42));
  std::vector<uint64_t> next(n);
  for (size_t i = 0; i + 1 < n; ++i)
    next[order[i]] = order[i + 1];
  next[order[n - 1]] = order[0];
  uint64_t at = order[0];
  auto t = clock_type::now();
  for (size_t i = 0; i < loads; ++i)
    at = next[at];
  double ns = ns_since(t) / static_cast<double>(loads);
  // Keeps the chase from being optimised away.
  if (at == UINT64_MAX)
    std::puts("");
  return ns;
}

/// An anonymous mapping, unmapped when it goes.
struct mapping {
  void* raw = nullptr;
  size_t bytes = 0;
  ~mapping() {
    if (raw)
      munmap(raw, bytes);
  }
};

/// Per-fault times (us) of touching `bytes` of new anonymous memory in
/// `m`, one touch per page of `page` bytes; huge pages when `page` is
/// huge_page. The memory stays mapped as long as `m`.
std::vector<double> fault_us(mapping& m, size_t bytes, size_t page) {
  m.bytes = bytes + huge_page;
  m.raw = mmap(nullptr, m.bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m.raw == MAP_FAILED) {
    std::perror("persona-bench-machine: mmap");
    std::exit(1);
  }
  auto base = (reinterpret_cast<uintptr_t>(m.raw) + huge_page - 1) & ~(huge_page - 1);
  auto* p = reinterpret_cast<volatile char*>(base);
  madvise(const_cast<char*>(p), bytes, page == huge_page ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  std::vector<double> us;
  us.reserve(bytes / page);
  for (size_t off = 0; off < bytes; off += page) {
    auto t = clock_type::now();
    p[off] = 1;
    us.push_back(ns_since(t) / 1000.0);
  }
  return us;
}

void print_faults(const char* what, std::vector<double> us, size_t page) {
  std::sort(us.begin(), us.end());
  double total_ms = std::accumulate(us.begin(), us.end(), 0.0) / 1000.0;
  double mib = static_cast<double>(us.size() * page) / double(1 << 20);
  std::printf("%-37s %7zu faults  p50 %8.1f us  p99 %8.1f us  max %8.1f us  %6.2f ms per MiB\n", what,
              us.size(), us[us.size() / 2], us[us.size() * 99 / 100], us.back(), total_ms / mib);
}

/// Whether the kernel gives huge pages to memory that asks for them.
bool huge_pages_enabled() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  std::getline(in, modes);
  return modes.find("[always]") != std::string::npos || modes.find("[madvise]") != std::string::npos;
}

bool flag(const std::string& arg, const char* name, size_t& out) {
  std::string prefix = std::string("--") + name + "=";
  if (arg.compare(0, prefix.size(), prefix) != 0)
    return false;
  out = std::strtoull(arg.c_str() + prefix.size(), nullptr, 10);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  size_t chase_mib = 1024, fault_mib = 512, loads = 20000000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (flag(a, "chase-mib", chase_mib) || flag(a, "fault-mib", fault_mib) || flag(a, "loads", loads))
      continue;
    std::fprintf(stderr,
                 "usage: persona-bench-machine [--chase-mib=1024] [--loads=20000000] [--fault-mib=512]\n"
                 "unknown argument '%s'\n",
                 a.c_str());
    return 2;
  }
  if (chase_mib == 0 || fault_mib < 2 || loads == 0) {
    std::fprintf(stderr,
                 "persona-bench-machine: --chase-mib and --loads must be positive, --fault-mib at least 2\n");
    return 2;
  }
  size_t bytes = fault_mib << 20;
  // Faults first, before this process has freed anything. Both fresh
  // regions stay mapped until the third is touched: each of the first two
  // gets memory the process has not had before, the third the huge pages
  // of the first, just given back.
  bool huge = huge_pages_enabled();
  auto fresh_huge = std::make_unique<mapping>();
  mapping fresh_small, recycled_huge;
  if (huge)
    print_faults("fresh memory, 2 MiB huge pages", fault_us(*fresh_huge, bytes, huge_page), huge_page);
  else
    std::printf("transparent huge pages are off on this kernel: no huge page figures\n");
  print_faults("fresh memory, 4 KiB pages", fault_us(fresh_small, bytes, small_page), small_page);
  fresh_huge.reset();
  if (huge)
    print_faults("just freed memory, 2 MiB huge pages", fault_us(recycled_huge, bytes, huge_page), huge_page);
  // Last, so that the faults above are not served from the chase's memory.
  std::printf("dependent miss, pointer chase over %zu MiB: %.1f ns a load\n", chase_mib,
              chase_ns(chase_mib << 20, loads));
  return 0;
}
