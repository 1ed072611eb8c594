#include "core/query/request_limits.hpp"

#include <string>

namespace persona {

namespace {

/// Deeper conditions are the compiler's to refuse; the walk stops there.
constexpr int max_walk_depth = 64;

status over(const std::string& where, size_t n, const char* what, size_t most, const char* flag) {
  return {error_code::bad_request, where + ": " + std::to_string(n) + " " + what + ", at most " +
                                       std::to_string(most) + " (--" + flag + ")"};
}

/// A walk's tally: the nodes seen and where the first one over the bound is.
struct tally {
  size_t nodes = 0;
  std::string first_over;
};

/// Counts the condition nodes under `v`; an error at an `in` over its bound.
status walk(const value& v, const std::string& where, const request_limits& limits, tally& t, int depth) {
  if (!v.is_map() || depth > max_walk_depth)
    return {};
  if (++t.nodes == limits.max_condition_nodes + 1)
    t.first_over = where;
  for (const char* key : {"and", "or"}) {
    auto* items = v.find(key);
    if (!items || !items->is_array())
      continue;
    auto& list = items->as_array();
    for (size_t i = 0; i < list.size(); ++i) {
      std::string child = where + "." + key + "[" + std::to_string(i) + "]";
      if (auto st = walk(list[i], child, limits, t, depth + 1); !st.ok())
        return st;
    }
    return {};
  }
  if (auto* inner = v.find("not"))
    return walk(*inner, where + ".not", limits, t, depth + 1);
  auto* op = v.find("op");
  auto* operand = v.find("value");
  if (op && op->is_string() && op->as_string() == "in" && operand && operand->is_array() &&
      operand->as_array().size() > limits.max_in_values)
    return over(where + ".value", operand->as_array().size(), "values in an in", limits.max_in_values,
                "max-in-values");
  return {};
}

}  // namespace

status check_condition_limits(const value& where, const request_limits& limits) {
  tally t;
  if (auto st = walk(where, "where", limits, t, 0); !st.ok())
    return st;
  if (t.nodes > limits.max_condition_nodes)
    return {error_code::bad_request, t.first_over + ": the condition has " + std::to_string(t.nodes) +
                                         " nodes, at most " + std::to_string(limits.max_condition_nodes) +
                                         " (--max-condition-nodes); this one is the first past the bound"};
  return {};
}

status check_aggregate_limits(const value& aggregate, const request_limits& limits) {
  if (aggregate.is_array() && aggregate.as_array().size() > limits.max_aggregates)
    return over("options.aggregate", aggregate.as_array().size(), "aggregates", limits.max_aggregates,
                "max-aggregates");
  return {};
}

}  // namespace persona
