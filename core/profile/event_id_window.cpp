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

}  // namespace persona
