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
  auto add_n = static_cast<uint16_t>(std::min<uint32_t>(n, UINT16_MAX));
  if (buckets_.capacity() == 0)
    buckets_.reserve(8);  // the first event makes four buckets at once
  // Where each window's buckets begin; one pass over the sorted vector.
  std::array<size_t, time_window_count + 1> begin{};
  {
    size_t i = 0;
    for (size_t w = 0; w < time_window_count; ++w) {
      begin[w] = i;
      while (i < buckets_.size() && buckets_[i].window == w)
        ++i;
    }
    begin[time_window_count] = i;
  }
  // Walk the windows from the last so an insert or erase in one window does
  // not move the ranges still to be visited.
  for (size_t w = time_window_count; w-- > 0;) {
    auto g = kGeometry[w];
    auto idx = static_cast<uint32_t>(ts_ms / g.bucket_ms);
    auto first = buckets_.begin() + static_cast<std::ptrdiff_t>(begin[w]);
    auto last = buckets_.begin() + static_cast<std::ptrdiff_t>(begin[w + 1]);
    if (first != last && (last - 1)->index == idx) {
      bump((last - 1)->counts[ti], add_n);
      continue;
    }
    if (first == last || idx > (last - 1)->index) {
      // A new newest bucket: drop the ones it pushes out of the window.
      auto keep = first;
      while (keep != last && keep->index + g.buckets <= idx)
        ++keep;
      bucket b{idx, static_cast<uint8_t>(w), {}};
      b.counts[ti] = add_n;
      if (keep != first) {
        // Reuse the first dropped slot and erase the rest.
        *first = b;
        std::rotate(first, first + 1, last);
        buckets_.erase(first, first + (keep - first - 1));
      } else {
        buckets_.insert(last, b);
      }
      continue;
    }
    if (idx + g.buckets <= (last - 1)->index)
      continue;  // too old for this window
    auto it = std::lower_bound(first, last, idx, [](const bucket& x, uint32_t i) { return x.index < i; });
    if (it != last && it->index == idx) {
      bump(it->counts[ti], add_n);
    } else {
      bucket b{idx, static_cast<uint8_t>(w), {}};
      b.counts[ti] = add_n;
      buckets_.insert(it, b);
    }
  }
}

uint32_t window_counters::count(time_window w, event_type t, int64_t now_ms) const {
  auto g = kGeometry[static_cast<size_t>(w)];
  if (now_ms < 0)
    return 0;
  auto now_idx = static_cast<int64_t>(now_ms / g.bucket_ms);
  auto ti = static_cast<size_t>(t);
  auto wi = static_cast<uint8_t>(w);
  uint32_t sum = 0;
  for (auto& b : buckets_)
    if (b.window == wi && b.index <= now_idx && b.index > now_idx - g.buckets)
      sum += b.counts[ti];
  return sum;
}

void window_counters::merge(const window_counters& other) {
  std::vector<bucket> merged;
  merged.reserve(buckets_.size() + other.buckets_.size());
  auto key = [](const bucket& b) { return (static_cast<uint64_t>(b.window) << 32) | b.index; };
  auto a = buckets_.begin();
  auto b = other.buckets_.begin();
  while (a != buckets_.end() || b != other.buckets_.end()) {
    if (b == other.buckets_.end() || (a != buckets_.end() && key(*a) < key(*b))) {
      merged.push_back(*a++);
    } else if (a == buckets_.end() || key(*b) < key(*a)) {
      merged.push_back(*b++);
    } else {
      bucket x = *a++;
      for (size_t t = 0; t < event_type_count; ++t)
        bump(x.counts[t], b->counts[t]);
      ++b;
      merged.push_back(x);
    }
  }
  // Drop buckets that the merged newest bucket of their window pushes out.
  std::vector<bucket> kept;
  kept.reserve(merged.size());
  for (size_t i = 0; i < merged.size();) {
    size_t j = i;
    while (j < merged.size() && merged[j].window == merged[i].window)
      ++j;
    auto g = kGeometry[merged[i].window];
    auto newest = merged[j - 1].index;
    for (size_t k = i; k < j; ++k)
      if (merged[k].index + g.buckets > newest)
        kept.push_back(merged[k]);
    i = j;
  }
  buckets_ = std::move(kept);
}

size_t window_counters::heap_bytes() const { return buckets_.capacity() * sizeof(bucket); }

}  // namespace persona
