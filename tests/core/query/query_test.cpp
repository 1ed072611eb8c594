#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/query/query.hpp"
#include "test_util.hpp"

namespace Catch {
template <>
struct StringMaker<persona::value> {
  static std::string convert(const persona::value& v) { return v.to_json(); }
};
}  // namespace Catch

using namespace persona;
using namespace persona::test;

namespace {

const value where = field_cond("counts.view", ">", value{0});

/// The message of the error `options` give; checks it is a bad_request.
std::string error_of(const value& options, const value& condition = where) {
  auto q = parse_query(condition, options, t0);
  REQUIRE_FALSE(q.ok());
  CHECK(q.error().code() == error_code::bad_request);
  return q.error().message();
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

value strings(std::vector<std::string> items) {
  value::array out;
  for (auto& s : items)
    out.emplace_back(s);
  return value{std::move(out)};
}

}  // namespace

TEST_CASE("a query without options asks for 100 ids at the default now, with no aggregates") {
  for (auto options : {value{}, value{value::map{}}}) {
    auto q = parse_query(where, options, t0);
    REQUIRE(q.ok());
    CHECK(q->where == where);
    CHECK(q->now_ms == t0);
    CHECK(q->limit == default_query_limit);
    CHECK(q->limit == 100);
    CHECK(q->fields.empty());
    CHECK(q->aggregates.empty());
  }
  // A nil option is an absent one.
  auto q = parse_query(where, map_of({{"limit", value{}}, {"now", value{}}, {"fields", value{}}}), t0);
  REQUIRE(q.ok());
  CHECK(q->limit == 100);
  CHECK(q->now_ms == t0);
}

TEST_CASE("a query's options are taken as given") {
  auto q = parse_query(
      where,
      map_of({{"limit", value{0}},
              {"now", value{t0 + 5}},
              {"fields", strings({"rfm", "user"})},
              {"aggregate",
               value{value::array{map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"sum"}}})}}}}),
      t0);
  REQUIRE(q.ok());
  CHECK(q->limit == 0);
  CHECK(q->now_ms == t0 + 5);
  CHECK(q->fields == std::vector<std::string>{"rfm", "user"});
  REQUIRE(q->aggregates.size() == 1);
  CHECK(q->aggregates[0].field == "rfm.monetary");
  CHECK(q->aggregates[0].fn == aggregate_fn::sum);
  auto most = parse_query(where, map_of({{"limit", value{uint64_t{max_query_limit}}}}), t0);
  REQUIRE(most.ok());
  CHECK(most->limit == 10000);
}

TEST_CASE("bad query options are refused, each naming its option") {
  CHECK(mentions(error_of(value{"all"}), "options must be a map"));
  CHECK(mentions(error_of(value{value::array{}}), "options must be a map"));
  for (auto limit : {value{-1}, value{10001}, value{"ten"}, value{2.5}, value{true}})
    CHECK(mentions(error_of(map_of({{"limit", limit}})), "options.limit"));
  for (auto now : {value{-1}, value{max_event_ts_ms + 1}, value{"yesterday"}, value{1.5}})
    CHECK(mentions(error_of(map_of({{"now", now}})), "options.now"));
  CHECK(mentions(error_of(map_of({{"fields", value{"rfm"}}})), "options.fields"));
  CHECK(mentions(error_of(map_of({{"fields", strings({"rfm", "rfm.monetary"})}})), "'rfm.monetary'"));
  CHECK(mentions(error_of(map_of({{"fields", value{value::array{value{3}}}}})), "'3'"));
  CHECK(mentions(error_of(map_of({{"aggregate", value{"avg"}}})), "options.aggregate"));
  // The condition is checked first, and names its own bad part.
  CHECK(mentions(error_of(map_of({{"limit", value{-1}}}), field_cond("counts.bogus", ">", value{0})),
                 "where.field"));
}

TEST_CASE("a segment condition is checked against the segments the node knows") {
  segment_directory directory;
  directory.names = {"vip"};
  auto in_vip = map_of({{"segment", value{"vip"}}});
  CHECK(parse_query(in_vip, value{}, t0, &directory).ok());
  auto unknown = parse_query(map_of({{"segment", value{"whales"}}}), value{}, t0, &directory);
  REQUIRE_FALSE(unknown.ok());
  CHECK(mentions(unknown.error().message(), "whales"));
  CHECK_FALSE(parse_query(in_vip, value{}, t0).ok());  // no segments known
}

