// profile: the live state of one user, updated online by every event.
//
// Everything here is bounded (profile_caps) and stored compactly: symbols
// instead of strings, small vectors instead of maps. What the protocol calls
// the profile map is rendered from this state at read time against a "now"
// (profile_view.hpp), so tags and windows follow event time. A profile
// belongs to the shard that owns its user and is touched only by it.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/profile/affinity_table.hpp"
#include "core/profile/event.hpp"
#include "core/profile/event_id_window.hpp"
#include "core/profile/purchase_stats.hpp"
#include "core/profile/recent_items.hpp"
#include "core/profile/risk_signals.hpp"
#include "core/profile/segment_set.hpp"
#include "core/profile/session_summary.hpp"
#include "core/profile/session_tracker.hpp"
#include "core/profile/window_counters.hpp"
#include "core/util/symbol_table.hpp"
#include "core/util/value.hpp"

namespace persona {

/// Field order matters: the fields every event touches come first, so a
/// shard prefetches only a profile's first hot_bytes (profile_store.cpp).
struct profile {
  int64_t first_seen_ms = -1;
  int64_t last_seen_ms = -1;
  /// Lifetime events per type.
  std::array<uint32_t, event_type_count> counts{};
  window_counters windows;
  session_tracker sessions;
  session_summary latest_session;
  affinity_table category_affinity;
  affinity_table brand_affinity;
  recent_items recent;
  risk_signals risk;
  /// Ids of the live segments the profile is in (segment_directory): read
  /// and written whenever segments are evaluated after an event.
  segment_set segments;
  /// Time of the newest add_to_cart, for `cart_abandoner`; -1 if none.
  int64_t last_cart_ms = -1;
  purchase_stats purchases;
  event_id_window seen_ids;
  /// The nearest centroid of the node's cluster model; -1 when there is no
  /// model or the profile lacks one of its features.
  int16_t cluster = -1;
  /// The consents the user withheld (consent.hpp's consent_bit); 0: all granted.
  uint8_t consent_withheld = 0;
  /// Attributes set by set_attributes, keyed by symbol, in insertion order.
  std::vector<std::pair<symbol, value>> attributes;

  /// Bytes from the start of a profile that an ordinary event touches.
  static size_t hot_bytes();

  /// Bytes this profile holds on the heap and inline.
  size_t memory_bytes() const;
};

/// The symbols of an event's strings, interned by the owning shard, with
/// what the catalog adds where the event is silent (categories, brand, price).
struct event_symbols {
  symbol item = symbol_table::missing;
  /// Unit price from the event, else from the catalog; NaN when unknown.
  double price = std::nan("");
  symbol brand = symbol_table::missing;
  /// At most max_event_categories entries are used.
  std::array<symbol, 16> categories{};
  size_t category_count = 0;
  /// A search's query text as a symbol the store already knows (a
  /// category's name, say); missing otherwise. Never interned: free text
  /// must not grow the symbol table.
  symbol query = symbol_table::missing;
};

/// Applies one valid event to `p`. REQUIRES: validate_event(e) passed and the
/// caller checked the event id against p.seen_ids.
void apply_event(profile& p, const event& e, const event_symbols& syms, const profile_config& cfg);

/// Folds `source` into `target` (merge_profiles). `remap` turns source's
/// symbols into target's symbol table.
template <class Remap>
void merge_profile(profile& target, const profile& source, Remap remap, const profile_config& cfg);

}  // namespace persona

#include "core/profile/profile_merge.hpp"
