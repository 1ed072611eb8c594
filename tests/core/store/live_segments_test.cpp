// live_segments: incremental membership equals a full evaluation after
// random streams, changes are reported in order, time moves members out
// without events, definitions are checked and persist; and the class's own
// contract: ids, definitions, member pages, sweeps and change collection.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "core/storage/file_io.hpp"
#include "core/storage/shard_recovery.hpp"
#include "core/storage/snapshot_file.hpp"
#include "core/store/live_segments.hpp"
#include "core/store/profile_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

value parse(const std::string& field, const std::string& op, value v) {
  return field_cond(field, op, std::move(v));
}

/// Membership as a fresh evaluation of every condition at `now` says.
void check_membership_is_exact(const profile_store& s, int users, int64_t now) {
  auto& dir = s.segments().directory();
  for (int u = 0; u < users; ++u) {
    auto user = "u" + std::to_string(u);
    auto* p = s.find(user);
    if (!p)
      continue;
    for (segment_id id = 0; id < dir.names.size(); ++id) {
      if (dir.names[id].empty())
        continue;
      auto where = s.segments().where(id);
      REQUIRE(where);
      auto c = condition::compile(*where, &s.symbols(), &dir);
      REQUIRE(c.ok());
      read_context ctx{now, s.symbols(), s.config(), &dir};
      bool expected = c->matches(*p, user, ctx);
      bool actual = p->segments.contains(id);
      INFO("user " << user << " segment " << dir.names[id]);
      CHECK(expected == actual);
    }
  }
}

std::vector<event> random_stream(std::mt19937& rng, int n, int users, int64_t ts0) {
  std::vector<event> out;
  for (int i = 0; i < n; ++i) {
    auto user = "u" + std::to_string(rng() % users);
    auto type = static_cast<event_type>(rng() % 5);
    auto e = make_event(user, type, ts0 + i * 60000, "i" + std::to_string(rng() % 20));
    if (type == event_type::purchase)
      e = with_price(e, 5 + rng() % 80);
    out.push_back(e);
  }
  return out;
}

std::vector<uint32_t> indices(size_t n) {
  std::vector<uint32_t> idx(n);
  for (size_t i = 0; i < n; ++i)
    idx[i] = static_cast<uint32_t>(i);
  return idx;
}

}  // namespace

TEST_CASE("incremental membership equals a full evaluation after random streams, attributes and deletes") {
  profile_store s;
  std::mt19937 rng(GENERATE(1u, 2u, 3u));
  s.apply(random_stream(rng, 500, 60, t0), indices(500));
  REQUIRE(s.segments()
              .define(s, "buyers", parse("counts.purchase", ">=", value{int64_t{2}}), s.newest_event_ms())
              .ok());
  REQUIRE(s.segments().define(s, "big", parse("rfm.monetary", ">", value{100.0}), s.newest_event_ms()).ok());
  REQUIRE(s.segments()
              .define(s, "gold", parse("attributes.tier", "==", value{"gold"}), s.newest_event_ms())
              .ok());
  value both{value::map{}};
  both.set("and",
           value{value::array{value{value::map{{"segment", value{"buyers"}}}},
                              value{value::map{{"not", value{value::map{{"segment", value{"gold"}}}}}}}}});
  REQUIRE(s.segments().define(s, "buyers_not_gold", both, s.newest_event_ms()).ok());
  REQUIRE(s.segments()
              .define(s, "clickers_this_week", parse("windows.7d.click", ">=", value{int64_t{1}}),
                      s.newest_event_ms())
              .ok());
  // Segments time moves either way: a sweep evaluates only the members
  // of those time can end and the non-members of those it can start.
  std::vector<std::pair<std::string, value>> timed = {
      {"dormant", value{value::map{{"tag", value{"dormant"}}}}},
      {"active", value{value::map{{"tag", value{"active"}}}}},
      {"new", value{value::map{{"tag", value{"new"}}}}},
      {"churning", value{value::map{{"tag", value{"churn_risk"}}}}},
      {"window", value{value::map{{"tag", value{"window_shopper"}}}}},
      {"carts", value{value::map{{"tag", value{"cart_abandoner"}}}}},
      {"loyal", value{value::map{{"tag", value{"loyal"}}}}},
      {"lapsed_buyer", parse("rfm.recency_days", ">=", value{2.0})},
      {"recent_buyer", parse("rfm.recency_days", "<", value{1.0})},
      {"few_views_24h", parse("windows.24h.view", "<", value{int64_t{2}})},
      {"no_click_hour", combine("not", {parse("windows.1h.click", ">=", value{int64_t{1}})})},
      {"lapsed_clicker", combine("and", {parse("counts.click", ">=", value{int64_t{1}}),
                                         parse("windows.7d.click", "==", value{int64_t{0}})})},
  };
  for (auto& [name, where] : timed)
    REQUIRE(s.segments().define(s, name, where, s.newest_event_ms()).ok());
  value gold{value::map{}};
  gold.set("tier", value{"gold"});
  int64_t ts = t0 + days(1);
  for (int round = 0; round < 20; ++round) {
    auto batch = random_stream(rng, 100, 60, ts);
    ts += round == 9 ? days(40) : 100 * 60000;  // and once a long quiet spell
    s.apply(batch, indices(batch.size()));
    s.set_attributes("u" + std::to_string(rng() % 60), gold);
    if (round % 5 == 4)
      s.erase("u" + std::to_string(rng() % 60));
    if (round % 4 == 3) {
      s.segments().sweep(s, s.newest_event_ms(), 0, s.slot_count());
      check_membership_is_exact(s, 60, s.newest_event_ms());
    }
  }
  // Time-dependent segments catch up with a sweep; then all is exact.
  s.segments().sweep(s, s.newest_event_ms(), 0, s.slot_count());
  check_membership_is_exact(s, 60, s.newest_event_ms());
  // Sizes count the members.
  for (segment_id id = 0; id < s.segments().directory().names.size(); ++id) {
    uint64_t members = 0;
    for (int u = 0; u < 60; ++u)
      if (auto* p = s.find("u" + std::to_string(u)))
        members += p->segments.contains(id);
    CHECK(s.segments().size(id) == members);
  }
}

