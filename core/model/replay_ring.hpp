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
  /// The i-th kept item (storage order). REQUIRES: i < size().
  const T& at(size_t i) const { return items_[i]; }
  /// Where the next item goes once full.
  size_t next() const { return next_; }
  /// Replaces the kept items (a saved ring), keeping at most `capacity`.
  void restore(std::vector<T> items, size_t next) {
    items_ = std::move(items);
    if (items_.size() > capacity_)
      items_.resize(capacity_);
    next_ = next;
  }

  /// The kept items and the next to replace (a saved ring larger than
  /// this one's capacity keeps its first `capacity` items).
  template <class F>
  friend void inspect(F& f, replay_ring& r) {
    f(r.items_);
    uint64_t next = r.next_;
    f(next);
    r.next_ = static_cast<size_t>(next);
    if (F::loading && r.items_.size() > r.capacity_)
      r.items_.resize(r.capacity_);
  }

 private:
  size_t capacity_;
  std::vector<T> items_;
  size_t next_ = 0;
};

}  // namespace persona
