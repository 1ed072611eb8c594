// event_limits: the bounds ingest puts on amounts beyond the protocol's own
// rules (docs/protocol.md, "Event rejection codes"): a unit price or a
// quantity past them is refused, per event, rather than counted. The engine
// facade checks each event after validate_event(); item upserts check
// their price too. Plain data and pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>

#include "core/profile/event.hpp"
#include "core/profile/event_validation.hpp"

namespace persona {

struct event_limits {
  /// The largest unit price accepted (--max-price).
  double max_price = 1e9;
  /// The largest quantity accepted (--max-quantity).
  int64_t max_quantity = 1000000;
};

/// The rejection of an event whose price or quantity is past `limits`
/// (bad_price, bad_quantity), else nullopt.
/// REQUIRES: validate_event(e) accepted `e`.
std::optional<rejection> check_limits(const event& e, const event_limits& limits);

/// The rejection of an item price past `limits` (bad_price), else nullopt.
std::optional<rejection> check_item_price(double price, const event_limits& limits);

/// True for the types that move money: a purchase, a refund. Such an event
/// needs a price, its own or the item catalog's.
bool needs_price(event_type t);

/// The rejection of a purchase or refund that has no price, neither its own
/// nor the item catalog's: bad_price.
rejection missing_price(const event& e);

}  // namespace persona
