// session_tracker: counts a user's sessions and their length online.
//
// An event with a `session` id different from the current session's starts a
// new session; an event without one starts a new session after a gap longer
// than the configured inactivity gap (default 30 minutes). An event older
// than the newest one seen counts in the current session without stretching
// it. Part of a profile.
#pragma once

#include <cstdint>
#include <string>

namespace persona {

class session_tracker {
 public:
  /// Records an event at `ts_ms` with client session id `session` (may be
  /// empty). Returns true when the event starts a new session.
  bool add(int64_t ts_ms, const std::string& session, int64_t gap_ms);

  uint32_t count() const { return count_; }
  /// Mean session length in seconds, the current session included.
  double avg_duration_s() const;
  /// Mean events per session.
  double avg_events() const;

  /// Folds another user's sessions in (they are kept as separate sessions).
  void merge(const session_tracker& other);

  // Raw fields, for the profile codec.
  uint64_t current_id_hash = 0;  // 0: the current session has no client id
  int64_t start_ms = 0;
  int64_t last_ms = 0;
  uint32_t count_ = 0;
  uint32_t events_ = 0;
  /// Summed length of the finished sessions, in ms.
  int64_t closed_duration_ms = 0;
};

}  // namespace persona
