#include "core/window_counters.hpp"

#include <algorithm>

#include "core/profile_config.hpp"

namespace persona {

namespace {

constexpr window_geometry kGeometry[] = {
    {5 * ms_per_minute, 12},
    {ms_per_hour, 24},
    {6 * ms_per_hour, 28},
    {ms_per_day, 30},
};

constexpr const char* kNames[] = {"1h", "24h", "7d", "30d"};

void bump(uint16_t& c, uint32_t n) {
  uint32_t sum = c + n;
  c = static_cast<uint16_t>(std::min<uint32_t>(sum, UINT16_MAX));
}

}  // namespace

const char* to_string(time_window w) { return kNames[static_cast<size_t>(w)]; }

window_geometry geometry_of(time_window w) { return kGeometry[static_cast<size_t>(w)]; }

void window_counters::add(event_type t, int64_t ts_ms, uint32_t n) {
  auto ti = static_cast<size_t>(t);
  for (size_t w = 0; w < time_window_count; ++w) {
    auto g = kGeometry[w];
    auto idx = static_cast<uint32_t>(ts_ms / g.bucket_ms);
    auto& ring = rings_[w];
    if (ring.empty() || idx > ring.back().index) {
      bucket b{idx, {}};
      b.counts[ti] = static_cast<uint16_t>(std::min<uint32_t>(n, UINT16_MAX));
      ring.push_back(b);
      // Drop buckets that fell out of the window behind the new newest one.
      auto first_kept = std::find_if(ring.begin(), ring.end(), [&](const bucket& x) {
        return x.index + g.buckets > idx;
      });
      ring.erase(ring.begin(), first_kept);
      continue;
    }
    if (idx + g.buckets <= ring.back().index)
      continue;  // too old for this window
    auto it = std::lower_bound(ring.begin(), ring.end(), idx,
                               [](const bucket& x, uint32_t i) { return x.index < i; });
    if (it != ring.end() && it->index == idx) {
      bump(it->counts[ti], n);
    } else {
      bucket b{idx, {}};
      b.counts[ti] = static_cast<uint16_t>(std::min<uint32_t>(n, UINT16_MAX));
      ring.insert(it, b);
    }
  }
}

uint32_t window_counters::count(time_window w, event_type t, int64_t now_ms) const {
  auto g = kGeometry[static_cast<size_t>(w)];
  if (now_ms < 0)
    return 0;
  auto now_idx = static_cast<int64_t>(now_ms / g.bucket_ms);
  auto ti = static_cast<size_t>(t);
  uint32_t sum = 0;
  for (auto& b : rings_[static_cast<size_t>(w)])
    if (b.index <= now_idx && b.index > now_idx - g.buckets)
      sum += b.counts[ti];
  return sum;
}

void window_counters::merge(const window_counters& other) {
  for (size_t w = 0; w < time_window_count; ++w) {
    auto g = kGeometry[w];
    auto& ring = rings_[w];
    std::vector<bucket> merged;
    merged.reserve(ring.size() + other.rings_[w].size());
    auto a = ring.begin();
    auto b = other.rings_[w].begin();
    while (a != ring.end() || b != other.rings_[w].end()) {
      if (b == other.rings_[w].end() || (a != ring.end() && a->index < b->index)) {
        merged.push_back(*a++);
      } else if (a == ring.end() || b->index < a->index) {
        merged.push_back(*b++);
      } else {
        bucket x = *a++;
        for (size_t t = 0; t < event_type_count; ++t)
          bump(x.counts[t], b->counts[t]);
        ++b;
        merged.push_back(x);
      }
    }
    if (!merged.empty()) {
      auto newest = merged.back().index;
      merged.erase(merged.begin(), std::find_if(merged.begin(), merged.end(), [&](const bucket& x) {
                     return x.index + g.buckets > newest;
                   }));
    }
    ring = std::move(merged);
  }
}

size_t window_counters::heap_bytes() const {
  size_t n = 0;
  for (auto& r : rings_)
    n += r.capacity() * sizeof(bucket);
  return n;
}

}  // namespace persona
