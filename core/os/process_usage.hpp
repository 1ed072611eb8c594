// process_usage: what the operating system counts for this process: its
// resident memory and its page faults. A node reports them in `stats`,
// since on a virtual machine a fault on fresh memory can hold a shard for
// milliseconds (docs/benchmarks.md, "Page faults in the read tail"): a
// read tail that grows with the fault count points there.
#pragma once

#include <cstdint>

namespace persona {

struct process_usage {
  /// Resident set size in bytes; 0 where it cannot be read.
  uint64_t rss_bytes = 0;
  /// Page faults served without I/O (first touches of new memory among
  /// them) and with I/O, since the process started.
  uint64_t minor_faults = 0;
  uint64_t major_faults = 0;
};

/// Reads the counts now (Linux: /proc/self/statm and getrusage).
process_usage read_process_usage();

}  // namespace persona
