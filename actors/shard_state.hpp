// shard_state: the state of one shard actor (shard_actor.hpp): its store,
// catalog view, WAL, pending work, snapshot in progress and segment sweep,
// with the slice-by-slice work that drain() runs (shard_state.cpp).
// Touched only by that actor. Shared by the files implementing the shard
// (shard_actor.cpp: handlers and draining; shard_durability.cpp: WAL and
// snapshots).
// Pulls in CAF: include from those files only.
#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

#include "actors/message_types.hpp"
#include "actors/segment_hub.hpp"
#include "actors/shard_actor.hpp"
#include "actors/shard_read.hpp"
#include "core/model/model_feed.hpp"
#include "core/storage/snapshot_file.hpp"
#include "core/storage/snapshot_writer.hpp"
#include "core/storage/wal_record.hpp"
#include "core/storage/wal_writer.hpp"
#include "core/store/profile_store.hpp"

namespace persona {

using shard_clock = std::chrono::steady_clock;

/// Called with nullptr once a change's record is durable, or with the error.
using settle_fn = std::function<void(const status*)>;

/// Where a batch's outcome goes once it is applied and durable: called with
/// nullptr and the outcome, or with the error. Wraps a response promise
/// (a request) or a batch_join (a part posted by the facade).
using batch_reply = std::function<void(const status*, batch_outcome&)>;

/// A change waiting for the batches before it: a batch applied slice by
/// slice (when `op` is empty), or another change run when it reaches the head.
struct pending_write {
  shard_batch batch;
  size_t next = 0;
  uint64_t seq = 0;
  batch_outcome outcome;
  batch_reply reply;
  std::function<void()> op;
  /// For an op: whether `seq` is its own record's (else the last before it).
  bool logged = false;
};

/// A query being evaluated slice by slice over the slab, and its answer.
struct pending_query {
  query_request request;
  size_t next_slot = 0;
  query_partial partial;
  caf::typed_response_promise<query_partial> promise;
  /// Past it the scan is cancelled (shard_setup::query_deadline).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

/// A define_segment's first evaluation of every profile, slice by slice
/// like a query; answered with the segment's size at the end of the slab.
struct pending_segment_scan {
  segment_id id = 0;
  size_t next_slot = 0;
  caf::typed_response_promise<uint64_t> promise;
  /// The definition's WAL record: the answer waits until it is durable.
  uint64_t seq = 0;
};

/// A similar_users scan in progress, slice by slice like a query.
struct pending_similar {
  likeness_scorer scorer;
  size_t k = 0;
  std::string exclude;
  size_t next_slot = 0;
  std::vector<std::pair<std::string, double>> best;
  caf::typed_response_promise<value> promise;
};

/// A snapshot in progress: capture state, writer, who waits for it.
struct snapshot_job {
  bool capturing = false;
  uint64_t seq = 0;
  shard_clock::time_point started;
  snapshot_encoder encoder;
  std::unique_ptr<snapshot_writer> writer;
  uint64_t profiles = 0;
  /// Deletes happened since the snapshot before: drop it once this is done.
  bool drop_fallback = false;
  /// Durable deletes answered once this snapshot and its pruning are done.
  std::vector<settle_fn> erase_waiters;
  std::vector<caf::typed_response_promise<shard_snapshot>> promises;
};

/// Profiles a query slice scans for each event a batch slice applies (a
/// scan is about 16 times cheaper per profile than an update).
constexpr size_t query_profiles_per_event = 16;
/// Profiles a snapshot slice encodes for each event a batch slice applies.
constexpr size_t snapshot_profiles_per_event = 32;
/// Ingest goes first: a query or snapshot gets a slice when no batch waits,
/// or after this many batch slices in a row, so it still finishes.
constexpr uint32_t batch_slices_per_background_slice = 8;
/// The shortest wait between two sweep ticks (an interval of 0 would
/// otherwise keep an idle shard busy).
constexpr std::chrono::milliseconds min_sweep_tick{10};
/// Snapshot bytes queued for the writer thread before capture waits.
constexpr uint64_t max_snapshot_queue_bytes = 64u << 20;

/// State of one shard actor; touched only by that actor.
struct shard_state {
  shard_setup setup;
  std::shared_ptr<profile_store> store_ptr;
  profile_store* store = nullptr;
  std::shared_ptr<const item_catalog> catalog;
  std::unique_ptr<wal_writer> wal;
  /// Why the WAL could not be opened; changes are refused with it.
  status wal_error;
  std::string payload;  // reused for batch records
  /// Changes not yet applied, oldest first.
  std::deque<pending_write> writes;
  std::deque<pending_query> queries;
  std::deque<pending_similar> similars;
  std::deque<pending_segment_scan> segment_scans;
  /// Answers waiting for their records to be durable (written, or synced
  /// under fsync=always), oldest first.
  std::deque<std::pair<uint64_t, settle_fn>> awaiting_durable;
  uint32_t batch_slices_in_a_row = 0;
  /// Whether a drain message is on its way to this shard.
  bool draining = false;
  std::unique_ptr<snapshot_job> snapshot;
  /// Requests for a snapshot that arrived while one was running.
  std::vector<caf::typed_response_promise<shard_snapshot>> next_snapshot;
  /// Delete records since the newest snapshot began (each names a user the
  /// files must forget).
  uint64_t erases_since_snapshot = 0;
  /// Whether an erase_tick is on its way; whether a compaction is due as
  /// soon as the running snapshot (begun before a delete) is done.
  bool erase_timer = false;
  bool erase_after_snapshot = false;
  /// Durable deletes applied, waiting for the next snapshot to start.
  std::vector<settle_fn> erase_waiters;
  /// Compactions started for deletes (stats).
  uint64_t erase_compactions = 0;
  /// A retention sweep (profile_ttl_ms): next slot, the cutoff it deletes
  /// below; profiles it deleted since start.
  bool expiring = false;
  size_t expire_next = 0;
  int64_t expire_cutoff = 0;
  uint64_t expired_profiles = 0;
  /// set_consent changes logged and not yet applied: the user's withheld
  /// consents after them, and how many are pending.
  std::unordered_map<std::string, std::pair<uint8_t, uint32_t>> consent_logged;
  /// Events not kept for want of profiling consent (stats).
  uint64_t events_without_consent = 0;
  /// A sweep of time-dependent segments: next slot, its "now"; and the
  /// "now" of the last one started.
  bool sweeping = false;
  size_t sweep_next = 0;
  int64_t sweep_now = 0;
  int64_t last_sweep_now = -1;
  shard_clock::time_point last_sweep_started{};
  /// Whether a sweep_tick is on its way to this shard.
  bool sweep_timer = false;
  /// Time spent in the current sweep's slices; figures of the last one.
  shard_clock::duration sweep_busy{};
  uint64_t sweeps_done = 0;
  double last_sweep_ms = 0;
  uint32_t background_turn = 0;
  /// Collects item signals and propensity examples; null without a model.
  std::unique_ptr<model_feed> feed;
  /// Whether a feed message is on its way to this shard.
  bool feed_timer = false;
  /// Replaying recovered profiles' histories into the item model: the
  /// next slot (slices run between other work, like a scan).
  bool replaying = false;
  size_t replay_next = 0;
  /// The item model version reads use, refreshed before each.
  std::shared_ptr<const item_model> model;
  uint64_t snapshots_written = 0;
  uint64_t last_snapshot_bytes = 0;
  double last_snapshot_ms = 0;
  static inline const char* name = "persona.shard";

