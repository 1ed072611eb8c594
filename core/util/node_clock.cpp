// node_clock: the node's one "now" (node_clock.hpp).
#include "core/util/node_clock.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace persona {

const char* to_string(clock_mode mode) {
  return mode == clock_mode::live ? "live" : "events";
}

std::optional<clock_mode> parse_clock_mode(const std::string& name) {
  if (name == "events")
    return clock_mode::events;
  if (name == "live")
    return clock_mode::live;
  return std::nullopt;
}

int64_t system_wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

node_clock::node_clock(clock_mode mode, wall_source wall) : mode_(mode), wall_(std::move(wall)) {}

void node_clock::observe(int64_t event_ms) {
  auto seen = newest_.load(std::memory_order_relaxed);
  while (event_ms > seen && !newest_.compare_exchange_weak(seen, event_ms, std::memory_order_relaxed)) {
  }
}

int64_t node_clock::now_with(int64_t event_ms) const {
  int64_t newest = std::max(event_ms, newest_event_ms());
  if (mode_ == clock_mode::live)
    return std::max(newest, wall_ms());
  return newest >= 0 ? newest : wall_ms();
}

}  // namespace persona
