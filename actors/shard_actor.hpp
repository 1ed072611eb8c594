// shard_actor: the actor that owns one shard's profile_store. Its handlers
// unpack a message, call the store, and reply; all profile logic is in core.
//
// Long work is done in slices, one slice per message the shard sends itself
// (drain): a batch `slice_events` events at a time, a query scan 16 times as
// many profiles at a time, a snapshot 32 times as many. Ingest goes first:
// a scan or snapshot slice runs when no batch waits, or after every 8 batch
// slices under full load. Point reads, which travel at high priority, wait
// for a slice, not for every queued batch or a whole scan.
//
// Live segments: membership is kept by the store as changes apply; when
// the node's clock has moved on by `segment_sweep_ms` and at least
// `segment_sweep_interval` of wall time has passed since the last sweep,
// time-dependent segments are re-evaluated over every profile in slices
// (like a scan); changes go to the node's segment_hub when someone
// subscribed. While there are time-dependent segments a timer (sweep_tick)
// checks every interval, so a shard that gets no message still sweeps.
//
// Durability (when the shard has a directory): every change (a batch, set
// attributes, erase, fold, catalog update) is appended to the shard's WAL
// when it arrives, then applied in arrival order: changes queue behind
// batches still being applied, so memory always equals a prefix of the WAL.
// It is answered once applied and its record is durable: written to the
// file by the WAL's own thread (the shard never waits for the disk), and
// under fsync=always synced too. A snapshot captures the store as of one WAL record (copy on
// write, core/store/snapshot_capture.hpp) in slices between other work, while a thread
// writes the file; it runs every `snapshot_interval`, when the WAL has
// grown by `snapshot_wal_bytes` since the last one, on request, and at
// graceful stop.
//
// Recommendations: as events apply, the shard's model_feed collects item
// signals and labelled propensity examples, sent to the item model actor
// in batches of `feed_batch` or after `feed_delay`. Recommend and predict
// are point reads answered from the user's profile as it is now and the
// item model version last published.
//
// Messages (message_types.hpp), each answered to the requester:
//   (ingest, shard_batch)                      -> batch_outcome
//   shard_ingest (local)                       -> its batch_join (the facade's batches)
//   shard_read (local, high priority)          -> the read's own callback
//                                                 (profile, recommend, predict, likeness)
//   (similar, likeness, k, exclude)            -> value [[user, score]] best first
//                                                 (scanned in slices, like a query)
//   (feed, true)                               -> bool: collected item signals sent
//                                                 to the item model (after queued changes)
//   (profile, user, now_ms, fields)            -> value | not_found
//   (attrs, user, attributes)                  -> std::string user
//   (consent, user, flags)                     -> value the user's consents (a change)
//   (erase, user)                              -> bool deleted
//   (erase, user, durable)                     -> bool deleted; when durable, answered once
//                                                 the compaction that drops it from disk is done
//   (export, user)                             -> std::string image | not_found
//   (fold, target, image, fold_id, now_ms, fields) -> value (target's profile)
//   (catalog, catalog_update)                  -> uint64_t version
//   (segdef, name, where)                      -> uint64_t the shard's members
//   (segdrop, name)                            -> bool dropped
//   (seglist)                                  -> value {name: [where, size]}
//   (segmembers, name, from_slot, limit)       -> value {"users", "next"}
//   (kmeans, op, args)                         -> value (a training step, kmeans_steps.hpp)
//   (query, query_request)                     -> query_partial
//   (snapshot)                                 -> shard_snapshot
//   (stats)                                    -> shard_stats
#pragma once

#include <caf/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/model/item_model.hpp"
#include "core/model/item_model_config.hpp"
#include "core/model/item_signal.hpp"
#include "core/model/propensity_labeller.hpp"
#include "core/profile/item_catalog.hpp"
#include "core/profile/profile_config.hpp"
#include "core/storage/fsync_policy.hpp"
#include "core/util/log_sink.hpp"
#include "core/util/node_clock.hpp"

