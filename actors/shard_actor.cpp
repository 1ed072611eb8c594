#include "actors/shard_actor.hpp"

#include <algorithm>
#include <deque>

#include "actors/error_conversion.hpp"
#include "actors/kmeans_steps.hpp"
#include "actors/message_types.hpp"
#include "actors/segment_hub.hpp"
#include "actors/shard_read.hpp"
#include "core/shard_files.hpp"
#include "core/snapshot_file.hpp"
#include "core/snapshot_writer.hpp"
#include "core/wal_record.hpp"
#include "core/wal_writer.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persona::shard_read)

namespace persona {

namespace {

using clock_type = std::chrono::steady_clock;

/// Called with nullptr once a change's record is synced, or with the error.
using settle_fn = std::function<void(const status*)>;

/// A change waiting for the batches before it: a batch applied slice by
/// slice (when `op` is empty), or another change run when it reaches the head.
struct pending_write {
  shard_batch batch;
  size_t next = 0;
  uint64_t seq = 0;
  batch_outcome outcome;
  caf::typed_response_promise<batch_outcome> promise;
  std::function<void()> op;
};

/// A query being evaluated slice by slice over the slab, and its answer.
struct pending_query {
  query_request request;
  size_t next_slot = 0;
  query_partial partial;
  caf::typed_response_promise<query_partial> promise;
};

/// A snapshot in progress: capture state, writer, who waits for it.
struct snapshot_job {
  bool capturing = false;
  uint64_t seq = 0;
  clock_type::time_point started;
  snapshot_encoder encoder;
  std::unique_ptr<snapshot_writer> writer;
  uint64_t profiles = 0;
  /// Deletes happened since the snapshot before: drop it once this is done.
  bool drop_fallback = false;
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
  /// Answers waiting for their records to be synced (fsync=always).
  std::deque<std::pair<uint64_t, settle_fn>> awaiting_sync;
  uint32_t batch_slices_in_a_row = 0;
  /// Whether a drain message is on its way to this shard.
  bool draining = false;
  std::unique_ptr<snapshot_job> snapshot;
  /// Requests for a snapshot that arrived while one was running.
  std::vector<caf::typed_response_promise<shard_snapshot>> next_snapshot;
  uint64_t erases_since_snapshot = 0;
  /// A sweep of time-dependent segments: next slot, its "now"; and the
  /// "now" of the last one started.
  bool sweeping = false;
  size_t sweep_next = 0;
  int64_t sweep_now = 0;
  int64_t last_sweep_now = -1;
  clock_type::time_point last_sweep_started{};
  /// Time spent in the current sweep's slices; figures of the last one.
  clock_type::duration sweep_busy{};
  uint64_t sweeps_done = 0;
  double last_sweep_ms = 0;
  uint32_t background_turn = 0;
  uint64_t snapshots_written = 0;
  uint64_t last_snapshot_bytes = 0;
  double last_snapshot_ms = 0;
  static inline const char* name = "persona.shard";

  std::string shard_name() const { return "shard " + std::to_string(setup.index); }

  void log(bool warning, const std::string& line) const {
    if (setup.log)
      setup.log(warning, shard_name() + ": " + line);
  }

  size_t query_slice() const { return setup.slice_events * query_profiles_per_event; }
  size_t snapshot_slice() const { return setup.slice_events * snapshot_profiles_per_event; }

  bool durable() const { return !setup.dir.empty(); }

  /// Appends a change to the WAL; its sequence number (0 when memory-only).
  result<uint64_t> log_change(wal_kind kind, std::string_view payload) {
    if (!durable())
      return uint64_t{0};
    if (!wal)
      return wal_error;
    auto seq = wal->append(static_cast<uint8_t>(kind), payload);
    if (!seq.ok())
      return status{error_code::unavailable, shard_name() +
                                                 " could not write its write-ahead log, so the change " +
                                                 "was not applied: " + seq.error().message()};
    return seq;
  }

  /// Whether a change's answer must wait for its record to be synced.
  bool must_wait(uint64_t seq) const {
    return wal && wal->policy() == fsync_policy::always && seq > wal->synced_seq();
  }

