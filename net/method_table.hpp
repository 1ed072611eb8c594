// method_table: every RPC method the node serves, one row each: its name,
// the role it needs, how a connection orders it, whether it is also taken
// as a notification, its params and its handler. The dispatcher checks a
// request against its row and calls the handler; the session orders
// messages by their row; the unknown-method message and the method list of
// docs/protocol.md (checked by tests/net/method_table_test.cpp) list the
// rows in order. In net/, a method's name is written once: in its row, in
// method_table.cpp. Adding a method: docs/architecture.md ("Adding a
// method").
//
// The table is built once and never changes; any thread may read it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.hpp"
#include "core/util/value.hpp"
#include "net/method_params.hpp"

namespace persona::net {

class dispatcher;
struct connection_state;

/// How a session orders a method among the messages of its connection, so
/// that a connection's writes apply in the order sent.
enum class ordering : uint8_t {
  /// Changes no profile: dispatched when read; it may overtake writes
  /// queued ahead of it.
  none,
  /// An ingest batch: decoded and routed on the ingest decoder's thread,
  /// after what the connection sent there before.
  batch,
  /// Another write (profiles, the catalog): it queues behind the
  /// connection's batches at the decoder, and what is read after it waits
  /// until it is answered.
  write,
};

/// What the audit log (net/audit_trail.hpp) records of a method's calls.
/// A row whose role includes admin records at least `call`.
enum class audit_kind : uint8_t {
  /// Nothing (unless the row needs the admin role).
  none,
  /// Failed calls only: the method and the outcome (hello).
  failures,
  /// Every call: the method and the outcome.
  call,
  /// Every call, with a keyed hash of each user its user_id params name
  /// (profile reads, exports, erasures).
  user,
  /// Every call, with how many users its result lists.
  count,
};

/// Answers a call, exactly once.
using method_reply = std::function<void(result<value>)>;

/// Runs a method on its checked params for a connection.
using method_handler = void (dispatcher::*)(method_args& args, connection_state& conn, method_reply done);

/// One method.
struct method_row {
  /// The name on the wire.
  std::string_view name;
  /// The role bits a connection needs (net/node_config.hpp), 0 for a method
  /// anyone may call before hello.
  uint8_t role;
  /// How the connection orders it.
  ordering order;
  /// Also taken as a notification (applied, nothing answered); otherwise a
  /// notification of it is counted unknown.
  bool notification;
  /// Its params, checked before the handler runs.
  params_spec params;
  /// Its handler, a member of the dispatcher.
  method_handler handle;
  /// What the audit log records of its calls.
  audit_kind audit = audit_kind::none;
};

/// What the audit log records of `row`'s calls: its own column, and at
/// least `call` for a row that needs the admin role.
audit_kind audited(const method_row& row);

/// The rows, in the order docs/protocol.md and the unknown-method message
/// list them.
const std::vector<method_row>& method_rows();

/// The row named `name`, or null when no method has that name.
const method_row* find_method(std::string_view name);

/// The unknown_method message for `name`, listing every method in order.
std::string unknown_method_message(const std::string& name);

/// Notifications the node sends to a subscriber (docs/protocol.md): a batch
/// of segment events, and how many events a slow reader lost.
constexpr char segment_event_notification[] = "segment_event";
constexpr char segment_events_dropped_notification[] = "segment_events_dropped";

}  // namespace persona::net
