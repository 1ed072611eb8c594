// id_index: an open-addressing hash index from a string id (a user id, a
// symbol's name) to a dense slot number, storing 16 bytes per slot (hash and
// slot number) instead of a node per key as std::unordered_map does. The ids
// themselves live with their owner (the profile slab, the symbol table); the
// index asks for them through a callback to confirm a hash match. Linear
// probing with tombstones; grows at 70% load. Owned by one shard.
//
// Growing is incremental, so no insert stops a shard: the larger table is
// allocated, and each later insert or erase moves a few buckets of the old
// one into it. Meanwhile lookups probe the new table, then the old; every
// entry is in exactly one of them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/util/prefetch.hpp"

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
    if (!current_.entries.empty())
      prefetch_line(&current_.entries[current_.home(h)]);
    if (migrating())
      prefetch_line(&old_.entries[old_.home(h)]);
  }

  /// The slot of the first entry whose hash is `h`, without confirming the
  /// id: a guess for prefetching, never for answers. npos if none.
  uint32_t candidate(uint64_t h) const {
    return probe(h, [](uint32_t) { return true; });
  }

  size_t size() const { return size_; }
  size_t memory_bytes() const {
    return (current_.entries.capacity() + old_.entries.capacity()) * sizeof(entry);
  }
  /// Makes room for `users` entries at once (finishing any growth under way).
  void reserve(size_t users);
  /// Whether entries are still being moved from an old table.
  bool migrating() const { return !old_.entries.empty(); }

 private:
  static constexpr uint32_t empty_slot = UINT32_MAX;
  static constexpr uint32_t tombstone = UINT32_MAX - 1;
  /// Old buckets moved per insert or erase while growing: the old table is
  /// empty long before the new one needs to grow again.
  static constexpr size_t buckets_moved_per_change = 16;
  struct entry {
    uint64_t hash = 0;
    uint32_t slot = empty_slot;
  };
  struct table {
    std::vector<entry> entries;
    size_t mask = 0;
    unsigned shift = 64;
    size_t tombstones = 0;

    explicit table(size_t capacity = 0);
    size_t home(uint64_t h) const { return static_cast<size_t>((h * 0x9E3779B97F4A7C15ull) >> shift); }
    static constexpr size_t no_bucket = SIZE_MAX;
    /// The bucket of the first live entry with hash `h` whose slot
    /// `accept`s, or no_bucket.
    template <class Accept>
    size_t bucket_of(uint64_t h, Accept accept) const {
      if (entries.empty())
        return no_bucket;
      for (size_t i = home(h);; i = (i + 1) & mask) {
        const entry& e = entries[i];
        if (e.slot == empty_slot)
          return no_bucket;
        if (e.slot != tombstone && e.hash == h && accept(e.slot))
          return i;
      }
    }
    /// The slot of that entry, or npos.
    template <class Accept>
    uint32_t probe(uint64_t h, Accept accept) const {
      size_t i = bucket_of(h, accept);
      return i == no_bucket ? npos : entries[i].slot;
    }
    /// Puts an entry known to be absent in its first free bucket.
    void place(uint64_t h, uint32_t slot);
    /// Turns the entry of `slot` into a tombstone; false if absent.
    bool remove(uint64_t h, uint32_t slot);
  };

  template <class Accept>
  uint32_t probe(uint64_t h, Accept accept) const {
    uint32_t found = current_.probe(h, accept);
    if (found == npos && migrating())
      found = old_.probe(h, accept);
    return found;
  }
  /// Starts moving every entry into a new table of `capacity` buckets.
  void grow(size_t capacity);
  /// Moves up to `buckets` buckets of the old table into the current one.
  void migrate(size_t buckets);

  table current_;
  /// The table being emptied into current_ (empty when not growing), and
  /// the next of its buckets to move.
  table old_;
  size_t moved_ = 0;
  size_t size_ = 0;
};

}  // namespace persona
