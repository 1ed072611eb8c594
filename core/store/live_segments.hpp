// live_segments: the live segments of one profile_store (docs/segments.md):
// named conditions whose membership every profile keeps, re-evaluated for
// the profiles each slice of events touched (only the segments those event
// types can change), for a profile whose attributes change or that a merge
// changes, and for time-dependent segments by sweep(); plus their sizes,
// member pages and the membership changes subscribers are sent.
//
// Owned by one store (profile_store::segments()) and, like the store,
// touched only by the shard actor that owns it. It keeps no pointer to the
// store: the operations that read or change profiles take it as a
// parameter. REQUIRES for each of them: `store.segments()` is this object.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/profile/event.hpp"
#include "core/profile/profile_change.hpp"
#include "core/profile/segment_directory.hpp"
#include "core/profile/segment_set.hpp"
#include "core/query/condition.hpp"
#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona {

class profile_store;

/// One change of membership, for subscribers.
struct segment_change {
  segment_id segment = 0;
  std::string user;
  bool entered = false;
  int64_t ts = 0;
};

class live_segments {
 public:
  live_segments() = default;
  // The filters point into the segments' own conditions: not copyable.
  live_segments(const live_segments&) = delete;
  live_segments& operator=(const live_segments&) = delete;
  live_segments(live_segments&&) = default;
  live_segments& operator=(live_segments&&) = default;

  /// Defines `name` (or replaces its condition) and evaluates every profile
  /// of `store` at `now_ms`; answers the segment's size. A condition may
  /// refer to segments defined before it only.
  result<uint64_t> define(profile_store& store, const std::string& name, const value& where, int64_t now_ms);
  /// Defines `name` (or replaces its condition) without evaluating any
  /// profile: evaluate() brings membership up to date, a range of slots at
  /// a time, so a shard scans in slices. Answers the segment's id.
  result<segment_id> declare(profile_store& store, const std::string& name, const value& where);
  /// Evaluates segment `id` over slots [first, first + count) of `store` at
  /// `now_ms`; nothing when `id` was dropped since.
  void evaluate(profile_store& store, segment_id id, int64_t now_ms, size_t first, size_t count);
  /// Drops `name` from every profile of `store`; false when unknown; an
  /// error when another segment refers to it.
  result<bool> drop(profile_store& store, const std::string& name);

  /// The names by id (conditions resolve {"segment": name} through it).
  const segment_directory& directory() const { return directory_; }
  /// Every live segment's name and condition, in definition order.
  std::vector<std::pair<std::string, value>> definitions() const;
  /// The condition `id` was defined with, or null.
  const value* where(segment_id id) const;
  /// The members of `id` (0 when unknown).
  uint64_t size(segment_id id) const;
  /// Whether no segment is defined.
  bool empty() const { return order_.empty(); }
  /// Up to `limit` members of `id` from slot `next_slot` on, leaving out
  /// users who withheld marketing (consent.hpp); `next_slot`
  /// moves past the last slot looked at (store.slot_count() when done).
  std::vector<std::string> members(const profile_store& store, segment_id id, size_t& next_slot,
                                   size_t limit) const;

  /// Whether any segment can change with time alone.
  bool has_time_dependent() const;
  /// Re-evaluates the time-dependent segments over slots [first, first +
  /// count) of `store` at `now_ms`.
  void sweep(profile_store& store, int64_t now_ms, size_t first, size_t count);

  /// Collects membership changes for take_changes() while on.
  void collect_changes(bool on) { collect_changes_ = on; }
  /// The changes collected since the last call, oldest first.
  std::vector<segment_change> take_changes() { return std::move(changes_); }

 private:
  // The store re-evaluates the profiles it changes (evaluate, leave).
  friend class profile_store;

  /// How evaluate() chooses the segments to evaluate.
  enum class reevaluate : uint8_t {
    changed,    // those that `change` can turn over (condition::can_rise, can_fall)
    all,        // every one: attributes, a merge, a restore changed the profile
    time_only,  // the time-dependent ones (a sweep)
  };
  /// Re-evaluates the segments of `slot` at `now_ms`.
  void evaluate(profile_store& store, uint32_t slot, reevaluate which, const profile_change& change,
                int64_t now_ms);
  /// Puts `slot` in segment `id` or takes it out; counts and reports a change.
  void set_membership(profile_store& store, uint32_t slot, segment_id id, bool in, int64_t now_ms);
  /// Takes `slot` out of every segment (it is being erased).
  void leave(profile_store& store, uint32_t slot);
  /// Rebuilds the filters below after a definition or a drop.
  void refresh_filters();

  /// Live segments by id, with their definition order (a segment refers
  /// only to segments before it, so evaluation in this order is exact).
  struct live_segment {
    value where;
    condition compiled;
    uint64_t size = 0;
  };
  segment_directory directory_;
  std::vector<std::optional<live_segment>> live_;
  std::vector<segment_id> order_;
  /// Per event type, the live segments (ids below 64, as bits) that events
  /// of that type may turn over: rising ones for non-members, falling ones
  /// for members. Any id of 64 or more is checked one by one.
  std::array<uint64_t, event_type_count> may_rise_{}, may_fall_{};
  /// Every id is below 64 and ids ascend in definition order (no id was
  /// reused out of order): evaluation visits just the candidate bits,
  /// reading each one's condition here, and checks categories and brands
  /// only for the keyed ones (condition::keyed).
  bool narrow_ascending_ids_ = true;
  std::array<const condition*, segment_set::inline_ids> narrow_conditions_{};
  /// The live segments' ids below 64, as bits.
  uint64_t narrow_ids_ = 0;
  uint64_t keyed_ = 0;
  /// The segments time alone may turn over (condition::time_can_rise,
  /// time_can_fall): what a sweep evaluates.
  uint64_t time_rise_ = 0, time_fall_ = 0;
  bool collect_changes_ = false;
  std::vector<segment_change> changes_;
};

}  // namespace persona
