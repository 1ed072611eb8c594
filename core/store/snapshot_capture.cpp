#include "core/store/snapshot_capture.hpp"

#include "core/profile/profile_codec.hpp"
#include "core/store/profile_store.hpp"

namespace persona {

void snapshot_capture::begin(const profile_store& store) {
  // Every slot but the free ones: O(free slots), not a walk over the slab.
  pending_.assign(store.slab_.size(), true);
  for (auto slot : store.free_)
    pending_[slot] = false;
  next_ = 0;
  saved_.clear();
  events_ = store.events_;
  active_ = true;
}

void snapshot_capture::save(const profile_store& store, uint32_t slot) {
  pending_[slot] = false;
  saved_.emplace_back(store.slab_[slot].id, encode_profile(store.slab_[slot].data, store.symbols_));
}

bool snapshot_capture::slice(const profile_store& store, size_t max_profiles,
                             std::vector<captured_profile>& out) {
  for (auto& saved : saved_)
    out.push_back(std::move(saved));
  saved_.clear();
  size_t taken = 0;
  while (next_ < pending_.size() && taken < max_profiles) {
    auto slot = static_cast<uint32_t>(next_++);
    if (!pending_[slot])
      continue;
    pending_[slot] = false;
    out.emplace_back(store.slab_[slot].id, encode_profile(store.slab_[slot].data, store.symbols_));
    ++taken;
  }
  return next_ >= pending_.size();
}

void snapshot_capture::end() {
  active_ = false;
  std::vector<bool>().swap(pending_);
  std::vector<captured_profile>().swap(saved_);
}

}  // namespace persona
