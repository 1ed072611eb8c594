// id_index: an open-addressing hash index from a string id (a user id, a
// symbol's name) to a dense slot number, storing 16 bytes per slot (hash and
// slot number) instead of a node per key as std::unordered_map does. The ids
// themselves live with their owner (the profile slab, the symbol table); the
// index asks for them through a callback to confirm a hash match. Linear
// probing with tombstones; grows at 70% load. Owned by one shard.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace persona {

class id_index {
 public:
  static constexpr uint32_t npos = UINT32_MAX;

  /// The slot of `key` (hash `h`), or npos. `key_of(slot)` returns the id stored there.
  template <class KeyOf>
  uint32_t find(std::string_view key, uint64_t h, KeyOf key_of) const {
    return probe(h, [&](uint32_t slot) { return key_of(slot) == key; });
  }

  /// Adds `slot` for a key known to be absent.
  void insert(uint64_t h, uint32_t slot);

  /// Removes the entry of `slot` (hash `h`); false if absent.
  bool erase(uint64_t h, uint32_t slot);

  /// Asks the CPU to load the home slot of hash `h` ahead of a find().
  void prefetch(uint64_t h) const {
    if (!entries_.empty())
      __builtin_prefetch(&entries_[home(h)]);
  }

  /// The slot of the first entry whose hash is `h`, without confirming the
  /// id: a guess for prefetching, never for answers. npos if none.
  uint32_t candidate(uint64_t h) const {
    return probe(h, [](uint32_t) { return true; });
  }

  size_t size() const { return size_; }
  size_t memory_bytes() const { return entries_.capacity() * sizeof(entry); }
  void reserve(size_t users);

 private:
  static constexpr uint32_t empty_slot = UINT32_MAX;
  static constexpr uint32_t tombstone = UINT32_MAX - 1;
  struct entry {
    uint64_t hash = 0;
    uint32_t slot = empty_slot;
  };
  /// The first live entry with hash `h` whose slot `accept`s, or npos.
  template <class Accept>
  uint32_t probe(uint64_t h, Accept accept) const {
    if (entries_.empty())
      return npos;
    for (size_t i = home(h);; i = (i + 1) & mask_) {
      const entry& e = entries_[i];
      if (e.slot == empty_slot)
        return npos;
      if (e.slot != tombstone && e.hash == h && accept(e.slot))
        return e.slot;
    }
  }
  size_t home(uint64_t h) const { return static_cast<size_t>((h * 0x9E3779B97F4A7C15ull) >> shift_); }
  void rehash(size_t capacity);

  std::vector<entry> entries_;
  size_t mask_ = 0;
  unsigned shift_ = 64;
  size_t size_ = 0;
  size_t tombstones_ = 0;
};

}  // namespace persona
