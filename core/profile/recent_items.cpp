#include "core/profile/recent_items.hpp"

#include <algorithm>

namespace persona {

void recent_items::add(symbol item, int64_t ts_ms, size_t cap) {
  auto ts_s = static_cast<uint32_t>(ts_ms / 1000);
  if (items_.capacity() == 0)
    items_.reserve(std::min<size_t>(cap, 4));
  auto it = std::find_if(items_.begin(), items_.end(), [&](const entry& e) { return e.item == item; });
  if (it != items_.end()) {
    if (it->ts_s > ts_s)
      return;  // a late touch of an item touched since
    items_.erase(it);
  }
  // Keep newest first, also when events arrive out of order.
  auto pos = std::find_if(items_.begin(), items_.end(), [&](const entry& e) { return e.ts_s <= ts_s; });
  if (static_cast<size_t>(pos - items_.begin()) >= cap)
    return;
  items_.insert(pos, entry{item, ts_s});
  if (items_.size() > cap)
    items_.resize(cap);
}

}  // namespace persona