TEST_CASE("membership changes are reported in order per user, enter then exit") {
  profile_store s;
  REQUIRE(s.segments().define(s, "carted", parse("counts.add_to_cart", ">=", value{int64_t{1}}), t0).ok());
  REQUIRE(s.segments().define(s, "gold", parse("attributes.tier", "==", value{"gold"}), t0).ok());
  s.segments().collect_changes(true);
  s.apply(
      {make_event("a", event_type::view, t0, "i1"), make_event("a", event_type::add_to_cart, t0 + 1, "i1")},
      indices(2));
  value gold{value::map{}};
  gold.set("tier", value{"gold"});
  s.set_attributes("a", gold);
  value none{value::map{}};
  none.set("tier", value{});
  s.set_attributes("a", none);
  s.erase("a");
  auto changes = s.segments().take_changes();
  REQUIRE(changes.size() == 4);
  auto name = [&](const segment_change& c) { return s.segments().directory().names[c.segment]; };
  CHECK((name(changes[0]) == "carted" && changes[0].entered));
  CHECK((name(changes[1]) == "gold" && changes[1].entered));
  CHECK((name(changes[2]) == "gold" && !changes[2].entered));
  CHECK((name(changes[3]) == "carted" && !changes[3].entered));
  CHECK(s.segments().size(*s.segments().directory().find("carted")) == 0);
}

TEST_CASE("time moves a user out of a window segment without events of theirs") {
  profile_store s;
  REQUIRE(
      s.segments().define(s, "viewed_last_hour", parse("windows.1h.view", ">=", value{int64_t{1}}), t0).ok());
  s.apply({make_event("quiet", event_type::view, t0, "i1")}, indices(1));
  auto id = *s.segments().directory().find("viewed_last_hour");
  CHECK(s.segments().size(id) == 1);
  // Someone else's events move the shard's time on by two hours.
  s.apply({make_event("busy", event_type::click, t0 + hours(2), "i2")}, indices(1));
  CHECK(s.segments().size(id) == 1);  // not yet swept
  s.segments().sweep(s, s.newest_event_ms(), 0, s.slot_count());
  CHECK(s.segments().size(id) == 0);
  CHECK(s.find("quiet")->segments.empty());
}

