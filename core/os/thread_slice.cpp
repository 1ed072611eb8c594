#include "core/os/thread_slice.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#ifdef __linux__
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace persona {

namespace {

#ifdef __linux__
/// The kernel's struct sched_attr (include/uapi/linux/sched/types.h);
/// glibc declares no wrapper for sched_setattr.
struct kernel_sched_attr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;  // for SCHED_OTHER: the requested slice, in ns
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};
#endif

}  // namespace

status request_time_slice(std::chrono::microseconds slice) {
#if defined(__linux__) && defined(SYS_sched_setattr)
  kernel_sched_attr attr{};
  attr.size = sizeof attr;
  // The call sets the policy too: keep the thread's own (normal or batch).
  int policy = sched_getscheduler(0);
  attr.sched_policy = policy >= 0 ? static_cast<uint32_t>(policy) : 0;
  // The call sets the nice value too: keep the thread's own.
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  attr.sched_nice = errno == 0 ? nice : 0;
  attr.sched_runtime = static_cast<uint64_t>(slice.count()) * 1000;
  if (syscall(SYS_sched_setattr, 0, &attr, 0) != 0)
    return {error_code::internal, std::string("the kernel refused a time slice for a thread: ") +
                                      std::strerror(errno) + "; set the slice to 0 to keep the default"};
#else
  (void)slice;
#endif
  return {};
}

}  // namespace persona
