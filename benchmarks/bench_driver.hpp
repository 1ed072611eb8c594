// bench_driver: what the in-process benchmarks share: cutting the simulated
// shop's events into batches, driving ingest through the engine facade with
// a bounded window, timing, and RSS.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "examples/workload.hpp"

namespace persona::bench {

using clock_type = std::chrono::steady_clock;

inline double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

/// Resident set size of this process.
inline size_t rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  return 0;
}

/// `n` events of `shop` in batches of `batch`: one per user 0..n-1 (creating
/// every profile) or drawn from the shop's mix.
inline std::vector<std::vector<event>> make_batches(workload& shop, uint64_t n, size_t batch,
                                                    bool one_per_user) {
  std::vector<std::vector<event>> out;
  for (uint64_t i = 0; i < n;) {
    std::vector<event> b;
    b.reserve(batch);
    for (size_t k = 0; k < batch && i < n; ++k, ++i)
      b.push_back(one_per_user ? shop.next_for(i) : shop.next());
    out.push_back(std::move(b));
  }
  return out;
}

/// Sends batches through the facade with at most `window` in flight;
/// returns the seconds taken. `rejected` counts batches with rejections
/// or errors.
inline double drive(engine& eng, std::vector<std::vector<event>>& batches, size_t window,
                    uint64_t& rejected) {
  std::mutex m;
  std::condition_variable cv;
  size_t in_flight = 0;
  uint64_t bad = 0;
  auto start = clock_type::now();
  for (auto& b : batches) {
    {
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return in_flight < window; });
      ++in_flight;
    }
    eng.ingest(std::move(b), [&](result<value> r) {
      std::lock_guard<std::mutex> lock(m);
      if (!r.ok() || !r->find("rejected")->as_array().empty())
        ++bad;
      --in_flight;
      cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(m);
  cv.wait(lock, [&] { return in_flight == 0; });
  rejected = bad;
  return seconds_since(start);
}

}  // namespace persona::bench
