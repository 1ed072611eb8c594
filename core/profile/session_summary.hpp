// session_summary: what a user did in their latest session, for the
// purchase propensity model (predictions.hpp): how many views, carts,
// searches and purchases, which category most of the viewing went to (its
// focus) and how much, for how many sessions in a row the user has been
// deciding on that category, whether the session's search named it, and
// how many sessions they started lately. A
// shopper on a mission comes back to one category visit after visit,
// viewing and comparing without carting until the visit that decides; one
// whose last visit wandered is browsing. Part of a profile; 24 bytes, its
// counts saturating at 255.
#pragma once

#include <cstdint>

#include "core/profile/event.hpp"
#include "core/util/symbol_table.hpp"

namespace persona {

class session_summary {
 public:
  /// How fast the count of recent sessions fades: by e every day.
  static constexpr double recent_sessions_tau_ms = 86400000.0;

  /// Starts the summary of a new session (session_tracker::add said so)
  /// at `start_ms`; the previous session started at `previous_start_ms`.
  void start_session(int64_t previous_start_ms, int64_t start_ms);
  /// Counts one event of the latest session; `category` is the event's
  /// first category (for a search, the category it named),
  /// symbol_table::missing when it has none.
  void add(event_type type, symbol category);

  uint8_t views() const { return views_; }
  /// Of those, the views of the focus category.
  uint8_t focus_views() const { return focus_views_; }
  uint8_t carts() const { return carts_; }
  uint8_t searches() const { return searches_; }
  uint8_t purchases() const { return purchases_; }
  /// The category most of the session's views went to (a majority vote
  /// kept online: exact when one category has more than half the views);
  /// missing before a view with a category.
  symbol focus() const { return focus_; }
  /// Share of the session's views in its focus category since it became
  /// the focus, in [0, 1].
  double focus_share() const;
  /// Whether the session looks like a decision in the making: it has a
  /// focus holding at least half its views, and nothing carted.
  bool deciding() const;
  /// Deciding sessions in a row on the same focus, this one included; 0
  /// unless this session is deciding. A visit without a focus between
  /// them does not break the run.
  uint8_t deciding_streak() const { return deciding() ? streak_ : 0; }
  /// Whether the session's latest search named the category the session
  /// went on to focus on: a shopper looking for something definite.
  bool searched_focus() const { return searched_ != symbol_table::missing && searched_ == focus_; }
  /// Sessions started, each fading by e a day, seen at `now_ms`;
  /// `start_ms` is when the latest session started.
  double recent_sessions(int64_t start_ms, int64_t now_ms) const;

  // Raw fields, for the profile codec and merges.
  symbol focus_ = symbol_table::missing;
  /// The focus of the session before this one, until this one has its own.
  symbol previous_focus_ = symbol_table::missing;
  /// The category the session's latest search named.
  symbol searched_ = symbol_table::missing;
  /// recent_sessions() at the latest session's start.
  float recent_sessions_ = 0;
  uint8_t views_ = 0;
  /// The focus's lead in the majority vote.
  uint8_t votes_ = 0;
  uint8_t carts_ = 0;
  uint8_t searches_ = 0;
  uint8_t purchases_ = 0;
  uint8_t focus_views_ = 0;
  /// The deciding streak this session has if it is deciding.
  uint8_t streak_ = 0;
  /// The deciding streak of the previous session with a focus (0: it was
  /// not deciding).
  uint8_t previous_streak_ = 0;
};

/// The count of recent sessions `count` fades to over `elapsed_ms`.
double fade_recent_sessions(double count, int64_t elapsed_ms);

}  // namespace persona
