// request_limits: how much work one query or segment definition may ask
// for (condition nodes, values of an `in`, aggregates), checked on the
// request's value tree before anything is compiled, so a request over a
// bound is answered bad_request naming where it goes over and the setting
// that bounds it. Plain values and pure functions: any thread.
#pragma once

#include <cstddef>

#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona {

/// The bounds, with their defaults (docs/operations.md lists the flags).
struct request_limits {
  /// Conditions (leaves, and, or, not) in one `where` (--max-condition-nodes).
  size_t max_condition_nodes = 10000;
  /// Values in the array of one `in` (--max-in-values).
  size_t max_in_values = 1000;
  /// Entries of one query's `aggregate` option (--max-aggregates).
  size_t max_aggregates = 32;
};

/// Checks `where` against the bounds; the error names the path of the
/// first part over one, e.g. "where.and[3].value: 1204 values in an in,
/// at most 1000 (--max-in-values)". Shapes the bounds do not concern are
/// left to the condition compiler.
status check_condition_limits(const value& where, const request_limits& limits);

/// Checks a query's `aggregate` option (nil, or an array) against the bounds.
status check_aggregate_limits(const value& aggregate, const request_limits& limits);

}  // namespace persona
