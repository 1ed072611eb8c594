// segment_set: the ids of the live segments one profile is in. Ids below
// 64 (a node's first 64 segments: ids are reused as segments are dropped)
// are bits of one inline word, so putting a profile in or out of one costs
// a bit operation and no heap block; larger ids spill to a sorted heap
// array. 16 bytes. Iterates in ascending id order. Part of a profile;
// touched only by its shard.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>

#include "core/profile/segment_directory.hpp"

namespace persona {

class segment_set {
 public:
  /// Ids below this are stored as bits of the inline word.
  static constexpr segment_id inline_ids = 64;

  segment_set() = default;
  segment_set(const segment_set& o) : low_(o.low_) { copy_spill(o); }
  segment_set(segment_set&& o) noexcept : low_(o.low_), spill_(o.spill_) {
    o.low_ = 0;
    o.spill_ = nullptr;
  }
  segment_set& operator=(const segment_set& o) {
    if (this != &o) {
      release();
      low_ = o.low_;
      copy_spill(o);
    }
    return *this;
  }
  segment_set& operator=(segment_set&& o) noexcept {
    if (this != &o) {
      release();
      low_ = o.low_;
      spill_ = o.spill_;
      o.low_ = 0;
      o.spill_ = nullptr;
    }
    return *this;
  }
  ~segment_set() { release(); }

  /// Ascending ids: the inline bits, then the spilled ids.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = segment_id;
    using difference_type = std::ptrdiff_t;
    using pointer = const segment_id*;
    using reference = segment_id;

    segment_id operator*() const {
      return bits_ ? static_cast<segment_id>(__builtin_ctzll(bits_)) : spill_[1 + at_];
    }
    const_iterator& operator++() {
      if (bits_)
        bits_ &= bits_ - 1;
      else
        ++at_;
      return *this;
    }
    const_iterator operator++(int) {
      auto was = *this;
      ++*this;
      return was;
    }
    bool operator==(const const_iterator& o) const { return bits_ == o.bits_ && at_ == o.at_; }
    bool operator!=(const const_iterator& o) const { return !(*this == o); }

   private:
    friend class segment_set;
    const_iterator(uint64_t bits, const segment_id* spill, size_t at) : bits_(bits), spill_(spill), at_(at) {}
    uint64_t bits_;
    const segment_id* spill_;
    size_t at_;
  };

  const_iterator begin() const { return {low_, spill_, 0}; }
  const_iterator end() const { return {0, spill_, spilled()}; }
  size_t size() const { return static_cast<size_t>(__builtin_popcountll(low_)) + spilled(); }
  bool empty() const { return low_ == 0 && spilled() == 0; }
  bool contains(segment_id id) const {
    if (id < inline_ids)
      return (low_ >> id) & 1u;
    return spilled() > 0 && std::binary_search(spill_ + 1, spill_ + 1 + spilled(), id);
  }

  /// Bit i set: the profile is in segment i (ids below inline_ids only).
  uint64_t inline_bits() const { return low_; }

  /// Puts `id` in (`in`) or takes it out; true when that changed the set.
  bool set(segment_id id, bool in) {
    if (id < inline_ids) {
      uint64_t bit = uint64_t{1} << id;
      if (((low_ & bit) != 0) == in)
        return false;
      low_ ^= bit;
      return true;
    }
    size_t n = spilled();
    segment_id* first = spill_ ? spill_ + 1 : nullptr;
    auto* at = std::lower_bound(first, first + n, id);
    bool present = at != first + n && *at == id;
    if (present == in)
      return false;
    auto pos = static_cast<size_t>(at - first);
    if (in) {
      if (n == capacity())
        grow();
      first = spill_ + 1;
      std::memmove(first + pos + 1, first + pos, (n - pos) * sizeof(segment_id));
      first[pos] = id;
      ++spill_[0];
    } else {
      std::memmove(first + pos, first + pos + 1, (n - pos - 1) * sizeof(segment_id));
      --spill_[0];
    }
    return true;
  }

  void clear() {
    release();
    low_ = 0;
  }

  /// Bytes on the heap (0 while every id is below inline_ids).
  size_t heap_bytes() const { return spill_ ? (1 + capacity()) * sizeof(segment_id) : 0; }
  /// The heap block, for prefetching; null while there is none.
  const void* heap_block() const { return spill_; }

 private:
  // The spill block holds its capacity, the count, then the ids
  // ascending; spill_ points at the count.
  size_t spilled() const { return spill_ ? spill_[0] : 0; }
  size_t capacity() const { return spill_ ? spill_[-1] : 0; }

  void grow() {
    size_t cap = std::max<size_t>(4, capacity() * 2);
    cap = std::min<size_t>(cap, UINT16_MAX - 2);
    auto* raw = new segment_id[cap + 2];
    raw[0] = static_cast<segment_id>(cap);
    segment_id* block = raw + 1;
    block[0] = static_cast<segment_id>(spilled());
    if (spill_)
      std::memcpy(block + 1, spill_ + 1, spilled() * sizeof(segment_id));
    release();
    spill_ = block;
  }
  void release() {
    if (spill_)
      delete[](spill_ - 1);
    spill_ = nullptr;
  }
  void copy_spill(const segment_set& o) {
    spill_ = nullptr;
    if (!o.spill_)
      return;
    size_t cap = o.capacity();
    auto* raw = new segment_id[cap + 2];
    std::memcpy(raw, o.spill_ - 1, (o.spilled() + 2) * sizeof(segment_id));
    spill_ = raw + 1;
  }

  uint64_t low_ = 0;
  segment_id* spill_ = nullptr;
};

}  // namespace persona