TEST_CASE("stores sharing a node clock evaluate at the node's now, moved by any store's events") {
  manual_wall_clock wall(t0 + days(30));
  node_clock clock(clock_mode::events, wall.source());
  profile_store a, b;
  a.set_clock(&clock);
  b.set_clock(&clock);
  CHECK(b.now_ms() == t0 + days(30));  // the wall clock before any event
  b.apply({with_price(make_event("quiet", event_type::purchase, t0, "i1"), 10.0)}, indices(1));
  CHECK(clock.newest_event_ms() == t0);
  REQUIRE(b.segments()
              .define(b, "bought_24h", parse("windows.24h.purchase", ">=", value{int64_t{1}}), b.now_ms())
              .ok());
  auto id = *b.segments().directory().find("bought_24h");
  CHECK(b.segments().size(id) == 1);
  // Only store a gets an event, two days later: store b's now moves with it.
  a.apply({make_event("busy", event_type::click, t0 + days(2), "i2")}, indices(1));
  CHECK(clock.newest_event_ms() == t0 + days(2));
  CHECK(b.now_ms() == t0 + days(2));
  CHECK(b.newest_event_ms() == t0);
  b.segments().sweep(b, b.now_ms(), 0, b.slot_count());
  CHECK(b.segments().size(id) == 0);
  // A rejected duplicate does not move the clock.
  a.apply({with_id(make_event("busy", event_type::click, t0 + days(3), "i2"), "e1")}, indices(1));
  auto dup = a.apply({with_id(make_event("busy", event_type::click, t0 + days(4), "i2"), "e1")}, indices(1));
  CHECK(dup.rejected.size() == 1);
  CHECK(clock.newest_event_ms() == t0 + days(3));
}

TEST_CASE("a store under a live clock moves members out as the wall clock passes, with no event") {
  manual_wall_clock wall(t0);
  node_clock clock(clock_mode::live, wall.source());
  profile_store s;
  s.set_clock(&clock);
  s.apply({make_event("quiet", event_type::view, t0 - minutes(10), "i1")}, indices(1));
  REQUIRE(s.segments()
              .define(s, "viewed_last_hour", parse("windows.1h.view", ">=", value{int64_t{1}}), s.now_ms())
              .ok());
  auto id = *s.segments().directory().find("viewed_last_hour");
  CHECK(s.segments().size(id) == 1);
  wall.advance(hours(2));
  CHECK(s.now_ms() == t0 + hours(2));
  s.segments().sweep(s, s.now_ms(), 0, s.slot_count());
  CHECK(s.segments().size(id) == 0);
}

TEST_CASE("segment definitions are checked: unknown fields, forward references, drops of referred segments") {
  profile_store s;
  auto bad_field = s.segments().define(s, "x", parse("counts.nothing", ">", value{int64_t{1}}), t0);
  REQUIRE_FALSE(bad_field.ok());
  CHECK_THAT(bad_field.error().message(), Catch::Contains("where.field"));
  REQUIRE(s.segments().define(s, "base", parse("counts.view", ">", value{int64_t{1}}), t0).ok());
  REQUIRE(s.segments().define(s, "derived", value{value::map{{"segment", value{"base"}}}}, t0).ok());
  auto refused = s.segments().drop(s, "base");
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message(), Catch::Contains("'derived' refers to 'base'"));
  // Redefining base to refer to derived (defined after it) is refused.
  auto forward = s.segments().define(s, "base", value{value::map{{"segment", value{"derived"}}}}, t0);
  REQUIRE_FALSE(forward.ok());
  CHECK_THAT(forward.error().message(), Catch::Contains("defined before"));
  CHECK(*s.segments().drop(s, "derived"));
  CHECK(*s.segments().drop(s, "base"));
  CHECK_FALSE(*s.segments().drop(s, "base"));
}

TEST_CASE("a snapshot keeps segment definitions and membership is evaluated again at load") {
  profile_store s;
  std::mt19937 rng(9);
  s.apply(random_stream(rng, 300, 40, t0), indices(300));
  REQUIRE(s.segments()
              .define(s, "buyers", parse("counts.purchase", ">=", value{int64_t{1}}), s.newest_event_ms())
              .ok());
  auto size = s.segments().size(*s.segments().directory().find("buyers"));
  temp_directory dir;
  auto path = dir.path() + "/s.snap";
  snapshot_encoder enc;
  std::string bytes = enc.header({0, 1, 0, s.stats().events, 0, t0});
  bytes += enc.segments(s.segments().definitions());
  s.capture().begin(s);
  std::vector<captured_profile> all;
  while (!s.capture().slice(s, 1000, all)) {
  }
  s.capture().end();
  bytes += enc.profiles(all);
  bytes += enc.end();
  {
    auto fd = create_for_write(path);
    REQUIRE(fd.ok());
    REQUIRE(write_all(fd->get(), bytes, path).ok());
  }
  profile_store back;
  REQUIRE(load_snapshot(path, back).ok());
  auto id = back.segments().directory().find("buyers");
  REQUIRE(id);
  CHECK(back.segments().size(*id) == size);
}

