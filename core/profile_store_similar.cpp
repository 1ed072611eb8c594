// profile_store's part of similar_users: a user's likeness vector, and the
// top-k scan of every profile against it.
#include <algorithm>
#include <queue>

#include "core/profile_store.hpp"

namespace persona {

result<value> profile_store::likeness(const std::string& user) const {
  auto* p = find(user);
  if (!p)
    return status{error_code::not_found, "no profile for user '" + user + "'"};
  return to_value(likeness_of(*p, symbols_));
}

std::vector<std::pair<std::string, double>> profile_store::similar_users(const user_likeness& query, size_t k,
                                                                         const std::string& exclude) const {
  std::vector<std::pair<std::string, double>> out;
  if (k == 0)
    return out;
  likeness_scorer scorer(query, symbols_);
  if (scorer.hopeless())
    return out;
  // A min-heap of the best k: (score, slot), the worst on top.
  using entry = std::pair<double, uint32_t>;
  std::priority_queue<entry, std::vector<entry>, std::greater<entry>> best;
  for (uint32_t slot = 0; slot < slab_.size(); ++slot) {
    auto& e = slab_[slot];
    if (e.id.empty() || e.id == exclude)
      continue;
    double s = scorer.score(e.data);
    if (s <= 0)
      continue;
    if (best.size() < k)
      best.emplace(s, slot);
    else if (s > best.top().first) {
      best.pop();
      best.emplace(s, slot);
    }
  }
  while (!best.empty()) {
    out.emplace_back(slab_[best.top().second].id, best.top().first);
    best.pop();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace persona