  /// "shard <index>", for messages and log lines.
  std::string shard_name() const { return "shard " + std::to_string(setup.index); }
  /// Sends a line to the node's log, prefixed with the shard's name.
  void log(bool warning, const std::string& line) const;

  /// Profiles one scan slice visits.
  size_t query_slice() const { return setup.slice_events * query_profiles_per_event; }
  /// The time query deadlines are measured on.
  std::chrono::steady_clock::time_point steady_now() const {
    return setup.steady_now ? setup.steady_now() : std::chrono::steady_clock::now();
  }
  /// The deadline of a query taken now.
  std::chrono::steady_clock::time_point query_deadline() const {
    return setup.query_deadline.count() > 0 ? steady_now() + setup.query_deadline
                                            : std::chrono::steady_clock::time_point::max();
  }
  /// Profiles one snapshot slice encodes.
  size_t snapshot_slice() const { return setup.slice_events * snapshot_profiles_per_event; }

  /// Whether the shard keeps a directory (a WAL and snapshots).
  bool durable() const { return !setup.dir.empty(); }

  /// Appends a change to the WAL; its sequence number (0 when memory-only).
  result<uint64_t> log_change(wal_kind kind, std::string_view payload);

  /// Whether a change's answer must wait for its record to be durable.
  bool must_wait(uint64_t seq) const { return wal && seq > wal->durable_seq(); }

