// Event validation: the rules of docs/protocol.md ("Events"), one rejection
// code per rule and a message naming the key. Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/profile/event.hpp"

namespace persona {

/// Why one event of a batch was not applied.
struct rejection {
  /// Index of the event in the client's batch.
  uint32_t index = 0;
  /// One code per rule, e.g. "bad_price" or "duplicate" (docs/protocol.md).
  std::string code;
  /// Names the key and says what a valid value looks like.
  std::string message;
};

/// The longest user or item id, in bytes.
constexpr size_t max_id_bytes = 256;
/// The longest free-text field (query, session, device, geo, channel, id).
constexpr size_t max_text_bytes = 1024;
/// The most categories one event may carry.
constexpr size_t max_event_categories = 16;

/// Checks `e` against every rule. Returns nullopt when it is valid, else the
/// rejection for the first broken rule (index left 0 for the caller to set).
/// REQUIRES: `e.ts` has been filled in if the client left it out.
std::optional<rejection> validate_event(const event& e);

}  // namespace persona
