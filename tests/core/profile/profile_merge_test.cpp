#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/profile/profile.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

constexpr symbol shoes = 7, hats = 9;

}  // namespace

TEST_CASE(
    "a merge keeps the latest session of whichever user was seen last, its symbols remapped, and both users' "
    "recent sessions") {
  profile_config cfg;
  auto visit = [&](profile& p, int64_t ts, symbol category) {
    auto e = make_event("u", event_type::view, ts, "i1");
    event_symbols syms;
    syms.item = 0;
    syms.categories[0] = category;
    syms.category_count = 1;
    apply_event(p, e, syms, cfg);
  };
  profile older, newer;
  visit(older, t0, shoes);
  visit(newer, t0 + days(2), hats);
  visit(newer, t0 + days(2) + minutes(1), hats);
  newer.latest_session.add(event_type::search, hats);
  auto remap = [](symbol s) { return s + 100; };

  profile target = older;
  merge_profile(target, newer, remap, cfg);
  CHECK(target.latest_session.focus() == hats + 100);
  CHECK(target.latest_session.searched_ == hats + 100);
  CHECK(target.latest_session.searched_focus());
  CHECK(target.latest_session.views() == 2);

  target = newer;
  merge_profile(target, older, remap, cfg);
  CHECK(target.latest_session.focus() == hats);  // the target's own, untouched
  CHECK(target.latest_session.views() == 2);
  // Both users' sessions count as recent ones, the older faded by its age.
  CHECK(target.latest_session.recent_sessions_ == Approx(1.0 + std::exp(-2.0)));
}

namespace {

/// Two shards' profiles of two users, and the merge of the second into the first.
struct two_users {
  symbol_table target_symbols, source_symbols;
  profile_config cfg;
  profile target, source;

  two_users() {
    source_symbols.intern("only in the source's table");
    auto noon = t0 + hours(12);
    apply_to(target,
             with_category(with_price(make_event("t", event_type::purchase, noon, "i1"), 10), {"shoes"}),
             target_symbols, cfg);
    apply_to(target, make_event("t", event_type::add_to_cart, noon + hours(1), "i2"), target_symbols, cfg);
    apply_to(source, with_category(make_event("s", event_type::view, noon - days(3), "i3"), {"hats"}),
             source_symbols, cfg);
    apply_to(
        source,
        with_category(with_price(make_event("s", event_type::purchase, noon + days(2), "i1"), 30), {"shoes"}),
        source_symbols, cfg);
    apply_to(source, make_event("s", event_type::add_to_cart, noon - days(1), "i4"), source_symbols, cfg);
    target.attributes.emplace_back(target_symbols.intern("city"), value{"Berlin"});
    source.attributes.emplace_back(source_symbols.intern("city"), value{"Paris"});
    source.attributes.emplace_back(source_symbols.intern("age"), value{30});
    target.seen_ids.insert(11, cfg.caps.event_ids);
    source.seen_ids.insert(11, cfg.caps.event_ids);
    source.seen_ids.insert(22, cfg.caps.event_ids);
  }
  void merge() {
    merge_profile(
        target, source, [&](symbol s) { return target_symbols.intern(source_symbols.name(s)); }, cfg);
  }
  std::vector<std::string> recent() const {
    std::vector<std::string> out;
    for (auto& r : target.recent.items())
      out.push_back(target_symbols.name(r.item));
    return out;
  }
};

}  // namespace

TEST_CASE("a merge folds the source's history into the target, its symbols remapped") {
  two_users u;
  auto noon = t0 + hours(12);
  u.merge();
  CHECK(u.target.first_seen_ms == noon - days(3));
  CHECK(u.target.last_seen_ms == noon + days(2));
  CHECK(u.target.counts[static_cast<size_t>(event_type::purchase)] == 2);
  CHECK(u.target.counts[static_cast<size_t>(event_type::view)] == 1);
  CHECK(u.target.counts[static_cast<size_t>(event_type::add_to_cart)] == 2);
  CHECK(u.target.windows.count(time_window::d30, event_type::purchase, noon + days(2)) == 2);
  CHECK(u.target.sessions.count() == 4);
  CHECK(u.target.purchases.purchases() == 2);
  CHECK(u.target.purchases.monetary() == Approx(40));
  CHECK(*u.target.purchases.cycle_days() == Approx(2));
  CHECK(u.target.last_cart_ms == noon + hours(1));
  // Affinities by name: shoes from both, hats from the source.
  auto shoes = u.target_symbols.find("shoes"), hats = u.target_symbols.find("hats");
  REQUIRE(hats != symbol_table::missing);
  CHECK(u.target.category_affinity.size() == 2);
  CHECK(u.target.category_affinity.raw_score(shoes, noon + days(2), u.cfg.affinity_half_life_ms) ==
        Approx(8 * std::pow(2.0, -2.0 / 7) + 8));
  CHECK(u.target.category_affinity.raw_score(hats, noon + days(2), u.cfg.affinity_half_life_ms) ==
        Approx(std::pow(2.0, -5.0 / 7)));
  // Recent items interleaved by time, newest first, each once.
  CHECK(u.recent() == std::vector<std::string>{"i1", "i2", "i4", "i3"});
}

TEST_CASE("a merge keeps the target's attributes, takes the ones it lacks, and both users' event ids") {
  two_users u;
  u.merge();
  REQUIRE(u.target.attributes.size() == 2);
  CHECK(u.target_symbols.name(u.target.attributes[0].first) == "city");
  CHECK(u.target.attributes[0].second == value{"Berlin"});
  CHECK(u.target_symbols.name(u.target.attributes[1].first) == "age");
  CHECK(u.target.attributes[1].second == value{30});
  CHECK(u.target.seen_ids.ids() == std::vector<uint64_t>{11, 22});

  // The caps hold: no attribute past the profile's cap.
  two_users capped;
  capped.cfg.caps.attributes = 1;
  capped.merge();
  CHECK(capped.target.attributes.size() == 1);
}

TEST_CASE("a merge into a profile without events takes the source's times") {
  two_users u;
  profile empty;
  empty.attributes.emplace_back(u.target_symbols.intern("plan"), value{"gold"});
  u.target = empty;
  u.merge();
  CHECK(u.target.first_seen_ms == u.source.first_seen_ms);
  CHECK(u.target.last_seen_ms == u.source.last_seen_ms);
  CHECK(u.target.sessions.count() == u.source.sessions.count());
  CHECK(u.target.attributes.size() == 3);
}
