// table_hash: the hash of in-memory tables keyed by strings a client
// chooses (user ids in a shard's index, item ids in the catalog, names).
// SipHash-2-4 under a key drawn at random once per process, so ids chosen
// to collide in one process do not collide in another and cannot be found
// from outside: a table's probes stay short whatever ids arrive. Never
// persisted, never used for routing (stable_hash.hpp does that). Never
// returns 0, so 0 can mean "none". Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace persona {

/// The seeded hash of `s` in this process.
uint64_t table_hash(std::string_view s);

/// table_hash as a hasher for std::unordered_map and friends.
struct table_hasher {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return static_cast<size_t>(table_hash(s)); }
  size_t operator()(const std::string& s) const { return static_cast<size_t>(table_hash(s)); }
};

}  // namespace persona
