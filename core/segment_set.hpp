// segment_set: the ids of the live segments one profile is in, ascending.
// Up to four ids are stored inline, so most profiles need no heap block for
// their memberships (a segment evaluation would otherwise touch one more
// cache line per profile); more spill to a heap array. 16 bytes. Part of a
// profile; touched only by its shard.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/segment_directory.hpp"

namespace persona {

class segment_set {
 public:
  segment_set() = default;
  segment_set(const segment_set& o) { copy_from(o); }
  segment_set(segment_set&& o) noexcept { steal(o); }
  segment_set& operator=(const segment_set& o) {
    if (this != &o) {
      release();
      copy_from(o);
    }
    return *this;
  }
  segment_set& operator=(segment_set&& o) noexcept {
    if (this != &o) {
      release();
      steal(o);
    }
    return *this;
  }
  ~segment_set() { release(); }

  const segment_id* begin() const { return data(); }
  const segment_id* end() const { return data() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool contains(segment_id id) const { return std::binary_search(begin(), end(), id); }

  /// Puts `id` in (`in`) or takes it out; true when that changed the set.
  bool set(segment_id id, bool in) {
    segment_id* first = data();
    auto* at = std::lower_bound(first, first + size_, id);
    bool present = at != first + size_ && *at == id;
    if (present == in)
      return false;
    size_t pos = static_cast<size_t>(at - first);
    if (in) {
      if (size_ == capacity_)
        grow();
      first = data();
      std::memmove(first + pos + 1, first + pos, (size_ - pos) * sizeof(segment_id));
      first[pos] = id;
      ++size_;
    } else {
      std::memmove(first + pos, first + pos + 1, (size_ - pos - 1) * sizeof(segment_id));
      --size_;
    }
    return true;
  }

  void clear() {
    release();
    size_ = 0;
    capacity_ = inline_capacity;
  }

  /// Bytes on the heap (0 while the ids fit inline).
  size_t heap_bytes() const { return on_heap() ? capacity_ * sizeof(segment_id) : 0; }
  /// The heap block, for prefetching; null while inline.
  const void* heap_block() const { return on_heap() ? storage_.heap : nullptr; }

 private:
  static constexpr uint16_t inline_capacity = 4;

  bool on_heap() const { return capacity_ > inline_capacity; }
  segment_id* data() { return on_heap() ? storage_.heap : storage_.ids; }
  const segment_id* data() const { return on_heap() ? storage_.heap : storage_.ids; }

  void grow() {
    uint32_t cap = capacity_ * 2u;
    if (cap > UINT16_MAX)
      cap = UINT16_MAX;
    auto* bigger = new segment_id[cap];
    std::memcpy(bigger, data(), size_ * sizeof(segment_id));
    release();
    storage_.heap = bigger;
    capacity_ = static_cast<uint16_t>(cap);
  }
  void release() {
    if (on_heap())
      delete[] storage_.heap;
  }
  void copy_from(const segment_set& o) {
    size_ = o.size_;
    capacity_ = o.capacity_;
    if (o.on_heap()) {
      storage_.heap = new segment_id[capacity_];
      std::memcpy(storage_.heap, o.storage_.heap, size_ * sizeof(segment_id));
    } else {
      std::memcpy(storage_.ids, o.storage_.ids, sizeof storage_.ids);
    }
  }
  void steal(segment_set& o) {
    size_ = o.size_;
    capacity_ = o.capacity_;
    std::memcpy(&storage_, &o.storage_, sizeof storage_);
    o.size_ = 0;
    o.capacity_ = inline_capacity;
  }

  union storage {
    segment_id ids[inline_capacity];
    segment_id* heap;
  } storage_{};
  uint16_t size_ = 0;
  uint16_t capacity_ = inline_capacity;
};

}  // namespace persona
