// name_index: a node-wide, thread-safe interner of names (items,
// categories, brands) as dense 32-bit ids, shared by every shard and the
// item model. Shards keep their own symbols (symbol_table); the item model
// and its readers need ids that mean the same on every shard, and these
// are they. Interning takes a mutex (each shard caches its symbol-to-id
// mapping, so it interns a name once); reading a name by id never locks,
// since names are only ever appended and never move.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/util/table_hash.hpp"

namespace persona {

class name_index {
 public:
  static constexpr uint32_t npos = UINT32_MAX;
  /// Names one index holds at most (2^26, about 67 million).
  static constexpr uint32_t max_names = uint32_t{1} << 26;

  name_index();
  ~name_index();
  name_index(const name_index&) = delete;
  name_index& operator=(const name_index&) = delete;

  /// The id of `name`, interned on first use; npos when the index is full.
  uint32_t intern(std::string_view name);
  /// The id of `name`, or npos.
  uint32_t find(std::string_view name) const;
  /// REQUIRES: id < size().
  const std::string& name(uint32_t id) const {
    return chunks_[id >> chunk_bits].load(std::memory_order_acquire)[id & chunk_mask];
  }
  /// Names interned so far; every id below it may be read from any thread.
  uint32_t size() const { return size_.load(std::memory_order_acquire); }

 private:
  static constexpr uint32_t chunk_bits = 12;
  static constexpr uint32_t chunk_mask = (uint32_t{1} << chunk_bits) - 1;
  static constexpr uint32_t chunk_count = max_names >> chunk_bits;

  mutable std::mutex mu_;
  std::unordered_map<std::string, uint32_t, table_hasher> ids_;
  std::unique_ptr<std::atomic<std::string*>[]> chunks_;
  std::atomic<uint32_t> size_{0};
};

}  // namespace persona
