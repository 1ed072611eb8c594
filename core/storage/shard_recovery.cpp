#include "core/storage/shard_recovery.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "core/storage/record_file.hpp"
#include "core/storage/shard_files.hpp"
#include "core/storage/snapshot_file.hpp"
#include "core/storage/wal_record.hpp"

namespace persona {

namespace {

using clock_type = std::chrono::steady_clock;

/// Applies one decoded WAL entry to the store and the catalog.
void replay(const wal_entry& e, profile_store& store, std::shared_ptr<const item_catalog>& catalog,
            std::vector<uint32_t>& indices, recovery_report& report) {
  switch (e.kind) {
    case wal_kind::batch: {
      indices.resize(e.events.size());
      std::iota(indices.begin(), indices.end(), 0u);
      auto out = store.apply(e.events, indices, catalog.get());
      report.wal_events += out.accepted;
      break;
    }
    case wal_kind::attributes:
      store.set_attributes(e.user, e.attributes);
      break;
    case wal_kind::consent:
      store.set_consent(e.user, e.attributes);
      break;
    case wal_kind::erase:
      store.erase(e.user);
      ++report.wal_erases;
      break;
    case wal_kind::fold:
      store.merge_image(e.user, e.image, 0, {"user"}, e.fold_id);
      break;
    case wal_kind::catalog:
      catalog = catalog->with(e.items, e.catalog_version);
      break;
    case wal_kind::segment_define:
      store.segments().define(store, e.segment, e.where, store.newest_event_ms());
      break;
    case wal_kind::segment_drop:
      store.segments().drop(store, e.segment);
      break;
    case wal_kind::cluster_model: {
      auto model = std::make_shared<cluster_model>();
      if (decode_cluster_model(e.model, *model))
        store.clusters().install(store, std::move(model), store.newest_event_ms());
      break;
    }
  }
}

/// Cuts the segment at `path` at `offset`.
void cut_log(file_env& env, const std::string& path, uint64_t offset, const std::string& why,
             const log_sink& log, recovery_report& report) {
  auto size = env.file_size(path);
  uint64_t cut = size.ok() && *size > offset ? *size - offset : 0;
  report.bytes_cut += cut;
  log(true, "write-ahead log '" + path + "': " + why + " at offset " + std::to_string(offset) + "; cut " +
                std::to_string(cut) + " byte(s) there (a write torn by a crash, or a damaged disk)");
  if (auto st = env.truncate_file(path, offset); !st.ok())
    log(true, st.message());
}

}  // namespace

std::pair<uint64_t, uint64_t> snapshot_seqs(const std::string& dir, uint64_t seq, file_env& env) {
  auto names = env.list_directory(dir);
  if (!names.ok())
    return {0, 0};
  auto snapshots = numbered_files(*names, "snapshot-", ".snap");
  uint64_t newest = snapshots.empty() ? 0 : snapshots.back(), at_most = 0;
  for (auto s : snapshots)
    if (s <= seq)
      at_most = s;
  return {newest, at_most};
}

result<recovery_report> recover_shard(const std::string& dir, profile_store& store, const log_sink& log,
                                      file_env& env, const recovery_feed* feed) {
  auto started = clock_type::now();
  recovery_report report;
  report.catalog = std::make_shared<const item_catalog>();
  if (auto st = env.make_directories(dir); !st.ok())
    return st;
  auto names = env.list_directory(dir);
  if (!names.ok())
    return names.error();
  for (auto& n : *names)
    if (n.size() > 4 && n.compare(n.size() - 4, 4, ".tmp") == 0)
      env.remove_file(std::string(dir).append("/").append(n));  // a snapshot a crash interrupted

  // The newest snapshot that reads back whole.
  auto snapshots = numbered_files(*names, "snapshot-", ".snap");
  if (feed) {
    // Those the item model holds every record of first, newest first.
    std::stable_partition(snapshots.begin(), snapshots.end(),
                          [&](uint64_t s) { return s > feed->after_seq; });
  }
  uint64_t snapshot_seq = 0;
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    auto path = dir + "/" + snapshot_name(*it);
    profile_store fresh(store.config());
    auto loaded = load_snapshot(path, fresh, env);
    if (!loaded.ok() && loaded.error().code() == error_code::unauthenticated)
      return loaded.error();
    if (!loaded.ok()) {
      ++report.snapshots_skipped;
      log(true, loaded.error().message() + "; falling back to the snapshot before it and a longer replay");
      continue;
    }
    store = std::move(fresh);
    snapshot_seq = loaded->header.wal_seq;
    report.snapshot = path;
    report.snapshot_profiles = loaded->profiles;
    report.catalog = loaded->catalog;
    break;
  }
  report.last_seq = snapshot_seq;
  if (feed && snapshot_seq > feed->after_seq)
    log(true, dir + ": the item model's saved state holds this shard's WAL up to record " +
                  std::to_string(feed->after_seq) + ", but the snapshot loaded is at record " +
                  std::to_string(snapshot_seq) + "; the model misses the events in between");

