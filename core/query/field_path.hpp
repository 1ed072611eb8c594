// field_path: dotted paths into the profile map ("rfm.monetary",
// "windows.7d.view", "affinity.category.shoes", "attributes.age"), resolved
// once into a field_ref and then read straight from a profile's compact
// state, without rendering the map. Used by conditions and aggregates.
// Pure functions; the symbol binding is per shard.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/profile/profile.hpp"
#include "core/profile/profile_config.hpp"
#include "core/profile/segment_directory.hpp"
#include "core/util/status.hpp"
#include "core/util/symbol_table.hpp"

namespace persona {

enum class field_kind : uint8_t {
  user,
  first_seen,
  last_seen,
  attribute,
  count,
  window,
  sessions_count,
  sessions_avg_duration_s,
  sessions_avg_events,
  category_affinity,
  brand_affinity,
  recent_items,
  rfm_recency_days,
  rfm_frequency,
  rfm_monetary,
  rfm_avg_order_value,
  purchase_cycle_days,
  price_avg_viewed,
  price_avg_purchased,
  risk_score,
  risk_flags,
  tags,
  segments,
  cluster,
  predict_purchase_propensity,
  predict_churn_risk,
};

struct propensity_scorer;
struct churn_scorer;

/// A resolved path.
struct field_ref {
  field_kind kind = field_kind::user;
  /// The event type (count, window) or the window (window, in `window_index`).
  uint8_t type_index = 0;
  uint8_t window_index = 0;
  /// The attribute, category or brand name.
  std::string name;
  /// The name's symbol in the evaluating shard (symbol_table::missing if unknown there).
  symbol bound = symbol_table::missing;
  /// The path as the client wrote it, for messages.
  std::string path;

  /// True for list-valued fields (tags, recent_items, risk.flags, segments).
  bool is_list() const;
};

/// Resolves `path`; an unknown path is a bad_request naming it.
result<field_ref> parse_field_path(const std::string& path);

/// Binds the name of `ref` to `symbols` (affinity and attribute paths).
void bind_field(field_ref& ref, const symbol_table& symbols);

/// A scalar read from a profile.
struct field_value {
  enum class kind : uint8_t { missing, number, text, boolean } type = kind::missing;
  double number = 0;
  std::string_view text;
  bool flag = false;

  static field_value of(double d) { return {kind::number, d, {}, false}; }
  static field_value of_text(std::string_view s) { return {kind::text, 0, s, false}; }
  static field_value of_bool(bool b) { return {kind::boolean, 0, {}, b}; }
};

/// What reading a field needs besides the profile.
struct read_context {
  int64_t now_ms;
  const symbol_table& symbols;
  const profile_config& cfg;
  /// The evaluating shard's segments; null: none known.
  const segment_directory* segments = nullptr;
  /// The score total of the affinity table last read (several conditions
  /// on one profile's affinities share one sum); keyed by its address.
  mutable const affinity_table* total_of = nullptr;
  mutable double total = 0;
  /// The purchase propensity model; null: untrained (the propensity
  /// reads as missing).
  const propensity_scorer* propensity = nullptr;
  /// The learnt churn model; null, or not learnt yet: the recency rule.
  const churn_scorer* churn = nullptr;
};

/// Reads a scalar field. Lists read as missing (use list_contains).
field_value read_field(const profile& p, std::string_view user, const field_ref& ref,
                       const read_context& ctx);

/// True if the list field `ref` of `p` holds `item`.
bool list_contains(const profile& p, const field_ref& ref, std::string_view item, const read_context& ctx);

}  // namespace persona
