// messages: the plain structs that travel between Persona's actors beyond
// the core types (a shard's part of an ingest batch, a shard's figures).
// Kept free of CAF so the engine facade's users need not include it; the
// CAF glue for every message type is in message_types.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/profile/event.hpp"
#include "core/profile/item_catalog.hpp"

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
  /// Durability: last WAL record written and synced, WAL bytes written
  /// since start, snapshots written since start, the last one's size and
  /// duration; all 0 for a memory-only shard.
  uint64_t wal_seq = 0;
  uint64_t wal_synced_seq = 0;
  uint64_t wal_bytes = 0;
  uint64_t snapshots = 0;
  uint64_t last_snapshot_bytes = 0;
  double last_snapshot_ms = 0;
  /// Sweeps of time-dependent segments done, and the last one's work time.
  uint64_t segment_sweeps = 0;
  double last_sweep_ms = 0;
  /// Item signals and examples collected and not yet sent to the item model.
  uint64_t model_signals_collected = 0;
  /// Compactions started for deletes; profiles deleted by the retention
  /// sweep (profile_ttl); events not kept for want of consent.
  uint64_t erase_compactions = 0;
  uint64_t expired_profiles = 0;
  uint64_t events_without_consent = 0;
};

/// An upsert_items call as every shard applies it: the records (logged in
/// each shard's WAL) and the catalog version they make. `catalog` is that
/// version, built once by the sender; it is shared, not copied, between
/// shards of one node and does not travel between nodes (a remote shard
/// builds it from `records`).
struct catalog_update {
  uint64_t version = 0;
  std::vector<item_record> records;
  std::shared_ptr<const item_catalog> catalog;
};

/// What one shard's snapshot wrote.
struct shard_snapshot {
  uint32_t shard = 0;
  uint64_t wal_seq = 0;
  uint64_t profiles = 0;
  uint64_t bytes = 0;
  double duration_ms = 0;
};

}  // namespace persona
