#include <catch2/catch.hpp>
#include <cmath>

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