namespace persona {

class file_env;
class profile_store;
class segment_hub;

/// Events a shard applies before it looks at its mailbox again.
constexpr size_t default_slice_events = 64;

/// Everything a shard starts with.
struct shard_setup {
  uint32_t index = 0;
  profile_config profile;
  size_t slice_events = default_slice_events;
  /// The recovered store; null: a new, empty one.
  std::shared_ptr<profile_store> store;
  /// The catalog the shard enriches events from; null: empty.
  std::shared_ptr<const item_catalog> catalog;
  /// The shard's directory; empty: memory only (no WAL, no snapshots).
  std::string dir;
  /// The file system the WAL and snapshots go through; null: POSIX.
  file_env* files = nullptr;
  /// Shards of the node, written into snapshot headers.
  uint32_t shards = 1;
  fsync_policy fsync = fsync_policy::batch;
  std::chrono::milliseconds fsync_interval{100};
  /// Between periodic snapshots; zero: only on request and at stop.
  std::chrono::milliseconds snapshot_interval{300000};
  /// WAL bytes since the last snapshot that start another one (bounds
  /// disk use and recovery time under heavy ingest); zero: no bound.
  uint64_t snapshot_wal_bytes = uint64_t{1} << 30;
  /// A deleted profile leaves every file of the shard within this time: a
  /// delete schedules the compaction (a snapshot that drops the older
  /// snapshots and WAL segments) to start after a quarter of it.
  std::chrono::milliseconds erase_max_delay{300000};
  /// Retention: profiles whose newest event is older than this (event
  /// time, against the node's "now") are deleted, as a delete would; 0: kept.
  int64_t profile_ttl_ms = 0;
  /// Wall time between two retention sweeps over the shard's profiles.
  std::chrono::milliseconds retention_sweep_interval{60000};
  /// Before the first periodic snapshot (staggers a node's shards).
  std::chrono::milliseconds first_snapshot_delay{300000};
  /// Sequence number of the next WAL record (after recovery).
  uint64_t next_seq = 1;
  /// Deletes since the newest snapshot began (replayed from the WAL).
  uint64_t erases_since_snapshot = 0;
  /// Where membership changes go for subscribers; may be null.
  std::shared_ptr<segment_hub> hub;
  /// The node's "now", shared by its shards (core/util/node_clock.hpp);
  /// null: the shard's own newest event time.
  std::shared_ptr<node_clock> clock;
  /// A query still scanning this long after the shard took it is cancelled
  /// (its caller's deadline, the coordinator's request timeout, has
  /// passed): the shard stops scanning and answers `timeout`. Zero: never.
  std::chrono::milliseconds query_deadline{0};
  /// The clock query deadlines are measured on; empty: steady_clock. Tests set it.
  std::function<std::chrono::steady_clock::time_point()> steady_now;
  /// Event time that must pass before time-dependent segments are swept again.
  int64_t segment_sweep_ms = 60000;
  /// Wall time between the starts of two sweeps, at least (a sweep
  /// re-evaluates every profile; under fast ingest event time runs far
  /// ahead of the wall clock). While the shard has time-dependent segments
  /// a timer looks this often whether a sweep is due, messages or not.
  std::chrono::milliseconds segment_sweep_interval{10000};
  /// The node's item model versions (null: no recommendations here).
  std::shared_ptr<item_model_holder> models;
  /// Where collected item signals and propensity examples go (the item
  /// model actor); called on the shard's thread.
  std::function<void(model_batch&&)> model_sink;
  /// The item model was restored from its file and fed this shard's WAL
  /// tail: recovered histories are not replayed into it.
  bool model_restored = false;
  /// Where item model versions the shard no longer reads go to be freed.
  std::function<void(std::shared_ptr<const item_model>&&)> model_retire;
  item_model_config recommend;
  labeller_options labels;
  /// Collected signals are sent once this many wait, or after feed_delay.
  size_t feed_batch = 512;
  std::chrono::milliseconds feed_delay{20};
  log_sink log;
};

/// Spawns a shard. A shard whose WAL cannot be opened logs why and answers
/// every change with that error (reads still work).
caf::actor spawn_shard(caf::actor_system& sys, shard_setup setup);

}  // namespace persona
