// top_k: the best k ids by a score, best first, ties broken by the smaller
// id, so that every ranking in Persona is deterministic. Pure function.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace persona {

/// The `k` best of `ids` by `score(id)`, best first (ties: smaller id).
template <class Score>
std::vector<uint32_t> top_k_ids(std::vector<uint32_t> ids, size_t k, Score score) {
  auto better = [&](uint32_t a, uint32_t b) {
    auto sa = score(a), sb = score(b);
    return sa != sb ? sa > sb : a < b;
  };
  if (ids.size() > k) {
    std::nth_element(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(k), ids.end(), better);
    ids.resize(k);
  }
  std::sort(ids.begin(), ids.end(), better);
  return ids;
}

}  // namespace persona
