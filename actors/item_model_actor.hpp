// item_model_actor: the actor that owns the node's item_model_builder. Shards
// send it model_batches (item signals and labelled propensity examples) as
// they apply events; every `publish_interval` it publishes a new immutable
// item_model version into the node's item_model_holder, which readers on
// any thread load without locking. Changed items' neighbour lists are
// rebuilt every `neighbour_interval`, and factors, the largest part,
// copied every `factor_interval`; versions between share the previous ones.
//
// Nothing is skipped: every signal counts for popularity on arrival and
// waits in the builder's queue to be learnt from (co-occurrence, factors).
// While the stream is live the actor learns at most
// `learn_signals_per_second`, which bounds its CPU under any ingest rate;
// once no live batch has come for `quiet_after` it learns what waits as
// fast as it can, in chunks between its messages. Replayed batches (after
// a restart) are learnt at once. What waits is bounded by `model_backlog`
// (core/model/model_backlog.hpp): shards drop signals past its bound
// before sending, counted and warned of. Versions record their lag.
//
// With a data directory the actor saves the builder's state every
// `save_interval` (when it changed), once it caught up with a backlog
// (after a bulk load), and when it stops, with the last WAL
// record of each shard it holds (core/storage/model_file.hpp); recovery
// loads it and feeds it the WAL records after those (node_recovery.hpp).
//
// Messages:
//   model_batch (local)       a shard's signals and examples; no answer
//   (publish)                 the actor's own timer
//   (learn)                   the actor's own: learn more of what waits
//   (save)                    the actor's own timer
//   retired version (local)   a version a shard no longer reads: dropped here
//   (refresh)                 -> uint64_t: publish now (tools and tests,
//                                after every shard flushed its feed)
#pragma once

#include <caf/fwd.hpp>
#include <chrono>
#include <memory>

#include "core/model/item_model.hpp"
#include "core/model/item_model_builder.hpp"
#include "core/model/item_model_config.hpp"
#include "core/model/item_signal.hpp"
#include "core/model/model_backlog.hpp"
#include "core/storage/file_env.hpp"
#include "core/util/log_sink.hpp"

namespace persona {

struct item_model_setup {
  item_model_config config;
  std::shared_ptr<item_model_holder> holder;
  std::chrono::milliseconds publish_interval{200};
  std::chrono::milliseconds factor_interval{1000};
  std::chrono::milliseconds neighbour_interval{500};
  /// No live batch for this long: what waits is learnt past the budget.
  std::chrono::milliseconds quiet_after{500};
  /// The niceness of the actor's thread: learning is background work. At
  /// 19, shards and network threads take the core from it whenever they
  /// wake: it learns in the cores' idle time, and under saturation falls
  /// behind (signals wait, bounded by the backlog) instead of stalling
  /// ingest and reads. Its version rebuilds hold a core for 20 to 300 ms.
  int nice = 19;
  /// A builder loaded from the item model file, or null (a new one).
  /// REQUIRES: its state is published in `holder` already, and what it has
  /// waiting counted in `backlog` (spawn_item_model's caller does both, so
  /// no read comes before).
  std::shared_ptr<item_model_builder> restored;
  /// Per shard: the last WAL record the restored state holds.
  std::vector<uint64_t> covered;
  /// Where the state is saved; empty: never saved.
  std::string data_dir;
  /// The file system under data_dir; null: POSIX.
  file_env* files = nullptr;
  /// Between two saves of a changed state.
  std::chrono::milliseconds save_interval{60000};
  /// The signals on their way here, counted down as batches arrive (null:
  /// not bounded).
  std::shared_ptr<model_backlog> backlog;
  /// Where the actor warns that signals are being dropped (at most once a
  /// minute).
  log_sink log;
};

caf::actor spawn_item_model(caf::actor_system& sys, item_model_setup setup);

/// Sends `batch` to the item model actor from any thread.
void send_model_batch(const caf::actor& model, model_batch batch);

/// Hands a version a reader no longer needs to the item model actor, so
/// that freeing it (when it was the last reference) happens there.
void retire_model_version(const caf::actor& model, std::shared_ptr<const item_model> version);

}  // namespace persona
