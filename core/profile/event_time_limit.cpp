// event_time_limit: events dated too far ahead of the wall clock
// (event_time_limit.hpp).
#include "core/profile/event_time_limit.hpp"

#include <string>

namespace persona {

std::optional<rejection> check_event_time(const event& e, int64_t wall_ms, int64_t max_future_ms) {
  if (e.ts - wall_ms <= max_future_ms)
    return std::nullopt;
  return rejection{0, "bad_timestamp",
                   "ts " + std::to_string(e.ts) + " is " + std::to_string(e.ts - wall_ms) +
                       " ms past this node's wall clock (" + std::to_string(wall_ms) +
                       "); events more than --max-future-ms=" + std::to_string(max_future_ms) +
                       " ahead are rejected: check the client's clock and send ms since the epoch, "
                       "or raise --max-future-ms"};
}

}  // namespace persona
