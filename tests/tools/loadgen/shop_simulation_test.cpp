#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <unordered_map>

#include "tools/loadgen/shop_simulation.hpp"

using namespace persona;
using namespace persona::loadgen;

namespace {

simulation_options small_shop(uint64_t seed = 42) {
  simulation_options o;
  o.users = 5000;
  o.catalog.items = 3000;
  o.catalog.categories = 12;
  o.new_users_per_day = 500;
  o.anomalous_share = 0.01;
  o.seed = seed;
  return o;
}

std::vector<sim_event> run(shop_simulation& sim, size_t n) {
  std::vector<sim_event> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(sim.next());
  return out;
}

bool same(const sim_event& a, const sim_event& b) {
  return a.ts == b.ts && a.user == b.user && a.item == b.item && a.type == b.type && a.session == b.session &&
         a.quantity == b.quantity && a.device == b.device;
}

}  // namespace

TEST_CASE("the simulation is deterministic for a seed and differs across seeds") {
  shop_simulation a(small_shop(1)), b(small_shop(1)), c(small_shop(2));
  auto ea = run(a, 20000), eb = run(b, 20000), ec = run(c, 20000);
  size_t equal_ab = 0, equal_ac = 0;
  for (size_t i = 0; i < ea.size(); ++i) {
    equal_ab += same(ea[i], eb[i]);
    equal_ac += same(ea[i], ec[i]);
  }
  CHECK(equal_ab == ea.size());
  CHECK(equal_ac < ea.size() / 10);
}

TEST_CASE("events come in event-time order, and within a session in funnel order") {
  shop_simulation sim(small_shop());
  auto events = run(sim, 100000);
  CHECK(std::is_sorted(events.begin(), events.end(),
                       [](const sim_event& x, const sim_event& y) { return x.ts < y.ts; }));
  // Every purchase buys an item put in the cart earlier in the same session.
  std::map<uint32_t, std::set<uint32_t>> carted;
  size_t purchases = 0, carts = 0, unexplained = 0;
  for (auto& e : events) {
    if (e.type == event_type::add_to_cart) {
      carted[e.session].insert(e.item);
      ++carts;
    } else if (e.type == event_type::purchase) {
      ++purchases;
      unexplained += carted[e.session].count(e.item) == 0;
    }
  }
  CHECK(purchases > 100);
  CHECK(unexplained == 0);
  // Carts are abandoned more often than not.
  CHECK(purchases < carts);
}

TEST_CASE("the mix follows the funnel: views lead, then clicks, carts and purchases") {
  shop_simulation sim(small_shop());
  std::map<event_type, size_t> n;
  for (auto& e : run(sim, 100000))
    ++n[e.type];
  CHECK(n[event_type::view] > n[event_type::click]);
  CHECK(n[event_type::click] > n[event_type::add_to_cart]);
  CHECK(n[event_type::add_to_cart] > n[event_type::purchase]);
  CHECK(n[event_type::purchase] > n[event_type::refund]);
  CHECK(n[event_type::search] > 0);
  CHECK(n[event_type::rating] > 0);
  CHECK(n[event_type::login] > 0);
}

TEST_CASE("activity is heavy-tailed: the busiest 1% of shoppers make far more than 1% of events") {
  shop_simulation sim(small_shop());
  std::unordered_map<uint32_t, size_t> per_user;
  auto events = run(sim, 200000);
  for (auto& e : events)
    ++per_user[e.user];
  std::vector<size_t> counts;
  for (auto& [u, c] : per_user)
    counts.push_back(c);
  std::sort(counts.rbegin(), counts.rend());
  size_t top = 0;
  for (size_t i = 0; i < std::max<size_t>(1, sim.users() / 100); ++i)
    top += counts[i];
  CHECK(static_cast<double>(top) / events.size() > 0.05);
}

TEST_CASE("sessions follow a daily cycle: evenings are busier than mornings") {
  shop_simulation sim(small_shop());
  std::map<int, size_t> sessions_by_hour;
  std::set<uint32_t> seen;
  for (auto& e : run(sim, 300000)) {
    if (!seen.insert(e.session).second)
      continue;
    int hour = static_cast<int>((e.ts / 3600000) % 24);
    ++sessions_by_hour[hour];
  }
  CHECK(sessions_by_hour[20] > 2 * sessions_by_hour[8]);
  CHECK(shop_simulation::daily_cycle(20 * 3600000LL) == Approx(1.7));
  CHECK(shop_simulation::daily_cycle(8 * 3600000LL) == Approx(0.3));
}

TEST_CASE("new shoppers join over time and shop") {
  shop_simulation sim(small_shop());
  auto events = run(sim, 200000);
  REQUIRE(sim.users() > small_shop().users);
  bool newcomer_shops = std::any_of(events.begin(), events.end(),
                                    [](const sim_event& e) { return e.user >= small_shop().users; });
  CHECK(newcomer_shops);
}

