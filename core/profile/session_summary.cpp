#include "core/profile/session_summary.hpp"

#include <algorithm>
#include <cmath>

namespace persona {

namespace {

void bump(uint8_t& n) {
  if (n < UINT8_MAX)
    ++n;
}

}  // namespace

double fade_recent_sessions(double count, int64_t elapsed_ms) {
  double elapsed = static_cast<double>(std::max<int64_t>(0, elapsed_ms));
  return count * std::exp(-elapsed / session_summary::recent_sessions_tau_ms);
}

void session_summary::start_session(int64_t previous_start_ms, int64_t start_ms) {
  recent_sessions_ =
      static_cast<float>(fade_recent_sessions(recent_sessions_, start_ms - previous_start_ms) + 1.0);
  // A session without a focus keeps the one before it pending: a quick
  // visit that viewed nothing does not break a mission's streak.
  if (focus_ != symbol_table::missing) {
    previous_streak_ = deciding_streak();
    previous_focus_ = focus_;
  }
  views_ = votes_ = carts_ = searches_ = purchases_ = focus_views_ = 0;
  focus_ = searched_ = symbol_table::missing;
  streak_ = 0;
}

void session_summary::add(event_type type, symbol category) {
  switch (type) {
    case event_type::view:
      bump(views_);
      if (category == symbol_table::missing)
        break;
      // Boyer-Moore majority vote: the focus holds while it leads.
      if (category == focus_) {
        bump(votes_);
        bump(focus_views_);
      } else if (votes_ > 0) {
        --votes_;
      } else {
        focus_ = category;
        votes_ = focus_views_ = 1;
        streak_ = category != previous_focus_     ? 1
                  : previous_streak_ == UINT8_MAX ? UINT8_MAX
                                                  : previous_streak_ + 1;
      }
      break;
    case event_type::add_to_cart:
      bump(carts_);
      break;
    case event_type::search:
      bump(searches_);
      if (category != symbol_table::missing)
        searched_ = category;
      break;
    case event_type::purchase:
      bump(purchases_);
      break;
    default:
      break;
  }
}

double session_summary::focus_share() const {
  return views_ == 0 ? 0.0 : static_cast<double>(focus_views_) / views_;
}

bool session_summary::deciding() const {
  return focus_ != symbol_table::missing && carts_ == 0 && 2 * static_cast<int>(focus_views_) >= views_;
}

double session_summary::recent_sessions(int64_t start_ms, int64_t now_ms) const {
  return fade_recent_sessions(recent_sessions_, now_ms - start_ms);
}

}  // namespace persona
