// user_taste: what the recommenders read of one user, in node-wide ids
// (name_index.hpp): recent items newest first, and decayed category and
// brand affinities. A shard builds it from the user's profile at read time
// (model_feed.hpp), so it reflects every event applied before the read.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace persona {

struct user_taste {
  struct touch {
    uint32_t item = 0;
    int64_t ts_ms = 0;
  };
  /// Whether the user has a profile at all.
  bool known = false;
  /// Newest first.
  std::vector<touch> recent;
  /// (id, share in [0, 1]), highest first.
  std::vector<std::pair<uint32_t, float>> categories;
  std::vector<std::pair<uint32_t, float>> brands;

  bool has_seen(uint32_t item) const {
    for (auto& t : recent)
      if (t.item == item)
        return true;
    return false;
  }
};

}  // namespace persona
