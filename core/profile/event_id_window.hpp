// event_id_window: the ids of a user's most recent events (as 64-bit
// hashes), for rejecting resent events as duplicates; under
// --dedupe-without-id also the content keys of events sent without an id.
// Bounded: an id older than the last `cap` ids of the same user is no longer
// recognised (docs/profiles.md, "Duplicates"). Part of a profile.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/profile/event.hpp"

namespace persona {

class event_id_window {
 public:
  /// True if `id` is among the remembered ids.
  bool contains(uint64_t id_hash) const;
  /// Remembers `id`, forgetting the oldest when `cap` are held.
  void insert(uint64_t id_hash, size_t cap);

  const std::vector<uint64_t>& ids() const { return ids_; }
  std::vector<uint64_t>& ids() { return ids_; }
  size_t heap_bytes() const { return ids_.capacity() * sizeof(uint64_t); }

 private:
  std::vector<uint64_t> ids_;  // oldest first
};

/// The key an event without an id is remembered by: a hash of its type,
/// item, ts and (for a search) query; never 0.
uint64_t content_key(const event& e);

}  // namespace persona