TEST_CASE("with event time standing still, incremental membership is exact without any sweep") {
  // Time cannot move anyone, so every difference would be a change the
  // filter (event types, one-way counters, affinity keys) wrongly skipped.
  profile_store s;
  std::mt19937 rng(GENERATE(4u, 5u));
  auto at_once = [&](int n) {
    std::vector<event> out;
    for (int i = 0; i < n; ++i) {
      auto user = "u" + std::to_string(rng() % 40);
      // Every type but login, refunds included; two of 40 categories (so
      // their symbols share mask bits) and a brand of 3.
      auto type = static_cast<event_type>(rng() % 7 == 6 ? 8 : rng() % 7);
      auto e = make_event(user, type, t0, "i" + std::to_string(rng() % 6));
      if (type == event_type::purchase || type == event_type::refund || rng() % 3 == 0)
        e = with_price(e, 5 + rng() % 300);
      e = with_category(e, {"c" + std::to_string(rng() % 40), "c" + std::to_string(rng() % 3)});
      e.brand = "b" + std::to_string(rng() % 3);
      e.mark(event_key::brand);
      out.push_back(e);
    }
    return out;
  };
  s.apply(at_once(100), indices(100));
  std::vector<std::pair<std::string, value>> defs = {
      {"carts", value{value::map{{"tag", value{"cart_abandoner"}}}}},
      {"window", value{value::map{{"tag", value{"window_shopper"}}}}},
      {"valuable", value{value::map{{"tag", value{"high_value"}}}}},
      {"bargain", value{value::map{{"tag", value{"bargain_hunter"}}}}},
      {"active", value{value::map{{"tag", value{"active"}}}}},
      {"likes_c1", parse("affinity.category.c1", ">=", value{0.3})},
      {"views_24h", parse("windows.24h.view", ">=", value{int64_t{2}})},
      {"aov", parse("rfm.avg_order_value", ">=", value{100.0})},
      {"clicks", parse("counts.click", ">=", value{int64_t{2}})},
      {"few_views", parse("counts.view", "<", value{int64_t{3}})},
      {"spent", parse("rfm.monetary", ">", value{150.0})},
      {"spent_little", parse("rfm.monetary", "<=", value{150.0})},
      {"orders", parse("rfm.frequency", ">=", value{int64_t{2}})},
      {"likes_b0", parse("affinity.brand.b0", ">", value{0.4})},
      {"likes_c2_not_c0",
       combine("and", {parse("affinity.category.c2", ">=", value{0.2}),
                       combine("not", {parse("affinity.category.c0", ">=", value{0.2})})})},
      {"few_or_buyer", combine("or", {parse("counts.view", "<=", value{int64_t{1}}),
                                      parse("counts.purchase", ">", value{int64_t{0}})})},
  };
  // 56 segments first, so the ones above take ids on both sides of 64
  // (inline bits and the spilled array).
  for (int k = 0; k < 56; ++k)
    REQUIRE(s.segments()
                .define(s, "clicks_" + std::to_string(k), parse("counts.click", ">=", value{int64_t{k}}), t0)
                .ok());
  for (auto& [name, where] : defs)
    REQUIRE(s.segments().define(s, name, where, t0).ok());
  for (int round = 0; round < 30; ++round) {
    s.apply(at_once(20), indices(20));
    if (round % 10 == 9)
      s.erase("u" + std::to_string(rng() % 40));
    if (round == 14) {
      // A new segment takes a freed low id after higher ones: definition
      // order and id order now differ.
      REQUIRE(s.segments().drop(s, "clicks_3").ok());
      REQUIRE(
          s.segments().define(s, "late_likes_c1", parse("affinity.category.c1", ">", value{0.25}), t0).ok());
    }
  }
  check_membership_is_exact(s, 40, t0);
}

