#include "core/model/census_draws.hpp"

#include <algorithm>

namespace persona {

uint64_t census_draws::due(int64_t now_ms, uint32_t slot_count, double share, int64_t interval_ms,
                           int64_t max_span_ms) {
  if (share <= 0 || interval_ms <= 0 || slot_count == 0)
    return 0;
  if (until_ms_ < 0 || now_ms <= until_ms_) {
    until_ms_ = std::max(until_ms_, now_ms);
    return 0;
  }
  double per_interval = share * slot_count;
  double owed =
      owed_ + per_interval * static_cast<double>(now_ms - until_ms_) / static_cast<double>(interval_ms);
  double intervals = std::max(1.0, static_cast<double>(max_span_ms) / static_cast<double>(interval_ms));
  owed = std::min(owed, per_interval * intervals);
  until_ms_ = now_ms;
  auto draws = static_cast<uint64_t>(owed);
  owed_ = owed - static_cast<double>(draws);
  return draws;
}

}  // namespace persona
