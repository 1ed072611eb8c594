// window_counters: per-type event counts over the sliding windows 1h, 24h, 7d
// and 30d, by event time, in fixed buckets.
//
// Each window is a ring of buckets of a fixed width (1h: 12 x 5 min, 24h:
// 24 x 1 h, 7d: 28 x 6 h, 30d: 30 x 1 day). count(w, type, now) sums the
// bucket that holds `now` and the buckets before it up to the window's
// bucket count, so a count is exact at bucket granularity: it covers the
// events from the start of the oldest bucket to now, between (buckets - 1)
// and buckets bucket widths of history. Only
// non-empty buckets are stored, all four windows in one small vector sorted
// by (window, bucket), so a quiet user costs a few bytes and an update
// touches one heap block. Part of a profile; owned by its shard.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/profile/event.hpp"

namespace persona {

/// The four sliding windows of the protocol.
enum class time_window : uint8_t { h1, h24, d7, d30 };
constexpr size_t time_window_count = 4;

/// "1h", "24h", "7d" or "30d".
const char* to_string(time_window w);

/// Geometry of one window: bucket width and number of buckets.
struct window_geometry {
  int64_t bucket_ms;
  uint32_t buckets;
};

window_geometry geometry_of(time_window w);

class window_counters {
 public:
  /// Counts one event of type `t` at event time `ts_ms`. Events older than a
  /// window's span (relative to the newest bucket) are not counted there.
  void add(event_type t, int64_t ts_ms, uint32_t n = 1);

  /// Events of type `t` in the bucket holding `now` and the ones before it
  /// that fit in the window.
  uint32_t count(time_window w, event_type t, int64_t now_ms) const;

  /// Adds every bucket of `other` into this one (for merging profiles).
  void merge(const window_counters& other);

  /// Heap bytes held (for memory accounting).
  size_t heap_bytes() const;

  struct bucket {
    uint32_t index;                                 // bucket start / bucket width
    uint8_t window;                                 // time_window
    std::array<uint16_t, event_type_count> counts;  // saturating
  };
  /// Every stored bucket, sorted by (window, index).
  const std::vector<bucket>& buckets() const { return buckets_; }
  /// Replaces every bucket. REQUIRES: sorted by (window, index).
  void restore(std::vector<bucket> buckets);

 private:
  /// Recomputes sizes_ from the buckets' window tags.
  void recount();

  std::vector<bucket> buckets_;
  /// Buckets per window, so a window's range is a prefix sum, not a scan.
  std::array<uint8_t, time_window_count> sizes_{};
};

}  // namespace persona
