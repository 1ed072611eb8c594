#include "core/profile/profile.hpp"

#include <algorithm>
#include <cstddef>

namespace persona {

size_t profile::hot_bytes() {
  // Up to the viewed-price fields of purchases, which follow risk.
  return offsetof(profile, purchases) + offsetof(purchase_stats, purchases_);
}

size_t profile::memory_bytes() const {
  size_t attr_heap = attributes.capacity() * sizeof(attributes[0]);
  for (auto& a : attributes)
    if (a.second.is_string() && a.second.as_string().capacity() > 15)
      attr_heap += a.second.as_string().capacity() + 1;
  return sizeof(profile) + windows.heap_bytes() + category_affinity.heap_bytes() +
         brand_affinity.heap_bytes() + recent.heap_bytes() + purchases.heap_bytes() + risk.heap_bytes() +
         seen_ids.heap_bytes() + segments.heap_bytes() + attr_heap;
}

void apply_event(profile& p, const event& e, const event_symbols& syms, const profile_config& cfg) {
  int64_t ts = e.ts;
  p.first_seen_ms = p.first_seen_ms < 0 ? ts : std::min(p.first_seen_ms, ts);
  p.last_seen_ms = std::max(p.last_seen_ms, ts);
  auto type_index = static_cast<size_t>(e.type);
  ++p.counts[type_index];
  p.windows.add(e.type, ts);
  int64_t previous_start = p.sessions.start_ms;
  if (p.sessions.add(ts, e.session, cfg.session_gap_ms))
    p.latest_session.start_session(previous_start, p.sessions.start_ms);
  // A search names its category by the event's categories, else by its
  // query when that is a known name.
  symbol category = syms.category_count > 0        ? syms.categories[0]
                    : e.type == event_type::search ? syms.query
                                                   : symbol_table::missing;
  p.latest_session.add(e.type, category);

  // Affinities: a rating counts in proportion to its value.
  double weight = cfg.affinity_weights[type_index];
  if (e.type == event_type::rating)
    weight *= e.value / 5.0;
  if (weight > 0) {
    for (size_t i = 0; i < syms.category_count; ++i)
      p.category_affinity.add(syms.categories[i], weight, ts, cfg.affinity_half_life_ms,
                              cfg.caps.affinity_entries);
    if (syms.brand != symbol_table::missing)
      p.brand_affinity.add(syms.brand, weight, ts, cfg.affinity_half_life_ms, cfg.caps.affinity_entries);
  }

  switch (e.type) {
    case event_type::view:
      if (!std::isnan(syms.price))
        p.purchases.add_view_price(syms.price);
      break;
    case event_type::add_to_cart:
      p.last_cart_ms = std::max(p.last_cart_ms, ts);
      break;
    case event_type::purchase: {
      std::optional<double> price;
      if (!std::isnan(syms.price))
        price = syms.price;
      p.risk.on_purchase(ts, price ? *price * static_cast<double>(e.quantity) : 0.0, cfg.risk);
      p.purchases.add_purchase(ts, price, e.quantity, cfg.purchase_occasion_gap_ms, cfg.caps.purchase_months);
      break;
    }
    case event_type::refund:
      p.purchases.add_refund(std::isnan(syms.price) ? 0.0 : syms.price * static_cast<double>(e.quantity));
      break;
    default:
      break;
  }

  bool touches_item = syms.item != symbol_table::missing && e.type != event_type::refund &&
                      e.type != event_type::remove_from_cart;
  if (touches_item)
    p.recent.add(syms.item, ts, cfg.caps.recent_items);

  p.risk.on_event(ts, e.device, e.geo, cfg.risk, cfg.caps.known_contexts);
}

}  // namespace persona
