#include <catch2/catch.hpp>

#include "core/query/aggregate.hpp"
#include "core/query/query.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("partials merge into the same answer as one pass") {
  aggregate_spec avg;
  avg.fn = aggregate_fn::avg;
  aggregate_partial whole, a, b;
  std::vector<double> xs = {3, 9, -2, 7.5, 11, 0};
  for (size_t i = 0; i < xs.size(); ++i) {
    whole.add(xs[i], avg);
    (i % 2 ? a : b).add(xs[i], avg);
  }
  aggregate_partial merged;
  merged.merge(a);
  merged.merge(b);
  CHECK(merged.n == whole.n);
  CHECK(merged.sum == Approx(whole.sum));
  CHECK(merged.min == -2);
  CHECK(merged.max == 11);
  CHECK(finish_aggregate(avg, merged).find("value")->as_double() == Approx(28.5 / 6));
}

TEST_CASE("an aggregate over no values is nil, a sum is zero") {
  aggregate_partial none;
  aggregate_spec s;
  s.fn = aggregate_fn::min;
  CHECK(finish_aggregate(s, none).find("value")->is_nil());
  s.fn = aggregate_fn::sum;
  CHECK(finish_aggregate(s, none).find("value")->as_double() == 0.0);
}

TEST_CASE("histograms count each value in one bin, the last bin closed") {
  aggregate_spec h;
  h.fn = aggregate_fn::histogram;
  h.edges = equal_width_edges(0, 10, 5);
  REQUIRE(h.edges.size() == 6);
  aggregate_partial p;
  for (double x : {0.0, 1.9, 2.0, 5.0, 9.9, 10.0, 11.0})
    p.add(x, h);
  REQUIRE(p.counts.size() == 5);
  CHECK(p.counts[0] == 2);
  CHECK(p.counts[1] == 1);
  CHECK(p.counts[2] == 1);
  CHECK(p.counts[4] == 2);  // 9.9 and 10; 11 is outside explicit edges
  h.clamp = true;
  aggregate_partial clamped;
  clamped.add(11.0, h);
  clamped.add(-1.0, h);
  CHECK(clamped.counts[4] == 1);
  CHECK(clamped.counts[0] == 1);
}

TEST_CASE("aggregate and query options are validated with the parameter named") {
  auto bad = [](value aggs) {
    auto r = parse_aggregates(aggs);
    REQUIRE_FALSE(r.ok());
    return r.error().message();
  };
  CHECK(bad(value{value::array{map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"median"}}})}})
            .find("options.aggregate[0].fn") != std::string::npos);
  CHECK(bad(value{value::array{map_of({{"field", value{"tags"}}, {"fn", value{"avg"}}})}}).find("list") !=
        std::string::npos);
  CHECK(bad(value{value::array{
                map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"histogram"}}, {"bins", value{0}}})}})
            .find("bins") != std::string::npos);
  auto ok = parse_aggregates(
      value{value::array{map_of({{"field", value{"rfm.monetary"}},
                                 {"fn", value{"histogram"}},
                                 {"bins", value{value::array{value{0}, value{10}, value{100}}}}})}});
  REQUIRE(ok.ok());
  CHECK((*ok)[0].bins == 2);
  CHECK_FALSE((*ok)[0].needs_range());

  auto where = field_cond("counts.view", ">", value{0});
  CHECK(parse_query(where, map_of({{"limit", value{10001}}}), t0).error().message().find("options.limit") !=
        std::string::npos);
  CHECK(parse_query(where, map_of({{"fields", value{value::array{value{"bogus"}}}}}), t0)
            .error()
            .message()
            .find("options.fields") != std::string::npos);
  CHECK(parse_query(where, map_of({{"now", value{"yesterday"}}}), t0).error().message().find("options.now") !=
        std::string::npos);
  auto q = parse_query(where, value{}, t0);
  REQUIRE(q.ok());
  CHECK(q->limit == 100);
  CHECK(q->now_ms == t0);
}
