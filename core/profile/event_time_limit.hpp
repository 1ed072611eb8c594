// event_time_limit: the rule that keeps one event dated far in the future
// from moving a node's "now" for good (docs/protocol.md, `bad_timestamp`).
// Old events (replays of history) pass. A pure function; any thread.
#pragma once

#include <cstdint>
#include <optional>

#include "core/profile/event.hpp"
#include "core/profile/event_validation.hpp"

namespace persona {

/// How far past the wall clock an event may be dated, by default: 5 minutes
/// (clients' clocks drift; a node's "now" must not jump ahead).
constexpr int64_t default_max_future_ms = 300000;

/// Nullopt when `e` is dated at most `max_future_ms` past `wall_ms`, else
/// a `bad_timestamp` rejection (index left 0 for the caller to set) that
/// names the limit and what to do.
/// REQUIRES: `e` passed validate_event.
std::optional<rejection> check_event_time(const event& e, int64_t wall_ms, int64_t max_future_ms);

}  // namespace persona
