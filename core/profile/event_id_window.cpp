#include "core/profile/event_id_window.hpp"

#include <algorithm>

namespace persona {

bool event_id_window::contains(uint64_t id_hash) const {
  return std::find(ids_.begin(), ids_.end(), id_hash) != ids_.end();
}

void event_id_window::insert(uint64_t id_hash, size_t cap) {
  if (cap == 0)
    return;
  if (ids_.size() >= cap)
    ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(ids_.size() - cap + 1));
  ids_.push_back(id_hash);
}

uint64_t content_key(const event& e) {
  // FNV-1a, as stable_hash(), over a marker byte, the type, the ts, the
  // item's length and bytes, then a search's query: no two different events
  // hash the same bytes, and nothing is allocated. Keys are kept in
  // snapshots, so these bytes never change.
  uint64_t h = 1469598103934665603ull;
  auto add = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  add(0x01);
  add(static_cast<unsigned char>(e.type));
  for (int shift = 0; shift < 64; shift += 8)
    add(static_cast<unsigned char>(static_cast<uint64_t>(e.ts) >> shift));
  for (int shift = 0; shift < 32; shift += 8)
    add(static_cast<unsigned char>(e.item.size() >> shift));
  for (unsigned char c : e.item)
    add(c);
  if (e.type == event_type::search)
    for (unsigned char c : e.query)
      add(c);
  return h == 0 ? 1 : h;
}

}  // namespace persona
