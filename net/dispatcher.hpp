// dispatcher: turns decoded MessagePack-RPC requests into engine calls.
// It checks each method's params (shape and types, naming the bad one),
// authentication and roles, converts params to core types, and answers
// through a callback exactly once. It knows the protocol, not what a profile
// is. Thread-safe: sessions on any I/O thread share one dispatcher.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <msgpack.hpp>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "net/node_config.hpp"

namespace persona::net {

/// What a connection has established (hello) so far. Owned by its session.
struct connection_state {
  bool authenticated = false;
  uint8_t roles = 0;
  std::string client;
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
};

class dispatcher {
 public:
  using reply = std::function<void(result<value>)>;

  dispatcher(engine& eng, const node_config& cfg, network_counters& counters);

  /// Answers a request through `done`, exactly once, possibly before
  /// returning. `params` is read before this returns and not kept.
  void handle_request(const std::string& method, const msgpack::object& params, connection_state& conn,
                      reply done);

  /// Applies a notification; nothing is answered. Unknown methods are
  /// counted and ignored.
  void handle_notification(const std::string& method, const msgpack::object& params, connection_state& conn);

  /// Ends what a closing connection holds (its segment subscriptions).
  void release(connection_state& conn);

  /// Roles a connection has before any hello.
  uint8_t initial_roles() const { return cfg_.tokens.empty() ? all_roles : 0; }

 private:
  void hello(const msgpack::object& params, connection_state& conn, reply& done);
  void ingest(const msgpack::object& params, reply done);
  void stats(reply done);

  engine& engine_;
  const node_config& cfg_;
  network_counters& counters_;
};

}  // namespace persona::net
