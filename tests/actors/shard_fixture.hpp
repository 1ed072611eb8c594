// shard_fixture: shard setups and batches for the actor tests.
#pragma once

#include <string>

#include "actors/messages.hpp"
#include "actors/shard_actor.hpp"
#include "test_util.hpp"

namespace persona::test {

/// A memory-only shard's setup, numbered `index` (its name in errors).
inline shard_setup numbered_shard(uint32_t index) {
  shard_setup s;
  s.index = index;
  return s;
}

/// `n` views by `user`, one a millisecond from `from_ts`, of items i0, i1, ...,
/// with client indices 0 to n - 1.
inline shard_batch views_for(const std::string& user, int n, int64_t from_ts = t0) {
  shard_batch b;
  for (int i = 0; i < n; ++i) {
    b.events.push_back(make_event(user, event_type::view, from_ts + i, "i" + std::to_string(i)));
    b.indices.push_back(static_cast<uint32_t>(i));
  }
  return b;
}

}  // namespace persona::test
