#include "core/util/id_index.hpp"

#include <utility>

namespace persona {

id_index::table::table(size_t capacity) {
  if (capacity == 0)
    return;
  entries.assign(capacity, entry{});
  mask = capacity - 1;
  for (size_t c = capacity; c > 1; c >>= 1)
    --shift;
}

void id_index::table::place(uint64_t h, uint32_t slot) {
  size_t i = home(h);
  while (entries[i].slot != empty_slot && entries[i].slot != tombstone)
    i = (i + 1) & mask;
  if (entries[i].slot == tombstone)
    --tombstones;
  entries[i].hash = h;
  entries[i].slot = slot;
}

bool id_index::table::remove(uint64_t h, uint32_t slot) {
  size_t i = bucket_of(h, [slot](uint32_t s) { return s == slot; });
  if (i == no_bucket)
    return false;
  entries[i].slot = tombstone;
  ++tombstones;
  return true;
}

void id_index::reserve(size_t users) {
  size_t want = 16;
  while (want * 7 / 10 < users)
    want *= 2;
  if (want > current_.entries.size()) {
    grow(want);
    migrate(old_.entries.size());
  }
}

void id_index::grow(size_t capacity) {
  // A growth still under way finishes first: at most two tables at once.
  migrate(old_.entries.size());
  old_ = std::exchange(current_, table(capacity));
  moved_ = 0;
}

void id_index::migrate(size_t buckets) {
  if (!migrating())
    return;
  size_t end = std::min(old_.entries.size(), moved_ + buckets);
  for (; moved_ < end; ++moved_) {
    entry& e = old_.entries[moved_];
    if (e.slot == empty_slot || e.slot == tombstone)
      continue;
    current_.place(e.hash, e.slot);
    // A moved entry becomes a tombstone, so probes of the old table still
    // walk past it; empty buckets stay empty, so every probe still ends.
    e.slot = tombstone;
  }
  if (moved_ == old_.entries.size()) {
    old_ = table();
    moved_ = 0;
  }
}

void id_index::insert(uint64_t h, uint32_t slot) {
  migrate(buckets_moved_per_change);
  size_t capacity = current_.entries.size();
  if ((size_ + current_.tombstones + 1) * 10 > capacity * 7)
    grow(capacity == 0 ? 16 : (size_ + 1) * 10 > capacity * 5 ? capacity * 2 : capacity);
  current_.place(h, slot);
  ++size_;
}

bool id_index::erase(uint64_t h, uint32_t slot) {
  migrate(buckets_moved_per_change);
  if (!current_.remove(h, slot) && !(migrating() && old_.remove(h, slot)))
    return false;
  --size_;
  return true;
}

}  // namespace persona
