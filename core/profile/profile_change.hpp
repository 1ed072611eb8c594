// profile_change: what the events applied to one profile since its live
// segments were last evaluated changed, as far as a condition can tell
// without reading the profile: the event types, and the categories and
// brands whose affinities they touched, as 32-bit Bloom masks over symbols
// (a bit may stand for several symbols, never the other way round). A live
// segment is re-evaluated only when such a change can flip its result
// (condition::can_rise, condition::can_fall).
#pragma once

#include <cstdint>

#include "core/util/symbol_table.hpp"

namespace persona {

/// The mask bit of a category or brand symbol.
constexpr uint32_t symbol_bit(symbol s) {
  return uint32_t{1} << (s & 31u);
}

struct profile_change {
  /// Bits 1 << event type of the events applied.
  uint32_t types = 0;
  /// symbol_bit() of every category and brand the events named.
  uint32_t categories = 0;
  uint32_t brands = 0;

  /// Any change at all: attributes, a merge, a restore.
  static constexpr profile_change everything() { return {UINT32_MAX, UINT32_MAX, UINT32_MAX}; }

  profile_change& operator|=(const profile_change& o) {
    types |= o.types;
    categories |= o.categories;
    brands |= o.brands;
    return *this;
  }
};

}  // namespace persona
