// audit_trail: what the node's audit log records of the calls it serves
// (docs/operations.md, "Audit log"). The method table's `audit` column
// (net/method_table.hpp) says which calls are recorded and with what; the
// dispatcher hands each call's reply to watch(), which records the call
// when it is answered: one JSON line with the time, the peer, the token's
// name, the method, a keyed hash of each user the call names (never the
// id), the outcome and, for listings, how many users were returned. Lines
// go to an audit_log (net/audit_log.hpp) without blocking the call.
//
// Thread-safe: sessions on any I/O thread and actor threads (replies) share
// one audit_trail; it outlives the calls it watches (owned by the server).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <msgpack.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/siphash.hpp"
#include "core/util/status.hpp"
#include "core/util/value.hpp"
#include "net/audit_log.hpp"
#include "net/method_table.hpp"
#include "net/node_config.hpp"

namespace persona::net {

struct connection_state;

/// One recorded call.
struct audit_record {
  std::chrono::system_clock::time_point time;
  std::string_view method;
  std::string peer;
  /// The token's name; empty on a node without tokens or before hello.
  std::string token;
  /// (param label, keyed hash of the user id) of each user the call names:
  /// ("user", ...), or ("source", ...), ("target", ...) for a merge.
  std::vector<std::pair<std::string, std::string>> users;
  error_code outcome = error_code::ok;
  /// Users the result lists (segment_members, query).
  std::optional<uint64_t> count;
};

/// The record as one JSON line, '\n' included: {"time", "peer", "token",
/// "method", then each user's label, "outcome" ("ok" or the error code),
/// and "count" when set}.
std::string format_audit_line(const audit_record& record);

/// How many users a listing's result names: the length of its "users" array.
std::optional<uint64_t> users_listed(const value& result);

class audit_trail {
 public:
  /// Records to `log`, hashing user ids under `key`.
  audit_trail(std::unique_ptr<audit_log> log, siphash_key key);

  /// `done`, wrapped to record the call when it is answered if `row` is
  /// audited (and, for `failures`, the answer is an error); otherwise
  /// `done` itself. Reads `params` and `conn` before returning.
  method_reply watch(const method_row& row, const msgpack::object& params, const connection_state& conn,
                     method_reply done);

  /// The keyed hash of a user id as recorded: 16 lowercase hex digits.
  std::string user_hash(std::string_view user) const;

  /// The audit log's counters as stats shows them (stats "audit").
  value stats() const;

  audit_log& log() { return *log_; }

 private:
  std::unique_ptr<audit_log> log_;
  siphash_key key_;
};

/// The audit trail `cfg` asks for: none (null) with --audit-log=off, or
/// "auto" without a data directory; otherwise the log opened, with the
/// key derived from the node's hash key (net/node_keys.hpp). Fails when the
/// log or the key file cannot be read.
result<std::unique_ptr<audit_trail>> open_audit_trail(const node_config& cfg);

}  // namespace persona::net
