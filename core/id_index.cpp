#include "core/id_index.hpp"

namespace persona {

void id_index::reserve(size_t users) {
  size_t want = 16;
  while (want * 7 / 10 < users)
    want *= 2;
  if (want > entries_.size())
    rehash(want);
}

void id_index::rehash(size_t capacity) {
  std::vector<entry> old;
  old.swap(entries_);
  entries_.assign(capacity, entry{});
  mask_ = capacity - 1;
  shift_ = 64;
  for (size_t c = capacity; c > 1; c >>= 1)
    --shift_;
  tombstones_ = 0;
  for (auto& e : old) {
    if (e.slot == empty_slot || e.slot == tombstone)
      continue;
    size_t i = home(e.hash);
    while (entries_[i].slot != empty_slot)
      i = (i + 1) & mask_;
    entries_[i] = e;
  }
}

void id_index::insert(uint64_t h, uint32_t slot) {
  if ((size_ + tombstones_ + 1) * 10 > entries_.size() * 7)
    rehash(entries_.empty()                         ? 16
           : (size_ + 1) * 10 > entries_.size() * 5 ? entries_.size() * 2
                                                    : entries_.size());
  size_t i = home(h);
  while (entries_[i].slot != empty_slot && entries_[i].slot != tombstone)
    i = (i + 1) & mask_;
  if (entries_[i].slot == tombstone)
    --tombstones_;
  entries_[i].hash = h;
  entries_[i].slot = slot;
  ++size_;
}

bool id_index::erase(uint64_t h, uint32_t slot) {
  if (entries_.empty())
    return false;
  for (size_t i = home(h);; i = (i + 1) & mask_) {
    entry& e = entries_[i];
    if (e.slot == empty_slot)
      return false;
    if (e.slot == slot && e.hash == h) {
      e.slot = tombstone;
      --size_;
      ++tombstones_;
      return true;
    }
  }
}

}  // namespace persona
