// profile_store's part of similar_users: a user's likeness vector, and the
// top-k scan of every profile against it.
#include <algorithm>

#include "core/store/profile_store.hpp"

namespace persona {

result<value> profile_store::likeness(const std::string& user) const {
  auto* p = find(user);
  if (!p)
    return status{error_code::not_found, "no profile for user '" + user + "'"};
  return to_value(likeness_of(*p, symbols_));
}

void profile_store::similar_users(const likeness_scorer& scorer, size_t k, const std::string& exclude,
                                  size_t first_slot, size_t count,
                                  std::vector<std::pair<std::string, double>>& best) const {
  if (k == 0 || scorer.hopeless())
    return;
  // `best` stays sorted best first (ties: smaller id) and at most k long.
  auto better = [](const std::pair<std::string, double>& a, const std::pair<std::string, double>& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  size_t end = std::min(slab_.size(), first_slot + count);
  for (size_t slot = first_slot; slot < end; ++slot) {
    auto& e = slab_[slot];
    if (e.id.empty() || e.id == exclude)
      continue;
    double s = scorer.score(e.data);
    if (s <= 0 || (best.size() == k && s < best.back().second))
      continue;
    std::pair<std::string, double> entry{e.id, s};
    auto at = std::upper_bound(best.begin(), best.end(), entry, better);
    if (best.size() == k) {
      if (at == best.end())
        continue;
      best.pop_back();
    }
    best.insert(at, std::move(entry));
  }
}

}  // namespace persona