TEST_CASE("staples are re-bought on their cycle") {
  auto o = small_shop();
  o.users = 1000;  // 400,000 events then span months
  o.new_users_per_day = 0;
  shop_simulation sim(o);
  // A re-buy session opens with a view of the staple and puts it straight in
  // the cart (a browsing session clicks before it carts).
  std::map<uint32_t, std::vector<sim_event>> sessions;
  for (auto& e : run(sim, 400000))
    sessions[e.session].push_back(e);
  std::map<uint32_t, std::vector<int64_t>> rebuy_starts;
  for (auto& [id, s] : sessions) {
    uint32_t staple = sim.user(s[0].user).staple;
    if (s.size() >= 2 && staple != no_item && s[0].type == event_type::view && s[0].item == staple &&
        s[1].type == event_type::add_to_cart && s[1].item == staple)
      rebuy_starts[s[0].user].push_back(s[0].ts);
  }
  size_t gaps = 0;
  for (auto& [u, starts] : rebuy_starts) {
    for (size_t i = 1; i < starts.size(); ++i) {
      double gap_days = (starts[i] - starts[i - 1]) / 86400000.0;
      double cycle = sim.user(u).cycle_days;
      CHECK(gap_days > 0.5 * cycle);
      CHECK(gap_days < 1.8 * cycle);
      ++gaps;
    }
  }
  CHECK(gaps > 10);
}

TEST_CASE("anomalous shoppers are labelled, spread over the kinds, and behave as labelled") {
  shop_simulation sim(small_shop());
  auto events = run(sim, 300000);
  std::map<anomaly_kind, size_t> kinds;
  for (uint32_t u = 0; u < sim.users(); ++u)
    ++kinds[sim.user(u).anomaly];
  double share = 1.0 - static_cast<double>(kinds[anomaly_kind::none]) / sim.users();
  CHECK(share == Approx(0.01).epsilon(0.2));
  for (size_t k = 1; k < anomaly_kind_count; ++k)
    CHECK(kinds[static_cast<anomaly_kind>(k)] > 0);
  // Night shoppers buy between 00:00 and 05:00 UTC; big spenders buy 20+ units.
  size_t night_buys = 0, night_total = 0, bulk = 0;
  for (auto& e : events) {
    auto kind = sim.user(e.user).anomaly;
    if (e.type != event_type::purchase)
      continue;
    if (kind == anomaly_kind::night_purchases) {
      ++night_total;
      night_buys += (e.ts / 3600000) % 24 < 5;
    }
    if (e.quantity >= 20) {
      CHECK(kind == anomaly_kind::unusual_amount);
      ++bulk;
    }
  }
  CHECK(night_total > 0);
  CHECK(night_buys == night_total);
  CHECK(bulk > 0);
}

namespace {

/// Events up to `days` of simulated time.
std::vector<sim_event> run_days(shop_simulation& sim, double days) {
  std::vector<sim_event> out;
  int64_t end = sim.options().start_ms + static_cast<int64_t>(days * 86400000.0);
  for (auto e = sim.next(); e.ts < end; e = sim.next())
    out.push_back(e);
  return out;
}

/// Share of the sessions of shoppers `counted` after which the same shopper
/// starts another within `hours`.
template <class Filter>
double share_followed_within(const std::vector<sim_event>& events, double hours, Filter counted) {
  std::map<uint32_t, std::vector<int64_t>> starts;  // user -> session starts, in time order
  std::set<uint32_t> seen;
  for (auto& e : events)
    if (seen.insert(e.session).second && counted(e.user))
      starts[e.user].push_back(e.ts);
  size_t sessions = 0, followed = 0;
  for (auto& [u, ts] : starts)
    for (size_t i = 0; i < ts.size(); ++i) {
      ++sessions;
      if (i + 1 < ts.size() && ts[i + 1] - ts[i] <= static_cast<int64_t>(hours * 3600000.0))
        ++followed;
    }
  return static_cast<double>(followed) / sessions;
}

}  // namespace

TEST_CASE("purchase missions bring shoppers back over the next days and keep sessions per day as set") {
  auto with = small_shop();
  with.new_users_per_day = 0;
  auto without = with;
  without.mission_rate = 0;
  shop_simulation a(with), b(without);
  auto on = run_days(a, 10), off = run_days(b, 10);
  auto sessions = [](const std::vector<sim_event>& events) {
    std::set<uint32_t> s;
    for (auto& e : events)
      s.insert(e.session);
    return static_cast<double>(s.size());
  };
  // Each visit after a mission's first takes the place of a browse session.
  CHECK(sessions(on) == Approx(sessions(off)).epsilon(0.05));
  // Quiet shoppers (most of them) come back within a day more often: a
  // third of their sessions are now a mission's, and those mostly are.
  auto quiet = [](const shop_simulation& sim) {
    return [&sim](uint32_t u) { return sim.user(u).activity < 1; };
  };
  double on_share = share_followed_within(on, 24, quiet(a)),
         off_share = share_followed_within(off, 24, quiet(b));
  CAPTURE(on_share, off_share);
  CHECK(on_share > 1.1 * off_share);
}

