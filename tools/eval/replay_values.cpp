#include "tools/eval/replay_values.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace persona::eval {

value catalog_value(const dataset& d) {
  value::array items;
  for (size_t i = 0; i < d.item_names.size(); ++i) {
    if (d.categories[i].empty() && d.brands[i].empty())
      continue;
    value item{value::map{}};
    item.set("item", value{d.item_names[i]});
    if (!d.categories[i].empty()) {
      value::array cats;
      for (auto& c : d.categories[i])
        cats.emplace_back(c);
      item.set("category", value{std::move(cats)});
    }
    if (!d.brands[i].empty())
      item.set("brand", value{d.brands[i]});
    items.push_back(std::move(item));
  }
  return value{std::move(items)};
}

event to_event(const dataset& d, const interaction& x) {
  event e;
  e.user = d.user_names[x.user];
  e.item = d.item_names[x.item];
  e.ts = x.ts_ms;
  e.present =
      key_bit(event_key::user) | key_bit(event_key::type) | key_bit(event_key::ts) | key_bit(event_key::item);
  if (std::isnan(x.value)) {
    e.type = event_type::view;
  } else {
    e.type = event_type::rating;
    e.value = std::min(5.0, std::max(0.0, x.value));
    e.present |= key_bit(event_key::value);
  }
  return e;
}

value event_value(const dataset& d, const interaction& x) {
  value e{value::map{}};
  e.set("user", value{d.user_names[x.user]});
  e.set("item", value{d.item_names[x.item]});
  e.set("ts", value{x.ts_ms});
  if (std::isnan(x.value)) {
    e.set("type", value{"view"});
  } else {
    e.set("type", value{"rating"});
    e.set("value", value{std::min(5.0, std::max(0.0, x.value))});
  }
  return e;
}

value recommend_options(rec_strategy strategy, int64_t now_ms) {
  value options{value::map{}};
  options.set("strategy", value{std::string(to_string(strategy))});
  options.set("now", value{now_ms});
  return options;
}

std::vector<uint32_t> ranked_items(const dataset& d, const value& reply) {
  std::vector<uint32_t> ranked;
  for (auto& item : reply.find("items")->as_array()) {
    auto it = d.item_ids.find(item.find("item")->as_string());
    if (it != d.item_ids.end())
      ranked.push_back(it->second);
  }
  return ranked;
}

std::map<std::string, ranking_metrics> metrics_by_strategy(const evaluation_split& split, uint8_t phase,
                                                           const std::vector<rec_strategy>& strategies) {
  std::unordered_set<uint32_t> catalog;
  for (size_t i = 0; i < split.ordered.size(); ++i)
    if (split.role[i] < phase)
      catalog.insert(split.ordered[i].item);
  std::map<std::string, ranking_metrics> metrics;
  for (auto st : strategies)
    metrics.emplace(to_string(st), ranking_metrics(catalog.size()));
  return metrics;
}

}  // namespace persona::eval
