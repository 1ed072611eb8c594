#include "examples/workload.hpp"

#include <algorithm>
#include <cmath>

namespace persona {

workload::workload(workload_options o) : opts_(o), rng_(o.seed), clock_ms_(o.start_ms) {
  add_zipf(items_by_popularity_, opts_.items, opts_.zipf_s);
  if (opts_.user_skew > 0) {
    add_zipf(users_by_activity_, opts_.users, opts_.user_skew);
    user_rank_.resize(opts_.users);
    for (uint64_t u = 0; u < opts_.users; ++u)
      user_rank_[u] = u;
    std::shuffle(user_rank_.begin(), user_rank_.end(), rng_);
  }
  std::uniform_int_distribution<uint32_t> cat(0, opts_.categories - 1);
  std::uniform_int_distribution<uint32_t> brand(0, opts_.brands - 1);
  std::normal_distribution<double> noise(0.0, 0.6);
  for (uint64_t i = 0; i < opts_.items; ++i) {
    auto c = cat(rng_);
    item_category_.push_back(c);
    item_brand_.push_back(brand(rng_));
    // Log-normal prices whose median depends on the category (5 to 500).
    double median = 5.0 * std::pow(100.0, static_cast<double>(c) / std::max(1u, opts_.categories - 1));
    item_price_.push_back(std::round(median * std::exp(noise(rng_)) * 100) / 100);
  }
}

value workload::catalog() const {
  value::array items;
  items.reserve(opts_.items);
  for (uint64_t i = 0; i < opts_.items; ++i) {
    value m{value::map{}};
    m.set("item", value{item_id(i)});
    m.set("category", value{"cat" + std::to_string(item_category_[i])});
    m.set("brand", value{"brand" + std::to_string(item_brand_[i])});
    m.set("price", value{item_price_[i]});
    items.push_back(std::move(m));
  }
  return value{std::move(items)};
}

value workload::to_value(const event& e) {
  value m{value::map{}};
  m.set("user", value{e.user});
  m.set("type", value{to_string(e.type)});
  m.set("ts", value{e.ts});
  if (!e.item.empty())
    m.set("item", value{e.item});
  if (!e.query.empty())
    m.set("query", value{e.query});
  if (e.has(event_key::quantity))
    m.set("quantity", value{e.quantity});
  return m;
}

uint64_t workload::zipf_item() {
  return items_by_popularity_.draw(rng_);
}

uint64_t workload::pick_user() {
  if (users_by_activity_.size() == 0)
    return std::uniform_int_distribution<uint64_t>(0, opts_.users - 1)(rng_);
  return user_rank_[users_by_activity_.draw(rng_)];
}

event workload::next() {
  return next_for(pick_user());
}

event workload::next_for(uint64_t u) {
  event e;
  e.user = user_id(u);
  e.mark(event_key::user);
  clock_ms_ += std::uniform_int_distribution<int64_t>(0, 2 * opts_.step_ms)(rng_);
  e.ts = clock_ms_;
  e.mark(event_key::ts);
  int roll = std::uniform_int_distribution<int>(0, 99)(rng_);
  e.type = roll < 70   ? event_type::view
           : roll < 85 ? event_type::click
           : roll < 93 ? event_type::add_to_cart
           : roll < 97 ? event_type::purchase
                       : event_type::search;
  e.mark(event_key::type);
  if (e.type == event_type::search) {
    e.query = "cat" + std::to_string(std::uniform_int_distribution<uint32_t>(0, opts_.categories - 1)(rng_));
    e.mark(event_key::query);
    return e;
  }
  auto item = zipf_item();
  e.item = item_id(item);
  e.mark(event_key::item);
  if (e.type == event_type::purchase) {
    e.quantity = 1 + static_cast<int64_t>(std::uniform_int_distribution<int>(0, 9)(rng_) == 0);
    e.mark(event_key::quantity);
  }
  return e;
}

}  // namespace persona
