// engine_impl: the engine facade's private state (engine.hpp), shared by
// the files that implement its methods: engine.cpp (events, profiles,
// queries, snapshots, readiness), engine_stats.cpp, engine_segments.cpp
// (segments, subscriptions, clusters) and engine_recommend.cpp. Its own
// logic (the actor system's settings; starting, recovering and stopping
// the actors) is in engine_impl.cpp. Any thread may call its members;
// the fields say how they are guarded. Include it from those files only:
// it pulls in CAF.
#pragma once

#include <atomic>
#include <caf/all.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <tuple>

#include "actors/engine.hpp"
#include "actors/error_conversion.hpp"
#include "actors/gateway_actor.hpp"
#include "actors/message_types.hpp"
#include "actors/model_recovery.hpp"
#include "actors/segment_hub.hpp"
#include "actors/shard_actor.hpp"
#include "actors/shard_read.hpp"
#include "core/model/model_backlog.hpp"
#include "core/profile/item_catalog.hpp"
#include "core/profile/pseudonyms.hpp"
#include "core/profile/segment_directory.hpp"
#include "core/storage/file_io.hpp"

namespace persona {

/// Actor system settings derived from engine_options.
struct system_config : caf::actor_system_config {
  explicit system_config(const engine_options& o);
};

/// ok, or bad_request naming `what` when `user` is not a valid user id.
status check_user_id(const std::string& what, const std::string& user);

/// For ask(): the coordinator's answer is already the protocol's value.
inline result<value> as_is(value& v) {
  return std::move(v);
}

struct engine::impl {
  /// Starts the actors, or a thread that recovers the data directory first.
  explicit impl(engine_options o);
  /// Stops every actor and waits until all are done.
  ~impl();

  /// Recovers the data directory, then starts the actors (recovery thread).
  void recover();

  /// Spawns shards, coordinator and gateways, then opens for calls.
  void start_actors(std::vector<shard_setup> setups);
  /// Spawns the item model actor (once), over `restored` state if any.
  void start_item_model(restored_model restored);

  /// Says what recovery is doing (for readiness answers).
  void set_phase_message(std::string m);

  /// ok when the engine serves calls; else why not.
  status gate();

  /// Lets a call in, or answers `done` with why not and returns false. The
  /// checks, in this order: the engine serves calls (gate()); `check`, the
  /// call's own checks of its input, returns ok (a status); fewer than
  /// max_in_flight calls are in flight (else `overloaded`). On true the
  /// call is counted in: answer it through finish().
  template <class Check>
  bool enter(const callback& done, Check&& check) {
    if (!ready(done))
      return false;
    if (auto st = check(); !st.ok()) {
      done(st);
      return false;
    }
    return admit(done);
  }

  /// enter() for a call with no input to check.
  bool enter(const callback& done) {
    return enter(done, [] { return status{}; });
  }

  /// The first check of enter(): true when the engine serves calls; else
  /// answers `done` with gate()'s status. For calls answered without the
  /// actors, which are not counted in.
  bool ready(const callback& done);

  /// The last check of enter(): counts a call in; else (nothing counted)
  /// answers `done` overloaded and returns false.
  bool admit(const callback& done);

  /// Counts a call out and gives its answer to `done`.
  void finish(const callback& done, result<value> r);

  /// The deadline of a request through a gateway: the coordinator's own
  /// shard requests fit in it.
  std::chrono::milliseconds gateway_timeout() const {
    return opts.shard_timeout * 4 + std::chrono::seconds(1);
  }

  /// Sends args to the coordinator through a gateway; converts the answer of
  /// type T to the result. REQUIRES: the call was counted in (enter()).
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
  void read_user(shard_read read, std::function<void(result<value>)> done);

  /// A gateway for a call other than a catalog update, delete or merge
  /// (gateway 0 carries those), in turn.
  size_t query_gateway() { return 1 + next_gateway.fetch_add(1) % (gateways.size() - 1); }

  /// A copy of the node's segment names.
  segment_directory segments_now();

  /// With an encryption key: the file system that seals records, which
  /// opts.files then points to (declared first: it outlives the actors).
  std::unique_ptr<file_env> sealed_files;
  /// The options, with shards at least 1 (and the encryption key wiped).
  engine_options opts;
  /// The actor system's settings, made from opts.
  system_config cfg;
  caf::actor_system system;
  /// Where the engine is: recovering its data, serving calls, or failed to
  /// recover (then it serves nothing).
  enum phase_kind { recovering = 0, serving = 1, failed = 2 };
  std::atomic<int> phase{recovering};
  /// Guards phase_message; phase_changed tells waiters the phase moved on.
  std::mutex phase_mu;
  std::condition_variable phase_changed;
  /// What recovery is doing, or why it failed.
  std::string phase_message;
  /// Runs recover() when there is a data directory.
  std::thread recovery;
  /// Held while the node runs: no second node opens the same data directory.
  unique_fd data_lock;
  /// The actors, made by start_actors(); empty until then.
  std::vector<caf::actor> shards;
  caf::actor coordinator;
  std::vector<caf::actor> gateways;
  /// Turns through the query gateways (query_gateway()).
  std::atomic<size_t> next_gateway{0};
  /// The item model actor and the versions it publishes.
  caf::actor item_model;
  std::shared_ptr<item_model_holder> models = std::make_shared<item_model_holder>();
  /// The signals waiting for the item model (made with it).
  std::shared_ptr<model_backlog> backlog;
  /// The node's catalog, shared with its shards, which enrich events from it.
  std::shared_ptr<item_catalog_holder> items = std::make_shared<item_catalog_holder>();
  /// The node's "now", shared with the shards, which raise it as they
  /// accept events.
  std::shared_ptr<node_clock> clock;
  /// The keyed hashes that replace identifiers at the edge (opts.hash_key).
  pseudonyms ids;
  /// Events accepted and rejected since start (for stats).
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> rejected{0};
  /// Calls admitted and not yet finished.
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
  /// When the engine was made (for uptime).
  std::chrono::steady_clock::time_point started;
};

}  // namespace persona
