// engine: the one interface through which the network layer, the tools and
// the tests drive Persona. It validates and enriches input at the edge,
// splits each ingest batch by shard once, and hands typed messages to the
// actors; answers come back through callbacks, never by blocking the caller.
//
// Thread-safety: every method may be called from any thread, concurrently.
// Callbacks run on an actor thread: they must be short and must not block
// (post to your own executor). Ingest calls from one thread reach each
// shard in call order, so a user's events apply in the order they were sent.
// The *_sync helpers block the calling thread: for tools, tests and
// benchmarks only, never inside an actor or an I/O handler.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/model/item_model_config.hpp"
#include "core/model/propensity_labeller.hpp"
#include "core/profile/event.hpp"
#include "core/profile/event_limits.hpp"
#include "core/profile/event_time_limit.hpp"
#include "core/profile/profile_config.hpp"
#include "core/query/request_limits.hpp"
#include "core/storage/fsync_policy.hpp"
#include "core/util/log_sink.hpp"
#include "core/util/node_clock.hpp"
#include "core/util/siphash.hpp"
#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona {

class file_env;

/// Engine settings, with their defaults (docs/operations.md lists them).
struct engine_options {
  /// Shard actors; default: one per core.
  size_t shards = std::max(1u, std::thread::hardware_concurrency());
  /// Scheduler threads of the actor system; default: one per core.
  size_t worker_threads = std::max(1u, std::thread::hardware_concurrency());
  /// Run the actor system's threads under Linux's SCHED_BATCH policy: woken
  /// threads (network I/O) preempt them less, so shards keep their core
  /// longer. Measured: +13% ingest over TCP, a longer get_profile tail.
  bool batch_worker_threads = false;
  /// The time slice the actor system's threads ask the kernel for
  /// (core/os/thread_slice.hpp): short, so a shard woken by a read runs soon.
  /// The item model's thread keeps the default. 0: the default for all.
  std::chrono::microseconds thread_slice{100};
  /// Deadline of every request to a shard.
  std::chrono::milliseconds shard_timeout{5000};
  /// Calls in flight before new ones are answered `overloaded`.
  size_t max_in_flight = 4096;
  /// Events in one ingest call.
  size_t max_batch_events = 100000;
  /// Condition nodes, `in` values and aggregates one query or segment may ask for.
  request_limits requests;
  /// Events a shard applies before it serves waiting point reads again.
  size_t shard_slice_events = 64;
  /// Profile maintenance tunables.
  profile_config profile;
  /// The largest price and quantity ingest and item upserts accept.
  event_limits limits;
  /// An event without an id is rejected as a duplicate when it has the
  /// same user, type, item and ts as one of the user's recent events
  /// (the window of profile.caps.event_ids).
  bool dedupe_without_id = false;

  // Durability (docs/operations.md, "Durability").
  /// Where shards keep their WAL and snapshots; empty: memory only.
  std::string data_dir;
  /// When the WAL is forced to the device.
  fsync_policy fsync = fsync_policy::batch;
  /// Under fsync=batch: the longest time between syncs.
  std::chrono::milliseconds fsync_interval{100};
  /// The file system under data_dir (core/storage/file_env.hpp; tests
  /// inject disk faults through it); null: POSIX. Must outlive the engine.
  file_env* files = nullptr;
  /// Between periodic snapshots of each shard; zero: only on request and at stop.
  std::chrono::milliseconds snapshot_interval{300000};
  /// WAL bytes a shard writes after a snapshot before it starts another.
  uint64_t snapshot_wal_bytes = uint64_t{1} << 30;
  /// A deleted profile leaves every file under data_dir within this time
  /// (a delete schedules the compaction that drops it).
  std::chrono::milliseconds erase_max_delay{300000};
  /// Wall time between two sweeps of a shard's time-dependent segments.
  std::chrono::milliseconds segment_sweep_interval{10000};

  // Retention (docs/profiles.md, "Retention").
  /// Profiles with no event for this long (event time, against the node's
  /// "now") are deleted by their shard's retention sweep; zero: kept.
  std::chrono::milliseconds profile_ttl{0};
  /// Wall time between two retention sweeps of each shard.
  std::chrono::milliseconds retention_sweep_interval{60000};

