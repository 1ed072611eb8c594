// replay_ring: the last `capacity` items of a stream, the oldest
// overwritten first, with uniform random draws among them: the item
// model's replays of recent signals (factors) and labelled examples
// (propensity), each new one followed by extra training steps on kept
// ones. Not thread-safe: one per owner.
#pragma once

#include <cstddef>
#include <vector>

#include "core/util/xorshift_random.hpp"

namespace persona {

template <class T>
class replay_ring {
 public:
  explicit replay_ring(size_t capacity) : capacity_(capacity) {}

  /// Keeps `item`, replacing the oldest once full; keeps nothing at
  /// capacity 0.
  void add(const T& item) {
    if (items_.size() < capacity_)
      items_.push_back(item);
    else if (capacity_ > 0)
      items_[next_++ % capacity_] = item;
  }

  /// A kept item drawn uniformly. REQUIRES: !empty().
  const T& draw(xorshift_random& random) const { return items_[random.next() % items_.size()]; }

  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }

 private:
  size_t capacity_;
  std::vector<T> items_;
  size_t next_ = 0;
};

}  // namespace persona
