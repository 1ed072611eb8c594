#include "core/profile/event_limits.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace persona {

namespace {

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", x);
  return buf;
}

}  // namespace

std::optional<rejection> check_limits(const event& e, const event_limits& limits) {
  if (e.has(event_key::price) && e.price > limits.max_price)
    return rejection{0, "bad_price",
                     "price " + number(e.price) + " is over the node's limit of " + number(limits.max_price) +
                         " (--max-price); the event changed nothing"};
  if (e.quantity > limits.max_quantity)
    return rejection{0, "bad_quantity",
                     "quantity " + std::to_string(e.quantity) + " is over the node's limit of " +
                         std::to_string(limits.max_quantity) +
                         " (--max-quantity); the event changed nothing"};
  return std::nullopt;
}

std::optional<rejection> check_item_price(double price, const event_limits& limits) {
  if (!std::isnan(price) && price > limits.max_price)
    return rejection{0, "bad_price",
                     "price " + number(price) + " is over the node's limit of " + number(limits.max_price) +
                         " (--max-price)"};
  return std::nullopt;
}

bool needs_price(event_type t) {
  return t == event_type::purchase || t == event_type::refund;
}

rejection missing_price(const event& e) {
  return rejection{0, "bad_price",
                   std::string("a ") + to_string(e.type) + " needs a price: send price, or upsert item '" +
                       e.item + "' with one first; the event changed nothing"};
}

}  // namespace persona