TEST_CASE("a mission's last visit decides: every purchase follows visits to its category on earlier days") {
  auto o = small_shop();
  o.new_users_per_day = 0;
  o.anomalous_share = 0;
  o.checkout_rate = 0;  // browse sessions never buy, abandoned carts never come back:
  o.cart_return_rate = 0;
  o.mission_rate = 1;  // every purchase but a staple's ends a mission
  o.mission_checkout_rate = 1;
  shop_simulation sim(o);
  auto events = run_days(sim, 10);
  // Each shopper's views, by category, with their sessions and times.
  std::map<std::pair<uint32_t, uint32_t>, std::vector<std::pair<uint32_t, int64_t>>> views;
  for (auto& e : events)
    if (e.type == event_type::view)
      views[{e.user, sim.catalog().category_of(e.item)}].push_back({e.session, e.ts});
  std::map<uint32_t, std::vector<std::pair<uint32_t, int64_t>>> session_starts;  // user -> (session, start)
  std::set<uint32_t> started;
  for (auto& e : events)
    if (started.insert(e.session).second)
      session_starts[e.user].push_back({e.session, e.ts});
  size_t purchases = 0, after_earlier_sessions = 0, after_earlier_visits = 0;
  std::set<uint32_t> buying_sessions;
  for (auto& e : events) {
    if (e.type != event_type::purchase || e.item == sim.user(e.user).staple)
      continue;
    ++purchases;
    buying_sessions.insert(e.session);
    // The mission began in an earlier session of the same shopper, which
    // (nearly always) viewed the category.
    auto& st = session_starts[e.user];
    if (std::any_of(st.begin(), st.end(), [&](auto& s) { return s.first != e.session && s.second < e.ts; }))
      ++after_earlier_sessions;
    auto& v = views[{e.user, sim.catalog().category_of(e.item)}];
    if (std::any_of(v.begin(), v.end(), [&](auto& s) { return s.first != e.session && s.second < e.ts; }))
      ++after_earlier_visits;
  }
  REQUIRE(purchases > 200);
  CHECK(after_earlier_sessions == purchases);
  // Most visits view the mission's category (four views in five).
  CHECK(after_earlier_visits > 0.97 * purchases);
  // The decision carts an item it opened (a click), as a browse does.
  std::map<uint32_t, std::set<uint32_t>> clicked;
  for (auto& e : events) {
    if (!buying_sessions.count(e.session))
      continue;
    if (e.type == event_type::click)
      clicked[e.session].insert(e.item);
    if (e.type == event_type::add_to_cart && e.item != sim.user(e.user).staple)
      CHECK(clicked[e.session].count(e.item) == 1);
  }
}

TEST_CASE("half the abandoned carts bring their shopper back to click, cart and often buy the same items") {
  auto o = small_shop();
  o.new_users_per_day = 0;
  o.anomalous_share = 0;
  o.mission_rate = 0;
  o.checkout_rate = 0;  // every cart is abandoned
  o.cart_return_rate = 0.5;
  o.return_checkout_rate = 0.6;
  shop_simulation sim(o);
  auto events = run_days(sim, 10);
  std::map<uint32_t, std::vector<sim_event>> sessions;
  for (auto& e : events)
    sessions[e.session].push_back(e);
  // A return session opens with a click (the reminder) and carts before any view.
  size_t carting = 0, returns = 0, bought = 0;
  for (auto& [id, s] : sessions) {
    // A cart left with items in it (removals taken out).
    int in_cart = 0;
    for (auto& e : s)
      in_cart += e.type == event_type::add_to_cart ? 1 : e.type == event_type::remove_from_cart ? -1 : 0;
    bool carts = in_cart > 0;
    if (s[0].type == event_type::click) {
      ++returns;
      bought += std::any_of(s.begin(), s.end(), [](auto& e) { return e.type == event_type::purchase; });
    } else if (carts && !(s[0].type == event_type::view && s[0].item == sim.user(s[0].user).staple)) {
      ++carting;  // a browse (a re-buy session opens with a view of the staple)
    }
  }
  REQUIRE(carting > 500);
  // Returns near the end of the run are still to come.
  CHECK(static_cast<double>(returns) / carting == Approx(0.5).margin(0.07));
  CHECK(static_cast<double>(bought) / returns == Approx(0.6).margin(0.07));
}
