#include "tools/eval/leave_last_out.hpp"

#include <algorithm>

namespace persona {

evaluation_split leave_last_out(std::vector<interaction> all, size_t min_interactions) {
  evaluation_split out;
  std::stable_sort(all.begin(), all.end(),
                   [](const interaction& a, const interaction& b) { return a.ts_ms < b.ts_ms; });
  out.ordered = std::move(all);
  out.role.assign(out.ordered.size(), 0);
  uint32_t users = 0;
  for (auto& x : out.ordered)
    users = std::max(users, x.user + 1);
  std::vector<uint32_t> count(users, 0);
  std::vector<size_t> last(users, 0), before_last(users, 0);
  for (size_t i = 0; i < out.ordered.size(); ++i) {
    auto u = out.ordered[i].user;
    before_last[u] = last[u];
    last[u] = i;
    ++count[u];
  }
  for (uint32_t u = 0; u < users; ++u) {
    if (count[u] < min_interactions)
      continue;
    out.role[last[u]] = 2;
    out.role[before_last[u]] = 1;
  }
  for (size_t i = 0; i < out.ordered.size(); ++i) {
    if (out.role[i] == 0)
      continue;
    auto& x = out.ordered[i];
    (out.role[i] == 2 ? out.test : out.validation).push_back({x.user, x.item, x.ts_ms, i});
  }
  return out;
}

std::vector<std::vector<uint32_t>> histories(const evaluation_split& split, uint8_t phase, uint32_t users) {
  std::vector<std::vector<uint32_t>> out(users);
  for (size_t i = 0; i < split.ordered.size(); ++i)
    if (split.role[i] < phase)
      out[split.ordered[i].user].push_back(split.ordered[i].item);
  return out;
}

}  // namespace persona
