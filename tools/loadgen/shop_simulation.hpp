// shop_simulation: the event stream of a simulated shop, in event-time
// order and deterministic for a seed (docs/loadgen.md describes the model).
//
// Sessions arrive as a Poisson process whose rate follows a daily cycle;
// each picks a shopper by activity (heavy-tailed) and walks a funnel: view,
// click, add_to_cart, then purchase or abandon the cart. Some sessions start
// a purchase mission: the shopper comes back over the next days to the same
// category and decides at the last visit. Shoppers with a
// staple re-buy it on their cycle; new shoppers join over time; a labelled
// few behave anomalously (see shopper.hpp). A session is planned whole when
// it starts and its events are merged with the other live sessions' by
// time. Not thread-safe: one generator per thread.
#pragma once

#include <cstdint>
#include <queue>
#include <random>
#include <vector>

#include "tools/loadgen/shop_catalog.hpp"
#include "tools/loadgen/shopper.hpp"
#include "tools/loadgen/sim_event.hpp"

namespace persona::loadgen {

struct simulation_options {
  catalog_options catalog;
  /// Shoppers at the start.
  uint32_t users = 100000;
  /// New shoppers joining per simulated day.
  double new_users_per_day = 2000;
  /// Sessions per shopper per day, on average.
  double sessions_per_user_day = 1.0;
  /// Pareto exponent of shopper activity (smaller: heavier tail).
  double activity_alpha = 1.5;
  /// Share of shoppers who are anomalous (spread evenly over the kinds).
  double anomalous_share = 0.005;
  /// Share of carts bought at the end of a session (the rest are abandoned).
  double checkout_rate = 0.4;
  /// Share of abandoned carts whose shopper comes back for them, after an
  /// exponential delay of mean `cart_return_hours`, and buys with
  /// probability `return_checkout_rate`.
  double cart_return_rate = 0.5;
  double cart_return_hours = 12;
  double return_checkout_rate = 0.6;
  /// Share of browse sessions that start a purchase mission: the shopper
  /// comes back `mission_visits` more times on average (at least once),
  /// each an exponential delay of mean `mission_gap_hours` after the last,
  /// views mostly the mission's category, and at the last visit carts an
  /// item of it and buys with probability `mission_checkout_rate`. Each
  /// visit after the first takes the place of a browse session that would
  /// have arrived, so sessions per shopper and day stay as set. 0 turns
  /// missions off.
  double mission_rate = 0.3;
  double mission_visits = 2;
  double mission_gap_hours = 16;
  double mission_checkout_rate = 0.7;
  /// Event time of the start, ms since the epoch.
  int64_t start_ms = 1767225600000;  // 2026-01-01T00:00:00Z
  uint64_t seed = 42;
};

class shop_simulation {
 public:
  explicit shop_simulation(const simulation_options& o);

  /// The next event in time order.
  sim_event next();

  const shop_catalog& catalog() const { return catalog_; }
  const simulation_options& options() const { return opts_; }
  /// Shoppers so far (initial plus joined).
  uint32_t users() const { return static_cast<uint32_t>(shoppers_.size()); }
  const shopper& user(uint32_t u) const { return shoppers_[u]; }
  /// The daily-cycle factor of session arrivals at `ts` (mean 1).
  static double daily_cycle(int64_t ts);

 private:
  struct later {
    bool operator()(const sim_event& a, const sim_event& b) const { return a.ts > b.ts; }
  };
  struct due_return {
    int64_t ts;
    uint32_t user;
    std::vector<uint32_t> cart;
    bool operator>(const due_return& o) const { return ts > o.ts; }
  };
  /// A session due at a known time: a staple's re-buy or a mission's visit.
  enum class visit_kind : uint8_t { repurchase, mission };
  struct due_visit {
    int64_t ts;
    uint32_t user;
    visit_kind kind;
    bool operator>(const due_visit& o) const { return ts > o.ts; }
  };

  /// Adds a shopper who joins at `joined_ms`; returns its number.
  uint32_t add_user(int64_t joined_ms);
  /// The kinds of session start_session plans.
  enum class session_kind : uint8_t { browse, repurchase, cart_return, mission_visit };
  /// Plans one session of `u` starting at `ts` and queues its events.
  void start_session(uint32_t u, int64_t ts, session_kind kind);
  void plan_browse(shopper& s, sim_event& base, int64_t& t);
  /// A visit of the shopper's open mission: views in its category, and at
  /// the last visit a decision.
  void plan_mission_visit(shopper& s, sim_event& base, int64_t& t);
  /// An abandoned cart brings its shopper back with probability
  /// cart_return_rate.
  void maybe_return_for(const std::vector<uint32_t>& cart, uint32_t u, int64_t t);
  /// A return session for an abandoned cart: click and cart its items again.
  void plan_return(shopper& s, const std::vector<uint32_t>& cart, sim_event& base, int64_t& t);
  void plan_burst(sim_event& base, int64_t& t);
  void plan_checkout(shopper& s, const std::vector<uint32_t>& cart, sim_event& base, int64_t& t);
  uint32_t pick_item(const shopper& s);
  void emit(sim_event e) { pending_.push(e); }
  int64_t next_session_arrival(int64_t after);
  int64_t think_time();

  simulation_options opts_;
  std::mt19937_64 rng_;
  shop_catalog catalog_;
  std::vector<shopper> shoppers_;
  weighted_sampler by_activity_;
  std::priority_queue<sim_event, std::vector<sim_event>, later> pending_;
  std::priority_queue<due_visit, std::vector<due_visit>, std::greater<due_visit>> visits_;
  std::priority_queue<due_return, std::vector<due_return>, std::greater<due_return>> returns_;
  /// The abandoned cart a session being planned comes back for (empty: none).
  std::vector<uint32_t> returning_;
  int64_t next_arrival_ms_;
  int64_t next_join_ms_;
  uint32_t sessions_ = 0;
  /// Browse sessions still to skip: mission visits took their places.
  uint64_t owed_sessions_ = 0;
  uint32_t fresh_devices_ = 0;
};

}  // namespace persona::loadgen
