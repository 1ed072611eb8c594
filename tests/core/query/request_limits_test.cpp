// The bounds on the work one query or segment definition may ask for.
#include <catch2/catch.hpp>
#include <string>

#include "core/query/request_limits.hpp"

using namespace persona;

namespace {

value leaf(const std::string& field, int64_t n) {
  value v{value::map{}};
  v.set("field", value{field});
  v.set("op", value{">="});
  v.set("value", value{n});
  return v;
}

value in_leaf(size_t values) {
  value::array list;
  for (size_t i = 0; i < values; ++i)
    list.emplace_back(value{"item" + std::to_string(i)});
  value v{value::map{}};
  v.set("field", value{"recent_items"});
  v.set("op", value{"in"});
  v.set("value", value{std::move(list)});
  return v;
}

value combined(const char* key, value::array children) {
  value v{value::map{}};
  v.set(key, value{std::move(children)});
  return v;
}

}  // namespace

TEST_CASE("a condition within the bounds passes") {
  value::array children{leaf("counts.view", 1), in_leaf(1000)};
  CHECK(check_condition_limits(combined("and", children), request_limits{}).ok());
}

TEST_CASE("an in of more values than the bound is refused naming its path and flag") {
  value::array children{leaf("counts.view", 1), leaf("counts.cart", 1), leaf("counts.purchase", 1),
                        in_leaf(1204)};
  auto st = check_condition_limits(combined("and", children), request_limits{});
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == error_code::bad_request);
  CHECK(st.message() == "where.and[3].value: 1204 values in an in, at most 1000 (--max-in-values)");
}

TEST_CASE("a condition of more nodes than the bound is refused naming the first past it") {
  request_limits limits;
  limits.max_condition_nodes = 10;
  value::array inner;
  for (int i = 0; i < 12; ++i)
    inner.push_back(leaf("counts.view", i));
  value::map negated;
  negated.emplace_back("not", combined("or", inner));
  auto st = check_condition_limits(value{negated}, limits);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() ==
        "where.not.or[8]: the condition has 14 nodes, at most 10 (--max-condition-nodes); this one is the "
        "first past the bound");
  limits.max_condition_nodes = 14;
  CHECK(check_condition_limits(value{negated}, limits).ok());
}

TEST_CASE("more aggregates than the bound are refused") {
  value::array aggs;
  for (int i = 0; i < 33; ++i) {
    value a{value::map{}};
    a.set("field", value{"counts.view"});
    a.set("fn", value{"sum"});
    aggs.push_back(a);
  }
  auto st = check_aggregate_limits(value{aggs}, request_limits{});
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == "options.aggregate: 33 aggregates, at most 32 (--max-aggregates)");
  aggs.pop_back();
  CHECK(check_aggregate_limits(value{aggs}, request_limits{}).ok());
  CHECK(check_aggregate_limits(value{}, request_limits{}).ok());
}
