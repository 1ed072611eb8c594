// personad: a Persona node. Parses its settings, starts the engine (which
// recovers the data directory in the background) and the MessagePack-RPC
// server, logs what it is doing, and stops gracefully on SIGINT/SIGTERM:
// requests in flight are answered, every shard writes a snapshot, exit 0.
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "actors/engine.hpp"
#include "core/os/memory_reserve.hpp"
#include "net/log.hpp"
#include "net/node_config.hpp"
#include "net/node_keys.hpp"
#include "net/server.hpp"
#include "net/start_checks.hpp"

using namespace persona;
using namespace persona::net;

int main(int argc, char** argv) {
  bool help = false;
  auto cfg = node_config::parse(argc, argv, help);
  if (help) {
    std::fputs(node_config::help_text().c_str(), stdout);
    return 0;
  }
  if (!cfg.ok()) {
    std::fprintf(stderr, "personad: %s\n", cfg.error().message().c_str());
    return 2;
  }
  std::string exposure;
  if (auto st = check_start_settings(*cfg, exposure); !st.ok()) {
    std::fprintf(stderr, "personad: %s\n", st.message().c_str());
    return 2;
  }
  auto started = std::chrono::steady_clock::now();
  // Before any other thread: the allocator's fresh memory comes from the
  // reserve from here on.
  std::string memory_note;
  if (cfg->memory_reserve_mb > 0) {
    memory_reserve_options mo;
    mo.reserve_bytes = cfg->memory_reserve_mb << 20;
    mo.warm_ahead_bytes = cfg->memory_warm_ahead_mb << 20;
    mo.return_freed = cfg->memory_return_freed;
    std::string why_not;
    memory_note =
        start_memory_reserve(mo, why_not)
            ? "memory: " + std::to_string(cfg->memory_reserve_mb) + " MB of address space reserved, " +
                  std::to_string(cfg->memory_warm_ahead_mb) + " MB kept warm ahead, freed memory " +
                  (cfg->memory_return_freed ? "returned to the kernel" : "kept resident")
            : "memory reserve not started (" + why_not +
                  "): shards fault in their fresh memory themselves; --memory-reserve-mb=0 silences this";
  }
  engine_options eo;
  if (cfg->shards)
    eo.shards = cfg->shards;
  if (cfg->worker_threads)
    eo.worker_threads = cfg->worker_threads;
  eo.batch_worker_threads = cfg->batch_worker_threads;
  eo.thread_slice = std::chrono::microseconds(cfg->thread_slice_us);
  eo.shard_timeout = std::chrono::milliseconds(cfg->request_timeout_ms);
  eo.max_in_flight = cfg->max_in_flight;
  eo.max_batch_events = cfg->max_batch_events;
  eo.requests.max_condition_nodes = cfg->max_condition_nodes;
  eo.requests.max_in_values = cfg->max_in_values;
  eo.requests.max_aggregates = cfg->max_aggregates;
  eo.shard_slice_events = cfg->shard_slice_events;
  eo.limits.max_price = static_cast<double>(cfg->max_price);
  eo.limits.max_quantity = static_cast<int64_t>(cfg->max_quantity);
  eo.dedupe_without_id = cfg->dedupe_without_id;
  eo.profile.caps.event_ids = cfg->dedupe_window;
  eo.data_dir = cfg->data_dir;
  eo.fsync = cfg->fsync;
  eo.fsync_interval = std::chrono::milliseconds(cfg->fsync_interval_ms);
  eo.snapshot_interval = std::chrono::milliseconds(cfg->snapshot_interval_s * 1000);
  eo.snapshot_timeout = std::chrono::milliseconds(cfg->snapshot_timeout_s * 1000);
  eo.snapshot_wal_bytes = cfg->snapshot_wal_mb << 20;
  eo.erase_max_delay = std::chrono::milliseconds(cfg->erase_max_delay_s * 1000);
  eo.profile_ttl = std::chrono::hours(cfg->profile_ttl_days * 24);
  eo.segment_sweep_interval = std::chrono::milliseconds(cfg->segment_sweep_interval_ms);
  eo.clock = cfg->clock;
  eo.max_future = std::chrono::milliseconds(cfg->max_future_ms);
  eo.recommendations = cfg->recommendations;
  eo.model_publish_interval = std::chrono::milliseconds(cfg->model_publish_ms);
  eo.model_factor_interval = std::chrono::milliseconds(cfg->model_factor_ms);
  eo.model_quiet_after = std::chrono::milliseconds(cfg->model_quiet_ms);
  eo.model_save_interval = std::chrono::milliseconds(cfg->model_save_ms);
  eo.model_neighbour_interval = std::chrono::milliseconds(cfg->model_neighbour_ms);
  eo.model_max_waiting_signals = cfg->model_max_waiting_signals;
  eo.recommend.learn_signals_per_second = static_cast<double>(cfg->model_learn_per_s);
  eo.propensity.sample_rate = cfg->propensity_sample_rate;
  eo.propensity.census_share = cfg->propensity_census_share;
  eo.recommend.churn_horizon_ms = static_cast<int64_t>(cfg->churn_horizon_days) * 86400000;
  std::string hash_key_origin;
  auto hash_key = load_node_hash_key(*cfg, hash_key_origin);
  if (!hash_key.ok()) {
    log_line(log_level::error, hash_key.error().message());
    return 1;
  }
  eo.hash_key = *hash_key;
  eo.pseudonymize_users = cfg->pseudonymize_users;
  auto encrypt_key = load_node_encrypt_key(*cfg);
  if (!encrypt_key.ok()) {
    log_line(log_level::error, encrypt_key.error().message());
    return 1;
  }
  eo.encrypt_key = std::move(*encrypt_key);
  eo.log = [](bool warning, const std::string& line) {
    log_line(warning ? log_level::warning : log_level::info, line);
  };
  auto eng = std::make_unique<engine>(eo);
  auto srv = std::make_unique<server>(*eng, *cfg);
  if (auto st = srv->start(); !st.ok()) {
    log_line(log_level::error, st.message());
    return 1;
  }
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  log_line(log_level::info, "personad " + cfg->node_name + " listening on " + cfg->bind + ":" +
                                std::to_string(srv->port()) + " with " + std::to_string(eo.shards) +
                                " shards, " + std::to_string(eo.worker_threads) +
                                (eo.batch_worker_threads ? " batch-scheduled" : "") + " worker threads, " +
                                std::to_string(cfg->io_threads) + " I/O thread(s); started in " +
                                std::to_string(static_cast<int>(ms)) + " ms");
  if (!memory_note.empty())
    log_line(read_memory_reserve().active ? log_level::info : log_level::warning, memory_note);
  log_line(log_level::info,
           "keyed hashes of devices, geos, sessions" +
               std::string(cfg->pseudonymize_users ? " and user ids" : "") + " under " + hash_key_origin +
               (eo.encrypt_key.empty() ? std::string() : "; files at rest sealed with AES-256-GCM"));
  if (cfg->data_dir.empty())
    log_line(
        log_level::warning,
        "no data directory (--data-dir is empty): profiles live in memory only and a restart loses them");
  else
    log_line(log_level::info, "data dir " + cfg->data_dir + ", fsync=" + to_string(cfg->fsync) +
                                  (cfg->fsync == fsync_policy::batch
                                       ? " every " + std::to_string(cfg->fsync_interval_ms) + " ms"
                                       : std::string()) +
                                  ", snapshots every " + std::to_string(cfg->snapshot_interval_s) + " s");
  // Recovery runs in the background: ping answers `unavailable` until done.
  std::thread readiness([&eng, &srv, started] {
    auto st = eng->wait_ready();
    if (!st.ok()) {
      log_line(log_level::error, st.message());
      srv->stop();
      return;
    }
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    log_line(log_level::info,
             "ready: serving every method " + std::to_string(static_cast<int>(ms)) + " ms after start");
  });
  if (cfg->tls())
    log_line(log_level::info, std::string("TLS on: plain TCP is refused; client certificates ") +
                                  (cfg->tls_ca.empty() ? "not asked for" : "required (--tls-ca)"));
  if (!exposure.empty())
    log_line(log_level::warning, exposure);
  if (cfg->command_line_tokens > 0)
    log_line(log_level::warning, std::to_string(cfg->command_line_tokens) +
                                     " token(s) given with --token: other users can read them in the process "
                                     "list (ps); put them in a --token-file (mode 0600) instead");
  if (cfg->tokens.empty())
    log_line(log_level::info, "no tokens configured: every connection has every role");
  else
    log_line(log_level::info,
             std::to_string(cfg->tokens.size()) + " token(s) configured: clients must hello first");
  srv->wait();
  readiness.join();
  if (!cfg->data_dir.empty() && eng->ready()) {
    auto snap = eng->snapshot_sync();
    if (snap.ok())
      log_line(log_level::info,
               "final snapshot: " + std::to_string(snap->find("bytes")->as_int()) + " bytes in " +
                   std::to_string(static_cast<int>(snap->find("duration_ms")->as_double())) + " ms");
    else
      log_line(log_level::warning, "final snapshot failed: " + snap.error().message() +
                                       "; the write-ahead log has every change, the next start replays it");
  }
  auto& c = srv->counters();
  log_line(log_level::info, "stopped: " + std::to_string(c.connections_total.load()) + " connection(s), " +
                                std::to_string(c.requests.load()) + " request(s), " +
                                std::to_string(c.notifications.load()) + " notification(s) served");
  bool failed = !eng->ready();
  eng.reset();  // drop late engine callbacks before the I/O context goes
  srv.reset();
  return failed ? 1 : 0;
}
