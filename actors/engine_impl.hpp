// engine_impl: the engine facade's private state (engine.hpp), shared by
// the files that implement its methods: engine.cpp (events, profiles,
// queries, stats, snapshots, recovery) and engine_segments.cpp (segments,
// subscriptions, clusters). Include it from those only: it pulls in CAF.
#pragma once

#include <atomic>
#include <caf/all.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <tuple>

#include "actors/coordinator_actor.hpp"
#include "actors/engine.hpp"
#include "actors/error_conversion.hpp"
#include "actors/gateway_actor.hpp"
#include "actors/item_model_actor.hpp"
#include "actors/message_types.hpp"
#include "actors/node_recovery.hpp"
#include "actors/segment_hub.hpp"
#include "actors/shard_actor.hpp"
#include "actors/shard_read.hpp"
#include "core/model/model_backlog.hpp"
#include "core/profile/item_catalog.hpp"
#include "core/profile/segment_directory.hpp"
#include "core/storage/file_io.hpp"
#include "core/util/user_router.hpp"

namespace persona {

/// Actor system settings derived from engine_options.
struct system_config : caf::actor_system_config {
  explicit system_config(const engine_options& o);
};

/// The answer to a call past max_in_flight.
status overloaded_status(size_t limit);

/// ok, or bad_request naming `what` when `user` is not a valid user id.
status check_user_id(const std::string& what, const std::string& user);

/// For ask(): the coordinator's answer is already the protocol's value.
inline result<value> as_is(value& v) {
  return std::move(v);
}

struct engine::impl {
  explicit impl(engine_options o) : opts(std::move(o)), cfg(opts), system(cfg) {
    if (opts.shards == 0)
      opts.shards = 1;
    started = std::chrono::steady_clock::now();
    if (opts.data_dir.empty()) {
      std::vector<shard_setup> setups(opts.shards);
      for (size_t i = 0; i < setups.size(); ++i)
        setups[i].index = static_cast<uint32_t>(i);
      start_actors(std::move(setups));
      return;
    }
    set_phase_message("starting recovery of " + opts.data_dir);
    recovery = std::thread([this] { recover(); });
  }

  ~impl() {
    if (recovery.joinable())
      recovery.join();
    for (auto& g : gateways)
      caf::anon_send_exit(g, caf::exit_reason::user_shutdown);
    if (coordinator)
      caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown);
    for (auto& s : shards)
      caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
    if (item_model)
      caf::anon_send_exit(item_model, caf::exit_reason::user_shutdown);
    // The actors' last messages are dropped now; posted reads and ingest
    // parts then answer `unavailable` through this object's counters, so
    // wait here, while every member still lives, not in the system's
    // destructor after the members declared below it are gone.
    system.await_all_actors_done();
  }

  /// Recovers the data directory, then starts the actors (recovery thread).
  void recover() {
    auto node = recover_node(opts, [this](std::string line) { set_phase_message(std::move(line)); });
    if (!node.ok()) {
      if (opts.log)
        opts.log(true, "recovery failed: " + node.error().message());
      {
        std::lock_guard<std::mutex> guard(phase_mu);
        phase_message = node.error().message();
        phase = failed;
      }
      phase_changed.notify_all();
      return;
    }
    data_lock = std::move(node->lock);
    items->reset(node->catalog);
    if (!node->shards.empty() && node->shards[0].store) {
      std::lock_guard<std::mutex> guard(segments_mu);
      for (auto& [name, where] : node->shards[0].store->segment_definitions())
        node_segments.names.push_back(name);
      if (auto& model = node->shards[0].store->cluster_model_now())
        last_clusters = model->result;
    }
    if (node->newest_event_ms >= 0)
      observe_ts(node->newest_event_ms);
    if (opts.log)
      opts.log(false, "recovered " + std::to_string(node->profiles) + " profiles and " +
                          std::to_string(node->wal_records) + " WAL records from " + opts.data_dir + " in " +
                          std::to_string(static_cast<int>(node->seconds * 1000)) + " ms");
    start_actors(std::move(node->shards));
  }

  /// Spawns shards, coordinator and gateways, then opens for calls.
  void start_actors(std::vector<shard_setup> setups) {
    if (opts.recommendations) {
      backlog = std::make_shared<model_backlog>(opts.model_max_waiting_signals);
      item_model_setup model;
      model.config = opts.recommend;
      model.holder = models;
      model.publish_interval = opts.model_publish_interval;
      model.factor_interval = opts.model_factor_interval;
      model.neighbour_interval = opts.model_neighbour_interval;
      model.shed_after = opts.model_shed_after;
      model.backlog = backlog;
      model.log = opts.log;
      item_model = spawn_item_model(system, std::move(model));
    }
    for (auto& s : setups) {
      if (item_model) {
        s.models = models;
        s.model_sink = [model = item_model, backlog = backlog](model_batch&& b) {
          if (backlog->admit(b))
            send_model_batch(model, std::move(b));
        };
        s.model_retire = [model = item_model](std::shared_ptr<const persona::item_model>&& v) {
          retire_model_version(model, std::move(v));
        };
      }
      s.recommend = opts.recommend;
      s.labels = opts.propensity;
      s.profile = opts.profile;
      s.slice_events = opts.shard_slice_events;
      s.shards = static_cast<uint32_t>(opts.shards);
      s.fsync = opts.fsync;
      s.fsync_interval = opts.fsync_interval;
      s.snapshot_interval = opts.snapshot_interval;
      s.snapshot_wal_bytes = opts.snapshot_wal_bytes;
      s.segment_sweep_interval = opts.segment_sweep_interval;
      // Shards snapshot at evenly spread times, not all at once.
      s.first_snapshot_delay = opts.snapshot_interval * (s.index + 1) / opts.shards;
      s.log = opts.log;
      s.hub = hub;
      if (!s.catalog)
        s.catalog = items->current();
      shards.push_back(spawn_shard(system, std::move(s)));
    }
    coordinator = spawn_coordinator(system, shards, opts.shard_timeout, opts.snapshot_timeout);
    // Gateway 0 carries every ingest, so one caller's batches stay in order.
    for (size_t i = 0; i < 2; ++i)
      gateways.push_back(spawn_gateway(system));
    {
      std::lock_guard<std::mutex> guard(phase_mu);
      phase = serving;
    }
    phase_changed.notify_all();
  }

