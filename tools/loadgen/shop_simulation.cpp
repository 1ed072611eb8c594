#include "tools/loadgen/shop_simulation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace persona::loadgen {

namespace {

constexpr int64_t hour_ms = 3600 * 1000;
constexpr int64_t day_ms = 24 * hour_ms;
constexpr double pi = 3.14159265358979323846;
/// The daily cycle's peak factor (see daily_cycle).
constexpr double peak_cycle = 1.7;

int64_t exponential_ms(std::mt19937_64& rng, double mean_ms) {
  return static_cast<int64_t>(std::exponential_distribution<double>(1.0 / mean_ms)(rng));
}

}  // namespace

double shop_simulation::daily_cycle(int64_t ts) {
  double hour = static_cast<double>(((ts % day_ms) + day_ms) % day_ms) / hour_ms;
  return 1.0 + 0.7 * std::cos(2 * pi * (hour - 20.0) / 24.0);
}

shop_simulation::shop_simulation(const simulation_options& o)
    : opts_(o), rng_(o.seed), catalog_(o.catalog, rng_) {
  opts_.users = std::max(1u, opts_.users);
  shoppers_.reserve(opts_.users);
  for (uint32_t u = 0; u < opts_.users; ++u)
    add_user(opts_.start_ms);
  next_arrival_ms_ = next_session_arrival(opts_.start_ms);
  next_join_ms_ = opts_.new_users_per_day > 0
                      ? opts_.start_ms + exponential_ms(rng_, day_ms / opts_.new_users_per_day)
                      : std::numeric_limits<int64_t>::max();
}

uint32_t shop_simulation::add_user(int64_t joined_ms) {
  auto u = static_cast<uint32_t>(shoppers_.size());
  shoppers_.push_back(shopper::make(catalog_, opts_.activity_alpha, rng_));
  auto& s = shoppers_.back();
  // Anomalous shoppers are spread evenly: every (1 / share)-th one, kinds in turn.
  if (opts_.anomalous_share > 0) {
    auto stride = static_cast<uint64_t>(std::max(1.0, std::round(1.0 / opts_.anomalous_share)));
    if (u % stride == stride / 2)
      s.anomaly = static_cast<anomaly_kind>(1 + (u / stride) % (anomaly_kind_count - 1));
  }
  // Anomalous shoppers are busy ones: their pattern shows within days.
  if (s.anomaly != anomaly_kind::none)
    s.activity = std::max(s.activity, 5.0);
  by_activity_.add(s.activity);
  if (s.cycle_days > 0) {
    double days = std::uniform_real_distribution<double>(0, s.cycle_days)(rng_);
    visits_.push({joined_ms + static_cast<int64_t>(days * day_ms), u, visit_kind::repurchase});
  }
  return u;
}

int64_t shop_simulation::next_session_arrival(int64_t after) {
  // Thinning: candidates at the peak rate, kept with probability cycle / peak.
  double per_ms = users() * opts_.sessions_per_user_day / day_ms * peak_cycle;
  double mean_gap = 1.0 / std::max(per_ms, 1e-12);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int64_t t = after;
  do {
    t += 1 + exponential_ms(rng_, mean_gap);
  } while (unit(rng_) * peak_cycle > daily_cycle(t));
  return t;
}

int64_t shop_simulation::think_time() {
  return 1000 + exponential_ms(rng_, 19000);
}

sim_event shop_simulation::next() {
  for (;;) {
    int64_t top = pending_.empty() ? std::numeric_limits<int64_t>::max() : pending_.top().ts;
    int64_t visit = visits_.empty() ? std::numeric_limits<int64_t>::max() : visits_.top().ts;
    int64_t back = returns_.empty() ? std::numeric_limits<int64_t>::max() : returns_.top().ts;
    int64_t soonest = std::min({next_arrival_ms_, next_join_ms_, visit, back});
    if (top < soonest) {
      auto e = pending_.top();
      pending_.pop();
      return e;
    }
    if (soonest == next_arrival_ms_) {
      // A mission's visit took the place of this session.
      if (owed_sessions_ > 0)
        --owed_sessions_;
      else
        start_session(by_activity_.draw(rng_), soonest, session_kind::browse);
      next_arrival_ms_ = next_session_arrival(soonest);
    } else if (soonest == next_join_ms_) {
      start_session(add_user(soonest), soonest, session_kind::browse);
      next_join_ms_ = soonest + 1 + exponential_ms(rng_, day_ms / opts_.new_users_per_day);
    } else if (soonest == back) {
      auto due = returns_.top();
      returns_.pop();
      returning_ = std::move(due.cart);
      start_session(due.user, due.ts, session_kind::cart_return);
      returning_.clear();
    } else {
      auto due = visits_.top();
      visits_.pop();
      if (due.kind == visit_kind::mission) {
        start_session(due.user, due.ts, session_kind::mission_visit);
        continue;
      }
      auto& s = shoppers_[due.user];
      start_session(due.user, due.ts, session_kind::repurchase);
      double noise = std::exp(std::normal_distribution<double>(0.0, 0.15)(rng_));
      visits_.push(
          {due.ts + static_cast<int64_t>(s.cycle_days * noise * day_ms), due.user, visit_kind::repurchase});
    }
  }
}

