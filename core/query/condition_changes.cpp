// What can change a compiled condition's result (condition.hpp:
// uses_now, can_rise, can_fall), from its tree.
#include <algorithm>

#include "core/profile/tags.hpp"
#include "core/query/condition.hpp"

namespace persona {

namespace {

using node = condition::node;
using op = condition::op;
using trigger = condition::change_trigger;

constexpr uint32_t all_types = (1u << event_type_count) - 1;

uint32_t type_bit(event_type t) {
  return 1u << static_cast<unsigned>(t);
}

/// Which event types can change a field, and whether time alone can.
void field_dependence(const field_ref& f, uint32_t& types, bool& now) {
  switch (f.kind) {
    case field_kind::user:
    case field_kind::attribute:
      return;  // set_attributes refreshes every segment of its profile
    case field_kind::count:
      types |= 1u << f.type_index;
      return;
    case field_kind::window:
      types |= 1u << f.type_index;
      now = true;
      return;
    case field_kind::rfm_frequency:
    case field_kind::rfm_monetary:
    case field_kind::rfm_avg_order_value:
      types |= type_bit(event_type::purchase) | type_bit(event_type::refund);
      return;
    case field_kind::rfm_recency_days:
      types |= type_bit(event_type::purchase) | type_bit(event_type::refund);
      now = true;
      return;
    case field_kind::purchase_cycle_days:
    case field_kind::price_avg_purchased:
      types |= type_bit(event_type::purchase) | type_bit(event_type::refund);
      return;
    case field_kind::risk_score:
    case field_kind::risk_flags:
    case field_kind::tags:
    case field_kind::segments:
    case field_kind::predict_churn_risk:
    case field_kind::predict_purchase_propensity:
      types |= all_types;
      now = true;
      return;
    default:
      types |= all_types;
      return;
  }
}

/// The types and time dependence of one leaf (a comparison, tag or segment).
void leaf_dependence(const node& n, uint32_t& types, bool& now) {
  switch (n.kind) {
    case op::has_tag:
      types |= tag_event_types(static_cast<tag>(n.tag_index));
      now = true;
      return;
    case op::in_segment:
      types |= all_types;
      now = true;
      return;
    default:
      field_dependence(n.field, types, now);
  }
}

void add_trigger(std::vector<trigger>& to, const trigger& t) {
  if (t.types == 0)
    return;
  for (auto& x : to)
    if (x.category == t.category && x.brand == t.brand) {
      x.types |= t.types;
      return;
    }
  to.push_back(t);
}

/// The ways a subtree can turn true (rise) and false (fall): by events,
/// and by time passing alone.
struct transitions {
  std::vector<trigger> rise, fall;
  bool time_rise = false, time_fall = false;

