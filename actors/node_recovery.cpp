#include "actors/node_recovery.hpp"

#include <algorithm>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/storage/shard_files.hpp"
#include "core/storage/shard_recovery.hpp"
#include "core/storage/wal_record.hpp"
#include "core/storage/wal_writer.hpp"
#include "core/store/profile_store.hpp"

namespace persona {

namespace {

/// The shard count a data directory was written with, kept in "persona.meta".
status check_shard_count(file_env& env, const std::string& dir, size_t shards) {
  auto path = dir + "/persona.meta";
  if (auto text = env.read_file(path); text.ok()) {
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("shards=", 0) != 0)
        continue;
      auto written = std::stoull(line.substr(7));
      if (written != shards)
        return {error_code::bad_request, "the data directory '" + dir + "' holds " + std::to_string(written) +
                                             " shards, but the node was started with " +
                                             std::to_string(shards) + "; start it with --shards=" +
                                             std::to_string(written) + " (users are routed by shard count)"};
      return {};
    }
  }
  auto tmp = path + ".tmp";
  {
    auto file = env.create_for_write(tmp);
    if (!file.ok())
      return file.error();
    auto text = "format=1\nshards=" + std::to_string(shards) + "\n";
    if (auto st = (*file)->append(text); !st.ok())
      return st;
    if (auto st = (*file)->sync(); !st.ok())
      return st;
  }
  if (auto st = env.rename_file(tmp, path); !st.ok())
    return st;
  return env.sync_directory(dir);
}

/// Logs the full `catalog` in a shard's WAL (the shard missed its newest
/// upsert); returns the next sequence number.
result<uint64_t> log_catalog(file_env& env, const std::string& dir, uint64_t next_seq,
                             const item_catalog& catalog) {
  auto wal =
      wal_writer::open(dir, next_seq, fsync_policy::none, std::chrono::milliseconds(100), nullptr, env);
  if (!wal.ok())
    return wal.error();
  auto seq = (*wal)->append(static_cast<uint8_t>(wal_kind::catalog),
                            encode_catalog_payload(catalog.version(), catalog.records()));
  if (!seq.ok())
    return seq.error();
  if (auto st = (*wal)->sync_now(); !st.ok())
    return st;
  return *seq + 1;
}

}  // namespace

result<recovered_node> recover_node(const engine_options& opts,
                                    const std::function<void(std::string)>& progress,
                                    const model_catch_up* model) {
  auto started = std::chrono::steady_clock::now();
  recovered_node node;
  auto& env = opts.files ? *opts.files : posix_env();
  if (auto st = env.make_directories(opts.data_dir); !st.ok())
    return st;
  auto lock = lock_file(opts.data_dir + "/LOCK");
  if (!lock.ok())
    return lock.error();
  node.lock = std::move(*lock);
  // Files hold what users did: the owner's only (files are made 0600).
  if (auto changed = restrict_to_owner(opts.data_dir); !changed.ok()) {
    if (opts.log)
      opts.log(true, changed.error().message() + "; others may read files of the data directory");
  } else if (!changed->empty() && opts.log) {
    opts.log(true, "data directory " + opts.data_dir + ": took group and other rights away from " +
                       std::to_string(changed->size()) + " file(s) and directories, e.g. " +
                       changed->front());
  }
  if (auto st = check_shard_count(env, opts.data_dir, opts.shards); !st.ok())
    return st;

  size_t n = opts.shards;
  std::vector<std::shared_ptr<profile_store>> stores(n);
  std::vector<result<recovery_report>> reports(n, status{error_code::internal, "not recovered"});
  std::mutex progress_mu;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      stores[i] = std::make_shared<profile_store>(opts.profile);
      auto dir = shard_directory(opts.data_dir, static_cast<uint32_t>(i));
      // The records the item model does not hold go to it as they replay.
      std::unique_ptr<model_feed> feed;
      recovery_feed catch_up;
      if (model) {
        auto& h = *model->holder;
        feed = std::make_unique<model_feed>(h.items(), h.categories(), h.brands(), opts.recommend,
                                            opts.propensity, i + 1);
        catch_up.after_seq = i < model->covered.size() ? model->covered[i] : 0;
        catch_up.feed = feed.get();
        catch_up.fed = [&, i](uint64_t seq) {
          // As often as a live shard sends (shard_setup::feed_batch), so
          // the shards' signals reach the model about as interleaved.
          if (feed->collected() < 512)
            return;
          auto batch = feed->take();
          batch.replayed = true;
          batch.shard = static_cast<uint32_t>(i);
          batch.wal_seq = seq;
          model->sink(std::move(batch));
        };
      }
      reports[i] = recover_shard(
          dir, *stores[i],
          [&](bool warning, const std::string& line) {
            if (opts.log)
              opts.log(warning, line);
            if (!warning) {
              std::lock_guard<std::mutex> guard(progress_mu);
              progress(line);
            }
          },
          env, model ? &catch_up : nullptr);
      if (feed && reports[i].ok() && feed->collected() > 0) {
        auto batch = feed->take();
        batch.replayed = true;
        batch.shard = static_cast<uint32_t>(i);
        batch.wal_seq = reports[i]->last_seq;
        model->sink(std::move(batch));
      }
    });
  }
  for (auto& t : threads)
    t.join();

  std::shared_ptr<const item_catalog> newest = std::make_shared<const item_catalog>();
  for (size_t i = 0; i < n; ++i) {
    if (!reports[i].ok())
      return reports[i].error();
    if (reports[i]->catalog->version() > newest->version())
      newest = reports[i]->catalog;
  }
  node.catalog = newest;
  for (size_t i = 0; i < n; ++i) {
    auto& r = *reports[i];
    shard_setup s;
    s.index = static_cast<uint32_t>(i);
    s.dir = shard_directory(opts.data_dir, s.index);
    s.files = &env;
    s.store = stores[i];
    s.next_seq = r.last_seq + 1;
    s.erases_since_snapshot = r.wal_erases;
    if (r.catalog->version() < newest->version()) {
      auto next = log_catalog(env, s.dir, s.next_seq, *newest);
      if (!next.ok())
        return next.error();
      s.next_seq = *next;
      if (opts.log)
        opts.log(true, s.dir + ": its item catalog was at version " + std::to_string(r.catalog->version()) +
                           " of " + std::to_string(newest->version()) +
                           " (an upsert_items interrupted by a crash); brought up to date");
    }
    // Equal versions hold equal items: share one copy.
    s.catalog = newest;
    node.profiles += stores[i]->size();
    node.newest_event_ms = std::max(node.newest_event_ms, stores[i]->newest_event_ms());
    node.wal_records += r.wal_records;
    if (opts.log)
      opts.log(false, s.dir + ": " +
                          (r.snapshot.empty()
                               ? std::string("no snapshot")
                               : "snapshot with " + std::to_string(r.snapshot_profiles) + " profiles") +
                          ", " + std::to_string(r.wal_records) + " WAL records replayed in " +
                          std::to_string(static_cast<int>(r.seconds * 1000)) + " ms");
    node.shards.push_back(std::move(s));
  }
  node.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return node;
}

}  // namespace persona