  // Replay the WAL after it.
  auto segments = numbered_files(*names, "wal-", ".log");
  uint64_t total_bytes = 0, done_bytes = 0;
  for (auto first : segments) {
    auto size = env.file_size(dir + "/" + wal_segment_name(first));
    total_bytes += size.ok() ? *size : 0;
  }
  auto last_progress = clock_type::now();
  std::vector<uint32_t> indices;
  wal_entry entry;
  for (size_t i = 0; i < segments.size(); ++i) {
    auto path = dir + "/" + wal_segment_name(segments[i]);
    if (i + 1 < segments.size() && segments[i + 1] - 1 <= snapshot_seq) {
      auto size = env.file_size(path);
      done_bytes += size.ok() ? *size : 0;
      continue;  // every record is in the snapshot
    }
    auto file = env.open_for_read(path);
    if (!file.ok())
      return file.error();
    record_reader reader(std::move(*file), env.seal());
    file_record r;
    uint64_t segment_start_bytes = done_bytes;
    for (;;) {
      auto o = reader.next(r);
      if (o == record_reader::outcome::end)
        break;
      if (o == record_reader::outcome::locked)
        return status{error_code::unauthenticated,
                      "write-ahead log '" + path + "' holds " + reader.problem() + " (record at offset " +
                          std::to_string(reader.offset()) + "); nothing was cut"};
      if (o == record_reader::outcome::bad) {
        cut_log(env, path, reader.offset(), reader.problem(), log, report);
        break;
      }
      if (r.seq <= report.last_seq)
        continue;  // in the snapshot already
      if (!decode_wal_entry(r.kind, r.payload, entry)) {
        cut_log(env, path, r.offset, "a record that does not decode", log, report);
        break;
      }
      if (r.seq != report.last_seq + 1)
        log(true, "write-ahead log '" + path + "': record " + std::to_string(r.seq) + " follows record " +
                      std::to_string(report.last_seq) + "; the changes in between are lost (a damaged or " +
                      "removed file); replay goes on");
      bool fed = feed && r.seq > feed->after_seq;
      store.set_model_feed(fed ? feed->feed : nullptr);
      replay(entry, store, report.catalog, indices, report);
      report.last_seq = r.seq;
      if (fed && feed->fed)
        feed->fed(r.seq);
      ++report.wal_records;
      auto now = clock_type::now();
      if (now - last_progress > std::chrono::seconds(2)) {
        last_progress = now;
        uint64_t at = segment_start_bytes + reader.offset();
        log(false, dir + ": replayed " + std::to_string(report.wal_records) + " records, " +
                       std::to_string(total_bytes ? at * 100 / total_bytes : 100) +
                       "% of the write-ahead log");
      }
    }
    auto size = env.file_size(path);
    done_bytes += size.ok() ? *size : 0;
  }
  store.set_model_feed(nullptr);
  report.seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  return report;
}

}  // namespace persona
