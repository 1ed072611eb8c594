// session_summary: what a user did in their latest session, for the
// purchase propensity model (predictions.hpp): how many views, clicks,
// carts, searches and purchases, how much of the viewing went to one
// category (the first one viewed: a shopper on a mission keeps to it), and
// for how many sessions in a row that focus has been the same. A shopper
// coming back to the same category visit after visit is deciding; one
// whose last visit wandered is browsing. Part of a profile; 16 bytes, its
// counts saturating at 255.
#pragma once

#include <cstdint>

#include "core/event.hpp"
#include "core/symbol_table.hpp"

namespace persona {

class session_summary {
 public:
  /// Starts the summary of a new session (session_tracker::add said so).
  void start_session();
  /// Counts one event of the latest session; `category` is the event's
  /// first category, symbol_table::missing when it has none.
  void add(event_type type, symbol category);

  uint8_t views() const { return views_; }
  uint8_t clicks() const { return clicks_; }
  uint8_t carts() const { return carts_; }
  uint8_t searches() const { return searches_; }
  uint8_t purchases() const { return purchases_; }
  /// The first category viewed in the session; missing before one is.
  symbol focus() const { return focus_; }
  /// Share of the session's views in its focus category, in [0, 1].
  double focus_share() const;
  /// Sessions in a row, this one included, with the same focus; 0 while
  /// this session has none.
  uint8_t focus_streak() const { return focus_ == symbol_table::missing ? 0 : streak_; }

  // Raw fields, for the profile codec and merges.
  symbol focus_ = symbol_table::missing;
  /// The focus of the session before this one, until this one has its own.
  symbol previous_focus_ = symbol_table::missing;
  uint8_t views_ = 0;
  uint8_t clicks_ = 0;
  uint8_t carts_ = 0;
  uint8_t searches_ = 0;
  uint8_t purchases_ = 0;
  uint8_t focus_views_ = 0;
  uint8_t streak_ = 0;
  uint8_t previous_streak_ = 0;
};

}  // namespace persona
