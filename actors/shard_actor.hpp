// shard_actor: the actor that owns one shard's profile_store. Its handlers
// unpack a message, call the store, and reply; all profile logic is in core.
//
// A batch is applied in slices of `slice_events`, one slice per message the
// shard sends itself (drain), so point reads, which travel at high priority,
// wait for at most a few slices, not for every queued batch. Batches still
// apply whole and in arrival order; each is answered when its last slice is
// in.
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