  void set_phase_message(std::string m) {
    std::lock_guard<std::mutex> guard(phase_mu);
    phase_message = std::move(m);
  }

  /// ok when the engine serves calls; else why not.
  status gate() {
    int p = phase.load(std::memory_order_acquire);
    if (p == serving)
      return {};
    std::lock_guard<std::mutex> guard(phase_mu);
    if (p == failed)
      return {error_code::unavailable,
              "the node could not recover its data and serves nothing: " + phase_message + "; see its log"};
    return {error_code::unavailable,
            "the node is recovering its data (" + phase_message + "); retry in a moment"};
  }

  /// Counts a call in; false (and nothing counted) when too many are in flight.
  bool admit() {
    if (in_flight.fetch_add(1) >= opts.max_in_flight) {
      in_flight.fetch_sub(1);
      return false;
    }
    return true;
  }

  void finish(const callback& done, result<value> r) {
    in_flight.fetch_sub(1);
    done(std::move(r));
  }

  std::chrono::milliseconds gateway_timeout() const {
    return opts.shard_timeout * 4 + std::chrono::seconds(1);
  }

  /// Sends args to the coordinator through a gateway; converts the answer of
  /// type T to the result. REQUIRES: admit() returned true.
  template <class T, class Convert, class... Ts>
  void ask(size_t gateway, callback done, Convert convert, Ts... args) {
    ask_within<T>(gateway_timeout(), gateway, std::move(done), std::move(convert), std::move(args)...);
  }

  /// ask() with its own deadline (long calls: snapshots, training).
  template <class T, class Convert, class... Ts>
  void ask_within(std::chrono::milliseconds timeout, size_t gateway, callback done, Convert convert,
                  Ts... args) {
    auto coord = coordinator;
    // The arguments are moved into the request: a batch is never copied.
    auto payload = std::make_shared<std::tuple<Ts...>>(std::move(args)...);
    post_to_gateway(gateways[gateway], gateway_task{[=](caf::event_based_actor* self) {
                      std::apply(
                          [&](auto&... xs) {
                            self->request(coord, timeout, std::move(xs)...)
                                .then([=](T& answer) { finish(done, convert(answer)); },
                                      [=](caf::error& err) {
                                        finish(done, from_caf_error(err, "the coordinator", timeout.count()));
                                      });
                          },
                          *payload);
                    }});
  }

  /// Sends a point read to the user's shard; its answer goes to `done` on
  /// the shard's thread.
  void read_user(shard_read read, std::function<void(result<value>)> done) {
    auto shard = shard_of(read.user, shards.size());
    read.answer = std::make_shared<answer_once>(std::move(done), "shard " + std::to_string(shard));
    post_read(shards[shard], std::move(read));
  }

  size_t query_gateway() { return 1 + next_gateway.fetch_add(1) % (gateways.size() - 1); }

  void observe_ts(int64_t ts) {
    auto seen = newest_ts.load(std::memory_order_relaxed);
    while (ts > seen && !newest_ts.compare_exchange_weak(seen, ts, std::memory_order_relaxed)) {
    }
  }

  engine_options opts;
  system_config cfg;
  caf::actor_system system;
  enum phase_kind { recovering = 0, serving = 1, failed = 2 };
  std::atomic<int> phase{recovering};
  std::mutex phase_mu;
  std::condition_variable phase_changed;
  std::string phase_message;
  std::thread recovery;
  /// Held while the node runs: no second node opens the same data directory.
  unique_fd data_lock;
  std::vector<caf::actor> shards;
  caf::actor coordinator;
  std::vector<caf::actor> gateways;
  std::atomic<size_t> next_gateway{0};
  /// The item model actor and the versions it publishes.
  caf::actor item_model;
  std::shared_ptr<item_model_holder> models = std::make_shared<item_model_holder>();
  /// The signals waiting for the item model (made with it).
  std::shared_ptr<model_backlog> backlog;
  /// The node's catalog, shared with its shards, which enrich events from it.
  std::shared_ptr<item_catalog_holder> items = std::make_shared<item_catalog_holder>();
  std::atomic<int64_t> newest_ts{-1};
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<size_t> in_flight{0};
  /// Orders upsert_items calls: versions reach every shard in version order.
  std::mutex upsert_mu;
  /// Segment changes for subscribers.
  std::shared_ptr<segment_hub> hub = std::make_shared<segment_hub>();
  /// The node's segment names, for checking conditions at the edge.
  std::mutex segments_mu;
  segment_directory node_segments;
  /// The last train_clusters answer (guarded by segments_mu); nil: none.
  value last_clusters;
  segment_directory segments_now() {
    std::lock_guard<std::mutex> guard(segments_mu);
    return node_segments;
  }
  std::chrono::steady_clock::time_point started;
};

}  // namespace persona
