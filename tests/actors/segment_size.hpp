// segment_size: reads a live segment's size through the engine, at once
// or by polling until it is what a test expects (segment sweeps run on
// their own timers). For the actor tests' main thread.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "actors/engine.hpp"

namespace persona::test {

/// The size list_segments gives segment `name`, or -1 when it is not defined.
inline int64_t segment_size(engine& eng, const std::string& name) {
  auto list = eng.list_segments_sync();
  REQUIRE(list.ok());
  for (auto& s : list->as_array())
    if (s.find("name")->as_string() == name)
      return s.find("size")->as_int();
  return -1;
}

/// Polls the segment's size until it is `want` or 20 s passed (the sweep
/// timers run on their own; nothing here depends on how soon).
inline int64_t wait_for_segment_size(engine& eng, const std::string& name, int64_t want) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int64_t size = segment_size(eng, name);
  while (size != want && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    size = segment_size(eng, name);
  }
  return size;
}

}  // namespace persona::test
