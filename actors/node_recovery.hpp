// node_recovery: what a node does with its data directory before it
// serves: takes the directory's lock, checks it was written with the same
// shard count, recovers every shard in parallel (shard_recovery.hpp), and
// settles the item catalog: shards normally agree on it; after a crash in
// the middle of an upsert_items, the shards that missed the newest version
// log it now, so all shards and the node share one version again.
// Plain threads, no actors: the shards are spawned from its result.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "actors/shard_actor.hpp"
#include "core/model/item_model.hpp"
#include "core/storage/file_io.hpp"
#include "core/util/status.hpp"

namespace persona {

/// The outcome of a node's recovery: a setup per shard, and the lock that
/// must stay held while the node runs.
struct recovered_node {
  std::vector<shard_setup> shards;
  std::shared_ptr<const item_catalog> catalog;
  unique_fd lock;
  uint64_t profiles = 0;
  /// The newest event time recovered, or -1.
  int64_t newest_event_ms = -1;
  uint64_t wal_records = 0;
  double seconds = 0;
};

/// A restored item model to feed the WAL records it does not hold.
struct model_catch_up {
  /// Per shard: the last WAL record the model holds.
  std::vector<uint64_t> covered;
  std::shared_ptr<item_model_holder> holder;
  /// Where the fed signals go (the item model actor), from recovery threads.
  std::function<void(model_batch&&)> sink;
};

/// Recovers `opts.data_dir` for `opts.shards` shards. `progress` receives
/// a short line on what recovery is doing (for `ping` while recovering).
/// With `model`, each shard's WAL records after the ones the model holds
/// are fed to it as they are replayed.
result<recovered_node> recover_node(const engine_options& opts,
                                    const std::function<void(std::string)>& progress,
                                    const model_catch_up* model = nullptr);

}  // namespace persona
