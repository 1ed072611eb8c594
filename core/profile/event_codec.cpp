#include "core/profile/event_codec.hpp"

#include "core/profile/event_validation.hpp"

namespace persona {

namespace {

/// The string-valued keys after `item`, in encoding order.
constexpr event_key string_keys[] = {event_key::brand,  event_key::query, event_key::session,
                                     event_key::device, event_key::geo,   event_key::channel,
                                     event_key::id};

template <class Event>
auto string_field(Event& e, event_key k) -> decltype((e.id)) {
  switch (k) {
    case event_key::brand:
      return e.brand;
    case event_key::query:
      return e.query;
    case event_key::session:
      return e.session;
    case event_key::device:
      return e.device;
    case event_key::geo:
      return e.geo;
    case event_key::channel:
      return e.channel;
    default:
      return e.id;
  }
}

}  // namespace

void encode_event(byte_writer& w, const event& e) {
  w.put_varint(e.present);
  w.put_string(e.user);
  w.put_u8(static_cast<uint8_t>(e.type));
  w.put_i64(e.ts);
  if (e.has(event_key::item))
    w.put_string(e.item);
  if (e.has(event_key::category)) {
    w.put_varint(e.categories.size());
    for (auto& c : e.categories)
      w.put_string(c);
  }
  if (e.has(event_key::price))
    w.put_f64(e.price);
  if (e.has(event_key::quantity))
    w.put_i64(e.quantity);
  if (e.has(event_key::value))
    w.put_f64(e.value);
  for (auto k : string_keys)
    if (e.has(k))
      w.put_string(string_field(e, k));
}

bool decode_event(byte_reader& r, event& e) {
  e = event{};
  uint64_t present = 0;
  uint8_t type = 0;
  if (!r.get_varint(present) || present > UINT32_MAX || !r.get_string(e.user) || !r.get_u8(type) ||
      type >= event_type_count || !r.get_i64(e.ts))
    return false;
  e.present = static_cast<uint32_t>(present);
  e.type = static_cast<event_type>(type);
  if (e.has(event_key::item) && !r.get_string(e.item))
    return false;
  if (e.has(event_key::category)) {
    uint64_t n = 0;
    if (!r.get_varint(n) || n > max_event_categories)
      return false;
    e.categories.resize(n);
    for (auto& c : e.categories)
      if (!r.get_string(c))
        return false;
  }
  if (e.has(event_key::price) && !r.get_f64(e.price))
    return false;
  if (e.has(event_key::quantity) && !r.get_i64(e.quantity))
    return false;
  if (e.has(event_key::value) && !r.get_f64(e.value))
    return false;
  for (auto k : string_keys)
    if (e.has(k) && !r.get_string(string_field(e, k)))
      return false;
  return true;
}

}  // namespace persona
