// condition: the `where` language of docs/protocol.md ("Segments"), compiled
// once from its value tree into a predicate over profiles.
//
//   {"and": [c, ...]} | {"or": [c, ...]} | {"not": c}
//   {"field": path, "op": "=="|"!="|"<"|"<="|">"|">="|"in"|"exists", "value": v}
//   {"tag": name} | {"segment": name}
//
// A missing field is never equal, unequal, less or greater than anything;
// only `exists` sees it. On list fields (tags, recent_items, risk.flags,
// segments) `==` means "contains", `!=` "does not contain" and `in` "contains
// any of". Compiling reports the first bad part with its position, e.g.
// `where.and[1].op`. A compiled condition is immutable; each shard compiles
// its own copy against its symbol table.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/profile/profile_change.hpp"
#include "core/query/field_path.hpp"
#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona {

class condition {
 public:
  /// Compiles `where`. With `symbols`, names are bound for evaluation in the
  /// shard that owns them; without, the result only validates. `segments`
  /// resolves {"segment": name} (null: no segment is known).
  static result<condition> compile(const value& where, const symbol_table* symbols,
                                   const segment_directory* segments = nullptr);
  /// The same, interning the names it reads (attributes, affinities) into
  /// `symbols`: for a condition kept while the shard's symbols grow (a live
  /// segment), so a name first seen later still matches.
  static result<condition> compile_interning(const value& where, symbol_table& symbols,
                                             const segment_directory* segments);

  /// Whether time passing alone, with no event, can turn the result from
  /// false to true, or from true to false (`windows.24h.view >= 3` can
  /// only fall, `{"tag": "dormant"}` only rise, a lifetime count neither).
  /// A sweep re-evaluates only the non-members of the first kind and the
  /// members of the second.
  bool time_can_rise() const { return time_rises_; }
  bool time_can_fall() const { return time_falls_; }

  /// Whether events that changed a profile as `c` says can turn the result
  /// from false to true (rise) or from true to false (fall). Lifetime
  /// counters, purchase counts and spend only move one way under each
  /// event type, and an affinity share only grows when its own category
  /// or brand is touched: `counts.view >= 5` never falls, and
  /// `affinity.category.shoes >= 0.3` cannot rise on a view of a hat. So a
  /// live segment is re-evaluated only when its member (or non-member) can
  /// change sides. Time-dependent parts (windows, tags, recency) change
  /// with every event of the types they depend on, either way.
  bool can_rise(const profile_change& c) const { return fires(rises_, c); }
  bool can_fall(const profile_change& c) const { return fires(falls_, c); }
  /// The event types of can_rise's and can_fall's triggers, categories and
  /// brands aside: a cheap first filter.
  uint32_t rise_types() const { return types_of(rises_); }
  uint32_t fall_types() const { return types_of(falls_); }
  /// Whether some trigger also asks for a category or brand; if not, the
  /// types above decide can_rise and can_fall alone.
  bool keyed() const { return has_key(rises_) || has_key(falls_); }
  /// The segments the condition refers to.
  std::vector<segment_id> referenced_segments() const;
  /// Whether the result can change with "now" alone (windows, tags,
  /// recency, risk), so it needs re-evaluation as time passes.
  bool uses_now() const { return uses_now_; }

  /// True if the profile of `user` satisfies the condition at ctx.now_ms.
  bool matches(const profile& p, std::string_view user, const read_context& ctx) const {
    if (count_test_.active)
      return count_test_.holds(p.counts[count_test_.type_index]);
    return matches_tree(p, user, ctx);
  }

  enum class op : uint8_t { all, any, negate, eq, ne, lt, le, gt, ge, in, exists, has_tag, in_segment };

  /// `a kind b` for the comparison operators (eq to ge); nullopt for others.
  static std::optional<bool> compare_numbers(op kind, double a, double b) {
    switch (kind) {
      case op::eq:
        return a == b;
      case op::ne:
        return a != b;
      case op::lt:
        return a < b;
      case op::le:
        return a <= b;
      case op::gt:
        return a > b;
      case op::ge:
        return a >= b;
      default:
        return std::nullopt;
    }
  }

  struct node {
    op kind = op::all;
    std::vector<node> children;
    field_ref field;
    value operand;
    uint8_t tag_index = 0;
    segment_id segment = 0;
    /// Precomputed at compile time: the field is a list; the operand is a
    /// number (then `number` holds it), for the common numeric comparison.
    bool list = false;
    bool numeric = false;
    double number = 0;
  };

  /// A change that can move the result one way: events of `types` that,
  /// when `category` (`brand`) is nonzero, touched a category (brand)
  /// with one of those mask bits.
  struct change_trigger {
    uint32_t types = 0;
    uint32_t category = 0;
    uint32_t brand = 0;
  };

 private:
  explicit condition(node root);
  /// Computes uses_now_, rises_ and falls_ from the tree
  /// (condition_changes.cpp).
  void analyse_changes();
  /// A few triggers, inline: segments check them after every event.
  struct trigger_set {
    static constexpr size_t capacity = 4;
    std::array<change_trigger, capacity> triggers{};
    uint8_t size = 0;
  };
  static bool fires(const trigger_set& set, const profile_change& c) {
    if (c.types == profile_change::everything().types)
      return true;
    for (size_t i = 0; i < set.size; ++i) {
      auto& t = set.triggers[i];
      if ((t.types & c.types) && (!t.category || (t.category & c.categories)) &&
          (!t.brand || (t.brand & c.brands)))
        return true;
    }
    return false;
  }

  static bool has_key(const trigger_set& set) {
    for (size_t i = 0; i < set.size; ++i)
      if (set.triggers[i].category || set.triggers[i].brand)
        return true;
    return false;
  }
  static uint32_t types_of(const trigger_set& set) {
    uint32_t types = 0;
    for (size_t i = 0; i < set.size; ++i)
      types |= set.triggers[i].types;
    return types;
  }

  bool matches_tree(const profile& p, std::string_view user, const read_context& ctx) const;

  /// A condition that is one numeric comparison of a lifetime count (the
  /// commonest live segment), tested without walking the tree.
  struct count_test {
    bool active = false;
    uint8_t type_index = 0;
    op kind = op::eq;
    double number = 0;
    bool holds(uint32_t count) const {
      return compare_numbers(kind, static_cast<double>(count), number).value();
    }
  };

  std::shared_ptr<const node> root_;
  count_test count_test_;
  bool uses_now_ = false;
  trigger_set rises_, falls_;
  bool time_rises_ = false, time_falls_ = false;
};

}  // namespace persona
