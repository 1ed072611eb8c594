// chunked_slab: a growable array whose elements never move. Elements live in
// fixed chunks of `ChunkSize`; growing adds a chunk instead of reallocating,
// so adding the millionth profile costs the same as the first, with no
// stall while a shard copies every profile it holds. Indexing is a shift and
// a mask. Not thread-safe; owned by one shard like the store that holds it.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace persona {

template <class T, size_t ChunkSize = 1024>
class chunked_slab {
  static_assert((ChunkSize & (ChunkSize - 1)) == 0, "ChunkSize must be a power of two");

 public:
  T& operator[](size_t i) { return chunks_[i / ChunkSize][i % ChunkSize]; }
  const T& operator[](size_t i) const { return chunks_[i / ChunkSize][i % ChunkSize]; }

  /// Appends `x` at index size(); earlier elements stay where they are.
  void push_back(T x) {
    if (size_ == capacity())
      chunks_.push_back(std::make_unique<T[]>(ChunkSize));
    (*this)[size_++] = std::move(x);
  }

  size_t size() const { return size_; }
  /// Elements the allocated chunks can hold.
  size_t capacity() const { return chunks_.size() * ChunkSize; }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace persona