  void add(const transitions& o) {
    for (auto& t : o.rise)
      add_trigger(rise, t);
    for (auto& t : o.fall)
      add_trigger(fall, t);
    time_rise |= o.time_rise;
    time_fall |= o.time_fall;
  }
};

/// Which way time alone moves a leaf. Window counts only lose buckets as
/// "now" advances, recency only grows; a tag as tag_time_moves() says.
void time_direction(const node& n, bool now, bool& rise, bool& fall) {
  rise = fall = false;
  if (n.kind == op::has_tag) {
    auto moves = tag_time_moves(static_cast<tag>(n.tag_index));
    rise = moves.rise;
    fall = moves.fall;
    return;
  }
  if (!now)
    return;
  bool upward = n.kind == op::ge || n.kind == op::gt;
  bool downward = n.kind == op::lt || n.kind == op::le;
  bool ordered_number = (upward || downward) && n.numeric && !n.list;
  if (ordered_number && n.field.kind == field_kind::window) {
    // The count shrinks: `>=` can only fall, `<` only rise.
    fall = upward;
    rise = downward;
    return;
  }
  if (ordered_number && n.field.kind == field_kind::rfm_recency_days) {
    rise = upward;
    fall = downward;
    return;
  }
  rise = fall = true;
}

/// A comparison of a field that events move one way at a time: `grows`
/// says which changes can raise the field, `shrinks` which can lower it.
/// A `>=` or `>` comparison rises only when the field grows; `<` and `<=`
/// the other way round.
transitions directed(op kind, const trigger& grows, const trigger& shrinks) {
  transitions t;
  if (kind == op::ge || kind == op::gt) {
    add_trigger(t.rise, grows);
    add_trigger(t.fall, shrinks);
  } else {
    add_trigger(t.rise, shrinks);
    add_trigger(t.fall, grows);
  }
  return t;
}

transitions leaf_event_transitions(const node& n, uint32_t types, bool now);

transitions leaf_transitions(const node& n) {
  uint32_t types = 0;
  bool now = false;
  leaf_dependence(n, types, now);
  bool time_rise = false, time_fall = false;
  time_direction(n, now, time_rise, time_fall);
  auto t = leaf_event_transitions(n, types, now);
  t.time_rise = time_rise;
  t.time_fall = time_fall;
  return t;
}

/// How events move a leaf (its time directions aside).
transitions leaf_event_transitions(const node& n, uint32_t types, bool now) {
  transitions either;  // any change of the types it depends on, either way
  add_trigger(either.rise, {types, 0, 0});
  add_trigger(either.fall, {types, 0, 0});
  bool ordered = n.kind == op::ge || n.kind == op::gt || n.kind == op::lt || n.kind == op::le;
  bool upward = n.kind == op::ge || n.kind == op::gt;
  if (now || n.list || !ordered || !n.numeric)
    return either;
  const uint32_t purchase = type_bit(event_type::purchase), refund = type_bit(event_type::refund);
  switch (n.field.kind) {
    case field_kind::count:
      return directed(n.kind, {types, 0, 0}, {});  // lifetime counts never go down
    case field_kind::rfm_frequency:
      return directed(n.kind, {purchase, 0, 0}, {});  // purchases; refunds do not undo them
    case field_kind::rfm_monetary:
      return directed(n.kind, {purchase, 0, 0}, {refund, 0, 0});  // prices are >= 0
    case field_kind::category_affinity:
    case field_kind::brand_affinity: {
      // A share grows only when its own key gains weight; any other key's
      // gain shrinks it, or evicts it from the table (the field is then
      // missing, which no comparison matches). Absent-then-present breaks
      // the order for `<` and `<=`, so only `>=` and `>` are directed.
      if (!upward || n.field.bound == symbol_table::missing)
        return either;
      bool category = n.field.kind == field_kind::category_affinity;
      trigger own{types, category ? symbol_bit(n.field.bound) : 0, category ? 0 : symbol_bit(n.field.bound)};
      return directed(n.kind, own, {types, 0, 0});
    }
    default:
      return either;
  }
}

transitions analyse(const node& n, uint32_t& types, bool& now) {
  transitions t;
  switch (n.kind) {
    case op::all:
    case op::any:
      // Either turns over only when one of its children does.
      for (auto& c : n.children)
        t.add(analyse(c, types, now));
      return t;
    case op::negate: {
      auto inner = analyse(n.children[0], types, now);
      std::swap(inner.rise, inner.fall);
      std::swap(inner.time_rise, inner.time_fall);
      return inner;
    }
    default:
      leaf_dependence(n, types, now);
      return leaf_transitions(n);
  }
}

}  // namespace

namespace {

/// Keeps `from` inline; when it does not fit, the last ones merge into one
/// trigger on their types alone, which fires at least as often.
template <class Set>
void keep(const std::vector<trigger>& from, Set& to) {
  to.size = 0;
  for (auto& t : from) {
    if (to.size < Set::capacity) {
      to.triggers[to.size++] = t;
    } else {
      auto& last = to.triggers[Set::capacity - 1];
      last = trigger{last.types | t.types, 0, 0};
    }
  }
}

}  // namespace

void condition::analyse_changes() {
  uint32_t types = 0;  // every type the condition depends on: the triggers say more
  auto t = analyse(*root_, types, uses_now_);
  keep(t.rise, rises_);
  keep(t.fall, falls_);
  time_rises_ = t.time_rise;
  time_falls_ = t.time_fall;
}

}  // namespace persona