  // Time (docs/profiles.md, "Now").
  /// What the node's "now" follows: the newest event time, or also the
  /// wall clock (a live feed that may go quiet).
  clock_mode clock = clock_mode::events;
  /// Events dated more than this past the wall clock are rejected
  /// (`bad_timestamp`) and change nothing.
  std::chrono::milliseconds max_future{default_max_future_ms};
  /// The wall clock, ms since the epoch; empty: the system's. Tests set it.
  node_clock::wall_source wall_clock;
  /// Deadline of a `snapshot` call.
  std::chrono::milliseconds snapshot_timeout{600000};
  /// Receives recovery progress, warnings and snapshot lines; may be empty.
  log_sink log;

  // Privacy (docs/security.md).
  /// The secret of the keyed hashes that replace devices, geos, sessions
  /// and (with pseudonymize_users) user ids before anything keeps them
  /// (core/profile/pseudonyms.hpp). All zero: a fixed, public key, so
  /// hashes stay stable but a dictionary can reverse them; personad always
  /// gives one (net/node_keys.hpp). Must stay the same for a data directory.
  siphash_key hash_key;
  /// Keep and answer a keyed hash of each user id ("u:" + 32 hex digits)
  /// instead of the id; calls still take the client's ids.
  bool pseudonymize_users = false;
  /// 32 bytes: WAL records, snapshots and the item model's state are sealed
  /// with AES-256-GCM under this key (core/storage/record_seal.hpp); empty:
  /// written in clear. Never written to disk.
  std::string encrypt_key;

  // Recommendations and predictions (docs/recommendations.md).
  /// Whether the node keeps an item model; without, recommend and predict's
  /// propensity are unavailable and ingest does no model work.
  bool recommendations = true;
  /// Item model and recommender tunables.
  item_model_config recommend;
  /// How shards turn their stream into propensity training examples.
  labeller_options propensity;
  /// Between two item model versions (the bound on global signals' lag).
  std::chrono::milliseconds model_publish_interval{200};
  /// Between two rebuilds of changed items' neighbour lists.
  std::chrono::milliseconds model_neighbour_interval{1000};
  /// Between two copies of the factors into a version.
  std::chrono::milliseconds model_factor_interval{1000};
  /// No live signal batch for this long: the item model learns the
  /// signals waiting for it past its budget (item_model_actor.hpp).
  std::chrono::milliseconds model_quiet_after{500};
  /// Between two saves of the item model's state in data_dir (when it
  /// changed; also at stop).
  std::chrono::milliseconds model_save_interval{60000};
  /// Item signals that may wait for the item model (sent, not yet learnt
  /// from); past it shards drop theirs (core/model/model_backlog.hpp). 0: no bound (offline replays, where
  /// every signal must count).
  uint64_t model_max_waiting_signals = 1000000;
  /// Items one recommend or similar_* call may ask for.
  size_t max_recommend_k = 1000;
};

class engine {
 public:
  using callback = std::function<void(result<value>)>;

  explicit engine(engine_options options = {});
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// Applies a batch of events. Answers {"accepted", "rejected": [{"index", "code", "message"}]}.
  void ingest(std::vector<event> events, callback done);
  /// Inserts or replaces catalog items. Answers {"upserted", "rejected"}.
  void upsert_items(const value& items, callback done);
  /// Answers {"user"}.
  void set_attributes(const std::string& user, const value& attributes, callback done);
  /// Answers the profile map; options: fields, now.
  void get_profile(const std::string& user, const value& options, callback done);
  /// Answers {"deleted": bool}. The profile leaves every file within
  /// erase_max_delay; options {"durable": true}: answered once it has.
  void delete_profile(const std::string& user, callback done);
  void delete_profile(const std::string& user, const value& options, callback done);
  /// Sets some of the user's consents ({"profiling", "recommend",
  /// "marketing"}: bools; the others stay), creating the profile if absent;
  /// answers {"user", "consent"} with all three (consent.hpp).
  void set_consent(const std::string& user, const value& flags, callback done);
  /// The right of access: everything held on the user, {"user", "now",
  /// "profile", "predictions", "hashed"} (profile_store::access_report).
  void export_profile(const std::string& user, callback done);
  /// Folds source into target, deletes source; answers the target's profile.
  void merge_profiles(const std::string& source, const std::string& target, callback done);
  /// Answers {"count", "users", "aggregates"}; options: limit, fields, aggregate, now.
  void query(const value& where, const value& options, callback done);
  /// Answers the stats map of the protocol.
  void stats(callback done);
  /// Writes a snapshot of every shard; answers {"shards", "bytes", "duration_ms"}.
  void snapshot(callback done);

