// segment_hub: where shards publish segment membership changes and where
// connections subscribe to them (docs/segments.md). Shards call publish()
// from their actor threads after each slice that changed memberships;
// each subscriber's sink is called with the changes of the segments it
// chose, on the publishing thread, so a sink must only queue (a network
// session posts to its strand and bounds its own queue). Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace persona {

/// One change of one user's membership.
struct segment_event {
  std::string segment;
  std::string user;
  bool entered = false;
  int64_t ts = 0;
};

class segment_hub {
 public:
  using sink = std::function<void(std::vector<segment_event>&)>;

  /// Subscribes `to` to `segments`; returns the subscription's id.
  uint64_t subscribe(std::set<std::string> segments, sink to);
  void unsubscribe(uint64_t id);
  /// Whether anyone listens (shards collect changes only then).
  bool active() const { return subscriptions_.load(std::memory_order_relaxed) > 0; }
  /// Hands each subscriber the changes of its segments.
  void publish(const std::vector<segment_event>& changes);

 private:
  struct subscription {
    std::set<std::string> segments;
    sink to;
  };
  std::mutex mu_;
  std::map<uint64_t, std::shared_ptr<subscription>> subs_;
  uint64_t next_id_ = 1;
  std::atomic<size_t> subscriptions_{0};
};

}  // namespace persona
