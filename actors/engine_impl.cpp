// engine_impl: the actor system's settings; starting, recovering and
// stopping the engine's actors; and the bookkeeping every engine call
// shares (engine_impl.hpp). Runs on the callers' threads, the recovery
// thread and, for finish(), actor threads.
#include "actors/engine_impl.hpp"

#include <pthread.h>
#include <sched.h>
#include <algorithm>

#include "actors/coordinator_actor.hpp"
#include "actors/item_model_actor.hpp"
#include "actors/node_recovery.hpp"
#include "core/os/thread_slice.hpp"
#include "core/storage/sealed_env.hpp"
#include "core/util/user_router.hpp"

namespace persona {

namespace {

/// Puts every thread the actor system starts under SCHED_BATCH (Linux; a
/// normal-priority policy, so it needs no privilege). Where the policy does
/// not exist, threads keep the default one.
struct batch_scheduling_hook : caf::thread_hook {
  void init(caf::actor_system&) override {}
  void thread_started() override {
#ifdef SCHED_BATCH
    sched_param normal_priority{};
    pthread_setschedparam(pthread_self(), SCHED_BATCH, &normal_priority);
#endif
  }
  void thread_terminates() override {}
};

/// Asks the kernel for a short time slice for every thread the actor system
/// starts (thread_slice.hpp).
struct time_slice_hook : caf::thread_hook {
  explicit time_slice_hook(std::chrono::microseconds s) : slice(s) {}
  void init(caf::actor_system&) override {}
  void thread_started() override { request_time_slice(slice); }
  void thread_terminates() override {}
  std::chrono::microseconds slice;
};

/// The answer to a call past max_in_flight.
status overloaded_status(size_t limit) {
  return {error_code::overloaded,
          "more than " + std::to_string(limit) +
              " requests are in flight on this node; retry later or raise max_in_flight"};
}

}  // namespace

system_config::system_config(const engine_options& o) {
  register_message_types(*this);
  if (o.batch_worker_threads)
    add_thread_hook<batch_scheduling_hook>();
  if (o.thread_slice.count() > 0)
    add_thread_hook<time_slice_hook>(o.thread_slice);
  set("scheduler.max-threads", static_cast<caf::config_value::integer>(o.worker_threads));
  // Bounded fairness: a busy shard yields its worker every 100 messages.
  set("scheduler.max-throughput", static_cast<caf::config_value::integer>(100));
  set("logger.verbosity", caf::atom("quiet"));
}

engine::impl::impl(engine_options o)
    : opts(std::move(o)),
      cfg(opts),
      system(cfg),
      clock(std::make_shared<node_clock>(opts.clock, opts.wall_clock)),
      ids(opts.hash_key, opts.pseudonymize_users) {
  if (opts.shards == 0)
    opts.shards = 1;
  started = std::chrono::steady_clock::now();
  if (!opts.encrypt_key.empty() && !opts.data_dir.empty()) {
    auto seal = record_seal::make(opts.encrypt_key);
    std::fill(opts.encrypt_key.begin(), opts.encrypt_key.end(), '\0');
    opts.encrypt_key.clear();
    if (!seal.ok()) {
      phase_message = seal.error().message();
      phase = failed;
      return;
    }
    sealed_files = std::make_unique<sealed_env>(opts.files ? *opts.files : posix_env(), std::move(*seal));
    opts.files = sealed_files.get();
  }
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

engine::impl::~impl() {
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

void engine::impl::recover() {
  // The item model first: a restored one learns the WAL records it does
  // not hold while the shards replay them.
  model_catch_up catch_up;
  bool restored = false;
  if (opts.recommendations) {
    auto model = restore_item_model(opts, *models);
    restored = model.builder != nullptr;
    catch_up.covered = model.covered;
    start_item_model(std::move(model));
    catch_up.holder = models;
    catch_up.sink = [model = item_model, backlog = backlog](model_batch&& b) {
      if (backlog->admit(b))
        send_model_batch(model, std::move(b));
    };
  }
  auto node = recover_node(
      opts, [this](std::string line) { set_phase_message(std::move(line)); }, restored ? &catch_up : nullptr);
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
    for (auto& [name, where] : node->shards[0].store->segments().definitions())
      node_segments.names.push_back(name);
    if (auto& model = node->shards[0].store->clusters().model())
      last_clusters = model->result;
  }
  clock->observe(node->newest_event_ms);
  if (opts.log)
    opts.log(false, "recovered " + std::to_string(node->profiles) + " profiles and " +
                        std::to_string(node->wal_records) + " WAL records from " + opts.data_dir + " in " +
                        std::to_string(static_cast<int>(node->seconds * 1000)) + " ms");
  for (auto& s : node->shards)
    s.model_restored = restored;
  start_actors(std::move(node->shards));
}

void engine::impl::start_item_model(restored_model restored) {
  if (item_model)
    return;
  backlog = std::make_shared<model_backlog>(opts.model_max_waiting_signals);
  item_model_setup model;
  model.config = opts.recommend;
  model.holder = models;
  model.publish_interval = opts.model_publish_interval;
  model.factor_interval = opts.model_factor_interval;
  model.neighbour_interval = opts.model_neighbour_interval;
  model.quiet_after = opts.model_quiet_after;
  model.backlog = backlog;
  model.log = opts.log;
  if (restored.builder) {
    // Readers get the restored model before any shard serves.
    models->publish(restored.builder->publish(true, steady_now_ns()));
    backlog->restored(restored.builder->waiting());
  }
  model.restored = std::move(restored.builder);
  model.covered = std::move(restored.covered);
  model.data_dir = opts.data_dir;
  model.files = opts.files;
  model.save_interval = opts.model_save_interval;
  item_model = spawn_item_model(system, std::move(model));
}

void engine::impl::start_actors(std::vector<shard_setup> setups) {
  if (opts.recommendations)
    start_item_model({});
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
    s.query_deadline = opts.shard_timeout;
    s.shards = static_cast<uint32_t>(opts.shards);
    s.fsync = opts.fsync;
    s.fsync_interval = opts.fsync_interval;
    s.snapshot_interval = opts.snapshot_interval;
    s.snapshot_wal_bytes = opts.snapshot_wal_bytes;
    s.erase_max_delay = opts.erase_max_delay;
    s.profile_ttl_ms = opts.profile_ttl.count();
    s.retention_sweep_interval = opts.retention_sweep_interval;
    s.segment_sweep_interval = opts.segment_sweep_interval;
    // Shards snapshot at evenly spread times, not all at once.
    s.first_snapshot_delay = opts.snapshot_interval * (s.index + 1) / opts.shards;
    s.log = opts.log;
    s.hub = hub;
    s.clock = clock;
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

void engine::impl::set_phase_message(std::string m) {
  std::lock_guard<std::mutex> guard(phase_mu);
  phase_message = std::move(m);
}

status engine::impl::gate() {
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

bool engine::impl::ready(const callback& done) {
  if (auto st = gate(); !st.ok()) {
    done(st);
    return false;
  }
  return true;
}

bool engine::impl::admit(const callback& done) {
  if (in_flight.fetch_add(1) >= opts.max_in_flight) {
    in_flight.fetch_sub(1);
    done(overloaded_status(opts.max_in_flight));
    return false;
  }
  return true;
}

void engine::impl::finish(const callback& done, result<value> r) {
  in_flight.fetch_sub(1);
  done(std::move(r));
}

void engine::impl::read_user(shard_read read, std::function<void(result<value>)> done) {
  auto shard = shard_of(read.user, shards.size());
  read.answer = std::make_shared<answer_once>(std::move(done), "shard " + std::to_string(shard));
  post_read(shards[shard], std::move(read));
}

segment_directory engine::impl::segments_now() {
  std::lock_guard<std::mutex> guard(segments_mu);
  return node_segments;
}

}  // namespace persona