  /// Answers now, or once `seq` is synced.
  void settle(uint64_t seq, settle_fn answer) {
    if (must_wait(seq))
      awaiting_sync.emplace_back(seq, std::move(answer));
    else
      answer(nullptr);
  }

  /// Records up to `seq` are synced (or failed to be).
  void on_synced(uint64_t seq, const status& st) {
    while (!awaiting_sync.empty() && awaiting_sync.front().first <= seq) {
      awaiting_sync.front().second(st.ok() ? nullptr : &st);
      awaiting_sync.pop_front();
    }
  }

  /// Runs `op` now when nothing is queued, else after the queued changes.
  void run_in_order(std::function<void()> op) {
    if (writes.empty()) {
      op();
      return;
    }
    pending_write w;
    w.op = std::move(op);
    writes.push_back(std::move(w));
  }

  /// What the next slice should be.
  enum class slice_kind { none, write, scan, snapshot, sweep };
  slice_kind next_slice() const {
    bool capture =
        snapshot && snapshot->capturing && snapshot->writer->queued_bytes() < max_snapshot_queue_bytes;
    slice_kind candidates[3];
    size_t n = 0;
    if (!queries.empty())
      candidates[n++] = slice_kind::scan;
    if (capture)
      candidates[n++] = slice_kind::snapshot;
    if (sweeping)
      candidates[n++] = slice_kind::sweep;
    if (n > 0 && (writes.empty() || batch_slices_in_a_row >= batch_slices_per_background_slice))
      return candidates[background_turn % n];
    return writes.empty() ? slice_kind::none : slice_kind::write;
  }

  /// Starts a sweep of time-dependent segments when event time has moved
  /// on far enough since the last.
  void maybe_start_sweep() {
    if (sweeping || !store->has_time_segments())
      return;
    auto now = store->newest_event_ms();
    if (last_sweep_now >= 0 && now < last_sweep_now + setup.segment_sweep_ms)
      return;
    auto wall = clock_type::now();
    if (last_sweep_now >= 0 && wall - last_sweep_started < setup.segment_sweep_interval)
      return;
    last_sweep_started = wall;
    sweeping = true;
    sweep_next = 0;
    sweep_now = now;
    last_sweep_now = now;
  }

  void sweep_slice() {
    auto t = clock_type::now();
    store->refresh_time_segments(sweep_now, sweep_next, query_slice());
    sweep_busy += clock_type::now() - t;
    sweep_next += query_slice();
    if (sweep_next >= store->slot_count()) {
      sweeping = false;
      ++sweeps_done;
      last_sweep_ms = std::chrono::duration<double, std::milli>(sweep_busy).count();
      sweep_busy = {};
    }
  }

  /// Every segment was just evaluated at the shard's "now" (a definition):
  /// the next sweep is due a full interval later.
  void swept_now() {
    last_sweep_now = store->newest_event_ms();
    last_sweep_started = clock_type::now();
  }

  /// Call before changing profiles: collect membership changes while
  /// someone subscribes.
  void listen() { store->collect_segment_changes(setup.hub && setup.hub->active()); }

  /// Hands membership changes to subscribers.
  void flush_segment_changes() {
    auto changes = store->take_segment_changes();
    if (changes.empty() || !setup.hub)
      return;
    std::vector<segment_event> out;
    out.reserve(changes.size());
    auto& names = store->segments().names;
    for (auto& c : changes)
      out.push_back(segment_event{c.segment < names.size() ? names[c.segment] : std::string(),
                                  std::move(c.user), c.entered, c.ts});
    setup.hub->publish(out);
  }

