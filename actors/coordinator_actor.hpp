// coordinator_actor: answers the questions that span shards and routes the
// ones that do not. It holds the shards as caf::actor handles (so a shard on
// another node is the same code path), routes each user through
// user_router's shard_of(), fans queries out and merges their partials
// exactly, and turns a shard that times out or dies into an error naming it.
//
// Messages (message_types.hpp):
//   (profile, user, now_ms, fields)                 -> value
//   (attrs, user, attributes)                       -> std::string user
//   (consent, user, flags)                          -> value (the user's consents)
//   (erase, user)                                   -> bool
//   (erase, user, durable)                          -> bool (durable: once off disk)
//   (merge, source, target, now_ms, fields)         -> value (target's profile)
//   (catalog, catalog_update)                      -> uint64_t version (every shard has it)
//   (query, query_request)                          -> value (the protocol result)
//   (snapshot)                                      -> std::vector<shard_snapshot>
//   (segdef, name, where)                           -> uint64_t size   (coordinator_segments.cpp)
//   (segdrop, name)                                 -> bool dropped
//   (seglist)                                       -> value [{"name", "where", "size"}]
//   (segmembers, name, shard, slot, limit)          -> value {"users", "cursor"}
//   (train, options)                                -> value (cluster_training.cpp)
//   (stats)                                         -> std::vector<shard_stats>
#pragma once

#include <caf/fwd.hpp>
#include <chrono>
#include <vector>

namespace persona {

/// Spawns a coordinator over `shards`; `shard_timeout` bounds every request
/// it sends to a shard but snapshots, which `snapshot_timeout` bounds.
caf::actor spawn_coordinator(caf::actor_system& sys, std::vector<caf::actor> shards,
                             std::chrono::milliseconds shard_timeout,
                             std::chrono::milliseconds snapshot_timeout);

}  // namespace persona
