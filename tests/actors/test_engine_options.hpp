// test_engine_options: the engine settings of the actor tests: a few shards
// on two worker threads, memory only unless given a data directory,
// segment sweeps as soon as event time moves (no wall-clock wait), and an
// item model that learns what waits for it at once (a slow run, such as a
// sanitizer build on a busy machine, behaves as a fast one).
#pragma once

#include <chrono>
#include <string>

#include "actors/engine.hpp"

namespace persona::test {

inline engine_options test_engine(size_t shards = 2, const std::string& data_dir = "") {
  engine_options o;
  o.shards = shards;
  o.worker_threads = 2;
  o.data_dir = data_dir;
  o.segment_sweep_interval = std::chrono::milliseconds(0);
  o.model_quiet_after = std::chrono::milliseconds(0);
  return o;
}

}  // namespace persona::test
