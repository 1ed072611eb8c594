// method_params: how a method's params are read. Each row of the method
// table (net/method_table.hpp) declares its params: how many, their shape
// as messages show it, and what each position holds. read_params checks a
// request's params against that declaration and converts them, refusing
// with a bad_request that names the bad param (docs/protocol.md, "Framing,
// limits and bad input"). No I/O, no state; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <msgpack.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/profile/event.hpp"
#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona::net {

/// What one position of a method's params holds.
enum class param_kind : uint8_t {
  /// Nothing: the declaration ends here, and params past it are not read.
  none,
  /// A user id, a segment name: a string or an unsigned integer. Required.
  user_id,
  /// An item or user id of the recommendation methods (their own message). Required.
  id,
  /// Any value, read as given. Required.
  any,
  /// An options map; nil when absent or nil.
  options,
  /// How many items or users to answer: an unsigned integer, 10 when absent
  /// or nil (the engine checks the range).
  count,
  /// ingest's events: an array of event maps, decoded into events. Required.
  events,
  /// subscribe's segment names: a non-empty array of strings. Required.
  names,
};

/// One position of a method's params.
struct param_spec {
  param_kind kind = param_kind::none;
  /// The param's name in messages ("user", "where").
  const char* label = "";
};

/// The most params a method reads.
constexpr size_t max_params = 3;

/// A method's params: between `min` and `max` of them, read by position.
struct params_spec {
  uint8_t min = 0;
  uint8_t max = 0;
  /// The params as the count message shows them ("[user, options]");
  /// unused when `max` is 0 (the message is then "takes no params").
  const char* shape = "";
  /// What each position holds, from the first; `none` past the last read.
  param_spec at[max_params] = {};
};

/// A request's params once read: each position's result in the slot of its
/// kind, at its position. Owned by the call that reads them.
struct method_args {
  /// Ids and names (user_id, id), at their positions.
  std::string ids[max_params];
  /// Values (any, options, count), at their positions.
  value values[max_params];
  /// The decoded events (events).
  std::vector<event> events;
  /// The segment names (names).
  std::vector<std::string> names;
  /// Most events an events param may hold; more is refused before any is decoded.
  size_t max_events = SIZE_MAX;
};

/// Reads `params` (a msgpack array) for `method` as `spec` declares into
/// `out`; on the first bad param, a bad_request naming it.
status read_params(std::string_view method, const params_spec& spec, const msgpack::object& params,
                   method_args& out);

/// Whether `spec` can be read: min <= max <= max_params, a shape when it
/// takes params, positions declared without gaps and only up to `max`,
/// and the required kinds only below `min`.
bool well_formed(const params_spec& spec);

}  // namespace persona::net
