// tags: the ten rule-based tags of docs/protocol.md, computed from a profile
// against a "now" in event time, so they change as time passes even for
// users who send nothing. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/profile/profile.hpp"

namespace persona {

enum class tag : uint8_t {
  new_user,  // "new"
  active,
  dormant,
  window_shopper,
  cart_abandoner,
  high_value,
  loyal,
  bargain_hunter,
  churn_risk,
  risky,
};
constexpr size_t tag_count = 10;

/// The protocol's name, e.g. "new" or "cart_abandoner".
const char* to_string(tag t);
std::optional<tag> tag_from_string(const std::string& name);

constexpr uint32_t tag_bit(tag t) {
  return 1u << static_cast<unsigned>(t);
}

/// Whether `p` carries tag `t` at `now_ms` (one tag: cheaper than all).
bool tag_holds(const profile& p, tag t, int64_t now_ms, const profile_config& cfg);

/// The event types (bits 1 << type) whose events can change tag `t`
/// (a view cannot make anyone a `cart_abandoner`).
uint32_t tag_event_types(tag t);

/// Which way time alone, with no event, can move a tag: start it (rise),
/// end it (fall), both or neither.
struct time_moves {
  bool rise = false;
  bool fall = false;
};
time_moves tag_time_moves(tag t);

/// The tags `p` carries at `now_ms`, as tag_bit()s.
uint32_t compute_tags(const profile& p, int64_t now_ms, const profile_config& cfg);

/// The risk score of `p` at `now_ms`.
double risk_score(const profile& p, int64_t now_ms, const profile_config& cfg);

}  // namespace persona
