// dispatcher: turns decoded MessagePack-RPC requests into engine calls.
// For a method's row in the method table (net/method_table.hpp) it checks
// authentication and the row's role, reads the params as the row declares,
// and runs the row's handler, which converts them for the engine and
// answers through a callback exactly once. It knows the protocol, not what
// a profile is. Thread-safe: sessions on any I/O thread share one
// dispatcher.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <msgpack.hpp>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "net/method_table.hpp"
#include "net/node_config.hpp"

namespace persona::net {

class audit_trail;

/// What a connection has established (hello) so far. Owned by its session.
struct connection_state {
  bool authenticated = false;
  uint8_t roles = 0;
  std::string client;
  /// Name of the token (or client certificate) that authenticated the
  /// connection, for logs and the audit log; empty before, or on a node
  /// without authentication.
  std::string token_name;
  /// The peer's address and port, as logged.
  std::string peer;
  /// Hellos that failed on this connection (max_failed_hellos bounds them).
  uint64_t failed_hellos = 0;
  /// Queues segment events for this connection (set by its session; called
  /// from actor threads).
  std::function<void(value::array&)> push_segment_events;
  /// Segment subscriptions to end when the connection closes.
  std::vector<uint64_t> subscriptions;
};

/// Node-wide counters the dispatcher adds to `stats`.
struct network_counters {
  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> connections_refused{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> notifications{0};
  std::atomic<uint64_t> unknown_notifications{0};
  std::atomic<uint64_t> protocol_errors{0};
  std::atomic<uint64_t> overloaded{0};
  std::atomic<uint64_t> segment_events_sent{0};
  std::atomic<uint64_t> segment_events_dropped{0};
  /// Replies written by the thread that produced them, and replies handed
  /// to an I/O thread because their connection was busy writing.
  std::atomic<uint64_t> replies_direct{0};
  std::atomic<uint64_t> replies_queued{0};
  /// Messages that waited for a connection's earlier write to be answered.
  std::atomic<uint64_t> held_behind_writes{0};
  /// TLS handshakes that failed or timed out (plain TCP on a TLS node,
  /// an untrusted or missing client certificate).
  std::atomic<uint64_t> tls_handshake_failures{0};
  /// Times a connection stopped being read because what it held decoded
  /// reached max_connection_decode_bytes.
  std::atomic<uint64_t> decode_pauses{0};
  /// Connections refused because max_connections_per_ip were open from their address.
  std::atomic<uint64_t> connections_refused_per_ip{0};
  /// Connections closed by a timeout (read, idle, hello) or after too many failed hellos.
  std::atomic<uint64_t> closed_read_timeout{0};
  std::atomic<uint64_t> closed_idle{0};
  std::atomic<uint64_t> closed_hello_timeout{0};
  std::atomic<uint64_t> closed_failed_hellos{0};
  /// Ingest batches that waited for room in the ingest decoder's queue.
  std::atomic<uint64_t> ingest_queue_waits{0};
  /// Hellos refused (no token, or a token the node does not hold).
  std::atomic<uint64_t> hello_failures{0};
};

class dispatcher {
 public:
  using reply = method_reply;

  dispatcher(engine& eng, const node_config& cfg, network_counters& counters);

  /// Answers a request for the method of `row` through `done`, exactly
  /// once, possibly before returning. `params` is read before this returns
  /// and not kept.
  void handle_request(const method_row& row, const msgpack::object& params, connection_state& conn,
                      reply done);

  /// Answers a request for a method no row names: unknown_method.
  void refuse_unknown(const std::string& method, reply done);

  /// Answers a request whose method name is a bin that is not UTF-8:
  /// bad_request.
  void refuse_method_name(reply done);

  /// Applies a notification of the method of `row` (null: no method has
  /// its name); nothing is answered. Methods not taken as notifications
  /// are counted and ignored.
  void handle_notification(const method_row* row, const msgpack::object& params, connection_state& conn);

  /// Ends what a closing connection holds (its segment subscriptions).
  void release(connection_state& conn);

  /// Records the audited calls (method table's `audit` column) to `trail`
  /// from now on; null: none. `trail` outlives the dispatcher's calls.
  void set_audit_trail(audit_trail* trail) { audit_ = trail; }

  /// Roles a connection has before any hello.
  uint8_t initial_roles() const { return cfg_.tokens.empty() ? all_roles : 0; }
  /// Whether connections must authenticate with hello.
  bool needs_hello() const { return !cfg_.tokens.empty(); }

 private:
  /// The table names the handlers below, one per row.
  friend const std::vector<method_row>& method_rows();

  /// Reads the params as `row` declares and runs its handler.
  void run(const method_row& row, const msgpack::object& params, connection_state& conn, reply done);

  // Handlers: one per row of the method table, called with the row's
  // params read. Each answers through `done` exactly once.
  void hello(method_args& args, connection_state& conn, reply done);
  /// Answers a failed hello, counting it against the connection.
  void refuse_hello(connection_state& conn, reply& done, std::string why);
  void ping(method_args& args, connection_state& conn, reply done);
  void stats(method_args& args, connection_state& conn, reply done);
  void snapshot(method_args& args, connection_state& conn, reply done);
  void ingest(method_args& args, connection_state& conn, reply done);
  void upsert_items(method_args& args, connection_state& conn, reply done);
  void set_attributes(method_args& args, connection_state& conn, reply done);
  void get_profile(method_args& args, connection_state& conn, reply done);
  void delete_profile(method_args& args, connection_state& conn, reply done);
  void set_consent(method_args& args, connection_state& conn, reply done);
  void export_profile(method_args& args, connection_state& conn, reply done);
  void merge_profiles(method_args& args, connection_state& conn, reply done);
  void query(method_args& args, connection_state& conn, reply done);
  void define_segment(method_args& args, connection_state& conn, reply done);
  void drop_segment(method_args& args, connection_state& conn, reply done);
  void list_segments(method_args& args, connection_state& conn, reply done);
  void segment_members(method_args& args, connection_state& conn, reply done);
  void subscribe(method_args& args, connection_state& conn, reply done);
  void train_clusters(method_args& args, connection_state& conn, reply done);
  void get_clusters(method_args& args, connection_state& conn, reply done);
  void recommend(method_args& args, connection_state& conn, reply done);
  void similar_items(method_args& args, connection_state& conn, reply done);
  void similar_users(method_args& args, connection_state& conn, reply done);
  void predict(method_args& args, connection_state& conn, reply done);

  engine& engine_;
  const node_config& cfg_;
  network_counters& counters_;
  audit_trail* audit_ = nullptr;
};

}  // namespace persona::net
