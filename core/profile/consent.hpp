// consent: what a user allows Persona to do with their data (set_consent),
// kept in the profile as the flags a user withheld, so the default (nothing
// withheld) is today's behaviour and costs nothing:
//   profiling  their events are kept (applied and logged); without it they
//              are accepted and dropped, counted as not kept
//   recommend  `recommend` is personalized; without it, popular items
//   marketing  segment_members and subscriptions show them
// Plain values and pure functions.
#pragma once

#include <cstdint>

#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona {

/// Bits of profile::consent_withheld.
namespace consent_bit {
constexpr uint8_t profiling = 1;
constexpr uint8_t recommend = 2;
constexpr uint8_t marketing = 4;
constexpr uint8_t all = profiling | recommend | marketing;
}  // namespace consent_bit

/// Checks a set_consent map: one to three of "profiling", "recommend",
/// "marketing", each a bool; bad_request naming what is wrong otherwise.
status validate_consent(const value& flags);

/// `withheld` with the flags of `flags` set (true: granted) and the others
/// as they were. REQUIRES: validate_consent(flags) passed.
uint8_t apply_consent(uint8_t withheld, const value& flags);

/// {"profiling", "recommend", "marketing"}: bools, true where granted.
value consent_value(uint8_t withheld);

}  // namespace persona