TEST_CASE("definitions keep their order, a dropped id is reused, and a redefinition keeps its id") {
  profile_store s;
  s.apply(
      {make_event("viewer", event_type::view, t0, "i1"), make_event("clicker", event_type::click, t0, "i1")},
      indices(2));
  auto& segs = s.segments();
  CHECK(segs.empty());
  auto views = parse("counts.view", ">=", value{int64_t{1}});
  auto clicks = parse("counts.click", ">=", value{int64_t{1}});
  REQUIRE(*segs.define(s, "a", views, t0) == 1);
  REQUIRE(*segs.define(s, "b", clicks, t0) == 1);
  REQUIRE(*segs.define(s, "c", views, t0) == 1);
  CHECK_FALSE(segs.empty());
  REQUIRE(*segs.drop(s, "b"));
  CHECK(segs.where(1) == nullptr);
  CHECK(segs.size(1) == 0);
  CHECK_FALSE(s.find("clicker")->segments.contains(1));
  // The next definition takes the free id and comes last in definition order.
  REQUIRE(*segs.define(s, "d", clicks, t0) == 1);
  CHECK(*segs.directory().find("d") == 1);
  auto defs = segs.definitions();
  REQUIRE(defs.size() == 3);
  CHECK(defs[0].first == "a");
  CHECK(defs[1].first == "c");
  CHECK(defs[2].first == "d");
  CHECK(defs[2].second == clicks);
  // Redefining "a" replaces its condition and its members, under its id.
  REQUIRE(*segs.define(s, "a", clicks, t0) == 1);
  CHECK(*segs.directory().find("a") == 0);
  REQUIRE(segs.where(0));
  CHECK(*segs.where(0) == clicks);
  CHECK(s.find("clicker")->segments.contains(0));
  CHECK_FALSE(s.find("viewer")->segments.contains(0));
  CHECK(segs.where(200) == nullptr);
  CHECK(segs.size(200) == 0);
  for (auto name : {"a", "c", "d"})
    REQUIRE(*segs.drop(s, name));
  CHECK(segs.empty());
  CHECK(segs.definitions().empty());
}

TEST_CASE("members come a page at a time from a slot, and the page says where to go on") {
  profile_store s;
  std::vector<event> events;
  for (int u = 0; u < 25; ++u)
    events.push_back(
        make_event("u" + std::to_string(u), u % 2 ? event_type::click : event_type::view, t0, "i1"));
  s.apply(events, indices(events.size()));
  REQUIRE(s.erase("u4"));  // a free slot among the members
  auto id = *s.segments().define(s, "viewers", parse("counts.view", ">=", value{int64_t{1}}), t0);
  REQUIRE(id == 12);
  auto viewers = *s.segments().directory().find("viewers");
  std::vector<std::string> all;
  size_t next = 0;
  int pages = 0;
  while (next < s.slot_count()) {
    auto page = s.segments().members(s, viewers, next, 5);
    CHECK(page.size() <= 5);
    all.insert(all.end(), page.begin(), page.end());
    ++pages;
  }
  CHECK(pages == 3);
  CHECK(next == s.slot_count());
  std::sort(all.begin(), all.end());
  std::vector<std::string> expected;
  for (int u = 0; u < 25; u += 2)
    if (u != 4)
      expected.push_back("u" + std::to_string(u));
  std::sort(expected.begin(), expected.end());
  CHECK(all == expected);
  size_t past_the_end = s.slot_count();
  CHECK(s.segments().members(s, viewers, past_the_end, 5).empty());
}

TEST_CASE("changes are collected only while collecting is on, and taking them empties the list") {
  profile_store s;
  REQUIRE(s.segments().define(s, "viewers", parse("counts.view", ">=", value{int64_t{1}}), t0).ok());
  s.apply({make_event("a", event_type::view, t0, "i1")}, indices(1));
  CHECK(s.segments().take_changes().empty());
  s.segments().collect_changes(true);
  s.apply({make_event("b", event_type::view, t0 + 1, "i1")}, indices(1));
  auto changes = s.segments().take_changes();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].user == "b");
  CHECK(changes[0].entered);
  CHECK(changes[0].ts == t0 + 1);
  CHECK(s.segments().take_changes().empty());
  s.segments().collect_changes(false);
  s.erase("a");
  CHECK(s.segments().take_changes().empty());
  CHECK(s.segments().size(*s.segments().directory().find("viewers")) == 1);
}

TEST_CASE("a sweep is needed only while some segment can change with time alone") {
  profile_store s;
  CHECK_FALSE(s.segments().has_time_dependent());
  REQUIRE(s.segments().define(s, "viewers", parse("counts.view", ">=", value{int64_t{1}}), t0).ok());
  CHECK_FALSE(s.segments().has_time_dependent());
  REQUIRE(s.segments().define(s, "recent", parse("windows.1h.view", ">=", value{int64_t{1}}), t0).ok());
  CHECK(s.segments().has_time_dependent());
  REQUIRE(*s.segments().drop(s, "recent"));
  CHECK_FALSE(s.segments().has_time_dependent());
}
