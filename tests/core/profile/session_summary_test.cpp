// The latest session's summary: its counts, which category most of its
// viewing went to and how much, for how many sessions in a row the user has
// been deciding on it, whether its search named that category, and how
// many sessions they started lately; read as propensity features. Profile
// images and merges keep it: profile_codec_test.cpp, profile_merge_test.cpp.
#include <catch2/catch.hpp>

#include "core/model/predictions.hpp"
#include "core/profile/item_catalog.hpp"
#include "core/profile/profile.hpp"
#include "core/profile/session_summary.hpp"
#include "core/store/profile_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

constexpr symbol shoes = 7, hats = 9;

/// One session viewing the given categories in order, a day after the one before.
void session_viewing(session_summary& s, std::initializer_list<symbol> categories) {
  s.start_session(t0, t0 + days(1));
  for (auto c : categories)
    s.add(event_type::view, c);
}

}  // namespace

TEST_CASE("a session's counts, and its focus: the category most of its views went to, and its share") {
  session_summary s;
  s.start_session(0, t0);
  s.add(event_type::search, symbol_table::missing);
  s.add(event_type::view, symbol_table::missing);  // no category: no focus yet
  CHECK(s.focus() == symbol_table::missing);
  s.add(event_type::view, hats);
  s.add(event_type::view, shoes);  // ties the vote: hats still leads
  CHECK(s.focus() == hats);
  s.add(event_type::view, shoes);  // shoes takes the lead
  s.add(event_type::click, shoes);
  s.add(event_type::view, shoes);
  CHECK(s.views() == 5);
  CHECK(s.searches() == 1);
  CHECK(s.carts() == 0);
  CHECK(s.purchases() == 0);
  CHECK(s.focus() == shoes);
  // The focus's views since it took the lead: 2 of 5.
  CHECK(s.focus_share() == Approx(0.4));
  CHECK_FALSE(s.deciding());  // under half the views
  s.add(event_type::view, shoes);
  CHECK(s.focus_share() == Approx(0.5));
  CHECK(s.deciding());
  CHECK(s.deciding_streak() == 1);
  s.add(event_type::add_to_cart, shoes);  // a cart: decided
  CHECK(s.carts() == 1);
  CHECK_FALSE(s.deciding());
  CHECK(s.deciding_streak() == 0);

  // Counts saturate instead of wrapping.
  for (int i = 0; i < 300; ++i)
    s.add(event_type::view, shoes);
  CHECK(s.views() == 255);
  CHECK(s.focus_share() <= 1.0);

  s.start_session(t0, t0 + days(1));  // a new session starts from nothing
  CHECK(s.views() == 0);
  CHECK(s.carts() == 0);
  CHECK(s.focus() == symbol_table::missing);
  CHECK(s.focus_share() == 0);
  CHECK(s.deciding_streak() == 0);
}

TEST_CASE("the deciding streak counts deciding sessions in a row on one category") {
  session_summary s;
  session_viewing(s, {shoes, hats, shoes});
  CHECK(s.deciding_streak() == 1);
  session_viewing(s, {shoes});
  CHECK(s.deciding_streak() == 2);
  s.start_session(t0, t0 + days(2));  // a visit that viewed nothing keeps the run
  s.add(event_type::search, symbol_table::missing);
  CHECK(s.deciding_streak() == 0);
  session_viewing(s, {shoes, shoes});
  CHECK(s.deciding_streak() == 3);
  // A visit that wandered (shoes leads the vote with 2 of its 6 views): not
  // deciding, so the run ends there.
  session_viewing(s, {hats, shoes, shoes, shoes, hats, hats});
  CHECK(s.focus() == shoes);
  CHECK_FALSE(s.deciding());
  session_viewing(s, {shoes});
  CHECK(s.deciding_streak() == 1);
  // Another category: a new run.
  session_viewing(s, {hats, hats});
  CHECK(s.deciding_streak() == 1);
  // The streak saturates instead of wrapping.
  for (int i = 0; i < 300; ++i)
    session_viewing(s, {hats});
  CHECK(s.deciding_streak() == 255);
}

TEST_CASE("a session's search that named the category it went on to focus on") {
  session_summary s;
  s.start_session(0, t0);
  s.add(event_type::search, shoes);
  CHECK_FALSE(s.searched_focus());  // no focus yet
  s.add(event_type::view, shoes);
  s.add(event_type::view, hats);
  CHECK(s.searched_focus());
  s.add(event_type::search, hats);  // the latest search counts
  CHECK_FALSE(s.searched_focus());
  s.add(event_type::view, hats);
  s.add(event_type::view, hats);  // hats takes the lead
  CHECK(s.searched_focus());
  s.add(event_type::search, symbol_table::missing);  // a search naming nothing known keeps it
  CHECK(s.searched_focus());

  s.start_session(t0, t0 + days(1));  // a new session has searched nothing
  s.add(event_type::view, hats);
  CHECK_FALSE(s.searched_focus());
}

