// user_router: the one function that maps a user id to its shard. Every
// component that routes (engine facade, coordinator, later the cluster's
// shard table) calls this and nothing else, so a user always lands on the
// same shard, across processes and versions (the hash is FNV-1a, fixed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/util/stable_hash.hpp"

namespace persona {

/// The shard of `user` among `shard_count` shards. REQUIRES: shard_count > 0.
inline size_t shard_of(const std::string& user, size_t shard_count) {
  // Mix the high bits in: FNV-1a's low bits alone spread short ids poorly.
  uint64_t h = stable_hash(user);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return static_cast<size_t>(h % shard_count);
}

}  // namespace persona
