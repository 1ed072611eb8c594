#include "core/profile/session_tracker.hpp"

#include "core/util/stable_hash.hpp"

namespace persona {

bool session_tracker::add(int64_t ts_ms, const std::string& session, int64_t gap_ms) {
  uint64_t id = session.empty() ? 0 : stable_hash(session);
  bool starts_new = count_ == 0;
  if (!starts_new) {
    if (id != 0)
      starts_new = id != current_id_hash;
    else
      starts_new = ts_ms - last_ms > gap_ms;
  }
  if (starts_new) {
    if (count_ > 0)
      closed_duration_ms += last_ms - start_ms;
    ++count_;
    current_id_hash = id;
    start_ms = ts_ms;
    last_ms = ts_ms;
  } else if (ts_ms > last_ms) {
    last_ms = ts_ms;
  } else if (ts_ms < start_ms && ts_ms >= last_ms - gap_ms) {
    start_ms = ts_ms;  // a late event that still belongs to this session
  }
  ++events_;
  return starts_new;
}

double session_tracker::avg_duration_s() const {
  if (count_ == 0)
    return 0;
  auto total = closed_duration_ms + (last_ms - start_ms);
  return static_cast<double>(total) / 1000.0 / count_;
}

double session_tracker::avg_events() const {
  return count_ == 0 ? 0 : static_cast<double>(events_) / count_;
}

void session_tracker::merge(const session_tracker& other) {
  if (other.count_ == 0)
    return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  // The other user's sessions become finished sessions of this user.
  closed_duration_ms += other.closed_duration_ms + (other.last_ms - other.start_ms);
  count_ += other.count_;
  events_ += other.events_;
}

}  // namespace persona