  // Live segments (docs/segments.md).
  /// Defines or redefines a segment; answers {"name", "size"}.
  void define_segment(const std::string& name, const value& where, callback done);
  /// Answers {"dropped": bool}.
  void drop_segment(const std::string& name, callback done);
  /// Answers [{"name", "where", "size"}].
  void list_segments(callback done);
  /// Answers {"users", "cursor"}; options: limit (default 100, max 10000), cursor.
  void segment_members(const std::string& name, const value& options, callback done);
  /// k-means over profile fields (docs/segments.md, "Clusters"); options
  /// k (1 to 256, default 8), features (1 to 32 numeric paths), max_iter
  /// (default 100), seed (default 0). Sets every profile's cluster.
  void train_clusters(const value& options, callback done);
  /// The last train_clusters answer, or not_found.
  void get_clusters(callback done);

  // Recommendations and predictions (docs/recommendations.md).
  /// Answers {"strategy", "items": [{"item", "score", "reason"}]}; options
  /// strategy (auto, popular, item_cf, content, mf), exclude_seen
  /// (default true), category, now. An unknown user gets a cold start.
  void recommend(const std::string& user, const value& k, const value& options, callback done);
  /// Answers {"items": [{"item", "score"}]}, or not_found for an item no
  /// event has mentioned.
  void similar_items(const std::string& item, const value& k, callback done);
  /// Answers {"users": [{"user", "score"}]}: the users whose categories,
  /// brands and recent items are most like `user`'s.
  void similar_users(const std::string& user, const value& k, callback done);
  /// Answers {"purchase_propensity", "churn_risk", "next_purchase_days"}; options now.
  void predict(const std::string& user, const value& options, callback done);
  /// Sends every shard's collected item signals to the item model and
  /// publishes a version; answers {"version"}. For tools and tests that
  /// need the global signals now rather than within a publish interval.
  void refresh_item_model(callback done);

  /// Receives batches of segment events, each {"segment", "user",
  /// "entered", "ts"}; called on actor threads, so it must only queue.
  using segment_sink = std::function<void(value::array&)>;
  /// Subscribes `sink` to the changes of `segments`; answers the
  /// subscription's id, or not_found naming an unknown segment.
  result<uint64_t> subscribe(const std::vector<std::string>& segments, segment_sink sink);
  void unsubscribe(uint64_t id);

  /// Whether recovery is over and the engine serves calls. Until then every
  /// call is answered `unavailable`, saying what recovery is doing.
  bool ready() const;
  /// ok when ready; else `unavailable`, saying what recovery is doing.
  status readiness() const;
  /// Blocks until recovery is over; ok, or why the engine cannot serve
  /// (the data directory is locked, unreadable, or from another shard count).
  status wait_ready();
  /// The node's "now" (options().clock): the newest accepted event time,
  /// or the wall clock before the first event; under clock_mode::live the
  /// later of the two.
  int64_t now_ms() const;
  const engine_options& options() const;

  // Blocking forms of the calls above.
  result<value> ingest_sync(std::vector<event> events);
  result<value> upsert_items_sync(const value& items);
  result<value> set_attributes_sync(const std::string& user, const value& attributes);
  result<value> get_profile_sync(const std::string& user, const value& options = value{});
  result<value> delete_profile_sync(const std::string& user, const value& options = value{});
  result<value> set_consent_sync(const std::string& user, const value& flags);
  result<value> export_profile_sync(const std::string& user);
  result<value> merge_profiles_sync(const std::string& source, const std::string& target);
  result<value> query_sync(const value& where, const value& options = value{});
  result<value> stats_sync();
  result<value> snapshot_sync();
  result<value> define_segment_sync(const std::string& name, const value& where);
  result<value> drop_segment_sync(const std::string& name);
  result<value> list_segments_sync();
  result<value> train_clusters_sync(const value& options);
  result<value> get_clusters_sync();
  result<value> recommend_sync(const std::string& user, size_t k, const value& options = value{});
  result<value> similar_items_sync(const std::string& item, size_t k);
  result<value> similar_users_sync(const std::string& user, size_t k);
  result<value> predict_sync(const std::string& user, const value& options = value{});
  result<value> refresh_item_model_sync();
  result<value> segment_members_sync(const std::string& name, const value& options = value{});

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace persona
