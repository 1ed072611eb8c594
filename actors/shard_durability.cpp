// shard_durability: a shard's WAL and snapshots (docs/durability.md):
// opening the log, starting a snapshot at one WAL record, and finishing it
// when the writer thread is done (the writer prunes older files first).
#include "actors/error_conversion.hpp"
#include "actors/shard_state.hpp"
#include "core/storage/shard_files.hpp"

namespace persona {

namespace {

/// The file system of the shard's directory.
file_env& files_of(const shard_setup& setup) {
  return setup.files ? *setup.files : posix_env();
}

}  // namespace

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
    auto waiters = std::move(st.erase_waiters);
    st.erase_waiters.clear();
    for (auto& w : waiters)
      w(&err);
  };
  if (auto r = st.wal->rotate(); !r.ok())
    return fail(r.error());
  bool drop_fallback = st.erases_since_snapshot > 0;
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  auto dir = st.setup.dir;
  auto* files = &files_of(st.setup);
  // Older files are pruned on the writer's thread too: unlinks and a
  // directory sync are disk waits a shard must not make.
  auto writer = snapshot_writer::start(
      dir, seq,
      [weak, dir, seq, drop_fallback, files](const snapshot_writer::outcome& o) {
        uint64_t removed = o.st.ok() ? prune_shard_files(dir, seq, drop_fallback, *files).size() : 0;
        if (auto strong = caf::actor_cast<caf::actor>(weak))
          caf::anon_send(strong, snap_done_atom::value, o.st.ok(), o.st.message(), o.bytes, removed);
      },
      *files);
  if (!writer.ok())
    return fail(writer.error());
  auto job = std::make_unique<snapshot_job>();
  job->seq = seq;
  job->started = shard_clock::now();
  job->writer = std::move(*writer);
  job->encoder = snapshot_encoder(files_of(st.setup).seal());
  job->drop_fallback = drop_fallback;
  job->erase_waiters = std::move(st.erase_waiters);
  st.erase_waiters.clear();
  st.erase_after_snapshot = false;
  st.erases_since_snapshot = 0;
  if (promise)
    job->promises.push_back(std::move(*promise));
  st.snapshot = std::move(job);
  st.run_in_order([self] {
    auto& s = self->state;
    auto& job = *s.snapshot;
    s.store->capture().begin(*s.store);
    snapshot_header h;
    h.shard = s.setup.index;
    h.shards = s.setup.shards;
    h.wal_seq = job.seq;
    h.events = s.store->capture().events();
    h.catalog_version = s.catalog->version();
    h.created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    job.writer->write(job.encoder.header(h));
    job.writer->write(job.encoder.segments(s.store->segments().definitions()));
    if (auto& model = s.store->clusters().model())
      job.writer->write(job.encoder.cluster_model(encode_cluster_model(*model)));
    job.writer->write_later(job.encoder.catalog_later(s.catalog));
    job.capturing = true;
  });
  schedule_drain(self);
}

/// The writer thread is done with the current snapshot.
void finish_snapshot(self_ptr self, bool ok, const std::string& error, uint64_t bytes, uint64_t removed) {
  auto& st = self->state;
  if (!st.snapshot)
    return;
  auto job = std::move(st.snapshot);
  job->writer.reset();
  double ms = std::chrono::duration<double, std::milli>(shard_clock::now() - job->started).count();
  if (ok) {
    ++st.snapshots_written;
    st.last_snapshot_bytes = bytes;
    st.last_snapshot_ms = ms;
    st.log(false,
           "snapshot at WAL record " + std::to_string(job->seq) + ": " + std::to_string(job->profiles) +
               " profiles, " + std::to_string(bytes) + " bytes in " + std::to_string(static_cast<int>(ms)) +
               " ms; removed " + std::to_string(removed) + " older file(s)" +
               (job->drop_fallback ? " (deletes since the previous snapshot: it is dropped too)" : ""));
    shard_snapshot out{st.setup.index, job->seq, job->profiles, bytes, ms};
    for (auto& p : job->promises)
      p.deliver(out);
    for (auto& w : job->erase_waiters)
      w(nullptr);
  } else {
    // The deletes it would have made final wait for the next snapshot.
    if (job->drop_fallback)
      ++st.erases_since_snapshot;
    st.log(true, "snapshot at WAL record " + std::to_string(job->seq) + " failed: " + error +
                     "; the previous snapshot and the WAL stay in place");
    status err{error_code::unavailable, st.shard_name() + " could not write a snapshot: " + error};
    for (auto& p : job->promises)
      p.deliver(to_caf_error(err));
    for (auto& w : job->erase_waiters)
      w(&err);
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
  // Deletes logged while this snapshot ran (or that it failed to drop).
  if (!st.snapshot && (st.erase_after_snapshot || !st.erase_waiters.empty()))
    start_snapshot(self, std::nullopt);
  else if (st.erases_since_snapshot > 0)
    schedule_erasure(self);
}

void schedule_erasure(self_ptr self) {
  auto& st = self->state;
  if (!st.wal || st.erase_timer)
    return;
  st.erase_timer = true;
  // A quarter of the bound: deletes close together share one compaction,
  // and the snapshot has the rest of the bound to finish.
  self->delayed_send(self, st.setup.erase_max_delay / 4, erase_tick_atom::value);
}

void on_erase_tick(self_ptr self) {
  auto& st = self->state;
  st.erase_timer = false;
  if (st.erases_since_snapshot == 0)
    return;  // a snapshot begun since the delete drops it
  if (st.snapshot) {
    // It began before the delete: the compaction follows it.
    st.erase_after_snapshot = true;
    return;
  }
  ++st.erase_compactions;
  st.log(false, "compacting for " + std::to_string(st.erases_since_snapshot) + " delete(s)");
  start_snapshot(self, std::nullopt);
}

void after_next_snapshot(self_ptr self, settle_fn done) {
  auto& st = self->state;
  if (!st.durable())
    return done(nullptr);  // nothing on disk to forget
  st.erase_waiters.push_back(std::move(done));
  if (st.snapshot) {
    st.erase_after_snapshot = true;
    return;
  }
  ++st.erase_compactions;
  start_snapshot(self, std::nullopt);
}

void open_wal(self_ptr self) {
  auto& st = self->state;
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  auto wal = wal_writer::open(
      st.setup.dir, st.setup.next_seq, st.setup.fsync, st.setup.fsync_interval,
      [weak](uint64_t seq, const status& s) {
        if (auto strong = caf::actor_cast<caf::actor>(weak))
          caf::anon_send(strong, durable_atom::value, seq, s.ok(), s.message());
      },
      files_of(st.setup));
  if (wal.ok()) {
    st.wal = std::move(*wal);
    // Deletes replayed from the WAL: their records are still on disk.
    if (st.erases_since_snapshot > 0)
      schedule_erasure(self);
    return;
  }
  st.wal_error = {
      error_code::unavailable,
      st.shard_name() + " has no write-ahead log, so it accepts no changes: " + wal.error().message()};
  st.log(true, st.wal_error.message());
}

}  // namespace persona
