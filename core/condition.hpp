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

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/field_path.hpp"
#include "core/status.hpp"
#include "core/value.hpp"

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

  /// Event types (bits of 1 << type) whose events can change the result;
  /// attribute changes and the passing of time aside.
  uint32_t affected_by() const { return affected_by_; }
  /// The segments the condition refers to.
  std::vector<segment_id> referenced_segments() const;
  /// Whether the result can change with "now" alone (windows, tags,
  /// recency, risk), so it needs re-evaluation as time passes.
  bool uses_now() const { return uses_now_; }

  /// True if the profile of `user` satisfies the condition at ctx.now_ms.
  bool matches(const profile& p, std::string_view user, const read_context& ctx) const;

  enum class op : uint8_t { all, any, negate, eq, ne, lt, le, gt, ge, in, exists, has_tag, in_segment };

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

 private:
  explicit condition(node root);
  std::shared_ptr<const node> root_;
  uint32_t affected_by_ = 0;
  bool uses_now_ = false;
};

}  // namespace persona
