#include "core/query/condition.hpp"

#include <algorithm>
#include <cmath>

#include "core/profile/tags.hpp"

namespace persona {

namespace {

using node = condition::node;
using op = condition::op;

status bad(const std::string& where, const std::string& what) {
  return {error_code::bad_request, where + ": " + what};
}

struct op_name {
  const char* name;
  op kind;
};

constexpr op_name kOps[] = {{"==", op::eq}, {"!=", op::ne}, {"<", op::lt},  {"<=", op::le},
                            {">", op::gt},  {">=", op::ge}, {"in", op::in}, {"exists", op::exists}};

/// What compiling needs besides the condition itself.
struct compile_env {
  const symbol_table* symbols;
  const segment_directory* segments;
  symbol_table* interning = nullptr;
};

status compile_node(const value& v, const std::string& where, const compile_env& env, node& out, int depth) {
  if (depth > 32)
    return bad(where, "conditions nest at most 32 levels deep");
  if (!v.is_map() || v.as_map().empty())
    return bad(where,
               "a condition must be a map such as {\"field\": ..., \"op\": ..., \"value\": ...}, "
               "{\"and\": [...]}, {\"or\": [...]}, {\"not\": ...}, {\"tag\": ...} or {\"segment\": ...}");
  if (auto* list = v.find("and"); list || v.find("or")) {
    bool is_and = list != nullptr;
    const value* items = is_and ? list : v.find("or");
    std::string key = is_and ? "and" : "or";
    if (!items->is_array() || items->as_array().empty())
      return bad(where + "." + key, "must be a non-empty array of conditions");
    out.kind = is_and ? op::all : op::any;
    out.children.resize(items->as_array().size());
    const std::string prefix = where + "." + key + "[";
    for (size_t i = 0; i < out.children.size(); ++i) {
      std::string child = prefix;
      child += std::to_string(i);
      child += ']';
      auto st = compile_node(items->as_array()[i], child, env, out.children[i], depth + 1);
      if (!st.ok())
        return st;
    }
    return {};
  }
  if (auto* inner = v.find("not")) {
    out.kind = op::negate;
    out.children.resize(1);
    return compile_node(*inner, where + ".not", env, out.children[0], depth + 1);
  }
  if (auto* t = v.find("tag")) {
    auto parsed = t->is_string() ? tag_from_string(t->as_string()) : std::nullopt;
    if (!parsed)
      return bad(where + ".tag",
                 "unknown tag; tags are new, active, dormant, window_shopper, "
                 "cart_abandoner, high_value, loyal, bargain_hunter, churn_risk, risky");
    out.kind = op::has_tag;
    out.tag_index = static_cast<uint8_t>(*parsed);
    return {};
  }
  if (auto* s = v.find("segment")) {
    if (!s->is_string() || s->as_string().empty())
      return bad(where + ".segment", "must be a segment name");
    auto id = env.segments ? env.segments->find(s->as_string()) : std::nullopt;
    if (!id)
      return bad(where + ".segment", "unknown segment '" + s->as_string() +
                                         "': define it with define_segment before referring to it");
    out.kind = op::in_segment;
    out.segment = *id;
    return {};
  }
  auto* field = v.find("field");
  if (!field)
    return bad(where, "unknown condition: expected one of the keys field, and, or, not, tag, segment");
  if (!field->is_string())
    return bad(where + ".field", "must be a dotted path string such as \"rfm.monetary\"");
  auto ref = parse_field_path(field->as_string());
  if (!ref.ok())
    return bad(where + ".field", ref.error().message());
  out.field = std::move(*ref);
  out.list = out.field.is_list();
  if (env.interning && !out.field.name.empty())
    out.field.bound = env.interning->intern(out.field.name);
  else if (env.symbols)
    bind_field(out.field, *env.symbols);
  auto* o = v.find("op");
  if (!o || !o->is_string())
    return bad(where + ".op", "is required: one of ==, !=, <, <=, >, >=, in, exists");
  bool known = false;
  for (auto& k : kOps)
    if (o->as_string() == k.name) {
      out.kind = k.kind;
      known = true;
    }
  if (!known)
    return bad(where + ".op",
               "unknown operator '" + o->as_string() + "': use one of ==, !=, <, <=, >, >=, in, exists");
  if (out.kind == op::exists)
    return {};
  auto* operand = v.find("value");
  if (!operand || operand->is_nil())
    return bad(where + ".value", "is required with op " + o->as_string());
  if (out.kind == op::in) {
    if (!operand->is_array())
      return bad(where + ".value", "op in needs an array of values");
    for (auto& x : operand->as_array())
      if (!(x.is_number() || x.is_string() || x.is_bool()))
        return bad(where + ".value", "op in takes numbers, strings or booleans");
  } else if (!(operand->is_number() || operand->is_string() || operand->is_bool())) {
    return bad(where + ".value", "must be a number, a string or a boolean");
  }
  if (out.field.is_list()) {
    if (out.kind != op::eq && out.kind != op::ne && out.kind != op::in)
      return bad(where + ".op", "'" + out.field.path + "' is a list: use ==, != or in (contains)");
  } else if ((out.kind == op::lt || out.kind == op::le || out.kind == op::gt || out.kind == op::ge) &&
             operand->is_bool()) {
    return bad(where + ".value", "booleans cannot be ordered: use == or !=");
  }
  out.operand = *operand;
  out.numeric = operand->is_number();
  out.number = out.numeric ? operand->as_double() : 0;
  return {};
}

// Compares a present scalar with an operand; nullopt when the types differ.
std::optional<int> compare(const field_value& f, const value& operand) {
  if (f.type == field_value::kind::number && operand.is_number()) {
    double a = f.number, b = operand.as_double();
    if (std::isnan(a) || std::isnan(b))
      return std::nullopt;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (f.type == field_value::kind::text && operand.is_string()) {
    int c = f.text.compare(operand.as_string());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (f.type == field_value::kind::boolean && operand.is_bool())
    return f.flag == operand.as_bool() ? 0 : 1;
  return std::nullopt;
}

bool list_has(const profile& p, const field_ref& ref, const value& operand, const read_context& ctx) {
  return operand.is_string() && list_contains(p, ref, operand.as_string(), ctx);
}

bool eval(const node& n, const profile& p, std::string_view user, const read_context& ctx) {
  switch (n.kind) {
    case op::all:
      for (auto& c : n.children)
        if (!eval(c, p, user, ctx))
          return false;
      return true;
    case op::any:
      for (auto& c : n.children)
        if (eval(c, p, user, ctx))
          return true;
      return false;
    case op::negate:
      return !eval(n.children[0], p, user, ctx);
    case op::has_tag:
      return tag_holds(p, static_cast<tag>(n.tag_index), ctx.now_ms, ctx.cfg);
    case op::in_segment:
      return p.segments.contains(n.segment);
    default:
      break;
  }
  if (n.list) {
    switch (n.kind) {
      case op::exists:
        return n.field.kind != field_kind::segments;
      case op::eq:
        return list_has(p, n.field, n.operand, ctx);
      case op::ne:
        return !list_has(p, n.field, n.operand, ctx);
      case op::in:
        for (auto& x : n.operand.as_array())
          if (list_has(p, n.field, x, ctx))
            return true;
        return false;
      default:
        return false;
    }
  }
  // Lifetime counts, the commonest field of live segments, read directly.
  auto f = n.field.kind == field_kind::count ? field_value::of(p.counts[n.field.type_index])
                                             : read_field(p, user, n.field, ctx);
  if (f.type == field_value::kind::missing)
    return false;
  if (n.numeric && f.type == field_value::kind::number && !std::isnan(f.number)) {
    // The common case, without going through the operand's variant.
    if (auto r = condition::compare_numbers(n.kind, f.number, n.number))
      return *r;
  }
  switch (n.kind) {
    case op::exists:
      return true;
    case op::in:
      for (auto& x : n.operand.as_array())
        if (compare(f, x) == 0)
          return true;
      return false;
    default:
      break;
  }
  auto c = compare(f, n.operand);
  switch (n.kind) {
    case op::eq:
      return c && *c == 0;
    case op::ne:
      return !c || *c != 0;
    case op::lt:
      return c && *c < 0;
    case op::le:
      return c && *c <= 0;
    case op::gt:
      return c && *c > 0;
    case op::ge:
      return c && *c >= 0;
    default:
      return false;
  }
}

}  // namespace

condition::condition(node root) : root_(std::make_shared<node>(std::move(root))) {
  analyse_changes();
  auto& n = *root_;
  bool ordered = n.kind == op::eq || n.kind == op::ne || n.kind == op::lt || n.kind == op::le ||
                 n.kind == op::gt || n.kind == op::ge;
  if (ordered && n.numeric && !n.list && n.field.kind == field_kind::count && !std::isnan(n.number))
    count_test_ = count_test{true, n.field.type_index, n.kind, n.number};
}

result<condition> condition::compile(const value& where, const symbol_table* symbols,
                                     const segment_directory* segments) {
  node root;
  auto st = compile_node(where, "where", compile_env{symbols, segments}, root, 0);
  if (!st.ok())
    return st;
  return condition{std::move(root)};
}

std::vector<segment_id> condition::referenced_segments() const {
  std::vector<segment_id> out;
  std::vector<const node*> stack{root_.get()};
  while (!stack.empty()) {
    auto* n = stack.back();
    stack.pop_back();
    if (n->kind == op::in_segment)
      out.push_back(n->segment);
    for (auto& c : n->children)
      stack.push_back(&c);
  }
  return out;
}

result<condition> condition::compile_interning(const value& where, symbol_table& symbols,
                                               const segment_directory* segments) {
  node root;
  auto st = compile_node(where, "where", compile_env{&symbols, segments, &symbols}, root, 0);
  if (!st.ok())
    return st;
  return condition{std::move(root)};
}

bool condition::matches_tree(const profile& p, std::string_view user, const read_context& ctx) const {
  return eval(*root_, p, user, ctx);
}

}  // namespace persona
