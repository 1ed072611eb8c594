#include "core/profile/window_counters.hpp"

#include <algorithm>
#include <cstring>

#include "core/profile/profile_config.hpp"

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

/// The bucket of `ts_ms` in window `w`. Constant divisors let the compiler
/// multiply instead of divide: this runs four times per event.
uint32_t bucket_index(size_t w, int64_t ts_ms) {
  switch (w) {
    case 0:
      return static_cast<uint32_t>(ts_ms / (5 * ms_per_minute));
    case 1:
      return static_cast<uint32_t>(ts_ms / ms_per_hour);
    case 2:
      return static_cast<uint32_t>(ts_ms / (6 * ms_per_hour));
    default:
      return static_cast<uint32_t>(ts_ms / ms_per_day);
  }
}

}  // namespace

const char* to_string(time_window w) {
  return kNames[static_cast<size_t>(w)];
}

window_geometry geometry_of(time_window w) {
  return kGeometry[static_cast<size_t>(w)];
}

void window_counters::add(event_type t, int64_t ts_ms, uint32_t n) {
  auto ti = static_cast<size_t>(t);
  auto add_n = static_cast<uint16_t>(std::min<uint32_t>(n, UINT16_MAX));
  if (buckets_.capacity() == 0)
    buckets_.reserve(8);  // the first event makes four buckets at once
  std::array<size_t, time_window_count> start{};
  for (size_t w = 1; w < time_window_count; ++w)
    start[w] = start[w - 1] + sizes_[w - 1];
  // Walk the windows from the last so an insert or erase in one window does
  // not move the ranges still to be visited.
  for (size_t w = time_window_count; w-- > 0;) {
    auto g = kGeometry[w];
    auto idx = bucket_index(w, ts_ms);
    size_t first = start[w];
    size_t last = first + sizes_[w];
    bucket* b = buckets_.data();
    if (last > first && b[last - 1].index == idx) {
      bump(b[last - 1].counts[ti], add_n);  // the common case: the newest bucket
      continue;
    }
    bucket fresh{idx, static_cast<uint8_t>(w), {}};
    fresh.counts[ti] = add_n;
    if (last == first || idx > b[last - 1].index) {
      // A new newest bucket: drop the ones it pushes out of the window.
      size_t keep = first;
      while (keep < last && b[keep].index + g.buckets <= idx)
        ++keep;
      if (keep > first) {
        // Slide the kept buckets down, put the new one after them, and
        // close the gap left by the dropped ones.
        std::memmove(b + first, b + keep, (last - keep) * sizeof(bucket));
        b[first + (last - keep)] = fresh;
        auto gap_from = buckets_.begin() + static_cast<std::ptrdiff_t>(first + (last - keep) + 1);
        buckets_.erase(gap_from, gap_from + static_cast<std::ptrdiff_t>(keep - first - 1));
        sizes_[w] = static_cast<uint8_t>(last - keep + 1);
      } else {
        buckets_.insert(buckets_.begin() + static_cast<std::ptrdiff_t>(last), fresh);
        ++sizes_[w];
      }
      continue;
    }
    if (idx + g.buckets <= b[last - 1].index)
      continue;  // too old for this window
    auto lo = buckets_.begin() + static_cast<std::ptrdiff_t>(first);
    auto hi = buckets_.begin() + static_cast<std::ptrdiff_t>(last);
    auto it = std::lower_bound(lo, hi, idx, [](const bucket& x, uint32_t i) { return x.index < i; });
    if (it != hi && it->index == idx) {
      bump(it->counts[ti], add_n);
    } else {
      buckets_.insert(it, fresh);
      ++sizes_[w];
    }
  }
}

void window_counters::restore(std::vector<bucket> buckets) {
  buckets_ = std::move(buckets);
  recount();
}

void window_counters::recount() {
  sizes_ = {};
  for (auto& b : buckets_)
    ++sizes_[b.window];
}

uint32_t window_counters::count(time_window w, event_type t, int64_t now_ms) const {
  auto g = kGeometry[static_cast<size_t>(w)];
  if (now_ms < 0)
    return 0;
  auto now_idx = static_cast<int64_t>(now_ms / g.bucket_ms);
  auto ti = static_cast<size_t>(t);
  auto wi = static_cast<uint8_t>(w);
  // The window's buckets are one sorted run: walk it from the newest back.
  size_t first = 0;
  for (size_t w2 = 0; w2 < wi; ++w2)
    first += sizes_[w2];
  size_t last = first + sizes_[wi];
  uint32_t sum = 0;
  for (size_t i = last; i > first; --i) {
    auto& b = buckets_[i - 1];
    if (b.index <= now_idx - g.buckets)
      break;
    if (b.index <= now_idx)
      sum += b.counts[ti];
  }
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
  recount();
}

size_t window_counters::heap_bytes() const {
  return buckets_.capacity() * sizeof(bucket);
}

}  // namespace persona
