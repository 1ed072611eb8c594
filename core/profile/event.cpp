#include "core/profile/event.hpp"

namespace persona {

namespace {

constexpr const char* kTypeNames[] = {
    "view", "click", "add_to_cart", "remove_from_cart", "purchase", "rating", "search", "login", "refund",
};

constexpr const char* kKeyNames[] = {
    "user",  "type",  "ts",      "item",   "category", "brand",   "price", "quantity",
    "value", "query", "session", "device", "geo",      "channel", "id",
};

}  // namespace

const char* to_string(event_type t) {
  auto i = static_cast<size_t>(t);
  return i < event_type_count ? kTypeNames[i] : "invalid";
}

std::optional<event_type> event_type_from_string(const std::string& name) {
  for (size_t i = 0; i < event_type_count; ++i)
    if (name == kTypeNames[i])
      return static_cast<event_type>(i);
  return std::nullopt;
}

const char* to_string(event_key k) {
  return kKeyNames[static_cast<size_t>(k)];
}

bool requires_item(event_type t) {
  switch (t) {
    case event_type::view:
    case event_type::click:
    case event_type::add_to_cart:
    case event_type::remove_from_cart:
    case event_type::purchase:
    case event_type::rating:
    case event_type::refund:
      return true;
    default:
      return false;
  }
}

}  // namespace persona