TEST_CASE("the now option: absent or nil gives the fallback, else milliseconds within the protocol's range") {
  CHECK(*parse_now_option(value{value::map{}}, 42) == 42);
  CHECK(*parse_now_option(value{}, 42) == 42);
  CHECK(*parse_now_option(map_of({{"now", value{}}}), 42) == 42);
  CHECK(*parse_now_option(map_of({{"now", value{0}}}), 42) == 0);
  CHECK(*parse_now_option(map_of({{"now", value{max_event_ts_ms}}}), 42) == max_event_ts_ms);
  CHECK(*parse_now_option(map_of({{"now", value{uint64_t{7}}}}), 42) == 7);
  auto late = parse_now_option(map_of({{"now", value{max_event_ts_ms + 1}}}), 42);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code() == error_code::bad_request);
  CHECK(mentions(late.error().message(), std::to_string(max_event_ts_ms)));
}

TEST_CASE("the fields option: top-level profile keys only") {
  CHECK(parse_fields_option(value{value::map{}})->empty());
  CHECK(parse_fields_option(map_of({{"fields", value{}}}))->empty());
  CHECK(*parse_fields_option(map_of({{"fields", strings({"tags", "segments"})}})) ==
        std::vector<std::string>{"tags", "segments"});
  CHECK(parse_fields_option(map_of({{"fields", value{value::array{}}}}))->empty());
  auto bad = parse_fields_option(map_of({{"fields", strings({"tags", "tag"})}}));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == error_code::bad_request);
  CHECK(mentions(bad.error().message(), "'tag' is not a profile key"));
}

TEST_CASE("partials merge: counts add up, users stop at the limit, aggregates merge position by position") {
  aggregate_spec avg;
  avg.field = "rfm.monetary";
  query_partial a;
  a.count = 3;
  a.users = {value{"a1"}, value{"a2"}};
  a.aggregates.resize(1);
  a.aggregates[0].add(10, avg);
  a.aggregates[0].add(20, avg);

  query_partial b;
  b.count = 5;
  b.users = {value{"b1"}, value{"b2"}, value{"b3"}};
  b.aggregates.resize(1);
  b.aggregates[0].add(60, avg);

  query_partial merged;
  merged.merge(std::move(a), 4);
  merged.merge(std::move(b), 4);
  CHECK(merged.count == 8);
  CHECK(merged.users == std::vector<value>{value{"a1"}, value{"a2"}, value{"b1"}, value{"b2"}});
  REQUIRE(merged.aggregates.size() == 1);
  CHECK(merged.aggregates[0].n == 3);
  CHECK(merged.aggregates[0].sum == 90);
  CHECK(merged.aggregates[0].min == 10);
  CHECK(merged.aggregates[0].max == 60);

  // A limit of 0 keeps the count and no users.
  query_partial none;
  query_partial c;
  c.count = 2;
  c.users = {value{"c1"}};
  none.merge(std::move(c), 0);
  CHECK(none.count == 2);
  CHECK(none.users.empty());
}

TEST_CASE("finish_query renders count, users and one answer per aggregate asked") {
  auto q = parse_query(
      where,
      map_of({{"aggregate",
               value{value::array{map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"avg"}}}),
                                  map_of({{"field", value{"counts.view"}}, {"fn", value{"sum"}}})}}}}),
      t0);
  REQUIRE(q.ok());
  query_partial merged;
  merged.count = 2;
  merged.users = {value{"u1"}, value{"u2"}};
  merged.aggregates.resize(1);  // the second aggregate saw no values
  merged.aggregates[0].add(10, q->aggregates[0]);
  merged.aggregates[0].add(30, q->aggregates[0]);
  auto out = finish_query(*q, merged);
  CHECK(
      out ==
      map_of(
          {{"count", value{2}},
           {"users", value{value::array{value{"u1"}, value{"u2"}}}},
           {"aggregates",
            value{value::array{
                map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"avg"}}, {"value", value{20.0}}}),
                map_of({{"field", value{"counts.view"}}, {"fn", value{"sum"}}, {"value", value{0.0}}})}}}}));
  // No aggregates asked: an empty list.
  auto plain = parse_query(where, value{}, t0);
  REQUIRE(plain.ok());
  CHECK(*finish_query(*plain, query_partial{}).find("aggregates") == value{value::array{}});
  CHECK(*finish_query(*plain, query_partial{}).find("count") == value{0});
}
