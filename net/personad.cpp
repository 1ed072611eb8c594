// personad: a Persona node. Parses its settings, starts the engine and the
// MessagePack-RPC server, logs what it is doing, and stops gracefully on
// SIGINT/SIGTERM (exit 0).
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "actors/engine.hpp"
#include "net/log.hpp"
#include "net/node_config.hpp"
#include "net/server.hpp"

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
  auto started = std::chrono::steady_clock::now();
  engine_options eo;
  if (cfg->shards)
    eo.shards = cfg->shards;
  if (cfg->worker_threads)
    eo.worker_threads = cfg->worker_threads;
  eo.batch_worker_threads = cfg->batch_worker_threads;
  eo.shard_timeout = std::chrono::milliseconds(cfg->request_timeout_ms);
  eo.max_in_flight = cfg->max_in_flight;
  eo.max_batch_events = cfg->max_batch_events;
  eo.shard_slice_events = cfg->shard_slice_events;
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
  log_line(log_level::info, "data dir " + cfg->data_dir +
                                ": not written yet (write-ahead log and snapshots are not built); "
                                "profiles live in memory only");
  if (cfg->tokens.empty())
    log_line(log_level::info, "no tokens configured: every connection has every role");
  else
    log_line(log_level::info,
             std::to_string(cfg->tokens.size()) + " token(s) configured: clients must hello first");
  srv->wait();
  auto& c = srv->counters();
  log_line(log_level::info, "stopped: " + std::to_string(c.connections_total.load()) + " connection(s), " +
                                std::to_string(c.requests.load()) + " request(s), " +
                                std::to_string(c.notifications.load()) + " notification(s) served");
  eng.reset();  // drop late engine callbacks before the I/O context goes
  srv.reset();
  return 0;
}