void shop_simulation::start_session(uint32_t u, int64_t ts, session_kind kind) {
  auto& s = shoppers_[u];
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (s.anomaly == anomaly_kind::night_purchases) {
    // Moved to a random time in the next 00:00-05:00 UTC.
    int64_t day = ts - ((ts % day_ms) + day_ms) % day_ms;
    int64_t night =
        ts - day < 5 * hour_ms ? ts : day + day_ms + static_cast<int64_t>(unit(rng_) * 4 * hour_ms);
    ts = std::max(ts, night);
  }
  sim_event base;
  base.user = u;
  base.session = ++sessions_;
  base.geo = s.geo;
  if (s.anomaly == anomaly_kind::new_devices) {
    base.device = 2000000000u + ++fresh_devices_;
    base.geo = static_cast<uint16_t>(50 + fresh_devices_ % 1000);
  } else {
    // Most sessions on the shopper's main device, one in five on a second.
    base.device = u * 2 + (s.sessions % 5 == 4 ? 1 : 0);
  }
  ++s.sessions;
  base.with_context = true;  // the first event of a session
  int64_t t = ts;
  if (kind == session_kind::repurchase) {
    base.item = s.staple;
    for (auto type : {event_type::view, event_type::add_to_cart}) {
      base.type = type;
      base.ts = t;
      emit(base);
      base.with_context = false;
      t += think_time();
    }
    if (unit(rng_) < 0.9)
      plan_checkout(s, {s.staple}, base, t);
    return;
  }
  if (kind == session_kind::cart_return) {
    plan_return(s, returning_, base, t);
  } else if (kind == session_kind::mission_visit) {
    plan_mission_visit(s, base, t);
  } else if (s.anomaly == anomaly_kind::burst && unit(rng_) < 0.5) {
    plan_burst(base, t);
  } else if (s.mission_visits_left == 0 && s.anomaly == anomaly_kind::none &&
             unit(rng_) < opts_.mission_rate) {
    // This session opens a mission: it is the mission's first visit.
    double r = unit(rng_);
    size_t k = 0;
    while (k + 1 < s.categories.size() && r >= s.category_weights[k]) {
      r -= s.category_weights[k];
      ++k;
    }
    s.mission_category = s.categories[k];
    double p = 1.0 / std::max(1.0, opts_.mission_visits);
    int more = 1 + std::geometric_distribution<int>(p)(rng_);
    s.mission_visits_left = static_cast<uint8_t>(std::min(1 + more, 20));
    plan_mission_visit(s, base, t);
  } else {
    plan_browse(s, base, t);
  }
}

uint32_t shop_simulation::pick_item(const shopper& s) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (unit(rng_) >= 0.6)
    return catalog_.popular_item(rng_);
  double r = unit(rng_);
  size_t k = 0;
  while (k + 1 < s.categories.size() && r >= s.category_weights[k]) {
    r -= s.category_weights[k];
    ++k;
  }
  uint32_t c = s.categories[k];
  if (k < s.brands.size() && catalog_.category_of_brand(s.brands[k]) == c && unit(rng_) < 0.4)
    return catalog_.item_of_brand(s.brands[k], rng_);
  return catalog_.item_in_category(c, rng_);
}

void shop_simulation::plan_browse(shopper& s, sim_event& base, int64_t& t) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto put = [&](event_type type, uint32_t item) {
    base.type = type;
    base.item = item;
    base.ts = t;
    emit(base);
    base.with_context = false;
    base.quantity = 1;
    base.rating = 0;
    t += think_time();
  };
  if (s.refund_due && s.last_purchase != no_item) {
    base.quantity = s.last_quantity;
    put(event_type::refund, s.last_purchase);
    s.refund_due = false;
  } else if (s.rating_due && s.last_purchase != no_item) {
    base.rating = static_cast<uint8_t>(
        std::clamp(std::lround(std::normal_distribution<double>(4.0, 1.0)(rng_)), 1L, 5L));
    put(event_type::rating, s.last_purchase);
    s.rating_due = false;
  }
  if (unit(rng_) < 0.15)
    put(event_type::login, no_item);
  if (unit(rng_) < 0.35) {
    base.query_category = static_cast<uint16_t>(s.categories[0]);
    put(event_type::search, no_item);
  }
  int views = 1 + static_cast<int>(std::geometric_distribution<int>(1.0 / 6)(rng_));
  views = std::min(views, 40);
  std::vector<uint32_t> cart;
  for (int v = 0; v < views; ++v) {
    uint32_t item = pick_item(s);
    put(event_type::view, item);
    if (unit(rng_) < 0.3) {
      put(event_type::click, item);
      if (unit(rng_) < 0.3) {
        put(event_type::add_to_cart, item);
        cart.push_back(item);
      }
    }
    if (!cart.empty() && unit(rng_) < 0.03) {
      put(event_type::remove_from_cart, cart.back());
      cart.pop_back();
    }
  }
  double checkout = s.anomaly == anomaly_kind::none ? opts_.checkout_rate : 0.9;
  if (cart.empty())
    return;
  if (unit(rng_) < checkout)
    plan_checkout(s, cart, base, t);
  else
    maybe_return_for(cart, base.user, t);
}

