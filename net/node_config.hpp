// node_config: every setting of a personad node, read from `--name=value`
// flags, or `name = value` lines in the file given by `--config=FILE` (flags
// win). Each field is one row of the settings table (net/node_settings.hpp),
// which holds its default, limits and help line; `personad --help` prints
// help_text(). A node_config is a plain value: whoever holds one owns it,
// and the server and its sessions only read theirs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/storage/fsync_policy.hpp"
#include "core/util/node_clock.hpp"
#include "core/util/status.hpp"
#include "net/token_store.hpp"

namespace persona::net {

/// Roles a token grants (docs/protocol.md, "Session and admin").
enum role_bits : uint8_t { role_ingest = 1, role_query = 2, role_admin = 4, all_roles = 7 };

/// The fields are zeroed (`{}`), then node_config() gives each the default
/// of its row in the settings table.
struct node_config {
  /// Every setting at its default.
  node_config();

  /// TCP port to listen on; 0 picks a free port (logged at start).
  uint16_t port{};
  /// Address to bind.
  std::string bind;
  /// Directory for the write-ahead log and snapshots; empty: memory only.
  std::string data_dir;
  /// When the WAL is forced to the device.
  fsync_policy fsync{};
  /// Under fsync=batch: the longest time between syncs, in ms.
  uint64_t fsync_interval_ms{};
  /// Seconds between snapshots of each shard; 0: on request and at stop only.
  uint64_t snapshot_interval_s{};
  /// WAL megabytes a shard writes after a snapshot before it starts another; 0: no bound.
  uint64_t snapshot_wal_mb{};
  /// Deadline of a snapshot call, in seconds.
  uint64_t snapshot_timeout_s{};
  /// Seconds within which a deleted profile leaves every file.
  uint64_t erase_max_delay_s{};
  /// Days without an event after which a profile is deleted; 0: never.
  uint64_t profile_ttl_days{};
  /// Address space reserved for the allocator's fresh memory
  /// (core/os/memory_reserve.hpp), in MB; 0: none.
  uint64_t memory_reserve_mb{};
  /// Memory kept faulted in ahead of what the reserve handed out, in MB; 0: none.
  uint64_t memory_warm_ahead_mb{};
  /// Whether the reserve's freed memory goes back to the kernel.
  bool memory_return_freed{};
  /// Shard actors; 0 means one per core.
  size_t shards{};
  /// Actor scheduler threads; 0 means one per core.
  size_t worker_threads{};
  /// Run the actor threads as batch threads (Linux SCHED_BATCH): more
  /// ingest throughput, a longer read latency tail. "normal" or "batch".
  bool batch_worker_threads{};
  /// Threads running network I/O.
  size_t io_threads{};
  /// The time slice network and actor threads ask the kernel for, in
  /// microseconds (core/os/thread_slice.hpp); 0 keeps the kernel's default.
  uint64_t thread_slice_us{};
  /// Largest message accepted, in bytes.
  size_t max_message_bytes{};
  /// Open connections; more are closed at once with a log line.
  size_t max_connections{};
  /// Requests in flight on one connection before `overloaded`.
  size_t max_in_flight_per_connection{};
  /// Requests in flight on the node before `overloaded`.
  size_t max_in_flight{};
  /// Reply bytes queued for a client that does not read, before the
  /// connection is closed.
  size_t max_write_queue_bytes{};
  /// Bytes one connection may hold decoded (the message being decoded,
  /// messages waiting behind a write or at the ingest decoder); past it
  /// the connection stops being read until some are released.
  size_t max_connection_decode_bytes{};
  /// Bytes the ingest decoder's queue may hold decoded, over all
  /// connections; past it batches wait and their connections are not read.
  size_t max_ingest_queue_bytes{};
  /// Open connections from one peer address; 0: no bound.
  size_t max_connections_per_ip{};
  /// Seconds a message may take to arrive once begun; 0: no limit.
  uint64_t read_timeout_s{};
  /// Seconds without a request before a connection is closed (not one
  /// with live subscriptions); 0: never.
  uint64_t idle_timeout_s{};
  /// On a node with tokens, seconds a connection has to authenticate; 0: no limit.
  uint64_t hello_timeout_s{};
  /// Failed hellos a connection may make; the next failure closes it.
  uint64_t max_failed_hellos{};
  /// Wall time between two sweeps of a shard's time-dependent segments, in ms.
  uint64_t segment_sweep_interval_ms{};
  /// What the node's "now" follows: the newest event time, or also the wall clock.
  clock_mode clock{};
  /// Events dated more than this past the wall clock are rejected, in ms.
  uint64_t max_future_ms{};
  /// Whether the node keeps an item model (recommendations, propensity).
  bool recommendations{};
  /// Item model: publish interval, factor copy interval, quiet time before
  /// learning past the budget, between two saves of its state (ms).
  uint64_t model_publish_ms{};
  uint64_t model_factor_ms{};
  uint64_t model_quiet_ms{};
  uint64_t model_save_ms{};
  /// Between two rebuilds of the changed items' neighbour lists, in ms.
  uint64_t model_neighbour_ms{};
  /// Item signals that may wait for the item model; 0: no bound.
  uint64_t model_max_waiting_signals{};
  /// Signals a second the item model learns co-occurrence and factors from.
  uint64_t model_learn_per_s{};
  /// Share of events that start a propensity training example.
  double propensity_sample_rate{};
  /// Share of a shard's profiles the propensity census probes every 6 h
  /// of event time.
  double propensity_census_share{};
  /// The churn label's horizon, in days of event time.
  uint64_t churn_horizon_days{};
  /// Notification bytes queued for a subscriber that reads slowly before
  /// segment events are dropped (and the drop announced).
  size_t max_subscriber_queue_bytes{};
  /// Deadline of each request to a shard, in ms.
  uint64_t request_timeout_ms{};
  /// Events in one ingest call.
  size_t max_batch_events{};
  /// Condition nodes in one query's or segment's `where`.
  size_t max_condition_nodes{};
  /// Values in one `in` of a condition.
  size_t max_in_values{};
  /// Aggregates in one query.
  size_t max_aggregates{};
  /// Largest unit price an event or item may carry.
  uint64_t max_price{};
  /// Largest quantity an event may carry.
  uint64_t max_quantity{};
  /// Whether an event without an id is deduplicated by its content.
  bool dedupe_without_id{};
  /// A user's recent event ids (and content keys) remembered for duplicates.
  size_t dedupe_window{};
  /// Events a shard applies before it serves waiting point reads again.
  size_t shard_slice_events{};
  /// Seconds a graceful stop waits for requests in flight.
  uint64_t stop_grace_s{};
  /// Name of this node in `hello` and logs.
  std::string node_name;
  /// The tokens accepted, hashed, with their names and roles; empty: no
  /// authentication.
  token_store tokens;
  /// File of tokens (net/token_store.hpp gives its format), read at parse.
  std::string token_file;
  /// Tokens given with --token (or `token =` in a config file), which a
  /// node warns about at start.
  size_t command_line_tokens{};
  /// The audit log (net/audit_log.hpp): "auto" (<data-dir>/audit.log, off
  /// without a data directory), "off", or a file.
  std::string audit_log;
  /// Bytes of the audit log before it is rotated; 0: never rotated.
  uint64_t audit_max_bytes{};
  /// Rotated audit files kept (audit.log.1 is the newest).
  size_t audit_keep{};
  /// Longest time a written audit line waits for its sync to the device,
  /// in ms; 0: synced after every write.
  uint64_t audit_fsync_interval_ms{};
  /// Audit bytes waiting for the writer before lines are dropped (counted).
  size_t audit_queue_bytes{};
  /// TLS: the node's PEM certificate chain and private key; both empty:
  /// plain TCP.
  std::string tls_cert;
  std::string tls_key;
  /// PEM CA certificates that sign client certificates; not empty: every
  /// client must present one they signed.
  std::string tls_ca;
  /// Client certificate subject CN -> role bits it grants.
  std::map<std::string, uint8_t> tls_client_roles;
  /// Deadline of a TLS handshake, in ms.
  uint64_t tls_handshake_timeout_ms{};
  /// Whether a node bound to a non-loopback address may serve without
  /// TLS or authentication.
  bool insecure{};

  /// Whether connections use TLS.
  bool tls() const { return !tls_cert.empty() || !tls_key.empty(); }
  /// Owner-only file holding the secret of the node's keyed hashes; empty:
  /// <data-dir>/hash.key, made at the first start (net/node_keys.hpp).
  std::string hash_key_file;
  /// Keep a keyed hash of each user id instead of the id.
  bool pseudonymize_users{};
  /// Owner-only file holding the AES-256 key that seals files at rest; empty: none.
  std::string encrypt_key_file;

  /// Parses argv (argv[0] skipped). Sets `help` on --help.
  static result<node_config> parse(int argc, char** argv, bool& help);

  /// Every setting with its default and meaning.
  static std::string help_text();
};

/// Role bits of a comma-separated role list ("ingest,query"); 0 if any is unknown.
uint8_t parse_roles(const std::string& list);

/// The role names of `bits`.
std::vector<std::string> role_names(uint8_t bits);

}  // namespace persona::net