TEST_CASE("a search's query names a category when it is a name the store knows, and never grows its names") {
  item_record shoe;
  shoe.item = "i1";
  shoe.info.categories = {"shoes"};
  auto catalog = item_catalog{}.with({shoe});
  profile_store store;
  auto apply = [&](event e) { store.apply({e}, {0}, catalog.get()); };
  auto session = [&](const std::string& user) -> const session_summary& {
    return store.find(user)->latest_session;
  };
  apply(make_event("a", event_type::view, t0, "i1"));  // the store learns "shoes"
  apply(make_event("b", event_type::search, t0));      // make_event's query: "shoes"
  apply(make_event("b", event_type::view, t0 + minutes(1), "i1"));
  CHECK(session("b").searched_focus());
  CHECK(propensity_features(*store.find("b"), t0 + minutes(2))[24] == 1);  // searched_focus

  // Free text is looked up, never interned.
  size_t names = store.symbols().size();
  auto free_text = make_event("c", event_type::search, t0);
  free_text.query = "red running shoes under 50";
  apply(free_text);
  apply(make_event("c", event_type::view, t0 + minutes(1), "i1"));
  CHECK(store.symbols().size() == names);
  CHECK(store.symbols().find(free_text.query) == symbol_table::missing);
  CHECK_FALSE(session("c").searched_focus());
  CHECK(propensity_features(*store.find("c"), t0 + minutes(2))[24] == 0);
}

TEST_CASE("recent sessions fade by e a day") {
  session_summary s;
  s.start_session(0, t0);
  CHECK(s.recent_sessions(t0, t0) == Approx(1.0));
  CHECK(s.recent_sessions(t0, t0 + days(1)) == Approx(std::exp(-1.0)));
  s.start_session(t0, t0 + days(1));
  CHECK(s.recent_sessions(t0 + days(1), t0 + days(1)) == Approx(1.0 + std::exp(-1.0)));
  s.start_session(t0 + days(1), t0 + days(1) + hours(2));
  double at_third = (1.0 + std::exp(-1.0)) * std::exp(-2.0 / 24) + 1.0;
  CHECK(s.recent_sessions(t0 + days(1) + hours(2), t0 + days(3) + hours(2)) ==
        Approx(at_third * std::exp(-2.0)));
  // A read before the session's start (a clock behind) does not inflate it.
  CHECK(s.recent_sessions(t0 + days(1) + hours(2), t0) == Approx(at_third));
}

TEST_CASE("a profile summarises its latest session from its events, and the features read it") {
  profile p;
  profile_config cfg;
  auto feed = [&](event_type type, int64_t ts, symbol category) {
    auto e = make_event("u", type, ts, "i1");
    event_symbols syms;
    syms.item = 0;
    if (category != symbol_table::missing) {
      syms.categories[0] = category;
      syms.category_count = 1;
    }
    apply_event(p, e, syms, cfg);
  };
  feed(event_type::view, t0, shoes);
  feed(event_type::view, t0 + minutes(1), hats);
  // A day later, a second visit on shoes that carts.
  feed(event_type::view, t0 + days(1), shoes);
  feed(event_type::view, t0 + days(1) + minutes(1), shoes);
  feed(event_type::add_to_cart, t0 + days(1) + minutes(2), shoes);
  CHECK(p.sessions.count() == 2);
  CHECK(p.latest_session.views() == 2);
  CHECK(p.latest_session.focus_share() == Approx(1.0));
  CHECK(p.latest_session.deciding_streak() == 0);  // it carted

  auto x = propensity_features(p, t0 + days(1) + minutes(5));
  CHECK(std::string(propensity_feature_name(17)) == "session_views");
  CHECK(x[17] == Approx(std::log1p(2.0)));
  CHECK(x[18] == Approx(1.0));  // session_focus
  CHECK(x[19] == 1);            // session_carted
  CHECK(x[20] == 0);            // session_searched
  CHECK(x[21] == 0);            // session_bought
  CHECK(x[22] == 0);            // deciding_streak
  CHECK(std::string(propensity_feature_name(23)) == "recent_sessions");
  double recent = std::exp(-1.0) + 1.0;  // the first visit a day before the second
  CHECK(x[23] == Approx(std::log1p(recent * std::exp(-5.0 / (24 * 60)))));

  // A third visit, on shoes without a cart: the user is deciding again,
  // the visit before having carted.
  feed(event_type::view, t0 + days(2), shoes);
  feed(event_type::view, t0 + days(2) + minutes(1), shoes);
  feed(event_type::view, t0 + days(2) + minutes(2), hats);
  x = propensity_features(p, t0 + days(2) + minutes(2));
  CHECK(x[22] == Approx(std::log1p(1.0)));
  CHECK(std::string(propensity_feature_name(24)) == "searched_focus");
  CHECK(x[24] == 0);
  CHECK(std::string(propensity_feature_name(25)) == "session_focus_views");
  CHECK(x[25] == 2);
  CHECK(std::string(propensity_feature_name(26)) == "session_other_views");
  CHECK(x[26] == 1);
}