void shop_simulation::maybe_return_for(const std::vector<uint32_t>& cart, uint32_t u, int64_t t) {
  if (std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < opts_.cart_return_rate)
    returns_.push({t + 1 + exponential_ms(rng_, opts_.cart_return_hours * hour_ms), u, cart});
}

void shop_simulation::plan_mission_visit(shopper& s, sim_event& base, int64_t& t) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto put = [&](event_type type, uint32_t item) {
    base.type = type;
    base.item = item;
    base.ts = t;
    emit(base);
    base.with_context = false;
    t += think_time();
  };
  if (s.mission_visits_left > 0)
    --s.mission_visits_left;
  bool last = s.mission_visits_left == 0;
  if (unit(rng_) < 0.15)
    put(event_type::login, no_item);
  if (unit(rng_) < 0.6) {
    base.query_category = static_cast<uint16_t>(s.mission_category);
    put(event_type::search, no_item);
  }
  // Comparing options: mostly the mission's category, clicked more often
  // than in a browse; carts only when deciding.
  int views = std::min(40, 1 + static_cast<int>(std::geometric_distribution<int>(1.0 / 6)(rng_)));
  std::vector<uint32_t> cart;
  uint32_t considered = no_item;
  for (int v = 0; v < views; ++v) {
    bool in_mission = unit(rng_) < 0.8;
    uint32_t item = in_mission ? catalog_.item_in_category(s.mission_category, rng_) : pick_item(s);
    put(event_type::view, item);
    if (in_mission)
      considered = item;
    if (unit(rng_) < 0.4) {
      put(event_type::click, item);
      if (last && in_mission && unit(rng_) < 0.3) {
        put(event_type::add_to_cart, item);
        cart.push_back(item);
      }
    }
  }
  if (!last) {
    visits_.push(
        {t + 1 + exponential_ms(rng_, opts_.mission_gap_hours * hour_ms), base.user, visit_kind::mission});
    ++owed_sessions_;
    return;
  }
  // The decision: the shopper opens and carts the last option considered if
  // nothing else, then buys or leaves the cart.
  if (cart.empty() && considered != no_item) {
    put(event_type::click, considered);
    put(event_type::add_to_cart, considered);
    cart.push_back(considered);
  }
  if (cart.empty())
    return;
  if (unit(rng_) < opts_.mission_checkout_rate)
    plan_checkout(s, cart, base, t);
  else
    maybe_return_for(cart, base.user, t);
}

void shop_simulation::plan_return(shopper& s, const std::vector<uint32_t>& cart, sim_event& base,
                                  int64_t& t) {
  // The shopper follows a reminder to each item (a click), and carts it.
  for (uint32_t item : cart)
    for (auto type : {event_type::click, event_type::add_to_cart}) {
      base.type = type;
      base.item = item;
      base.ts = t;
      emit(base);
      base.with_context = false;
      t += think_time();
    }
  if (std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < opts_.return_checkout_rate)
    plan_checkout(s, cart, base, t);
}

void shop_simulation::plan_burst(sim_event& base, int64_t& t) {
  std::uniform_int_distribution<int> length(40, 80);
  std::uniform_int_distribution<int64_t> gap(200, 1000);
  int n = length(rng_);
  for (int i = 0; i < n; ++i) {
    base.type = i % 3 == 2 ? event_type::click : event_type::view;
    if (base.type == event_type::view)
      base.item = catalog_.popular_item(rng_);
    base.ts = t;
    emit(base);
    base.with_context = false;
    t += gap(rng_);
  }
}

void shop_simulation::plan_checkout(shopper& s, const std::vector<uint32_t>& cart, sim_event& base,
                                    int64_t& t) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (uint32_t item : cart) {
    base.type = event_type::purchase;
    base.item = item;
    base.ts = t;
    base.with_context = true;  // shops send the device with every order
    double r = unit(rng_);
    base.quantity = r < 0.85 ? 1 : r < 0.95 ? 2 : 3;
    if (s.anomaly == anomaly_kind::unusual_amount && s.purchases >= 3 && unit(rng_) < 0.5)
      base.quantity = static_cast<uint8_t>(std::uniform_int_distribution<int>(20, 40)(rng_));
    emit(base);
    s.purchases = static_cast<uint16_t>(std::min(60000, s.purchases + 1));
    s.last_purchase = item;
    s.last_quantity = base.quantity;
    s.rating_due = unit(rng_) < 0.2;
    s.refund_due = unit(rng_) < (s.anomaly == anomaly_kind::refunds ? 0.7 : 0.02);
    base.quantity = 1;
    t += 1000 + exponential_ms(rng_, 4000);
  }
  base.with_context = false;
}

}  // namespace persona::loadgen
