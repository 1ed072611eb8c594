#include "core/profile/event_validation.hpp"

namespace persona {

namespace {

rejection reject(const char* code, std::string message) {
  return rejection{0, code, std::move(message)};
}

bool bad_text(const event& e, event_key k, const std::string& s) {
  return (e.wrong_type & key_bit(k)) || (e.has(k) && s.size() > max_text_bytes);
}

}  // namespace

std::optional<rejection> validate_event(const event& e) {
  if (!e.has(event_key::user) || (e.wrong_type & key_bit(event_key::user)))
    return reject("bad_user", "user is required: a string of 1 to 256 bytes or an unsigned integer");
  if (e.user.empty() || e.user.size() > max_id_bytes)
    return reject("bad_user", "user must be 1 to 256 bytes long, got " + std::to_string(e.user.size()));

  if (!e.has(event_key::type) || (e.wrong_type & key_bit(event_key::type)) || e.type == event_type::invalid)
    return reject("bad_type",
                  "type is required and must be one of view, click, add_to_cart, "
                  "remove_from_cart, purchase, rating, search, login, refund");

  if ((e.wrong_type & key_bit(event_key::ts)) || e.ts < 0 || e.ts > max_event_ts_ms)
    return reject("bad_ts", "ts must be an integer of milliseconds since the epoch, between 0 and " +
                                std::to_string(max_event_ts_ms));

  if (e.wrong_type & key_bit(event_key::item))
    return reject("bad_item", "item must be a string of 1 to 256 bytes or an unsigned integer");
  if (requires_item(e.type) && !e.has(event_key::item))
    return reject("bad_item", std::string("item is required for a ") + to_string(e.type) + " event");
  if (e.has(event_key::item) && (e.item.empty() || e.item.size() > max_id_bytes))
    return reject("bad_item", "item must be 1 to 256 bytes long, got " + std::to_string(e.item.size()));

  if (e.wrong_type & key_bit(event_key::category))
    return reject("bad_category", "category must be a string or an array of strings");
  if (e.categories.size() > max_event_categories)
    return reject("bad_category",
                  "category may list at most 16 names, got " + std::to_string(e.categories.size()));
  for (auto& c : e.categories)
    if (c.empty() || c.size() > max_id_bytes)
      return reject("bad_category", "each category must be 1 to 256 bytes long");

  if ((e.wrong_type & key_bit(event_key::brand)) ||
      (e.has(event_key::brand) && (e.brand.empty() || e.brand.size() > max_id_bytes)))
    return reject("bad_brand", "brand must be a string of 1 to 256 bytes");

  if ((e.wrong_type & key_bit(event_key::price)) ||
      (e.has(event_key::price) && !(e.price >= 0 && std::isfinite(e.price))))
    return reject("bad_price", "price must be a finite number >= 0");

  if ((e.wrong_type & key_bit(event_key::quantity)) || e.quantity < 1)
    return reject("bad_quantity", "quantity must be an integer >= 1");

  if (e.wrong_type & key_bit(event_key::value))
    return reject("bad_value", "value must be a number from 0 to 5");
  if (e.type == event_type::rating && !e.has(event_key::value))
    return reject("bad_value", "value is required for a rating event: a number from 0 to 5");
  if (e.has(event_key::value) && !(e.value >= 0 && e.value <= 5))
    return reject("bad_value", "value must be a number from 0 to 5");

  if (bad_text(e, event_key::query, e.query))
    return reject("bad_query", "query must be a string of at most 1024 bytes");
  if (e.type == event_type::search && (!e.has(event_key::query) || e.query.empty()))
    return reject("bad_query", "query is required for a search event: a non-empty string");

  if (bad_text(e, event_key::session, e.session))
    return reject("bad_session", "session must be a string of at most 1024 bytes");
  for (auto k : {event_key::device, event_key::geo, event_key::channel}) {
    const std::string& s = k == event_key::device ? e.device : k == event_key::geo ? e.geo : e.channel;
    if (bad_text(e, k, s))
      return reject("bad_context", std::string(to_string(k)) + " must be a string of at most 1024 bytes");
  }
  if (bad_text(e, event_key::id, e.id) || (e.has(event_key::id) && e.id.empty()))
    return reject("bad_id", "id must be a non-empty string of at most 1024 bytes");
  return std::nullopt;
}

}  // namespace persona
