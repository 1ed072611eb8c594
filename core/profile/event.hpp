// event: one behaviour event as the protocol defines it (docs/protocol.md,
// "Events"), after decoding and before validation.
//
// The decoder (net/, or a test) fills the fields it finds, marks each key it
// saw in `present`, and marks in `wrong_type` each key whose wire type was not
// the documented one. validate_event() then decides, rule by rule, whether
// the event is accepted. Events are plain data moved between threads.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace persona {

/// The event types of the protocol, in protocol order.
enum class event_type : uint8_t {
  view,
  click,
  add_to_cart,
  remove_from_cart,
  purchase,
  rating,
  search,
  login,
  refund,
  /// Not a protocol type: the decoder saw an unknown type name.
  invalid,
};

constexpr size_t event_type_count = 9;

/// The protocol's name for a type, e.g. "add_to_cart".
const char* to_string(event_type t);

/// The type named `name`, or nullopt.
std::optional<event_type> event_type_from_string(const std::string& name);

/// The keys of an event map, as bits for `event::present` / `wrong_type`.
enum class event_key : uint8_t {
  user,
  type,
  ts,
  item,
  category,
  brand,
  price,
  quantity,
  value,
  query,
  session,
  device,
  geo,
  channel,
  id,
};

constexpr uint32_t key_bit(event_key k) {
  return 1u << static_cast<unsigned>(k);
}

/// The protocol's spelling of a key, e.g. "quantity".
const char* to_string(event_key k);

/// Not a protocol key: a bit of `event::present` the engine sets on an
/// event without an id under --dedupe-without-id. Its shard then rejects it
/// as a duplicate of a recent event of the user with the same type, item
/// and ts. It travels with the event (into the WAL too), so a replay
/// decides as the first run did.
constexpr uint32_t dedupe_by_content_bit = 1u << 31;

/// The largest `ts` the protocol accepts (2100-01-01T00:00:00Z in ms).
constexpr int64_t max_event_ts_ms = 4102444800000;

struct event {
  std::string user;
  event_type type = event_type::invalid;
  /// Event time in ms since the epoch; meaningful when `ts` is present.
  int64_t ts = 0;
  std::string item;
  std::vector<std::string> categories;
  std::string brand;
  double price = std::nan("");
  int64_t quantity = 1;
  double value = std::nan("");
  std::string query;
  std::string session;
  std::string device;
  std::string geo;
  std::string channel;
  std::string id;
  /// Keys the decoder saw, as key_bit()s.
  uint32_t present = 0;
  /// Keys whose wire type was wrong, as key_bit()s.
  uint32_t wrong_type = 0;

  bool has(event_key k) const { return (present & key_bit(k)) != 0; }
  void mark(event_key k) { present |= key_bit(k); }
  bool has_price() const { return has(event_key::price) && !std::isnan(price); }
};

/// True for the types that must name an item.
bool requires_item(event_type t);

}  // namespace persona