  /// Applies the next slice of the oldest pending change; answers it when done.
  void write_slice() {
    auto& head = writes.front();
    if (head.op) {
      auto op = std::move(head.op);
      writes.pop_front();
      op();
      return;
    }
    size_t n = std::min(setup.slice_events, head.batch.events.size() - head.next);
    auto part = store->apply(head.batch.events, head.batch.indices, head.next, n, catalog.get());
    head.next += n;
    head.outcome.accepted += part.accepted;
    for (auto& r : part.rejected)
      head.outcome.rejected.push_back(std::move(r));
    if (head.next == head.batch.events.size()) {
      auto promise = head.promise;
      auto outcome = std::move(head.outcome);
      auto seq = head.seq;
      writes.pop_front();
      settle(seq, [promise, outcome = std::move(outcome)](const status* err) mutable {
        if (err)
          promise.deliver(to_caf_error(*err));
        else
          promise.deliver(std::move(outcome));
      });
    }
  }

  /// Scans the next slice of the oldest pending query; answers it when the
  /// scan reaches the end of the slab (profiles added meanwhile included).
  void scan_slice() {
    auto& head = queries.front();
    auto part = store->run_query(head.request, head.next_slot, query_slice());
    if (!part.ok()) {
      head.promise.deliver(to_caf_error(part.error()));
      queries.pop_front();
      return;
    }
    head.partial.merge(std::move(*part), head.request.limit);
    head.next_slot += query_slice();
    if (head.next_slot >= store->slot_count()) {
      head.promise.deliver(std::move(head.partial));
      queries.pop_front();
    }
  }

