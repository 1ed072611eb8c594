// event_stream: the run's events, generated before the clock starts (so
// making them does not compete with the node for CPU) and split into lanes,
// one per connection, by user: a user's events all travel on one connection,
// in time order, as a partitioned producer would send them. Each lane's
// events are cut into batches and encoded once by the target's encoder.
// Read-only once built; any thread may read it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tools/loadgen/shop_simulation.hpp"
#include "tools/loadgen/sim_event.hpp"

namespace persona::loadgen {

struct event_lane {
  /// Indices into event_stream::events, in time order.
  std::vector<uint32_t> events;
  /// Batch b carries events[b * batch_size, (b + 1) * batch_size).
  std::vector<std::string> batches;
};

struct event_stream {
  std::vector<sim_event> events;
  std::vector<event_lane> lanes;
  uint32_t batch_size = 0;

  /// The events of batch `b` of lane `lane` as indices into `events`.
  std::pair<const uint32_t*, size_t> batch_events(size_t lane, size_t b) const;
  size_t batch_count() const;
};

/// Encodes one batch (events given by index into `all`) for the wire.
using batch_encoder =
    std::function<std::string(const std::vector<sim_event>& all, const uint32_t* index, size_t count)>;

/// Generates `count` events of `sim` into `lanes` lanes of batches of
/// `batch` events; `progress(done, total)` is called now and then.
event_stream generate_stream(shop_simulation& sim, uint64_t count, uint32_t lanes, uint32_t batch,
                             const batch_encoder& encode,
                             const std::function<void(uint64_t, uint64_t)>& progress);

/// The lane a user's events travel on.
inline uint32_t lane_of(uint32_t user, uint32_t lanes) {
  return static_cast<uint32_t>((user * 2654435761u) % lanes);
}

}  // namespace persona::loadgen
