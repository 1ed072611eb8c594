// messages: the plain structs that travel between Persona's actors beyond
// the core types (a shard's part of an ingest batch, a shard's figures).
// Kept free of CAF so the engine facade's users need not include it; the
// CAF glue for every message type is in message_types.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "core/event.hpp"

namespace persona {

/// The events of one client batch that belong to one shard, in batch order.
struct shard_batch {
  uint32_t shard = 0;
  std::vector<event> events;
  /// The client's index of each event, for rejections.
  std::vector<uint32_t> indices;
};

/// One shard's figures for `stats`.
struct shard_stats {
  uint32_t shard = 0;
  uint64_t users = 0;
  uint64_t events = 0;
  uint64_t mailbox = 0;
  uint64_t profile_bytes = 0;
  uint64_t index_bytes = 0;
  uint64_t symbol_bytes = 0;
};

}  // namespace persona