  /// Encodes the next slice of the snapshot being captured.
  void capture_slice() {
    auto& job = *snapshot;
    std::vector<profile_store::captured_profile> part;
    bool complete = store->capture_slice(snapshot_slice(), part);
    if (!part.empty()) {
      job.profiles += part.size();
      job.writer->write(job.encoder.profiles(part));
    }
    if (complete) {
      store->end_capture();
      job.capturing = false;
      job.writer->write(job.encoder.end());
      job.writer->finish();
    }
  }
};

using self_ptr = caf::stateful_actor<shard_state>*;

template <class T>
caf::result<T> reply(result<T>&& r) {
  if (!r.ok())
    return to_caf_error(r.error());
  return std::move(*r);
}

/// Sends the shard its next drain message unless one is on its way.
void schedule_drain(self_ptr self) {
  auto& st = self->state;
  if (st.draining)
    return;
  auto next = st.next_slice();
  if (next != shard_state::slice_kind::none) {
    st.draining = true;
    self->send(self, drain_atom::value);
  } else if (st.snapshot && st.snapshot->capturing) {
    // Only the snapshot is left, and its writer is behind: look again soon.
    st.draining = true;
    self->delayed_send(self, std::chrono::milliseconds(2), drain_atom::value);
  }
}

void drain(self_ptr self) {
  auto& st = self->state;
  st.draining = false;
  st.listen();
  switch (st.next_slice()) {
    case shard_state::slice_kind::write:
      ++st.batch_slices_in_a_row;
      st.write_slice();
      break;
    case shard_state::slice_kind::scan:
      st.batch_slices_in_a_row = 0;
      ++st.background_turn;
      st.scan_slice();
      break;
    case shard_state::slice_kind::snapshot:
      st.batch_slices_in_a_row = 0;
      ++st.background_turn;
      st.capture_slice();
      break;
    case shard_state::slice_kind::sweep:
      st.batch_slices_in_a_row = 0;
      ++st.background_turn;
      st.sweep_slice();
      break;
    case shard_state::slice_kind::none:
      break;
  }
  st.maybe_start_sweep();
  st.flush_segment_changes();
  schedule_drain(self);
}

/// A change other than a batch: logged now, applied in order, answered
/// once applied (and synced under fsync=always).
template <class T>
caf::result<T> change(self_ptr self, wal_kind kind, const std::string& payload,
                      std::function<result<T>()> apply) {
  auto& st = self->state;
  auto seq = st.log_change(kind, payload);
  if (!seq.ok())
    return to_caf_error(seq.error());
  if (st.writes.empty() && !st.must_wait(*seq)) {
    st.listen();
    auto r = apply();
    st.flush_segment_changes();
    return reply(std::move(r));
  }
  auto promise = self->make_response_promise<T>();
  st.run_in_order([self, promise, apply = std::move(apply), seq = *seq]() mutable {
    self->state.listen();
    auto r = std::make_shared<result<T>>(apply());
    self->state.flush_segment_changes();
    self->state.settle(seq, [promise, r](const status* err) mutable {
      if (err)
        promise.deliver(to_caf_error(*err));
      else if (!r->ok())
        promise.deliver(to_caf_error(r->error()));
      else
        promise.deliver(std::move(**r));
    });
  });
  schedule_drain(self);
  return promise;
}

/// Starts a snapshot (or joins the next one when one is running).
void start_snapshot(self_ptr self, std::optional<caf::typed_response_promise<shard_snapshot>> promise) {
  auto& st = self->state;
  if (!st.durable() || !st.wal) {
    if (promise)
      promise->deliver(to_caf_error(st.durable()
                                        ? st.wal_error
                                        : status{error_code::unavailable,
                                                 "this node keeps no data directory, so it writes no "
                                                 "snapshots; start personad with --data-dir"}));
    return;
  }
  if (st.snapshot) {
    if (promise)
      st.next_snapshot.push_back(std::move(*promise));
    return;
  }
  // The snapshot holds every record up to `seq`; the WAL goes on in a new
  // segment, and the capture begins once the changes before it are applied.
  uint64_t seq = st.wal->last_seq();
  auto fail = [&](const status& err) {
    st.log(true, "snapshot failed: " + err.message());
    if (promise)
      promise->deliver(to_caf_error(err));
  };
  if (auto r = st.wal->rotate(); !r.ok())
    return fail(r.error());
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  auto writer = snapshot_writer::start(st.setup.dir, seq, [weak](const snapshot_writer::outcome& o) {
    if (auto strong = caf::actor_cast<caf::actor>(weak))
      caf::anon_send(strong, snap_done_atom::value, o.st.ok(), o.st.message(), o.bytes);
  });
  if (!writer.ok())
    return fail(writer.error());
  auto job = std::make_unique<snapshot_job>();
  job->seq = seq;
  job->started = clock_type::now();
  job->writer = std::move(*writer);
  job->drop_fallback = st.erases_since_snapshot > 0;
  st.erases_since_snapshot = 0;
  if (promise)
    job->promises.push_back(std::move(*promise));
  st.snapshot = std::move(job);
  st.run_in_order([self] {
    auto& s = self->state;
    auto& job = *s.snapshot;
    s.store->begin_capture();
    snapshot_header h;
    h.shard = s.setup.index;
    h.shards = s.setup.shards;
    h.wal_seq = job.seq;
    h.events = s.store->captured_events();
    h.catalog_version = s.catalog->version();
    h.created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    job.writer->write(job.encoder.header(h));
    job.writer->write(job.encoder.segments(s.store->segment_definitions()));
    if (auto& model = s.store->cluster_model_now())
      job.writer->write(job.encoder.cluster_model(encode_cluster_model(*model)));
    job.writer->write_later(job.encoder.catalog_later(s.catalog));
    job.capturing = true;
  });
  schedule_drain(self);
}

/// The writer thread is done with the current snapshot.
void finish_snapshot(self_ptr self, bool ok, const std::string& error, uint64_t bytes) {
  auto& st = self->state;
  if (!st.snapshot)
    return;
  auto job = std::move(st.snapshot);
  job->writer.reset();
  double ms = std::chrono::duration<double, std::milli>(clock_type::now() - job->started).count();
  if (ok) {
    ++st.snapshots_written;
    st.last_snapshot_bytes = bytes;
    st.last_snapshot_ms = ms;
    auto removed = prune_shard_files(st.setup.dir, job->seq, job->drop_fallback);
    st.log(false,
           "snapshot at WAL record " + std::to_string(job->seq) + ": " + std::to_string(job->profiles) +
               " profiles, " + std::to_string(bytes) + " bytes in " + std::to_string(static_cast<int>(ms)) +
               " ms; removed " + std::to_string(removed.size()) + " older file(s)" +
               (job->drop_fallback ? " (deletes since the previous snapshot: it is dropped too)" : ""));
    shard_snapshot out{st.setup.index, job->seq, job->profiles, bytes, ms};
    for (auto& p : job->promises)
      p.deliver(out);
  } else {
    // The deletes it would have made final wait for the next snapshot.
    if (job->drop_fallback)
      ++st.erases_since_snapshot;
    st.log(true, "snapshot at WAL record " + std::to_string(job->seq) + " failed: " + error +
                     "; the previous snapshot and the WAL stay in place");
    status err{error_code::unavailable, st.shard_name() + " could not write a snapshot: " + error};
    for (auto& p : job->promises)
      p.deliver(to_caf_error(err));
  }
  if (!st.next_snapshot.empty()) {
    auto waiting = std::move(st.next_snapshot);
    st.next_snapshot.clear();
    // The first starts a snapshot; the others join it.
    start_snapshot(self, waiting.front());
    for (size_t i = 1; i < waiting.size(); ++i) {
      if (st.snapshot)
        st.snapshot->promises.push_back(waiting[i]);
      else
        start_snapshot(self, waiting[i]);
    }
  }
}

void open_wal(self_ptr self) {
  auto& st = self->state;
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  auto wal = wal_writer::open(st.setup.dir, st.setup.next_seq, st.setup.fsync, st.setup.fsync_interval,
                              [weak](uint64_t seq, const status& s) {
                                if (auto strong = caf::actor_cast<caf::actor>(weak))
                                  caf::anon_send(strong, synced_atom::value, seq, s.ok(), s.message());
                              });
  if (wal.ok()) {
    st.wal = std::move(*wal);
    return;
  }
  st.wal_error = {
      error_code::unavailable,
      st.shard_name() + " has no write-ahead log, so it accepts no changes: " + wal.error().message()};
  st.log(true, st.wal_error.message());
}

caf::behavior shard_behavior(self_ptr self, shard_setup setup) {
  auto& st = self->state;
  st.setup = std::move(setup);
  st.setup.slice_events = std::max<size_t>(1, st.setup.slice_events);
  st.store_ptr =
      st.setup.store ? std::move(st.setup.store) : std::make_shared<profile_store>(st.setup.profile);
  st.store = st.store_ptr.get();
  st.catalog = st.setup.catalog ? std::move(st.setup.catalog) : std::make_shared<const item_catalog>();
  st.erases_since_snapshot = st.setup.erases_since_snapshot;
  if (st.durable()) {
    open_wal(self);
    if (st.setup.snapshot_interval.count() > 0)
      self->delayed_send(self, st.setup.first_snapshot_delay, snap_tick_atom::value);
  }
  return {
      [=](ingest_atom, shard_batch& batch) -> caf::result<batch_outcome> {
        auto& st = self->state;
        uint64_t seq = 0;
        if (st.durable()) {
          encode_batch_payload(st.payload, batch.events);
          auto logged = st.log_change(wal_kind::batch, st.payload);
          if (!logged.ok())
            return to_caf_error(logged.error());
          seq = *logged;
        }
        if (st.wal && st.setup.snapshot_wal_bytes > 0 && !st.snapshot &&
            st.wal->segment_bytes() >= st.setup.snapshot_wal_bytes) {
          st.log(false, "the WAL grew by " + std::to_string(st.wal->segment_bytes()) +
                            " bytes since the last snapshot: starting one");
          start_snapshot(self, std::nullopt);
        }
        bool small = st.writes.empty() && batch.events.size() <= st.setup.slice_events;
        if (small && !st.must_wait(seq)) {
          st.listen();
          auto out = st.store->apply(batch.events, batch.indices, st.catalog.get());
          st.maybe_start_sweep();
          st.flush_segment_changes();
          if (st.sweeping)
            schedule_drain(self);
          return out;
        }
        auto promise = self->make_response_promise<batch_outcome>();
        pending_write w;
        w.batch = std::move(batch);
        w.seq = seq;
        w.promise = promise;
        st.writes.push_back(std::move(w));
        schedule_drain(self);
        return promise;
      },
      [=](drain_atom) { drain(self); },
      [=](profile_atom, const std::string& user, int64_t now_ms, const std::vector<std::string>& fields) {
        return reply(self->state.store->render(user, now_ms, fields));
      },
      [=](shard_read& r) { r.answer->deliver(self->state.store->render(r.user, r.now_ms, r.fields)); },
      [=](attrs_atom, const std::string& user, const value& attrs) -> caf::result<std::string> {
        return change<std::string>(self, wal_kind::attributes, encode_attributes_payload(user, attrs),
                                   [self, user, attrs]() -> result<std::string> {
                                     auto st = self->state.store->set_attributes(user, attrs);
                                     if (!st.ok())
                                       return st;
                                     return user;
                                   });
      },
      [=](erase_atom, const std::string& user) -> caf::result<bool> {
        return change<bool>(self, wal_kind::erase, encode_erase_payload(user),
                            [self, user]() -> result<bool> {
                              bool erased = self->state.store->erase(user);
                              if (erased)
                                ++self->state.erases_since_snapshot;
                              return erased;
                            });
      },
      [=](export_atom, const std::string& user) -> caf::result<std::string> {
        auto image = self->state.store->export_image(user);
        if (!image)
          return to_caf_error({error_code::not_found, "no profile for user '" + user + "'"});
        return std::move(*image);
      },
      [=](fold_atom, const std::string& target, const std::string& image, uint64_t fold_id, int64_t now_ms,
          const std::vector<std::string>& fields) -> caf::result<value> {
        return change<value>(self, wal_kind::fold, encode_fold_payload(target, fold_id, image),
                             [self, target, image, fold_id, now_ms, fields]() {
                               return self->state.store->merge_image(target, image, now_ms, fields, fold_id);
                             });
      },
      [=](catalog_atom, catalog_update& update) -> caf::result<uint64_t> {
        auto catalog = update.catalog;
        auto version = update.version;
        auto records = std::make_shared<std::vector<item_record>>(std::move(update.records));
        return change<uint64_t>(self, wal_kind::catalog, encode_catalog_payload(version, *records),
                                [self, catalog, version, records]() -> result<uint64_t> {
                                  auto& st = self->state;
                                  st.catalog = catalog ? catalog : st.catalog->with(*records, version);
                                  return version;
                                });
      },
      [=](segdef_atom, const std::string& name, const value& where) -> caf::result<uint64_t> {
        return change<uint64_t>(self, wal_kind::segment_define, encode_segment_define_payload(name, where),
                                [self, name, where]() {
                                  auto& st = self->state;
                                  auto r = st.store->define_segment(name, where, st.store->newest_event_ms());
                                  if (r.ok() && !st.sweeping)
                                    st.swept_now();
                                  return r;
                                });
      },
      [=](segdrop_atom, const std::string& name) -> caf::result<bool> {
        return change<bool>(self, wal_kind::segment_drop, encode_segment_drop_payload(name),
                            [self, name]() { return self->state.store->drop_segment(name); });
      },
      [=](seglist_atom) {
        auto& store = *self->state.store;
        value out{value::map{}};
        auto& names = store.segments().names;
        for (segment_id id = 0; id < names.size(); ++id) {
          if (names[id].empty())
            continue;
          value entry{value::array{*store.segment_condition(id), value{store.segment_size(id)}}};
          out.set(names[id], std::move(entry));
        }
        return out;
      },
      [=](segmembers_atom, const std::string& name, uint64_t from_slot,
          uint64_t limit) -> caf::result<value> {
        auto& store = *self->state.store;
        auto id = store.segments().find(name);
        if (!id)
          return to_caf_error({error_code::not_found, "no segment '" + name + "'; list_segments shows them"});
        size_t next = from_slot;
        auto users = store.segment_members(*id, next, limit);
        value out{value::map{}};
        value::array list;
        for (auto& u : users)
          list.emplace_back(std::move(u));
        out.set("users", value{std::move(list)});
        out.set("next", next >= store.slot_count() ? value{} : value{static_cast<uint64_t>(next)});
        return out;
      },
      [=](kmeans_atom, const std::string& op, const value& args) -> caf::result<value> {
        auto& st = self->state;
        auto& store = *st.store;
        auto now = store.newest_event_ms();
        auto& a = args.as_array();
        if (op == "moments") {
          auto m = store.cluster_moments(strings_of(a.at(0)), now);
          if (!m.ok())
            return to_caf_error(m.error());
          return moments_value(*m);
        }
        if (op == "prepare") {
          if (auto r =
                  store.cluster_prepare(strings_of(a.at(0)), numbers_of(a.at(1)), numbers_of(a.at(2)), now);
              !r.ok())
            return to_caf_error(r);
          value out{value::map{}};
          out.set("points", value{static_cast<uint64_t>(store.training_points().size())});
          return out;
        }
        if (op == "draw")
          return candidate_value(
              store.training_points().draw(numbers_of(a.at(0)), static_cast<uint64_t>(a.at(1).as_int())));
        if (op == "step")
          return partial_value(store.training_points().step(numbers_of(a.at(0))));
        if (op == "model") {
          auto encoded = a.at(0).as_string();
          return change<value>(self, wal_kind::cluster_model, encoded, [self, encoded]() -> result<value> {
            auto model = std::make_shared<cluster_model>();
            if (!decode_cluster_model(encoded, *model))
              return status{error_code::internal, "a cluster model sent to a shard does not decode"};
            auto& store = *self->state.store;
            store.set_cluster_model(std::move(model), store.newest_event_ms());
            value out{value::map{}};
            out.set("assigned", value{static_cast<uint64_t>(store.size())});
            return out;
          });
        }
        return to_caf_error({error_code::internal, "unknown k-means step '" + op + "'"});
      },
      [=](query_atom, query_request& q) -> caf::result<query_partial> {
        auto& st = self->state;
        if (st.queries.empty() && st.store->slot_count() <= st.query_slice())
          return reply(st.store->run_query(q));
        auto promise = self->make_response_promise<query_partial>();
        st.queries.push_back(pending_query{std::move(q), 0, {}, promise});
        schedule_drain(self);
        return promise;
      },
      [=](snapshot_atom) -> caf::result<shard_snapshot> {
        auto promise = self->make_response_promise<shard_snapshot>();
        start_snapshot(self, promise);
        return promise;
      },
      [=](snap_tick_atom) {
        start_snapshot(self, std::nullopt);
        self->delayed_send(self, self->state.setup.snapshot_interval, snap_tick_atom::value);
      },
      [=](snap_done_atom, bool ok, const std::string& error, uint64_t bytes) {
        finish_snapshot(self, ok, error, bytes);
      },
      [=](synced_atom, uint64_t seq, bool ok, const std::string& error) {
        self->state.on_synced(
            seq, ok ? status{}
                    : status{error_code::unavailable,
                             self->state.shard_name() + " could not sync its write-ahead log: " + error});
      },
      [=](stats_atom) {
        auto& st = self->state;
        auto s = st.store->stats();
        shard_stats out;
        out.shard = st.setup.index;
        out.users = s.users;
        out.events = s.events;
        out.mailbox = self->mailbox().size();
        out.profile_bytes = s.profile_bytes;
        out.index_bytes = s.index_bytes;
        out.symbol_bytes = s.symbol_bytes;
        if (st.wal) {
          out.wal_seq = st.wal->last_seq();
          out.wal_synced_seq = st.wal->synced_seq();
          out.wal_bytes = st.wal->bytes_written();
        }
        out.snapshots = st.snapshots_written;
        out.segment_sweeps = st.sweeps_done;
        out.last_sweep_ms = st.last_sweep_ms;
        out.last_snapshot_bytes = st.last_snapshot_bytes;
        out.last_snapshot_ms = st.last_snapshot_ms;
        return out;
      },
  };
}

}  // namespace

void post_read(const caf::actor& shard, shard_read read) {
  caf::anon_send<caf::message_priority::high>(shard, std::move(read));
}

caf::actor spawn_shard(caf::actor_system& sys, shard_setup setup) {
  return sys.spawn(shard_behavior, std::move(setup));
}

}  // namespace persona
