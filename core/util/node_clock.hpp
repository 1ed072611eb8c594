// node_clock: a node's one "now", in ms since the epoch, shared by all of
// its shards. Under clock_mode::events it is the newest accepted event time
// (the wall clock until the first); under clock_mode::live it is the later
// of that and the wall clock, so a quiet feed still moves tags and windows.
// Shards raise it as they apply events (observe(), a max-CAS); reads, tags,
// windows, segment sweeps and predictions read it. The wall clock is a
// function given at construction, so tests set it by hand.
//
// Thread-safety: any thread may call any member, concurrently. The wall
// source must be safe to call from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace persona {

/// What a node's "now" follows (docs/profiles.md, "Now").
enum class clock_mode : uint8_t {
  /// The newest accepted event time: replaying history gives the same
  /// profiles as living through it.
  events,
  /// The later of the newest event time and the wall clock: for a live
  /// feed that may go quiet.
  live,
};

/// "events" or "live".
const char* to_string(clock_mode mode);
/// Parses to_string()'s names; nullopt for any other.
std::optional<clock_mode> parse_clock_mode(const std::string& name);

/// Ms since the epoch by the system's real-time clock.
int64_t system_wall_ms();

class node_clock {
 public:
  /// Reads the wall clock, in ms since the epoch.
  using wall_source = std::function<int64_t()>;

  /// An empty `wall` reads system_wall_ms().
  explicit node_clock(clock_mode mode = clock_mode::events, wall_source wall = {});
  node_clock(const node_clock&) = delete;
  node_clock& operator=(const node_clock&) = delete;

  /// An accepted event (or a recovered profile) dated `event_ms`: raises
  /// the newest event time to it. Never lowers it.
  void observe(int64_t event_ms);

  /// The newest event time observed, or -1 before any.
  int64_t newest_event_ms() const { return newest_.load(std::memory_order_relaxed); }

  /// The node's "now".
  int64_t now_ms() const { return now_with(-1); }

  /// The "now" it would be after observe(`event_ms`), without raising it
  /// (a shard in the middle of a slice of events it has not published yet).
  int64_t now_with(int64_t event_ms) const;

  /// The wall clock, in ms since the epoch.
  int64_t wall_ms() const { return wall_ ? wall_() : system_wall_ms(); }

  clock_mode mode() const { return mode_; }

 private:
  clock_mode mode_;
  wall_source wall_;
  std::atomic<int64_t> newest_{-1};
};

}  // namespace persona