  /// Answers now, or once `seq` is durable.
  void settle(uint64_t seq, settle_fn answer);

  /// Records up to `seq` are durable (or failed to become so).
  void on_durable(uint64_t seq, const status& st);

  /// Runs `op` now when nothing is queued, else after the queued changes.
  /// `logged`: op applies a WAL record appended just before (the last).
  void run_in_order(std::function<void()> op, bool logged = false);
  /// The last WAL record all of whose events are applied.
  uint64_t applied_seq() const;

  /// What the next slice should be.
  enum class slice_kind { none, write, scan, snapshot, sweep, replay, expire };
  slice_kind next_slice() const;

  /// Starts a sweep of time-dependent segments when the node's clock has
  /// moved on far enough since the last and the interval has passed.
  void maybe_start_sweep();

  /// Wall time until the next sweep_tick: until the interval since the
  /// last sweep's start has passed, or a whole interval when it has.
  shard_clock::duration sweep_tick_delay() const;

  /// Re-evaluates the next slice of the sweep in progress.
  void sweep_slice();

  /// Every segment was just evaluated at the shard's "now" (a definition):
  /// the next sweep is due a full interval later.
  void swept_now();

  /// Call before changing profiles: collect membership changes while
  /// someone subscribes.
  void listen() { store->segments().collect_changes(setup.hub && setup.hub->active()); }

  /// Hands membership changes to subscribers.
  void flush_segment_changes();

  /// Picks up the newest item model version (for reads and queries). The
  /// old one goes back to the item model actor: freeing a version (100,000
  /// neighbour lists, the factors) is its work, not a shard's.
  void refresh_model();

  /// Sends what the feed collected to the item model.
  void send_feed();

  /// Replays the next slice of recovered histories into the item model.
  void replay_slice();

  /// Answers a point read.
  result<value> serve(const shard_read& r);

  /// Applies the next slice of the oldest pending change; answers it when done.
  void write_slice();

  /// Scans the next slice of the oldest similar_users scan; answers it at
  /// the end of the slab.
  void similar_slice();

  /// Evaluates the next slice of the oldest segment definition; answers it
  /// at the end of the slab.
  void segment_slice();

  /// A similar_users answer: [[user, score]], best first.
  static value similar_value(const std::vector<std::pair<std::string, double>>& best);

  /// Scans the next slice of the oldest pending query (or similar_users
  /// scan, in turn); answers it when the scan reaches the end of the slab
  /// (profiles added meanwhile included).
  void scan_slice();

  /// Encodes the next slice of the snapshot being captured.
  void capture_slice();

  /// The consents `user` withheld as of the last WAL record: a set_consent
  /// logged and not yet applied counts.
  uint8_t withheld_as_logged(const std::string& user) const;
  /// Takes out of `batch` the events of users who withheld profiling (as
  /// logged), before the batch is logged; how many.
  uint32_t drop_without_consent(shard_batch& batch);

  /// Starts a retention sweep unless one runs (profile_ttl_ms set).
  void start_retention_sweep();
  /// Deletes the stale profiles of the next slice of the retention sweep,
  /// logging a delete record for each; how many. Runs only when no change
  /// waits (a delete logged behind a queued batch would apply before it).
  size_t expire_slice();
};

using self_ptr = caf::stateful_actor<shard_state>*;

/// Sends the shard its next drain message unless one is on its way.
void schedule_drain(self_ptr self);

/// While the shard has time-dependent segments, makes sure a sweep_tick
/// is on its way (one at a time).
void arm_sweep_timer(self_ptr self);

// WAL and snapshots (shard_durability.cpp).

/// Opens the shard's WAL; on failure the shard refuses changes, saying why.
void open_wal(self_ptr self);
/// Starts a snapshot (or joins the next one when one is running).
void start_snapshot(self_ptr self, std::optional<caf::typed_response_promise<shard_snapshot>> promise);
/// The writer thread is done with the current snapshot.
void finish_snapshot(self_ptr self, bool ok, const std::string& error, uint64_t bytes, uint64_t removed);
/// A delete record was logged: makes sure the compaction that drops it
/// (and the profile it deleted) from the shard's files starts in time.
void schedule_erasure(self_ptr self);
/// The erasure timer: starts the compaction unless a snapshot did it.
void on_erase_tick(self_ptr self);
/// Answers `done` once a snapshot begun after now, and its pruning, are
/// done (a durable delete); starts one when none runs.
void after_next_snapshot(self_ptr self, settle_fn done);

}  // namespace persona
