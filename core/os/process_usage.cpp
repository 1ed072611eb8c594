#include "core/os/process_usage.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

namespace persona {

process_usage read_process_usage() {
  process_usage out;
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) {
    out.minor_faults = static_cast<uint64_t>(ru.ru_minflt);
    out.major_faults = static_cast<uint64_t>(ru.ru_majflt);
  }
  // statm: total and resident size, in pages.
  std::ifstream statm("/proc/self/statm");
  uint64_t total_pages = 0, resident_pages = 0;
  if (statm >> total_pages >> resident_pages) {
    long page = sysconf(_SC_PAGESIZE);
    out.rss_bytes = resident_pages * static_cast<uint64_t>(page > 0 ? page : 4096);
  }
  return out;
}

}  // namespace persona
