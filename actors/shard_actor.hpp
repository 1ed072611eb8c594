// shard_actor: the actor that owns one shard's profile_store. Its handlers
// unpack a message, call the store, and reply; all profile logic is in core.
//
// Long work is done in slices, one slice per message the shard sends itself
// (drain): a batch `slice_events` events at a time, a query scan 16 times as
// many profiles at a time. Ingest goes first: a query scans when no batch
// waits, or one slice after every 8 batch slices under full load. Point reads,
// which travel at high priority, wait for a slice, not for every queued
// batch or a whole scan, and ingest goes on while a query scans. Batches
// still apply whole and in arrival order; each batch and query is answered
// when its last slice is done. A scan sees the profiles of each slice as
// they are when it reaches them.
//
// Messages (message_types.hpp), each answered to the requester:
//   (ingest, shard_batch)                      -> batch_outcome
//   shard_read (local, high priority)          -> the read's own callback
//   (profile, user, now_ms, fields)            -> value | not_found
//   (attrs, user, attributes)                  -> std::string user
//   (erase, user)                              -> bool deleted
//   (export, user)                             -> std::string image | not_found
//   (fold, target, image, now_ms, fields)      -> value (target's profile)
//   (query, query_request)                     -> query_partial
//   (stats)                                    -> shard_stats
#pragma once

#include <caf/fwd.hpp>
#include <cstdint>
#include <memory>

#include "core/item_catalog.hpp"
#include "core/profile_config.hpp"

namespace persona {

/// Events a shard applies before it looks at its mailbox again.
constexpr size_t default_slice_events = 64;

/// Spawns shard number `index` with an empty store. Events are enriched from
/// the node's catalog `items` (may be null: no catalog).
caf::actor spawn_shard(caf::actor_system& sys, uint32_t index, const profile_config& cfg,
                       std::shared_ptr<const item_catalog_holder> items = nullptr,
                       size_t slice_events = default_slice_events);

}  // namespace persona
