#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <thread>

#include "core/os/thread_slice.hpp"

using namespace persona;

namespace {

/// The calling thread's slice as the kernel reports it (ns), or -1 where
/// it does not report one.
long long reported_slice_ns() {
  std::ifstream in("/proc/thread-self/sched");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("se.slice", 0) == 0)
      return std::stoll(line.substr(line.find(':') + 1));
  return -1;
}

int own_nice() {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
}

}  // namespace

TEST_CASE("a thread gets the time slice it asks for, and keeps its nice value and policy") {
  // On a thread of its own: the test runner's thread keeps its settings.
  std::thread([] {
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 3);
    sched_param normal{};
    REQUIRE(sched_setscheduler(0, SCHED_BATCH, &normal) == 0);
    long long before = reported_slice_ns();
    REQUIRE(request_time_slice(std::chrono::microseconds(200)).ok());
    CHECK(own_nice() == 3);
    CHECK(sched_getscheduler(0) == SCHED_BATCH);
    if (before < 0)
      return;  // a kernel that reports no slice (before EEVDF): nothing more to see
    CHECK(reported_slice_ns() == 200000);
    // 0 goes back to the kernel's default.
    REQUIRE(request_time_slice(std::chrono::microseconds(0)).ok());
    CHECK(reported_slice_ns() == before);
    CHECK(own_nice() == 3);
  }).join();
}
