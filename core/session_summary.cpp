#include "core/session_summary.hpp"

namespace persona {

namespace {

void bump(uint8_t& n) {
  if (n < UINT8_MAX)
    ++n;
}

}  // namespace

void session_summary::start_session() {
  if (focus_ != symbol_table::missing) {
    previous_focus_ = focus_;
    previous_streak_ = streak_;
  }
  // A session without a focus keeps the one before it pending: a quick
  // visit that viewed nothing does not break a mission's streak.
  views_ = clicks_ = carts_ = searches_ = purchases_ = focus_views_ = 0;
  focus_ = symbol_table::missing;
  streak_ = 0;
}

void session_summary::add(event_type type, symbol category) {
  switch (type) {
    case event_type::view:
      bump(views_);
      if (category != symbol_table::missing) {
        if (focus_ == symbol_table::missing) {
          focus_ = category;
          streak_ = category == previous_focus_ && previous_streak_ < UINT8_MAX ? previous_streak_ + 1 : 1;
        }
        if (category == focus_)
          bump(focus_views_);
      }
      break;
    case event_type::click:
      bump(clicks_);
      break;
    case event_type::add_to_cart:
      bump(carts_);
      break;
    case event_type::search:
      bump(searches_);
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

}  // namespace persona
